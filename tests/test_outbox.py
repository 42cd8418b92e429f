"""The outbox paces what the bot sends so that the account is not banned, never drops what waits, gives up on
what is no longer timely (and tells the owner), and loses or repeats nothing across a restart."""

import asyncio
import datetime as dt
import io
import json
import subprocess
import sys
import textwrap

from core.context import Context
from core.events import ContactSeen, Login, Message, RoomSeen
from core.text import excerpt
from core.transport import DeliveryUncertain, SendRefused, TransportUnavailable
from transports.replay import replay
from tests.conftest import BOT, OWNER, ROOT, SHANGHAI, at, replay_events, run_bot, shop


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def queue(assistant, chats: list[str], **options) -> None:
    """Queue one short message per chat given (rooms end in @chatroom, anything else is a private chat)."""
    ctx = Context(assistant)
    for n, chat in enumerate(chats):
        where = {"room": chat} if chat.endswith("@chatroom") else {"to": chat}
        ctx.say("command_reply", "command_error", problem=f"第{n}条", usage="/help", **where, **options)


def drain(assistant, until: str | None = None) -> list[dict]:
    out = io.StringIO()
    asyncio.run(replay(assistant, assistant.clock, [], moment(until) if until else None, out))
    return [json.loads(line) for line in out.getvalue().splitlines()]


def sent_times(sent: list[dict]) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(m["at"]) for m in sent]


