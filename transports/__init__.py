"""Chat backends. Only modules here know a backend; the core sees the Transport protocol (core/transport.py)."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from core.transport import Transport
from transports.console import Console
from transports.wecom_robot import RobotsAlone, WithRobots


def make_transport(config: Config, media_folder: Path) -> Transport:
    """The configured backend; pictures that come in are kept in media_folder, beside the store in use."""
    if config.transport.kind == "console":
        return Console(config, media_folder=media_folder)
    if config.transport.kind == "wecom":
        return RobotsAlone(config)
    from transports.wechaty import WechatyTransport  # imported only when used: wechaty is slow to import

    puppet = WechatyTransport(config, media_folder)
    return WithRobots(config, puppet) if config.wecom.keys() else puppet
