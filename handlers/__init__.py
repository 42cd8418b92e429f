"""Chat features, one concern per module. Each registers itself with the decorators of core.registry."""

from handlers import admin, complaints, off_hours, response_nudges, welcome  # noqa: F401
