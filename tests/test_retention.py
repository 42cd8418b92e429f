"""History older than [store] retention_days is deleted at night, a small batch at a time; the shop's records stay."""

import datetime as dt

import pytest

from core.clock import to_db
from core.config import ConfigError, StoreConfig, load_config
from schedules.maintenance import BATCH_SECONDS, next_span
from tests.test_outbox import moment

NOW = "2026-11-25T03:00"
OLD, RECENT = moment(NOW) - dt.timedelta(days=100), moment(NOW) - dt.timedelta(days=10)
OLD_EVENTS = 7_000  # several batches


def fill_history(db) -> None:
    events = [(to_db(OLD + dt.timedelta(seconds=n)), "message", "r1@chatroom", "wxid_a", "旧消息") for n in range(OLD_EVENTS)]
    events += [(to_db(RECENT), "message", "r1@chatroom", "wxid_a", "近消息")]
    db.conn.executemany("INSERT INTO events (at, type, room, contact, text) VALUES (?, ?, ?, ?, ?)", events)
    for when, status in [(OLD, "sent"), (OLD, "expired"), (OLD, "uncertain"), (OLD, "refused"), (OLD, "queued"),
                         (RECENT, "sent"), (RECENT, "expired")]:
        db.execute(
            "INSERT INTO outbox (created_at, not_before, room, kind, text, status, attempts, sent_at)"
            " VALUES (?, ?, 'r1@chatroom', 'welcome', '欢迎', ?, 0, ?)",
            [to_db(when), to_db(when), status, to_db(when) if status == "sent" else None],
        )
    day = to_db(OLD)
    db.execute("INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at)"
               " VALUES ('A1', ?, 'wxid_a', NULL, 99, '已完成', 1, 'import', ?)", [day, day])
    db.execute("INSERT INTO complaints (contact, reason, text, opened_at, clock_starts_at, deadline_at)"
               " VALUES ('wxid_a', '物流', '没收到', ?, ?, ?)", [day, day, day])
    db.execute("INSERT INTO tier_changes (contact, at, from_tier, to_tier, reason) VALUES ('wxid_a', ?, 'regular', 'vip', '消费')", [day])
    db.execute("INSERT INTO coupons VALUES ('C1', '会员日', '2026-08-18', 'r1@chatroom', NULL, 10, ?)", [day])
    db.execute("INSERT INTO campaign_posts (campaign, room, occurrence, post_day, outbox_id)"
               " VALUES ('闪购', 'r1@chatroom', '2026-08-14', '2026-08-14', 1)")


def run_night(assistant) -> None:
    """Let the virtual clock run through the night, firing every job when it falls due."""
    until = moment("2026-11-25T06:00")
    while (wake := assistant.timers.next_due_at()) is not None and wake <= until:
        assistant.clock.set(max(wake, assistant.clock.now()))
        assistant.fire_due_timers()


def counts(db) -> dict:
    tables = ["orders", "complaints", "tier_changes", "coupons", "campaign_posts"]
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def test_the_night_job_deletes_old_events_and_finished_messages_and_keeps_the_shops_records(assistant_at):
    assistant = assistant_at(NOW)
    fill_history(assistant.db)
    kept_before = counts(assistant.db)
    run_night(assistant)
    db = assistant.db
    assert [row[0] for row in db.execute("SELECT text FROM events WHERE text IN ('旧消息', '近消息')")] == ["近消息"]
    outbox = sorted(db.execute("SELECT status, created_at < ? FROM outbox", [to_db(moment(NOW) - dt.timedelta(days=90))]))
    assert outbox == [("expired", 0), ("queued", 1), ("sent", 0)], "a message still queued is never deleted"
    assert counts(db) == kept_before and all(kept_before.values())
    assert assistant.timers.get("store_pruning") is None, "done for the night"


def test_retention_zero_keeps_everything(assistant_at):
    assistant = assistant_at(NOW, store=StoreConfig(retention_days=0))
    fill_history(assistant.db)
    run_night(assistant)
    assert assistant.db.execute("SELECT count(*) FROM events WHERE text = '旧消息'").fetchone()[0] == OLD_EVENTS
    assert assistant.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 7


def test_a_slow_batch_makes_the_next_one_smaller_and_a_quick_one_larger():
    assert next_span(2_000, BATCH_SECONDS * 2) == 1_000, "sized to take BATCH_SECONDS"
    assert next_span(2_000, BATCH_SECONDS / 10) == 4_000, "at most doubled"
    assert next_span(2_000, 10) == 500, "at most quartered: one slow batch may be noise"


def test_a_negative_retention_is_refused_by_name(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[owner]\nids = ["wxid_x"]\n[store]\nretention_days = -1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="第 4 行 store.retention_days（历史记录保留天数）：至少要 0，现在是 -1"):
        load_config(config)
