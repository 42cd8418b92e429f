"""Every night, the complaint model is retrained with the owner's corrections of the day (/complaint,
/notcomplaint, /不是, and the doubts let pass long enough to mean "not a complaint"), and the reason models with
the owner's /reason, after the tiers' recompute (03:30) and the store's care (04:00), when nobody writes.

Training takes about a second and holds no lock meanwhile; whether the new model replaces the one in use is
decided in handlers/complaint_detection.py and handlers/complaint_reasons.py (not worse on the frozen test split; the
reasons by no more than 1 in 100).
"""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.cron import CronTrigger

from core.context import Context
from core.registry import recurring
from handlers.complaint_detection import retrain, retrain_reasons
from handlers.complaints import settle_silent_doubts

HOUR, MINUTE = 4, 30


@recurring("complaint_training", trigger=lambda config: CronTrigger(hour=HOUR, minute=MINUTE, timezone=config.tz))
def retrain_nightly(ctx: Context, due_at: dt.datetime) -> None:
    settle_silent_doubts(ctx)
    retrain(ctx)
    retrain_reasons(ctx)
