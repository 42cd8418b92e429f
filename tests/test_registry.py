"""Features are gathered by the entry point, not by importing the core: a test can run a bot with just the ones it
needs, a name declared twice stops the bot before it starts, and a handler's rule decides whether it is called."""

from __future__ import annotations

import types

import pytest

from core.events import Message, RoomSeen
from core.registry import Registry, command, job, on_message
from core.rules import from_member, in_shop_group, mentions_shop
from handlers import complaints
from tests.conftest import BOT, OWNER


def module(name: str, **functions) -> types.ModuleType:
    """A feature module made on the spot: its functions count as declared in it."""
    made = types.ModuleType(name)
    for function in functions.values():
        getattr(function, "run", function).__module__ = name
    vars(made).update(functions)
    return made


def test_two_commands_of_one_name_stop_the_bot_before_it_starts():
    first = command("ping", usage="/ping", summary="a", examples=("/ping",))(lambda ctx, args: None)
    second = command("ping", usage="/ping", summary="b", examples=("/ping",))(lambda ctx, args: None)
    with pytest.raises(ValueError, match="command /ping is declared twice"):
        Registry.collect([module("one", first=first), module("two", second=second)])


def test_two_jobs_of_one_name_stop_the_bot_too():
    first, second = job("nudge")(lambda ctx, payload: None), job("nudge")(lambda ctx, payload: None)
    with pytest.raises(ValueError, match="job nudge is declared twice"):
        Registry.collect([module("one", first=first), module("two", second=second)])


def test_a_feature_imported_by_another_module_is_counted_once():
    reader = types.ModuleType("reader")
    reader.take_complaint = complaints.take_complaint  # as `from handlers.complaints import take_complaint` does
    registry = Registry.collect([complaints, reader])
    assert [h.run for h in registry.on_message].count(complaints.take_complaint) == 1


def test_a_bot_with_only_the_complaint_feature_acknowledges_and_ignores_commands(assistant_at):
    assistant = assistant_at("2026-11-25T10:00", features=Registry.collect([complaints]))
    assistant.handle(RoomSeen("r1", "普通会员群", (OWNER, "wxid_a")))
    assistant.handle(Message("wxid_a", "杯子收到是碎的，我要投诉", "r1"))
    assistant.handle(Message(OWNER, "/status"))
    kinds = [row[0] for row in assistant.db.execute("SELECT kind FROM outbox ORDER BY id")]
    assert kinds == ["complaint_ack", "complaint_alert", "command_reply"]
    assert "没有 /status 这个指令" in assistant.db.execute("SELECT text FROM outbox ORDER BY id DESC").fetchone()[0]


def test_a_handlers_rule_decides_whether_it_is_called(assistant_at):
    heard = []
    listen = on_message(rule=from_member & in_shop_group & mentions_shop)(lambda ctx, message: heard.append(message.text))
    assistant = assistant_at("2026-11-25T10:00", features=Registry.collect([module("listener", listen=listen)]))
    assistant.handle(RoomSeen("r1", "普通会员群", (OWNER, "wxid_a", BOT)))
    assistant.handle(RoomSeen("r9", "家人群", ("wxid_a", BOT)))
    assistant.bot_id = BOT
    for sender, room, mentions, text in [
        ("wxid_a", "r1", (BOT,), "在店铺群里@机器人"),
        ("wxid_a", "r1", (), "没有@机器人"),
        ("wxid_a", "r9", (BOT,), "在家人群里@机器人"),
        (OWNER, "r1", (BOT,), "店主@机器人"),
    ]:
        assistant.handle(Message(sender, text, room, mentions))
    assert heard == ["在店铺群里@机器人"]
