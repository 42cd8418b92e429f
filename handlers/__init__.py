"""Chat features, one concern per module. Each registers itself with the decorators of core.registry."""

from handlers import admin, complaints, off_hours, orders, response_nudges, shop_stats, tiers, welcome  # noqa: F401
