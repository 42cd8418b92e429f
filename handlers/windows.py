"""When each kind of post may go out: the recommended windows of [windows] in config.toml, as rules.

Promotions (flash sale, member day) 08:00-09:00 and 20:00-22:00, light content 12:00-14:00, live-stream notices
19:00-22:00 on weekdays and 15:00-17:00 at weekends, by default. A post never goes out of its window: it is refused,
moved to the next window, or dropped and reported, never sent late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.config import Config
from core.timewords import clock_words

KINDS = ("flash_sale", "member_day", "light_content", "live_notice")
LABELS = {"flash_sale": "闪购", "member_day": "会员日", "light_content": "轻内容", "live_notice": "直播预告"}
SEARCH_DAYS = 8  # every window recurs within a week


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    def spoken(self) -> str:
        return f"{clock_words(self.start)}-{clock_words(self.end)}"


def ranges_on(config: Config, kind: str, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    windows = config.windows
    if kind in ("flash_sale", "member_day"):
        return windows.promotion
    if kind == "light_content":
        return windows.light_content
    return windows.live_notice_weekend if day.weekday() >= 5 else windows.live_notice_weekday


def windows_on(config: Config, kind: str, day: dt.date) -> list[Window]:
    tz = config.tz
    return [Window(dt.datetime.combine(day, start, tz), dt.datetime.combine(day, end, tz))
            for start, end in ranges_on(config, kind, day)]


def window_at(config: Config, kind: str, moment: dt.datetime) -> Window | None:
    """The window of this kind that contains the moment (its end excluded), if any."""
    return next((w for w in windows_on(config, kind, moment.date()) if w.start <= moment < w.end), None)


def next_window(config: Config, kind: str, after: dt.datetime, *, later_day: bool = False) -> Window:
    """The first window of this kind that is still open after the moment, or, with later_day, that opens on a
    later day than the moment's."""
    for offset in range(1 if later_day else 0, SEARCH_DAYS):
        for window in windows_on(config, kind, after.date() + dt.timedelta(days=offset)):
            if window.end > after:
                return window
    raise ValueError(f"no {kind} window in config")  # config requires at least one per kind


def describe(config: Config, kind: str, day: dt.date) -> str:
    return "、".join(f"{clock_words(start)}-{clock_words(end)}" for start, end in ranges_on(config, kind, day))