def test_messages_to_one_chat_are_spaced_and_the_account_stays_under_its_minute_limit(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom"] * 14)
    sent = drain(assistant)
    times = sent_times(sent)
    assert len(sent) == 14, "nothing is dropped"
    assert [m["text"] for m in sent] == [f"抱歉，第{n}条。用法：/help" for n in range(14)], "first queued, first sent"
    assert all(b - a >= dt.timedelta(seconds=3) for a, b in zip(times, times[1:]))
    for start in times:
        assert sum(start <= t < start + dt.timedelta(minutes=1) for t in times) <= 6
    assert times[0] == moment("2026-11-25T10:00"), "the first message goes at once"


def test_switching_chats_pauses_three_to_five_seconds(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom", "r2@chatroom", "wxid_a", "r1@chatroom"])
    times = sent_times(drain(assistant))
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert all(3 <= gap <= 6 for gap in gaps), gaps  # a random 3-5 s pause, rounded up to the second
    assert len(set(gaps)) > 1, "the pause varies, as a person's would"


def test_the_same_seed_paces_identically():
    events = shop() + [
        {"at": at("2026-11-25 10:01"), "type": "message", "from": OWNER, "text": t} for t in ("/help", "/status")
    ] + [{"at": at("2026-11-25 10:01"), "type": "message", "from": OWNER, "room": "r1@chatroom", "text": "/help"}]
    assert replay_events(events, seed=7) == replay_events(events, seed=7)


def test_after_a_long_outage_what_waited_is_paced_not_burst(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T10:00", db_path=db_path)
    queue(before, ["r1@chatroom", "r2@chatroom"] * 6)
    before.db.close()  # the bot goes down with 12 messages queued, and comes back two hours later
    after = assistant_at("2026-11-25T12:00", db_path=db_path)
    times = sent_times(drain(after))
    assert len(times) == 12 and times[0] == moment("2026-11-25T12:00")
    for start in times:
        assert sum(start <= t < start + dt.timedelta(minutes=1) for t in times) <= 6


def test_a_message_that_can_no_longer_go_out_in_time_is_dropped_and_reported(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom"] * 6)  # these fill the first minute
    Context(assistant).say(
        "flash_sale", "command_error", room="r2@chatroom", expires_at=moment("2026-11-25T10:00:30"),
        problem="闪购即将结束", usage="/help",
    )
    sent = drain(assistant)
    assert not any(m["kind"] == "flash_sale" for m in sent), "never sent late"
    reports = [m for m in sent if m["kind"] == "outbox_report"]
    assert len(reports) == 1 and reports[0]["to"] == OWNER and reports[0]["room"] is None
    assert "闪购即将结束" in reports[0]["text"] and "已取消" in reports[0]["text"]
    assert assistant.db.execute("SELECT status FROM outbox WHERE kind = 'flash_sale'").fetchone()[0] == "expired"


def test_a_disconnected_transport_keeps_the_message_and_sends_it_once_later(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom"])

    class Flaky:
        def __init__(self):
            self.failures, self.sent = 2, []

        async def send(self, message):
            if self.failures:
                self.failures -= 1
                raise TransportUnavailable("puppet service disconnected")
            self.sent.append((assistant.clock.now(), message.text))

    transport = Flaky()
    for _ in range(10):
        assistant.clock.set(max(assistant.next_wakeup(), assistant.clock.now()))
        asyncio.run(assistant.send_due(transport))
    assert [text for _, text in transport.sent] == ["抱歉，第0条。用法：/help"]
    assert transport.sent[0][0] == moment("2026-11-25T10:01:30"), "backs off 30 s, then 60 s"


def test_what_backed_off_while_wechat_was_away_goes_as_soon_as_the_account_is_back(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom"])

    class Away:
        sent: list = []

        async def send(self, message):
            raise TransportUnavailable("puppet service disconnected")

    for _ in range(4):  # four failed tries: the back-off has doubled to 4 minutes
        assistant.clock.set(max(assistant.next_wakeup(), assistant.clock.now()))
        asyncio.run(assistant.send_due(Away()))
    assistant.clock.set(assistant.clock.now() + dt.timedelta(seconds=5))
    assistant.handle(Login(BOT, "小店助手"))
    assert assistant.next_wakeup() <= assistant.clock.now(), "not at the end of the back-off"


KILL_AFTER_ENQUEUE = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from zoneinfo import ZoneInfo
    sys.path.insert(0, {root!r})
    from core.assistant import Assistant
    import features
    from core.clock import VirtualClock
    from core.config import load_config
    from core.events import Message
    from core.store import open_store
    config = load_config().with_owners(["wxid_owner"])
    clock = VirtualClock(dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), config.tz)
    assistant = Assistant(config, open_store({db!r}), clock, features.load())
    assistant.handle(Message("wxid_owner", "/help"))
    {before_kill}
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def kill_bot(db_path, before_kill: str = "") -> None:
    script = KILL_AFTER_ENQUEUE.format(root=str(ROOT), db=str(db_path), before_kill=before_kill)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == -9, result.stderr


def restart(db_path, tmp_path, when: str) -> list[dict]:
    script = tmp_path / f"tick-{when[-5:].replace(':', '')}.jsonl"
    script.write_text(json.dumps({"at": at(when), "type": "tick"}) + "\n", encoding="utf-8")
    result = run_bot("replay", str(script), "--db", str(db_path), "--owner", OWNER)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_killed_between_enqueue_and_send_the_message_goes_out_once(tmp_path):
    db_path = tmp_path / "store.db"
    kill_bot(db_path)
    first = restart(db_path, tmp_path, "2026-11-25 10:05")
    assert [(m["to"], m["kind"]) for m in first] == [(OWNER, "command_reply")] and "/status" in first[0]["text"]
    assert restart(db_path, tmp_path, "2026-11-25 10:10") == [], "sent once, never again"


def test_killed_in_the_middle_of_a_send_the_owner_is_asked_to_check_instead_of_a_duplicate(tmp_path):
    db_path = tmp_path / "store.db"
    kill_bot(db_path, before_kill="assistant.outbox.take_due(clock.now())")
    sent = restart(db_path, tmp_path, "2026-11-25 10:05")
    assert [m["kind"] for m in sent] == ["outbox_report"]
    assert "可能未送达" in sent[0]["text"] and "以下是可用的管理指令" in sent[0]["text"]


def test_a_burst_handled_in_one_transaction_loses_and_repeats_nothing_after_a_kill(tmp_path):
    db_path = tmp_path / "store.db"
    kill_bot(db_path, before_kill='assistant.handle_many([Message("wxid_owner", f"/help {n}") for n in ("status", "help", "complaints")])')
    sent = restart(db_path, tmp_path, "2026-11-25 10:05")
    assert len(sent) == 4, "the first /help and the three of the burst, once each"
    assert restart(db_path, tmp_path, "2026-11-25 10:10") == []


def test_a_send_cut_off_midway_is_not_repeated_and_the_owner_is_asked_to_check(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["r1@chatroom"])

    class CutOff:
        def __init__(self):
            self.sent = []

        async def send(self, message):
            if not self.sent and message.kind == "command_reply":
                self.sent.append(message.text)
                raise DeliveryUncertain("stream terminated mid-call")
            self.sent.append(message.text)

    transport = CutOff()
    while (wake := assistant.next_wakeup()) is not None and wake < moment("2026-11-25T11:00"):
        assistant.clock.set(max(wake, assistant.clock.now()))
        asyncio.run(assistant.send_due(transport))
    assert len(transport.sent) == 2, "the cut-off message once, then the report: never the message again"
    assert "可能未送达" in transport.sent[1] and "第0条" in transport.sent[1]


def test_a_flash_sale_post_whose_window_closed_while_the_bot_was_down_is_given_up_not_sent(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-27T20:00", db_path=db_path)
    Context(before).say(
        "flash_sale", "command_error", room="r1@chatroom", expires_at=moment("2026-11-27T22:00"),
        problem="今晚8点闪购", usage="/help",
    )
    before.db.close()  # down before it went out, back three days later
    sent = drain(assistant_at("2026-11-30T09:00", db_path=db_path))
    assert [m["kind"] for m in sent] == ["outbox_report"], "never sent after its window"
    assert "闪购" in sent[0]["text"] and "今晚8点闪购" in sent[0]["text"] and "2天前" in sent[0]["text"]


def test_a_post_is_given_up_when_the_pacing_would_only_let_it_go_after_its_deadline(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-27T21:59", db_path=db_path)
    queue(before, ["r1@chatroom"] * 6)
    Context(before).say("flash_sale", "command_error", room="r2@chatroom", expires_at=moment("2026-11-27T22:00"),
                        problem="今晚8点闪购", usage="/help")
    sent = drain(before)
    assert "flash_sale" not in [m["kind"] for m in sent]


def test_answers_to_people_carry_a_deadline_and_are_not_sent_hours_late(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T10:00", db_path=db_path)
    for event in (ContactSeen("wxid_a", "小王"), RoomSeen("r1@chatroom", "普通会员群", ("wxid_a", OWNER))):
        before.handle(event)
    before.handle(Message("wxid_a", "收到的杯子是碎的，太差了", "r1@chatroom"))  # a complaint: ack and alert
    before.handle(Message(OWNER, "/status"))
    before.db.close()  # the bot goes down before sending anything, for two days
    sent = drain(assistant_at("2026-11-27T10:00", db_path=db_path))
    kinds = [m["kind"] for m in sent]
    assert "complaint_ack" not in kinds and "command_reply" not in kinds, "stale answers are given up"
    assert "complaint_alert" in kinds, "what the owner must know still goes, late or not"
    assert kinds.count("outbox_report") == 1


def test_an_off_hours_reply_is_not_sent_once_the_shop_has_opened(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T23:00", db_path=db_path)
    before.handle(Message("wxid_a", "请问什么时候发货？"))
    before.db.close()  # down through the night; the shop opened at 09:00
    sent = drain(assistant_at("2026-11-26T09:30", db_path=db_path))
    assert [m["kind"] for m in sent] == ["outbox_report", "night_questions"], "the question still waits for the owner"
    assert "下班自动回复" in sent[0]["text"] and "请问什么时候发货？" in sent[0]["text"]


def test_an_uncertain_send_is_reported_by_kind_group_and_the_beginning_of_its_text(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    assistant.handle(RoomSeen("r1@chatroom", "普通会员群", ("wxid_a",)))
    long_problem = "这是一条很长的消息，" * 6
    Context(assistant).say("command_reply", "command_error", room="r1@chatroom", problem=long_problem, usage="/help")

    class CutOff:
        async def send(self, message):
            if message.kind == "command_reply":
                raise DeliveryUncertain("stream terminated mid-call")
            self.report = message.text

    transport = CutOff()
    while assistant.outbox.next_send_time(assistant.clock.now()) is not None:
        assistant.clock.set(max(assistant.outbox.next_send_time(assistant.clock.now()), assistant.clock.now()))
        asyncio.run(assistant.send_due(transport))
    first_30 = ("抱歉，" + long_problem)[:30]
    assert "可能未送达" in transport.report and "普通会员群" in transport.report and "指令回复" in transport.report
    assert f"“{first_30}…”" in transport.report, "the first 30 characters, cut, never the whole text"


def test_a_send_the_backend_refuses_for_good_is_not_retried_and_the_owner_is_told(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    queue(assistant, ["gone@chatroom"])

    class Refusing:
        def __init__(self):
            self.tries, self.sent = 0, []

        async def send(self, message):
            if message.room == "gone@chatroom":
                self.tries += 1
                raise SendRefused("not a member of this room any more")
            self.sent.append(message)

    transport = Refusing()
    while assistant.outbox.next_send_time(assistant.clock.now()) is not None:
        assistant.clock.set(max(assistant.outbox.next_send_time(assistant.clock.now()), assistant.clock.now()))
        asyncio.run(assistant.send_due(transport))
    assert transport.tries == 1
    assert [m.kind for m in transport.sent] == ["outbox_report"] and transport.sent[0].to == OWNER
    assert "被微信拒收" in transport.sent[0].text and "gone@chatroom" in transport.sent[0].text
    assert assistant.db.execute("SELECT status FROM outbox WHERE room = 'gone@chatroom'").fetchone()[0] == "refused"


def test_excerpts_cut_where_a_character_ends():
    assert excerpt("短消息") == "短消息"
    assert excerpt("一二三四五六七八九十" * 4) == "一二三四五六七八九十" * 3 + "…"
    family = "👨\u200d👩\u200d👧"
    cut = excerpt("一" * 28 + family + "尾")
    assert cut in ("一" * 28 + "…", "一" * 28 + family + "…") and "\u200d…" not in cut
    assert excerpt("一" * 29 + "👍🏽" + "尾") == "一" * 29 + "…", "never a thumb without its skin tone"
    assert excerpt("第一行\n第二行") == "第一行 第二行"


def test_the_pacing_finds_the_last_sends_through_an_index_not_by_sorting_the_history(assistant_at):
    assistant = assistant_at("2026-11-25T10:00")
    for chat in (None, "r1@chatroom"):
        where = "status = 'sent'" + (" AND coalesce(room, to_contact) = :chat" if chat else "") + " AND sent_at <= :now"
        plan = assistant.db.execute(
            f"EXPLAIN QUERY PLAN SELECT sent_at, coalesce(room, to_contact) FROM outbox WHERE {where}"
            " ORDER BY sent_at DESC LIMIT :n", {"chat": chat, "n": 6, "now": "2026-11-25T02:00:00.000000+00:00"},
        ).fetchall()
        details = " ".join(row[-1] for row in plan)
        assert "TEMP B-TREE" not in details and "outbox_sends" in details, details


def test_the_owners_replies_go_first_then_complaints_and_alerts_then_conversation_posts_and_light_content_last(
    assistant_at,
):
    assistant = assistant_at("2026-11-25T10:00")
    ctx = Context(assistant)
    queued = [  # in the order a busy minute might queue them
        ("light_content", {"room": "r1@chatroom", "broadcast": True}),
        ("flash_sale", {"room": "r2@chatroom", "broadcast": True}),
        ("faq_answer", {"room": "r3@chatroom", "to": "wxid_a"}),
        ("response_nudge", {"to": OWNER}),
        ("complaint_ack", {"room": "r3@chatroom", "to": "wxid_b"}),
        ("command_reply", {"to": OWNER}),
    ]
    for kind, where in queued:
        ctx.say(kind, "command_error", problem=kind, usage="/help", **where)
    kinds = [m["kind"] for m in drain(assistant)]
    assert kinds == ["command_reply", "response_nudge", "complaint_ack", "faq_answer", "flash_sale", "light_content"]


def test_after_a_run_on_a_later_clock_on_the_same_store_the_bot_answers_at_once_not_in_weeks(assistant_at, tmp_path):
    db_path = tmp_path / "store.db"
    pretend = assistant_at("2026-12-20T10:00", db_path=db_path)  # bot.py run --pretend-time, or a clock stepped back
    queue(pretend, ["r1@chatroom", "wxid_a"] * 3)
    assert len(drain(pretend)) == 6
    pretend.db.close()
    real = assistant_at("2026-11-25T10:00", db_path=db_path)
    real.handle(Message(OWNER, "/status"))
    first, = drain(real)
    assert moment("2026-11-25T10:00") <= dt.datetime.fromisoformat(first["at"]) <= moment("2026-11-25T10:01")


def test_the_owner_answered_behind_a_full_minute_is_told_at_once_to_wait_and_answered_before_the_posts(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    ctx = Context(bot.assistant)
    for n in range(30):  # a flash sale to thirty groups: the first minute's six posts go out
        ctx.say("flash_sale", "command_error", room=f"r{n}@chatroom", broadcast=True, problem="闪购", usage="/help")
    bot.advance(seconds=25)
    typed = bot.clock.now()
    bot.owner.says("/status")
    bot.advance(minutes=2)
    notice, answer = bot.sent(to="owner")[:2]
    notice_at, answer_at = (dt.datetime.fromisoformat(m["at"]) for m in (notice, answer))
    assert notice_at - typed <= dt.timedelta(seconds=5), "something on screen at once"
    assert notice["text"].startswith("稍等") and "秒后回复您" in notice["text"] and "运行状态" in answer["text"]
    assert not [m for m in bot.sent(kind="flash_sale") if typed < dt.datetime.fromisoformat(m["at"]) < answer_at]


def test_commands_sent_in_a_burst_are_answered_in_order_with_one_notice_of_the_wait(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    for _ in range(8):
        bot.owner.says("/skipped")
    bot.advance(minutes=3)
    to_owner = bot.texts(to="owner")
    notices = [text for text in to_owner if text.startswith("稍等")]
    assert len(notices) == 1 and "前面还有" in notices[0] and len(to_owner) == 9
