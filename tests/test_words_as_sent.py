"""Time words the owner reads are true when the message goes out, not when it was queued: each message here waits
behind a backlog of the owner's own answers (their lane goes first, six a minute), and its words are checked
against the moment it was sent."""

import datetime as dt

from core.timewords import moment_words, remaining_words
from tests.conftest import SHANGHAI

COMPLAINT = "买的杯子收到就是碎的，质量太差了，我要投诉！"
BACKLOG = 18  # the owner's answers queued at once: three minutes at six a minute


def sent_at(message: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(message["at"]).astimezone(SHANGHAI)


def backlog(bot) -> None:
    """The owner types many commands at once: their answers go first, and what is queued now waits minutes."""
    for _ in range(BACKLOG):
        bot.owner.says("/campaigns")


def test_the_reminder_says_the_time_left_when_it_goes_out_not_when_it_was_queued(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance_to("2026-11-25 10:44")
    backlog(bot)
    bot.advance(minutes=10)
    reminder, = bot.sent(kind="complaint_reminder")
    assert sent_at(reminder) >= dt.datetime(2026, 11, 25, 10, 47, tzinfo=SHANGHAI), "no backlog to wait behind"
    deadline = dt.datetime(2026, 11, 25, 11, 0, tzinfo=SHANGHAI)
    assert f"{remaining_words(deadline, sent_at(reminder))}（今天11:00到期）" in reminder["text"], reminder["text"]
    assert "还剩15分钟" not in reminder["text"]


def test_the_overdue_flag_says_how_late_as_it_goes_out(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance_to("2026-11-25 10:59")
    backlog(bot)
    bot.advance(minutes=10)
    overdue, = bot.sent(kind="complaint_overdue")
    assert sent_at(overdue) >= dt.datetime(2026, 11, 25, 11, 2, tzinfo=SHANGHAI), "no backlog to wait behind"
    late = remaining_words(dt.datetime(2026, 11, 25, 11, 0, tzinfo=SHANGHAI), sent_at(overdue))
    assert late.startswith("已超时") and f"期限是今天11:00，{late}，仍未跟进" in overdue["text"], overdue["text"]


def test_a_night_complaints_alert_sent_after_midnight_names_the_deadline_as_today(shop_bot):
    bot = shop_bot("2026-11-25 23:58")  # Wednesday night: the hour starts at Thursday's opening, 9:00
    backlog(bot)
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=10)
    alert, = bot.sent(kind="complaint_alert")
    assert sent_at(alert).date() == dt.date(2026, 11, 26), "the alert should wait past midnight"
    assert "请在今天10:00前联系顾客" in alert["text"], alert["text"]


def test_the_open_complaints_list_says_the_time_left_as_it_goes_out(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance_to("2026-11-25 10:30")
    backlog(bot)
    bot.owner.says("/complaints")
    bot.advance(minutes=10)
    listing = next(m for m in bot.sent(kind="command_reply") if "未结投诉" in m["text"])
    assert sent_at(listing) >= dt.datetime(2026, 11, 25, 10, 33, tzinfo=SHANGHAI), "no backlog to wait behind"
    deadline = dt.datetime(2026, 11, 25, 11, 0, tzinfo=SHANGHAI)
    assert remaining_words(deadline, sent_at(listing)) in listing["text"], listing["text"]


def test_a_campaign_notice_sent_after_midnight_says_its_days_as_of_then(shop_bot, tmp_path):
    """Down through Friday's flash sale, back at 23:59: the notice of the skipped posts waits behind the owner's
    answers into Saturday, and says the sale was yesterday and the next one next Friday."""
    db_path = tmp_path / "store.db"
    shop_bot("2026-11-27 18:00", db_path=db_path).advance(hours=1)
    bot = shop_bot("2026-11-27 23:59:30", db_path=db_path)
    backlog(bot)
    bot.advance(minutes=10)
    notice = next(m for m in bot.sent(kind="campaign_notice") if "闪购日" in m["text"])
    now = sent_at(notice)
    assert now.date() == dt.date(2026, 11, 28), "the notice should wait past midnight"
    planned = moment_words(dt.datetime(2026, 11, 27, 20, 0, tzinfo=SHANGHAI), now)
    following = moment_words(dt.datetime(2026, 12, 4, 20, 0, tzinfo=SHANGHAI), now)
    assert (planned, following) == ("昨天20:00", "下周五20:00")
    assert f"原定 {planned} 的推送" in notice["text"] and f"下次推送 {following}" in notice["text"], notice["text"]
