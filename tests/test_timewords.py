"""Times and durations in words: what the owner reads instead of raw minutes and negative counts."""

import datetime as dt

import pytest

from core.timewords import date_words, duration_words, moment_words, remaining_words
from tests.conftest import SHANGHAI, at, replay_events, say, shop

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize("span, words", [
    (dt.timedelta(seconds=30), "不到1分钟"),
    (dt.timedelta(minutes=45), "45分钟"),
    (dt.timedelta(minutes=59, seconds=59), "59分钟"),
    (dt.timedelta(minutes=60), "1小时"),
    (dt.timedelta(minutes=80), "1小时20分钟"),
    (dt.timedelta(minutes=1500), "1天1小时"),
    (dt.timedelta(days=1, hours=2, minutes=40), "1天2小时"),
    (dt.timedelta(days=3), "3天"),
    (dt.timedelta(minutes=-90), "1小时30分钟"),
])
def test_a_duration_in_the_two_units_that_matter(span, words):
    assert duration_words(span) == words


@pytest.mark.parametrize("deadline, words", [
    ("2026-11-25 11:20", "还剩1小时20分钟"),
    ("2026-11-25 11:00", "还剩1小时"),
    ("2026-11-25 10:00", "已到期"),
    ("2026-11-25 09:50", "已超时10分钟"),
    ("2026-11-25 08:00", "已超时2小时"),
    ("2026-11-24 08:00", "已超时1天2小时"),
])
def test_the_time_left_before_a_deadline_and_after_it_never_negative(deadline, words):
    assert remaining_words(local(deadline), NOW) == words


@pytest.mark.parametrize("moment, words", [
    ("2026-11-25 10:00", "今天10:00"),
    ("2026-11-25 08:05", "今天8:05"),
    ("2026-11-26 09:00", "明天9:00"),
    ("2026-11-24 20:00", "昨天20:00"),
    ("2026-11-27 20:00", "周五20:00"),
    ("2026-11-29 15:30", "周日15:30"),
    ("2026-11-30 09:00", "下周一9:00"),
    ("2026-12-01 09:00", "下周二9:00"),
    ("2026-12-02 10:00", "12月2日10:00"),  # a week away: the weekday alone would be today's
    ("2026-11-20 20:00", "11月20日20:00"),
    ("2027-01-08 20:00", "2027年1月8日20:00"),
])
def test_a_moment_by_its_day_in_words(moment, words):
    assert moment_words(local(moment), NOW) == words


def test_days_are_counted_by_the_calendar_across_midnight():
    late = local("2026-11-25 23:30")
    assert moment_words(local("2026-11-26 00:30"), late) == "明天0:30"
    assert moment_words(local("2026-11-25 23:59"), late) == "今天23:59"
    saturday = local("2026-11-28 22:00")
    assert moment_words(local("2026-12-04 20:00"), saturday) == "下周五20:00"


def test_a_moment_stored_in_utc_is_said_in_the_shops_time():
    assert moment_words(local("2026-11-26 09:00").astimezone(dt.timezone.utc), NOW) == "明天9:00"


def test_a_date_carries_its_year_only_when_it_is_another_year():
    assert date_words(dt.date(2026, 11, 18), NOW.date()) == "11月18日"
    assert date_words(dt.date(2025, 12, 31), NOW.date()) == "2025年12月31日"


def test_a_response_nudge_says_when_the_question_came_and_how_long_it_has_waited_in_words():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "请问我的快递到哪了？")], until="2026-11-25 11:00")
    nudge = next(m["text"] for m in sent if m["kind"] == "response_nudge")
    assert "小王在「普通会员群」今天10:00问" in nudge and nudge.endswith("已等15分钟。")


def test_a_nudge_held_over_an_outage_counts_hours_not_minutes(tmp_path):
    db_path = tmp_path / "store.db"
    replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "请问我的快递到哪了？")], until="2026-11-25 10:05", db_path=db_path)
    sent = replay_events([{"at": at("2026-11-25 12:10"), "type": "tick"}], until="2026-11-25 12:30", db_path=db_path)
    assert next(m["text"] for m in sent if m["kind"] == "response_nudge").endswith("已等2小时10分钟。")
