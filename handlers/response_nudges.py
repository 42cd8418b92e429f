"""In working hours, a question to the shop that nobody answers within the set time (15 minutes by default)
makes the bot nudge the owner, with who asked what, and where. The shop answering clears it: the owner speaking in
that room, or anyone writing from the shop account's own phone in that room or to that member. A question the FAQ
answers (handlers/faq.py, before this) is dealt with and never waits. The questions nudged about are kept (their
first words): what waits for the owner most is what the weekly review suggests as new FAQ entries."""

from __future__ import annotations

import datetime as dt

from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.registry import job, on_message
from core.rules import from_shop
from core.text import excerpt
from handlers.addressing import asks_the_shop
from handlers.opening_hours import shop_open


def _key(chat: str, sender: str = "") -> str:
    return f"nudge:{chat}:{sender}"


@on_message(priority=70, rule=from_shop)
def clear_when_the_shop_answers(ctx: Context, message: Message) -> None:
    if message.room:  # the shop has spoken in the group: whatever waited there is being seen to
        ctx.cancel_all(_key(message.room))
    elif message.to:  # answered in private from the shop's phone
        ctx.cancel_all(_key(message.to, message.to))


@on_message(priority=70, rule=asks_the_shop & shop_open)
def watch_for_unanswered_questions(ctx: Context, message: Message) -> None:
    key = _key(message.room or message.sender, message.sender)
    if ctx.is_scheduled(key):
        return  # the first unanswered question keeps its clock; later ones do not push it back
    wait = dt.timedelta(minutes=ctx.config.service.response_nudge_minutes)
    nudge_owner.schedule(ctx, ctx.now + wait, key=key, room=message.room, sender=message.sender, text=message.shown,
                         asked_at=to_db(ctx.now))


@job("response_nudge")
def nudge_owner(ctx: Context, question: dict) -> None:
    asked_at = from_db(question["asked_at"], ctx.config.tz)
    ctx.db.execute(
        "INSERT INTO nudged_questions (at, room, contact, text) VALUES (?, ?, ?, ?)",
        [question["asked_at"], question["room"], question["sender"], excerpt(question["text"])],
    )
    ctx.tell_owner(
        "response_nudge",
        "response_nudge",
        who=ctx.name_of(question["sender"]),
        where=ctx.topic_of(question["room"]) if question["room"] else None,
        text=question["text"],
        asked_at=asked_at,
    )


def nudged_since(ctx: Context, since: dt.datetime) -> list[str]:
    """The first words of each question asked since `since` that waited long enough for the owner to be nudged."""
    return [row[0] for row in ctx.db.execute("SELECT text FROM nudged_questions WHERE at >= ? ORDER BY at", [to_db(since)])]
