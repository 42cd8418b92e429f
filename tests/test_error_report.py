"""A feature that fails loses what it was about to say: the owner is told, once an hour per feature, in plain words."""

import datetime as dt

import features
from core.events import Message, RoomSeen
from core.registry import Handler
from tests.conftest import OWNER
from tests.test_outbox import drain, moment


def broken_feature(ctx, message):
    raise RuntimeError("KeyError deep inside: " + message.text)


def test_a_failing_feature_is_reported_to_the_owner_once_an_hour_without_traceback_or_member_text(assistant_at):
    registry = features.load()
    registry.on_message.insert(0, Handler("on_message", broken_feature, priority=0))
    assistant = assistant_at("2026-11-25T10:00", features=registry)
    assistant.handle(RoomSeen("r1@chatroom", "普通会员群", ("wxid_a",)))
    sent = []
    for minutes in (0, 1, 30, 70):
        assistant.clock.set(moment("2026-11-25T10:00") + dt.timedelta(minutes=minutes))
        assistant.handle(Message("wxid_a", f"秘密内容{minutes}", "r1@chatroom"))
        sent += drain(assistant)
    reports = [m for m in sent if m["kind"] == "error_report"]
    assert len(reports) == 2, "at 10:00, then not again before 11:00"
    assert all(m["to"] == OWNER and m["room"] is None for m in reports)
    text = reports[0]["text"]
    assert "故障" in text and "普通会员群" in text and "broken_feature" in text
    assert "秘密内容" not in text and "Traceback" not in text and "KeyError" not in text
