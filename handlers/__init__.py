"""Chat features, one concern per module. Each registers itself with the decorators of core.registry."""

from handlers import (  # noqa: F401
    admin,
    campaign_commands,
    campaigns,
    complaints,
    off_hours,
    orders,
    outbox_report,
    response_nudges,
    shop_stats,
    tiers,
    welcome,
)
