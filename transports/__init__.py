"""Chat backends. Only modules here know a backend; the core sees the Transport protocol (core/transport.py)."""

from __future__ import annotations

from core.config import Config, ConfigError
from core.transport import Transport
from transports.console import Console


def make_transport(config: Config) -> Transport:
    if config.transport.kind == "console":
        return Console(config)
    raise ConfigError(f"transport.kind: {config.transport.kind!r} is not available in this build yet")
