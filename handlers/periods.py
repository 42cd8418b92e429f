"""The days a message's figures are counted over: one definition for its words and its chart alike.

A period is whole local days, from the midnight starting its first day to the midnight ending its last. The
weekly review's week is the seven whole days before the review's day (its own morning is not a day yet, and goes
to next week's review); `/stats 30d` and `/complaints week` count the last days up to now, today included. Every
count of one message (complaints, orders, group messages, FAQ answers) and its chart take the same Period, so the
text and the picture cannot disagree on what "the week" was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.clock import to_db
from core.context import Context
from core.timewords import date_words


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    tz: ZoneInfo

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def start(self) -> str:
        """The first day's midnight, as stored (core.clock.to_db): `start <= at < end` is in the period."""
        return self._midnight(self.first)

    @property
    def end(self) -> str:
        """The midnight after the last day, as stored."""
        return self._midnight(self.last + dt.timedelta(days=1))

    def day_spans(self) -> list[tuple[str, str]]:
        """(start, end) of each day, as stored: a chart's figures per day."""
        return [(self._midnight(day), self._midnight(day + dt.timedelta(days=1))) for day in self.days]

    def words(self, today: dt.date) -> dict:
        """{"since", "until"}: its first and last day as the owner reads them ('11月30日', '12月6日')."""
        return {"since": date_words(self.first, today), "until": date_words(self.last, today)}

    def _midnight(self, day: dt.date) -> str:
        return to_db(dt.datetime.combine(day, dt.time(), tzinfo=self.tz))


def last_days(ctx: Context, days: int) -> Period:
    """The last `days` local days up to now, today included."""
    today = ctx.now.astimezone(ctx.config.tz).date()
    return Period(today - dt.timedelta(days=days - 1), today, ctx.config.tz)


def days_before_today(ctx: Context, days: int) -> Period:
    """The `days` whole local days before today: the weekly review's week."""
    today = ctx.now.astimezone(ctx.config.tz).date()
    return Period(today - dt.timedelta(days=days), today - dt.timedelta(days=1), ctx.config.tz)
