"""Times and durations as the owner and the members say them: "明天9:00", "1小时20分钟", "已超时2小时".

Every text that shows a time or a duration goes through here, so that the bot speaks in one style: a moment by
its day in words (今天, 明天, 周五, 下周一, or the date beyond a week) and its clock without a leading zero; a
duration in the two largest units that matter. Raw minutes ("1,500 分钟") and negative counts never reach a text.
"""

from __future__ import annotations

import datetime as dt

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MINUTES_A_DAY = 24 * 60


def clock_words(moment: dt.datetime | dt.time) -> str:
    """'9:00', '20:30': the hour as people write it, without a leading zero."""
    return f"{moment.hour}:{moment.minute:02d}"


def date_words(day: dt.date, today: dt.date) -> str:
    """'11月18日', with the year only when it is not this year's."""
    return f"{day.month}月{day.day}日" if day.year == today.year else f"{day.year}年{day.month}月{day.day}日"


def moment_words(moment: dt.datetime, now: dt.datetime) -> str:
    """A moment near now, as a person says it: '今天9:00', '明天9:00', '周五20:00' (this week), '下周一9:00',
    '昨天20:00', or '12月3日10:00' a week or more away. Days are counted by the calendar, not in 24 hours."""
    moment = moment.astimezone(now.tzinfo)
    days = (moment.date() - now.date()).days
    clock = clock_words(moment)
    if days in (-1, 0, 1):
        return ("昨天", "今天", "明天")[days + 1] + clock
    if 1 < days < 7:
        next_week = moment.weekday() <= now.weekday()  # the weekday's name alone would point back into this week
        return f"{'下' if next_week else ''}{WEEKDAY_NAMES[moment.weekday()]}{clock}"
    return date_words(moment.date(), now.date()) + clock


def duration_words(span: dt.timedelta) -> str:
    """'45分钟', '1小时', '1小时20分钟', '3天', '1天2小时'; under a minute is '不到1分钟'. Whole minutes, rounded
    down; a span of days leaves out the minutes, which nobody counts at that scale."""
    minutes = int(abs(span).total_seconds() // 60)
    if minutes < 1:
        return "不到1分钟"
    days, minutes = divmod(minutes, MINUTES_A_DAY)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天" + (f"{hours}小时" if hours else "")
    if hours:
        return f"{hours}小时" + (f"{minutes}分钟" if minutes else "")
    return f"{minutes}分钟"


def remaining_words(deadline: dt.datetime, now: dt.datetime) -> str:
    """'还剩1小时20分钟' before a deadline, '已超时2小时' after it, '已到期' within the minute after it."""
    if deadline > now:
        return f"还剩{duration_words(deadline - now)}"
    if now - deadline < dt.timedelta(minutes=1):
        return "已到期"
    return f"已超时{duration_words(now - deadline)}"


def ago_words(then: dt.datetime, now: dt.datetime) -> str:
    """How long ago, as a person says it: 刚刚, 5分钟前, 2小时前, 3天前 (the largest unit only)."""
    seconds = (now - then).total_seconds()
    for unit, words in ((86_400, "天"), (3_600, "小时"), (60, "分钟")):
        if seconds >= unit:
            return f"{int(seconds // unit)}{words}前"
    return "刚刚"
