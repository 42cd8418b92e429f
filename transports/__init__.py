"""Chat backends. Only modules here know a backend; the core sees the Transport protocol (core/transport.py)."""

from __future__ import annotations

from core.config import Config
from core.transport import Transport
from transports.console import Console


def make_transport(config: Config) -> Transport:
    if config.transport.kind == "console":
        return Console(config)
    from transports.wechaty import WechatyTransport  # imported only when used: wechaty is slow to import

    return WechatyTransport(config)
