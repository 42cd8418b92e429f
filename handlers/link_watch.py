"""The owner never left in the dark: the WeChat link watched, and told through the owner robot of [wecom].

When the only way to tell the owner is WeChat itself, a dropped link or a logged-out account is learnt from a
customer. With an owner robot (a WeCom group robot in a staff group) the bot says it beside WeChat:
- the account logged out, at once; the link down (the service dropped, or never came up since the start) for more
  than `[wecom] alert_after_minutes`: one `link_alert`, saying since when, how many messages wait and what to do;
- back online after such an alert: one `link_back`, saying how long it was down.
Meanwhile the owner's complaint alerts and reminders go by the owner robot, marked as relayed (core/context.py,
and transports/wecom_robot.py for those queued before the drop): the one-hour follow-up still happens. Without an
owner robot nothing of this runs.

On robots alone ([transport] kind = "wecom") there is no link to watch; the owner robot gets the day's figures
instead (`robot_figures`, at 21:00), since the owner cannot ask for /status.
"""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.cron import CronTrigger

from core.clock import from_db, to_db
from core.config import Config
from core.context import Context
from core.events import Login, Logout
from core.registry import job, on_connection, on_start, recurring
from core.timewords import duration_words, moment_words
from handlers.campaigns import load_all, planned_post, target_rooms

MEMO = "link_watch"  # "down_since": the outage the owner was alerted about, until the link is back
CHECK_KEY = "link_watch:check"
FIGURES_AT = 21  # o'clock: the day's posts are out, the owner still reads
NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _watching(ctx: Context) -> bool:
    return ctx.config.transport.kind == "wechaty" and bool(ctx.config.wecom.owner_robot)


def _delay(ctx: Context) -> dt.timedelta:
    return dt.timedelta(minutes=ctx.config.wecom.alert_after_minutes)


@on_start
def watch_from_the_start(ctx: Context) -> None:
    """A link that never comes up after a start is down as well: checked once the alert's delay has passed."""
    if _watching(ctx) and not ctx.is_scheduled(CHECK_KEY):
        check_link.schedule(ctx, ctx.now + _delay(ctx), key=CHECK_KEY, started=to_db(ctx.now))


@on_connection
def link_changed(ctx: Context, event: Login | Logout) -> None:
    if not _watching(ctx):
        return
    match event:
        case Logout(logged_out=logged_out) if logged_out or not ctx.is_scheduled(CHECK_KEY):
            # logged out, someone must scan a code: no reason to wait; a drop may mend itself within the delay
            check_link.schedule(ctx, ctx.now if logged_out else ctx.now + _delay(ctx), key=CHECK_KEY, started=None,
                                logged_out=logged_out)
        case Login():
            ctx.cancel_all(CHECK_KEY)
            if down_since := ctx.memo(MEMO).get("down_since"):
                ctx.memo(MEMO).forget("down_since")
                ctx.tell_owner_robot("link_back", "link_back", back_at=ctx.now,
                                     down_for=duration_words(ctx.now - from_db(down_since, ctx.config.tz)))


@job("link_check")
def check_link(ctx: Context, payload: dict) -> None:
    """Still down: alert the owner robot, once per outage."""
    connection = ctx.connection()
    started = from_db(payload["started"], ctx.config.tz) if payload.get("started") else None
    if connection and connection["online"] and (started is None or connection["since"] >= started):
        return  # online (in this run, when the check is the start's)
    memo = ctx.memo(MEMO)
    if memo.get("down_since"):
        return  # alerted already: the link has not come back since
    since = connection["since"] if connection and not connection["online"] else started or ctx.now
    memo.set("down_since", to_db(since))
    ctx.tell_owner_robot("link_alert", "link_alert", since=since, waiting=ctx.queued_count(),
                         logged_out=payload.get("logged_out", False))


def _robots_alone(config: Config) -> bool:
    return config.transport.kind == "wecom" and bool(config.wecom.owner_robot)


def _figures_trigger(config: Config) -> CronTrigger:
    """Daily on robots alone; never otherwise (a trigger that ended before it began)."""
    return CronTrigger(hour=FIGURES_AT, minute=0, timezone=config.tz, end_date=None if _robots_alone(config) else NEVER)


@recurring("robot_figures", trigger=_figures_trigger)
def send_figures(ctx: Context, due_at: dt.datetime) -> None:
    """The figures /status would give, for an owner who cannot ask: sends, waiting, the next posts."""
    if not _robots_alone(ctx.config):  # a timer left from a run on robots alone: the owner can ask /status now
        return
    midnight = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
    planned = sorted(((at, c) for c in load_all(ctx.db) if (at := planned_post(ctx, c))), key=lambda pair: pair[0])
    campaigns = [{"title": c.title, "at": moment_words(at, ctx.now), "rooms": len(target_rooms(ctx, c))}
                 for at, c in planned]
    ctx.tell_owner("robot_figures", "robot_figures", now=f"{ctx.now:%Y-%m-%d %H:%M}",
                   sent_today=ctx.sent_since(midnight), queued=ctx.queued_count(),
                   campaigns=campaigns, robots=len(ctx.config.wecom.group_robots))
