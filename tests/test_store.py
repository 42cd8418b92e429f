"""The store is created on first run, migrated in order, in WAL mode, and records every event and every send."""

import pytest
from sqlite_utils import Database

from core.config import TiersConfig, load_config
from core.directory import member_count
from core.store import (
    MIGRATIONS, StoreError, _answered_nudges, _member_count, _outbox_lanes_and_templates, open_store, schema_version,
)
from tests.conftest import OWNER, replay_events, say, shop
from tests.test_outbox import drain


def store_from_before(migration, path) -> Database:
    """A store as a bot from before `migration` left it: the migrations before it run, and its version says so."""
    old = Database(path)
    before = MIGRATIONS.index(migration)
    for earlier in MIGRATIONS[:before]:
        earlier(old)
    old.execute(f"PRAGMA user_version = {before}")
    return old


def test_a_new_store_is_created_at_the_latest_schema_in_wal_mode(tmp_path):
    db = open_store(tmp_path / "sub" / "store.db")
    assert schema_version(db) == len(MIGRATIONS)
    assert db.journal_mode == "wal"
    assert {"events", "outbox", "timers", "contacts", "rooms", "room_members"} <= set(db.table_names())


def test_reopening_keeps_the_data_and_runs_no_migration_twice(tmp_path):
    db = open_store(tmp_path / "store.db")
    db["meta"].insert({"key": "shop", "value": "小店"})
    db.close()
    again = open_store(tmp_path / "store.db")
    assert again["meta"].get("shop")["value"] == "小店"


def test_a_store_from_a_newer_bot_is_refused_rather_than_damaged(tmp_path):
    db = open_store(tmp_path / "store.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this bot knows"):
        open_store(tmp_path / "store.db")


def test_every_chat_event_and_every_message_sent_is_recorded(tmp_path):
    db_path = tmp_path / "store.db"
    events = shop() + [
        say("2026-11-25 10:01", "wxid_a", "你好"),
        {"at": "2026-11-25T10:02:00+08:00", "type": "join", "room": "r1@chatroom", "contact": "wxid_c", "name": "阿芳"},
        {"at": "2026-11-25T10:03:00+08:00", "type": "leave", "room": "r1@chatroom", "contact": "wxid_b"},
        say("2026-11-25 10:04", OWNER, "/help", room=None),
    ]
    replay_events(events, db_path=db_path)
    db = open_store(db_path)
    types = [row["type"] for row in db.query("SELECT type FROM events ORDER BY id")]
    assert types == ["login", "contact", "contact", "contact", "room", "message", "join", "leave", "message"]
    members = {row["contact"] for row in db.query("SELECT contact FROM room_members WHERE room = 'r1@chatroom'")}
    assert members == {OWNER, "wxid_a", "wxid_c"}
    assert db["contacts"].get("wxid_c")["name"] == "阿芳"
    assert [(row["kind"], row["status"]) for row in db.query("SELECT kind, status FROM outbox ORDER BY id")] == [
        ("welcome", "sent"),
        ("command_reply", "sent"),
    ]


def test_a_store_from_before_the_member_count_is_migrated_and_counts_its_members_by_the_shops_rule(tmp_path):
    old = store_from_before(_member_count, tmp_path / "store.db")
    old["room_members"].insert_all(
        [{"room": room, "contact": contact, "joined_at": "2026-11-25T02:00:00"} for room, contact in
         [("r1", "a"), ("r1", "b"), ("r2", "a"), ("r2", "wxid_owner")]]
    )
    old["rooms"].insert_all([{"id": "r1", "topic": "普通会员群"}, {"id": "r2", "topic": "VIP福利群"}])
    old.close()
    migrated = open_store(tmp_path / "store.db")
    assert schema_version(migrated) == len(MIGRATIONS)
    config = load_config().with_owners(["wxid_owner"]).model_copy(update={"tiers": TiersConfig()})  # any group
    assert member_count(migrated, config, None) == 2, "a and b, not the owner"

