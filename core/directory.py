"""Who is who, and who is in which of the shop's groups: the one definition of "member" every feature counts by.

A member is someone in at least one of the shop's groups (the topics listed in [tiers] vip_rooms and
regular_rooms; with none listed, every group the account is in), who is neither an owner nor the bot's own
account. /status, /stats, /tiers and the weekly review all count through here, so that they agree.
The core keeps the tables (contacts, rooms, room_members) up to date as events arrive (core/assistant.py).
"""

from __future__ import annotations

import json

from core.config import Config

# A query for the contact of every member, and one for the shop's groups (id, topic); both take the
# parameters of query_params().
SHOP_ROOMS = """SELECT id, topic FROM rooms
    WHERE :shop_topics IS NULL OR topic IN (SELECT value FROM json_each(:shop_topics))"""
MEMBERS = f"""SELECT DISTINCT m.contact FROM room_members m JOIN ({SHOP_ROOMS}) r ON r.id = m.room
    WHERE m.contact NOT IN (SELECT value FROM json_each(:shop_people))"""


def shop_topics(config: Config) -> list[str]:
    """The topics of the shop's groups, VIP groups first; empty when config lists none (then every group counts)."""
    return [*config.tiers.vip_rooms, *config.tiers.regular_rooms]


def query_params(config: Config, bot_id: str | None) -> dict:
    """The named parameters MEMBERS and SHOP_ROOMS need."""
    topics = shop_topics(config)
    return {
        "shop_topics": json.dumps(topics, ensure_ascii=False) if topics else None,
        "shop_people": json.dumps([*config.owner.ids, *([bot_id] if bot_id else [])]),
    }


def member_count(db, config: Config, bot_id: str | None) -> int:
    return db.execute(f"SELECT count(*) FROM ({MEMBERS})", query_params(config, bot_id)).fetchone()[0]


def shop_room_count(db, config: Config) -> int:
    return db.execute(f"SELECT count(*) FROM ({SHOP_ROOMS})", query_params(config, None)).fetchone()[0]


def is_member(db, config: Config, bot_id: str | None, contact: str) -> bool:
    return db.execute(f"SELECT 1 FROM ({MEMBERS}) WHERE contact = :contact",
                      {**query_params(config, bot_id), "contact": contact}).fetchone() is not None


def in_shop_group(db, config: Config, room: str) -> bool:
    """True for one of the shop's groups. Asked for many messages: by topic from config, one indexed lookup."""
    topics = shop_topics(config)
    if not topics:
        return True
    row = db.execute("SELECT topic FROM rooms WHERE id = ?", [room]).fetchone()
    return row is not None and row[0] in topics
