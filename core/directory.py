"""Who is who, and who is in which of the shop's groups: the one definition of "member" every feature counts by.

A member is someone in at least one of the shop's groups (the topics listed in [tiers] vip_rooms and
regular_rooms; with none listed, every group the account is in), who is neither an owner nor the bot's own
account. /status, /stats, /tiers and the weekly review all count through here, so that they agree.
The core keeps the tables (contacts, rooms, room_members) up to date as events arrive (core/assistant.py); every
read of them is here. A feature whose query must join its own table to these for speed (the recompute over
100,000 members) takes one of the fragments below, never the tables' columns.
"""

from __future__ import annotations

import json

from core.commands import plain
from core.config import Config

# A query for the contact of every member, and one for the shop's groups (id, topic); both take the
# parameters of query_params().
SHOP_ROOMS = """SELECT id, topic FROM rooms
    WHERE :shop_topics IS NULL OR topic IN (SELECT value FROM json_each(:shop_topics))"""
MEMBERS = f"""SELECT DISTINCT m.contact FROM room_members m JOIN ({SHOP_ROOMS}) r ON r.id = m.room
    WHERE m.contact NOT IN (SELECT value FROM json_each(:shop_people))"""
# (room, topic, contact) of every member in each of the shop's groups: counting per group. Takes query_params().
SHOP_MEMBERSHIPS = f"""SELECT r.id AS room, r.topic, m.contact FROM ({SHOP_ROOMS}) r JOIN room_members m ON m.room = r.id
    WHERE m.contact NOT IN (SELECT value FROM json_each(:shop_people))"""
# (contact, room (topic), room_id) of the people in the groups named :group_topics, the shop's people left out.
# CROSS JOIN: from the few groups named to their members, not through every membership of the shop.
GROUP_MEMBERS = """SELECT m.contact, r.topic AS room, m.room AS room_id FROM rooms r CROSS JOIN room_members m ON m.room = r.id
    WHERE r.topic IN (SELECT value FROM json_each(:group_topics))
      AND m.contact NOT IN (SELECT value FROM json_each(:shop_people))"""
# The contact of everyone in the group :room since :joined_before or earlier, the shop's people left out: whom a
# group has had long enough to call silent (/stats). Takes query_params() and those two.
ROOM_MEMBERS_SINCE = """SELECT m.contact FROM room_members m WHERE m.room = :room AND m.joined_at <= :joined_before
      AND m.contact NOT IN (SELECT value FROM json_each(:shop_people))"""
# True for an activity row (the alias `a`: room, contact) of someone still in that group: who left is no longer
# counted among a group's people nor ranked among its speakers, whose messages stay in its history.
STILL_IN_ROOM = "EXISTS (SELECT 1 FROM room_members m WHERE m.room = a.room AND m.contact = a.contact)"
# (room, contact) of every membership: a feature's rows joined to the groups their people are in, by contact (the
# index on room_members.contact), as the order book finds which posted groups a buyer is in.
MEMBERSHIPS = "SELECT room, contact FROM room_members"
# Everyone in any group the account is in, the shop's or not, once per group: whom the recompute tiers.
IN_ANY_GROUP = "SELECT contact FROM room_members"


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
    """How many members the shop has (see above): /status, /stats and the weekly review count the same."""
    return db.execute(f"SELECT count(*) FROM ({MEMBERS})", query_params(config, bot_id)).fetchone()[0]


def shop_room_count(db, config: Config) -> int:
    """How many of the shop's groups the bot has seen."""
    return db.execute(f"SELECT count(*) FROM ({SHOP_ROOMS})", query_params(config, None)).fetchone()[0]



def known_topics(db) -> set[str]:
    """The names of every group the account has been seen in: what a WeCom robot's group name must be one of."""
    return {topic for topic, in db.execute("SELECT topic FROM rooms WHERE topic IS NOT NULL")}


def in_shop_group(db, config: Config, room: str) -> bool:
    """True for one of the shop's groups. Asked for many messages: by topic from config, one indexed lookup."""
    topics = shop_topics(config)
    if not topics:
        return True
    row = db.execute("SELECT topic FROM rooms WHERE id = ?", [room]).fetchone()
    return row is not None and row[0] in topics


def name_of(db, contact: str) -> str:
    """The contact's nickname, else the id: how a text names someone."""
    row = db.execute("SELECT name FROM contacts WHERE id = ?", [contact]).fetchone()
    return row[0] if row and row[0] else contact


def topic_of(db, room: str) -> str:
    """The group's topic, else its id."""
    row = db.execute("SELECT topic FROM rooms WHERE id = ?", [room]).fetchone()
    return row[0] if row and row[0] else room


def names_of(db, contacts: list[str]) -> dict[str, str]:
    """{contact: nickname} of those who have one: the names of a whole list, in one query."""
    return dict(db.execute(
        "SELECT id, name FROM contacts WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(contacts)]
    ).fetchall())


def topics_of(db, rooms: list[str]) -> dict[str, str]:
    """{room: topic} of those rooms whose topic is known."""
    return dict(db.execute(
        "SELECT id, topic FROM rooms WHERE id IN (SELECT value FROM json_each(?)) AND topic IS NOT NULL",
        [json.dumps(rooms)],
    ).fetchall())


def is_contact(db, contact: str) -> bool:
    """Whether the bot has seen this WeChat id (in a group, a private chat, or at login)."""
    return db.execute("SELECT 1 FROM contacts WHERE id = ?", [contact]).fetchone() is not None


def contacts_reading_as(db, name: str) -> list[str]:
    """The contacts whose nickname reads as `name` (core.commands.plain: invisible characters and full-width
    letters the owner cannot type do not count), by id."""
    return [row[0] for row in with_plain(db).execute(
        "SELECT id FROM contacts WHERE plain(name) = ? ORDER BY id", [plain(name)])]


def contacts_named(db, names: list[str]) -> dict[str, list[str]]:
    """{name: [contacts]} of the contacts whose nickname is exactly one of `names`, in the order they were seen."""
    named: dict[str, list[str]] = {}
    for name, contact in db.execute(
        "SELECT name, id FROM contacts WHERE name IN (SELECT value FROM json_each(?)) ORDER BY rowid",
        [json.dumps(names, ensure_ascii=False)],
    ):
        named.setdefault(name, []).append(contact)
    return named


def rooms_of(db, contact: str) -> set[str]:
    """The topics of the groups this contact is in."""
    return {row[0] for row in db.execute(
        "SELECT r.topic FROM room_members m JOIN rooms r ON r.id = m.room WHERE m.contact = ?", [contact])}


def rooms_by_size(db, topics: list[str], first: list[str]) -> list[tuple[str, str]]:
    """(room, topic) of the groups named `topics`: those named in `first` first, then the biggest, then by id."""
    return db.execute(
        """SELECT r.id, r.topic FROM rooms r WHERE r.topic IN (SELECT value FROM json_each(:topics))
        ORDER BY r.topic IN (SELECT value FROM json_each(:first)) DESC,
                 (SELECT count(*) FROM room_members m WHERE m.room = r.id) DESC, r.id""",
        {"topics": json.dumps(topics), "first": json.dumps(first)},
    ).fetchall()


def with_plain(db):
    """The store, with SQL's plain(text): names compared as they read, in a query."""
    db.conn.create_function("plain", 1, _plain_or_null, deterministic=True)
    return db


def _plain_or_null(text: str | None) -> str | None:
    return None if text is None else plain(text)
