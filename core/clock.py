"""Where the core gets the time from.

The core never calls datetime.now() itself: live runs read the system clock, replays and tests a virtual clock
that only moves when told to, so that "20:00 on a Friday" is reached in microseconds and never by sleeping.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class SystemClock:
    """Real time; `starting_at` shifts it, so that a live run can start at, say, 23:00 and tick on from there
    (`bot.py run --pretend-time`: to try the off-hours behaviour, and for the end-to-end tests)."""

    def __init__(self, tz: ZoneInfo, starting_at: dt.datetime | None = None):
        self.tz = tz
        self._shift = starting_at - dt.datetime.now(tz) if starting_at else dt.timedelta(0)

    def now(self) -> dt.datetime:
        """Now in the shop's time zone, shifted by `--pretend-time` if it was given."""
        return dt.datetime.now(self.tz) + self._shift


class VirtualClock:
    """A clock that stands still until set; it refuses to go backwards, as real time does."""

    def __init__(self, start: dt.datetime, tz: ZoneInfo):
        self.tz = tz
        self._now = start.astimezone(tz)

    def now(self) -> dt.datetime:
        """The moment the clock was last set to: it never moves by itself."""
        return self._now

    def set(self, moment: dt.datetime) -> None:
        """Move the clock on to `moment`, as a replay or a test steps through time; ValueError if it is earlier."""
        if moment < self._now:
            raise ValueError(f"the clock cannot go back from {self._now.isoformat()} to {moment.isoformat()}")
        self._now = moment.astimezone(self.tz)


Clock = SystemClock | VirtualClock


def to_db(moment: dt.datetime) -> str:
    """Store times in UTC with a fixed format, so that SQL can compare them as text."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def from_db(text: str, tz: ZoneInfo) -> dt.datetime:
    """A time stored by to_db, back in the shop's time zone."""
    return dt.datetime.fromisoformat(text).astimezone(tz)
