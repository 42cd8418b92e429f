"""A member joining a shop group gets one welcome: what the group is for, its rules, and the next flash sale or
member day. Never twice for the same member and group; joins within a minute of the first are gathered into one
message, so that twenty people added together do not get twenty posts. Two thousand added together get one too:
it names the first NAMED and counts them all ("等 2000 位新朋友"), short enough that the rules are never cut. A
newcomer the owner has just been alerted about as an advertiser is not welcomed (hold): the group would see the shop
greet the advert; if the owner trusts them (/allow), the welcome goes then (release).
"""

from __future__ import annotations

import datetime as dt
import logging

from core import directory
from core.clock import to_db
from core.context import Context
from core.events import Join, Leave
from core.registry import job, on_join, on_leave
from core.rules import from_member
from core.text import excerpt
from handlers.campaigns import next_post

log = logging.getLogger(__name__)

GATHER = dt.timedelta(minutes=1)
NAMED = 20  # newcomers a welcome names; at NAME_CHARS each, the welcome stays far below a message's 2,000 characters
NAME_CHARS = 16


@on_join(rule=from_member)
def note_newcomer(ctx: Context, joined: Join) -> None:
    ctx.db.execute(
        "INSERT OR IGNORE INTO pending_welcomes (room, contact, joined_at) VALUES (?, ?, ?)",
        [joined.room, joined.contact, to_db(ctx.now)],
    )
    _gather(ctx, joined.room, ctx.now + GATHER)


def _gather(ctx: Context, room: str, at: dt.datetime) -> None:
    key = f"welcome:{room}:"
    if not ctx.is_scheduled(key):  # the first join of a burst sets the minute; later ones wait with it
        welcome_newcomers.schedule(ctx, at, key=key, room=room)


def hold(ctx: Context, room: str, contact: str) -> bool:
    """Keep `contact`'s welcome to `room` back: pending, or queued and not yet sent (then it is taken back and
    waits again). Whether one is held; nothing is once it went out."""
    if ctx.withdraw("welcome", room=room, to=contact):
        ctx.db.execute("DELETE FROM welcomes WHERE room = ? AND contact = ?", [room, contact])
        ctx.db.execute("INSERT OR IGNORE INTO pending_welcomes (room, contact, joined_at) VALUES (?, ?, ?)",
                       [room, contact, to_db(ctx.now)])
    ctx.db.execute("UPDATE pending_welcomes SET held_at = ? WHERE room = ? AND contact = ? AND held_at IS NULL",
                   [to_db(ctx.now), room, contact])
    held = ctx.db.execute("SELECT 1 FROM pending_welcomes WHERE room = ? AND contact = ?", [room, contact]).fetchone()
    return held is not None


def release(ctx: Context, contact: str) -> None:
    """The owner trusts `contact`: the welcomes held back go now."""
    rooms = [row[0] for row in ctx.db.execute(
        "UPDATE pending_welcomes SET held_at = NULL WHERE contact = ? AND held_at IS NOT NULL RETURNING room", [contact])]
    for room in rooms:
        _gather(ctx, room, ctx.now)


@on_leave
def forget_newcomer(ctx: Context, left: Leave) -> None:
    """Someone who left (or was removed for advertising) is not welcomed: neither by the minute's gathered welcome
    nor by one already queued behind other messages, which would greet them after they have gone."""
    ctx.db.execute("DELETE FROM pending_welcomes WHERE room = ? AND contact = ?", [left.room, left.contact])
    if ctx.withdraw("welcome", room=left.room, to=left.contact):
        log.info("welcome to %s in %s withdrawn: they left before it went out", left.contact, left.room)


@job("welcome")
def welcome_newcomers(ctx: Context, payload: dict) -> None:
    room = payload["room"]
    newcomers = [
        row[0]
        for row in ctx.db.execute(
            "SELECT contact FROM pending_welcomes WHERE room = ? AND held_at IS NULL AND contact NOT IN"
            " (SELECT contact FROM welcomes WHERE room = ?) ORDER BY joined_at, contact",
            [room, room],
        )
    ]
    ctx.db.execute("DELETE FROM pending_welcomes WHERE room = ? AND held_at IS NULL", [room])
    if not newcomers:
        return
    ctx.db.conn.executemany(
        "INSERT INTO welcomes (room, contact, at) VALUES (?, ?, ?)", [(room, c, to_db(ctx.now)) for c in newcomers]
    )
    topic = directory.topic_of(ctx.db, room)  # whole: compared with the VIP groups named in config
    ctx.say(
        "welcome",
        "welcome",
        room=room,
        to=newcomers[0] if len(newcomers) == 1 else None,
        names="、".join(excerpt(ctx.name_of(c), NAME_CHARS) for c in newcomers[:NAMED]),
        count=len(newcomers) if len(newcomers) > NAMED else None,  # named with their number when not all named
        topic=topic,
        vip=topic in ctx.config.tiers.vip_rooms,
        flash_sale=next_post(ctx, "flash_sale"),
        member_day=next_post(ctx, "member_day"),
    )