def test_a_full_disk_while_running_keeps_the_events_tells_the_owner_once_and_catches_up(assistant_at):
    import asyncio
    import datetime as dt
    import io
    import json

    from core.events import ContactSeen, Login, Message, RoomSeen
    from tests.conftest import BOT
    from transports.replay import ReplayOutput, run_until

    assistant = assistant_at("2026-11-25 10:00")
    out = io.StringIO()

    def advance(minutes: int) -> list[dict]:
        before = len(out.getvalue().splitlines())
        moment = assistant.clock.now() + dt.timedelta(minutes=minutes)
        asyncio.run(run_until(assistant, assistant.clock, moment, ReplayOutput(assistant.clock, out)))
        return [json.loads(line) for line in out.getvalue().splitlines()[before:]]

    def stored_messages() -> int:
        return assistant.db.execute("SELECT count(*) FROM events WHERE type = 'message'").fetchone()[0]

    assistant.handle_many([Login(BOT, "小店助手"), ContactSeen(OWNER, "店主"), ContactSeen("wxid_a", "小王"),
                           RoomSeen("r1@chatroom", "普通会员群", (OWNER, BOT, "wxid_a"))])
    advance(5)
    pages = assistant.db.execute("PRAGMA page_count").fetchone()[0]
    assistant.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
    complaint = "买的杯子收到就是碎的，质量太差了" + " " * 5000  # pages of its own: no room for them
    assistant.handle_many([Message("wxid_a", complaint, "r1@chatroom")])
    first = advance(5)
    assistant.handle_many([Message(OWNER, "/status")])
    second = advance(5)
    assert [(m["kind"], m["to"]) for m in first] == [("store_full", OWNER)] and second == [], "told once"
    assert "磁盘满了" in first[0]["text"] and "1 条" in first[0]["text"]
    assert stored_messages() == 0 and len(assistant.unstored) == 2

    assistant.db.execute("PRAGMA max_page_count = 1000000")  # room again
    caught_up = advance(5)
    assert stored_messages() == 2 and assistant.unstored == []
    kinds = [m["kind"] for m in caught_up]
    assert {"complaint_ack", "complaint_alert", "command_reply", "store_notice"} <= set(kinds), kinds
    assert any("2 条消息都已记下" in m.get("text", "") for m in caught_up if m["kind"] == "store_notice")


def test_messages_queued_before_the_outbox_had_lanes_go_out_in_the_new_order(tmp_path, assistant_at):
    old = store_from_before(_outbox_lanes_and_templates, tmp_path / "store.db")
    queued = [("light_content", "r1@chatroom", None, 1), ("flash_sale", "r2@chatroom", None, 1),
              ("faq_answer", "r3@chatroom", "wxid_a", 0), ("command_reply", None, "wxid_owner", 0)]
    for kind, room, to, broadcast in queued:
        old.execute(
            "INSERT INTO outbox (created_at, not_before, room, to_contact, kind, text, status, attempts, pause_seconds,"
            " broadcast) VALUES ('2026-11-25T02:00:00.000000+00:00', '2026-11-25T02:00:00.000000+00:00', ?, ?, ?, ?,"
            " 'queued', 0, 3, ?)", [room, to, kind, kind, broadcast],
        )
    old.conn.commit()
    old.close()
    sent = drain(assistant_at("2026-11-25T10:00", db_path=tmp_path / "store.db"))
    assert [m["kind"] for m in sent] == ["command_reply", "faq_answer", "flash_sale", "light_content"]


def test_questions_nudged_about_before_the_bot_knew_answers_are_taken_as_answered_so_no_next_question_is_a_chase(tmp_path):
    old = store_from_before(_answered_nudges, tmp_path / "store.db")
    old["nudged_questions"].insert({"at": "2026-11-25T02:00:00", "room": "r1", "contact": "a", "text": "发票能开吗"})
    old.close()
    migrated = open_store(tmp_path / "store.db")
    assert migrated.execute("SELECT count(*) FROM nudged_questions WHERE answered_at IS NULL").fetchone()[0] == 0
