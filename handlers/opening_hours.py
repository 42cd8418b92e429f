"""When the shop's customer service is open, and when it opens next.

Weekly hours come from [working_hours]; China's public holidays close the shop and their make-up workdays (调休)
open it, as the chinesecalendar package knows them. That package only knows the years already announced, so for
a later year the bot falls back to the weekly hours (plus the dates the owner lists) and says so in the log once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import chinese_calendar

from core.config import WEEKDAYS, Config
from core.rules import rule

log = logging.getLogger(__name__)

SEARCH_DAYS = 60  # a shop closed for longer than this has no "next opening" worth promising


@functools.cache
def _warn_unknown_year(year: int) -> None:
    log.warning(
        "public holidays of %s are not known to chinesecalendar %s: using the weekly hours; "
        "list that year's holidays and make-up workdays under [working_hours] in config.toml",
        year,
        chinese_calendar.__version__,
    )


@functools.lru_cache(maxsize=512)  # asked for every message; the calendar's own lookup is slow by comparison
def _public_day(day: dt.date) -> str | None:
    """'holiday', 'make_up_workday', or None for an ordinary day (or a year the calendar does not know)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return None
    if name is None:
        return None
    return "holiday" if is_holiday else "make_up_workday"


def hours_on(config: Config, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The opening hours on a date, or None when the shop is closed all day."""
    hours = config.working_hours
    if day in hours.holidays:
        return None
    if day in hours.make_up_workdays:
        return hours.make_up_workday_hours
    public = _public_day(day) if hours.follow_public_holidays else None
    if public == "holiday":
        return None
    if public == "make_up_workday":
        return hours.make_up_workday_hours
    return getattr(hours, WEEKDAYS[day.weekday()])


def is_open(config: Config, moment: dt.datetime) -> bool:
    local = moment.astimezone(config.tz)
    hours = hours_on(config, local.date())
    return hours is not None and hours[0] <= local.time() < hours[1]


@rule
def shop_open(ctx, event) -> bool:
    """In working hours now (a rule for handlers: core/rules.py)."""
    return is_open(ctx.config, ctx.now)


def next_opening(config: Config, moment: dt.datetime) -> dt.datetime | None:
    """The first opening time after `moment`, or None if the shop stays closed for SEARCH_DAYS."""
    local = moment.astimezone(config.tz)
    for offset in range(SEARCH_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        hours = hours_on(config, day)
        if hours is not None and (offset > 0 or hours[0] > local.time()):
            return dt.datetime.combine(day, hours[0], tzinfo=config.tz)
    return None

