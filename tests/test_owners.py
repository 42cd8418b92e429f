"""Each table has one owner module (README, Architecture): other features call its functions, never its SQL,
so that a change to a table (a column, an index, what counts as a member) is made in one place."""

from __future__ import annotations

import re
from pathlib import Path

from core.context import Context

ROOT = Path(__file__).resolve().parent.parent
# The owners, as README's table gives them; core/store.py creates and migrates every table.
OWNERS = {
    "events": {"core/assistant.py", "core/history.py"},
    "contacts": {"core/assistant.py", "core/directory.py"},
    "rooms": {"core/assistant.py", "core/directory.py"},
    "room_members": {"core/assistant.py", "core/directory.py"},
    "meta": {"core/assistant.py", "core/memo.py"},
    "outbox": {"core/outbox.py", "core/history.py"},
    "timers": {"core/timers.py"},
    "orders": {"handlers/order_book.py"},
    "buyer_links": {"handlers/order_book.py"},
    "activity": {"handlers/tiers.py"},
    "member_tiers": {"handlers/tiers.py"},
    "tier_changes": {"handlers/tiers.py"},
    "vip_room_outsiders": {"handlers/tiers.py"},
    "complaints": {"handlers/complaints.py"},
    "complaint_messages": {"handlers/complaints.py"},
    "complaint_photos": {"handlers/complaints.py"},
    "complaint_corrections": {"handlers/complaint_detection.py"},
    "reason_corrections": {"handlers/complaint_reasons.py"},
    "faq_entries": {"handlers/faq.py"},
    "faq_keywords": {"handlers/faq.py"},
    "faq_answers": {"handlers/faq.py"},
    "faq_examples": {"handlers/faq.py"},
    "faq_counterexamples": {"handlers/faq.py"},
    "nudged_questions": {"handlers/response_nudges.py"},
    "night_questions": {"handlers/response_nudges.py"},
    "campaigns": {"handlers/campaigns.py"},
    "campaign_posts": {"handlers/campaigns.py"},
    "coupons": {"handlers/campaigns.py"},
    "picture_holds": {"core/media.py"},
    "spam_hits": {"handlers/spam.py"},
    "spam_trusted": {"handlers/spam.py"},
    "spam_corrections": {"handlers/spam.py"},
}
SOURCES = ["bot.py", *(f"{folder}/*.py" for folder in ("core", "handlers", "schedules", "imports", "transports"))]


def test_no_module_writes_sql_on_a_table_it_does_not_own():
    trespassing = []
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            name = path.relative_to(ROOT).as_posix()
            if name == "core/store.py":
                continue
            text = path.read_text(encoding="utf-8")
            for table, owners in OWNERS.items():
                if name not in owners and re.search(rf"\b(FROM|JOIN|INTO|UPDATE)\s+{table}\b", text):
                    trespassing.append(f"{name} uses {table}")
    assert trespassing == []


def test_features_keep_their_notes_apart_and_the_core_keeps_its_keys(assistant_at):
    assistant = assistant_at("2026-11-25 10:00")
    ctx = Context(assistant)
    ctx.memo("campaigns").set("pending", "闪购日")
    assert ctx.memo("campaign_commands").get("pending") is None
    assert ctx.memo("campaigns").get("pending") == "闪购日"
    assert ctx.memo("campaigns").forget("pending") is True
    assert ctx.memo("campaigns").forget("pending") is False
    ctx.db.execute("INSERT INTO meta (key, value) VALUES ('bot_id', 'wxid_shop')")  # as a store before memos has it
    assert assistant_at("2026-11-25 10:00").bot_id == "wxid_shop"
