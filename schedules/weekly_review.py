"""The owner's weekly review, on the day and at the time [service] in config.toml gives: complaints, and the
shop's figures of the week (tiers, buyers, repeat purchases month by month), what the week's campaign posts
earned (the best and the worst, and the month's best time to post), and the FAQ's: what it answered, what waited.
Then, in a message of its own, the members slipping away, for the owner to reach personally."""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.cron import CronTrigger

from core import history
from core.context import Context
from core.registry import recurring
from handlers import campaign_questions, campaign_results, faq, slipping
from handlers.charts import chart_picture
from handlers.complaints import week_figures
from handlers.periods import days_before_today
from handlers.shop_stats import shop_figures

WEEK_DAYS = 7


def _weekly(config) -> CronTrigger:
    at = config.service.weekly_review_time
    return CronTrigger(day_of_week=config.service.weekly_review_day[:3], hour=at.hour, minute=at.minute, timezone=config.tz)


@recurring("weekly_review", trigger=_weekly)
def send_weekly_review(ctx: Context, due_at: dt.datetime) -> None:
    """The week's figures in words and its chart, both over the seven whole days before the review's day (its
    own morning is not a day yet: it is next week's). None for a week the bot did not see a moment of: installed on
    a Monday morning, an owner got a review of the week before, all zeros, half an hour later."""
    week = days_before_today(ctx, WEEK_DAYS)
    if not history.watched_before(ctx.db, week.end):
        return
    posted, posts = campaign_results.for_review(ctx, week)
    ctx.tell_owner("weekly_review", "weekly_review", **week_figures(ctx, week), **shop_figures(ctx, week), **posted,
                   **faq.week_figures(ctx, week), **campaign_questions.week_figures(ctx, week),
                   image=chart_picture(ctx, week, posts=posts))
    slipping.tell_owner_weekly(ctx)
