"""What did not go out reaches the owner as one short summary, and /skipped pages through all of it."""

import asyncio
import datetime as dt
import io
import json
import re

from core.context import Context
from core.events import ContactSeen, Message, RoomSeen
from tests.conftest import OWNER
from tests.test_outbox import drain, moment
from transports.replay import replay

MEMBERS = 300


def down_for_days_with_hundreds_of_questions(assistant_at, db_path):
    """Hundreds of members ask at night; the bot goes down before answering and comes back days later."""
    before = assistant_at("2026-11-25T23:00", db_path=db_path)
    for n in range(MEMBERS):
        before.handle(ContactSeen(f"wxid_m{n}", f"会员{n}"))
        before.handle(Message(f"wxid_m{n}", f"请问第{n}号订单什么时候发货？我等了好久了，麻烦尽快回复一下谢谢"))
    before.db.close()
    return assistant_at("2026-11-28T10:00", db_path=db_path)


def test_after_days_down_the_owner_gets_one_short_report_naming_members_and_what_they_asked(assistant_at, tmp_path):
    sent = drain(down_for_days_with_hundreds_of_questions(assistant_at, tmp_path / "store.db"))
    reports = [m for m in sent if m["kind"] == "outbox_report"]
    assert len(reports) == 1 and reports[0]["to"] == OWNER
    text = reports[0]["text"]
    assert len(text) < 2000, len(text)
    assert f"{MEMBERS} 条" in text and "下班自动回复" in text and "2天前" in text
    asked = "请问第299号订单什么时候发货？我等了好久了，麻烦尽快回复一下谢谢"
    assert "会员299" in text and f"针对“{asked[:30]}…”" in text and asked[:31] not in text
    assert f"另有 {MEMBERS - 10} 条：发 /skipped 查看全部" in text
    assert "off_hours_reply" not in [m["kind"] for m in sent], "none of them sent days late"


def owner_asks(assistant, text: str) -> str:
    out = io.StringIO()
    assistant.handle(Message(OWNER, text))
    asyncio.run(replay(assistant, assistant.clock, [], None, out))
    # after the drain the minute's sends are spent: the owner may first be told to wait ("稍等…"), then answered
    replies = [m for m in map(json.loads, out.getvalue().splitlines()) if m["kind"] != "please_wait"]
    assert [m["kind"] for m in replies] == ["command_reply"]
    return replies[0]["text"]


def test_skipped_pages_through_every_message_given_up_newest_first(assistant_at, tmp_path):
    assistant = down_for_days_with_hundreds_of_questions(assistant_at, tmp_path / "store.db")
    drain(assistant)
    first = owner_asks(assistant, "/skipped")
    assert f"共 {MEMBERS} 条（第 1/30 页" in first and "会员299" in first and "下一页：/skipped 2" in first
    second = owner_asks(assistant, "/skipped 2")
    assert "第 2/30 页" in second and "会员289" in second and "会员290" not in second and "会员279" not in second
    assert all(len(page) < 2000 for page in (first, second))
    assert "没有第 31 页" in owner_asks(assistant, "/未发出 31")
    assert "页码要写 1 到 100000 之间的整数，现在是“第二页”" in owner_asks(assistant, "/skipped 第二页")


def test_skipped_says_so_when_everything_went_out(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    assert "没有未发出的消息" in owner_asks(assistant, "/skipped")


def test_a_group_post_and_a_reply_in_a_group_name_the_group_and_the_member(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T10:00", db_path=db_path)
    before.handle(ContactSeen("wxid_a", "小王"))
    before.handle(RoomSeen("r1@chatroom", "普通会员群", ("wxid_a",)))
    before.handle(Message("wxid_a", "收到的杯子是碎的，太差了", "r1@chatroom"))
    before.db.close()
    sent = drain(assistant_at("2026-11-25T12:00", db_path=db_path))
    report = next(m["text"] for m in sent if m["kind"] == "outbox_report")
    assert "普通会员群·小王，投诉回复" in report and "针对“收到的杯子是碎的，太差了”" in report and "2小时前" in report


def test_under_a_flood_the_owner_gets_at_most_one_report_an_hour_counting_everything_given_up(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    room = bot.room_id("普通会员群")
    for minute in range(150):  # ten answers a minute to one group, for two and a half hours: six a minute go out
        ctx = Context(bot.assistant)
        for n in range(10):
            ctx.say("faq_answer", "command_error", room=room, to=bot.ids["小王"], problem=f"{minute}-{n}", usage="/help",
                    expires_at=ctx.now + dt.timedelta(minutes=1))
        bot.advance(minutes=1)
    bot.advance(hours=2)
    reports = bot.sent(kind="outbox_report")
    times = [dt.datetime.fromisoformat(report["at"]) for report in reports]
    assert 2 <= len(reports) <= 4 and all(b - a >= dt.timedelta(hours=1) for a, b in zip(times, times[1:])), times
    given_up = bot.assistant.db.execute("SELECT count(*) FROM outbox WHERE status = 'expired'").fetchone()[0]
    told = [int(re.search(r"有 (\d+) 条消息没有发出", report["text"])[1]) for report in reports]
    assert given_up > 300 and sum(told) == given_up, "every message given up is counted once, in one report or another"
    assert all(len(report["text"]) < 2000 for report in reports), "ten listed, the rest counted"
    assert all("发 /skipped 查看全部" in report["text"] for report, count in zip(reports, told) if count > 10), told
