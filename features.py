"""The features this bot runs: the modules of handlers/ and schedules/, gathered into the Registry the core is given.

Adding a feature: write its module with the decorators of core/registry.py, and list it here. A test that needs
only some features builds its own Registry.collect([...]).
"""

from __future__ import annotations

from core.registry import Registry
from handlers import (
    admin,
    campaign_commands,
    campaign_questions,
    campaigns,
    complaint_detection,
    complaints,
    faq,
    link_watch,
    off_hours,
    order_files,
    orders,
    outbox_report,
    response_nudges,
    second_opinion,
    shop_stats,
    slipping,
    spam,
    tiers,
    welcome,
)
from schedules import complaint_training, maintenance, weekly_review

MODULES = (
    admin, campaign_commands, campaign_questions, campaigns, complaint_detection, complaints, faq, link_watch,
    off_hours, order_files, orders, outbox_report, response_nudges, second_opinion, shop_stats, slipping, spam, tiers,
    welcome, complaint_training, maintenance, weekly_review,
)


def load() -> Registry:
    return Registry.collect(MODULES)
