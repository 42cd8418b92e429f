"""In working hours, a question to the shop that nobody answers within the set time (15 minutes by default)
makes the bot nudge the owner, with who asked what, and where. The shop answering clears it: the owner speaking in
that room, or anyone writing from the shop account's own phone in that room or to that member. A question the FAQ
answers (handlers/faq.py, before this) is dealt with and never waits. The questions nudged about are kept (their
first words): what waits for the owner most is what the weekly review suggests as new FAQ entries.

Outside working hours the member was promised an answer once service opens (handlers/off_hours.py), and a nudge
at night would wake the owner for nothing: the night's questions are kept instead, and at opening the owner gets
them in one list, oldest first. What the shop answered meanwhile (in that group, or to that member) is left off.
A group where a sale the bot posted is running is staffed, off hours too (handlers/off_hours.py `staffed`): its
questions are nudged about as in working hours.

A member who asks again while a question of theirs that the owner was nudged about (or that was listed at opening)
still has no answer is chasing the shop, and the reason readers call that a complaint about service (data/reasons/):
the owner hears of it at once, with since when and how many times ("…周一13:36起第4次，之前的还没人回复"), rather
than as one more question 15 minutes later. Once an hour at most for one member in one chat: a member who keeps
asking is otherwise nudged about as before.
A line the owner is asked about as a possible complaint is told of in that one message, which says what of the
member's still waits: it is neither told of as a chase nor nudged about as well.

/waiting lists what still waits, a page at a time: after a weekend the list at opening names the first
LISTED_AT_ONCE members (a chat message is read, not scrolled) and counts the rest, which the owner finds there."""

from __future__ import annotations

import datetime as dt

from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.numbers import page_count, page_number
from core.registry import command, job, on_message
from core.rules import from_shop
from core.text import excerpt
from handlers.addressing import asks_the_shop
from handlers.off_hours import staffed
from handlers.opening_hours import next_opening

NIGHT_LIST = "night_questions"  # the timer of the list at opening: one, however many questions wait
LISTED_AT_ONCE = 20  # lines of the list and of a page of /waiting (a chat message of 2,000 characters is not read)
STILL_WAITING_FOR = dt.timedelta(days=3)  # a question unanswered for longer is not what a member's next one chases
CHASE_TOLD_EVERY = dt.timedelta(hours=1)  # the owner is told of one member chasing in one chat at most this often
LATER_KEPT = 10  # a member's later questions a nudge keeps (counting the rest): a flood of them stays a small timer


def _key(chat: str, sender: str = "") -> str:
    return f"nudge:{chat}:{sender}"


@on_message(priority=70, rule=from_shop)
def clear_when_the_shop_answers(ctx: Context, message: Message) -> None:
    if message.room:  # the shop has spoken in the group: whatever waited there is being seen to
        ctx.cancel_all(_key(message.room))
        _answered(ctx, "room = ?", [message.room])
    elif message.to:  # answered in private from the shop's phone
        ctx.cancel_all(_key(message.to, message.to))
        _answered(ctx, "contact = ?", [message.to])


def seen_to(ctx: Context, room: str | None, contact: str) -> None:
    """What a member asked is being seen to another way (a complaint opened for it, handlers/complaints.py): the
    owner is not nudged about it, nor is it listed at opening."""
    ctx.cancel_all(_key(room or contact, contact))
    _answered(ctx, "room IS ? AND contact = ?", [room, contact])


def _answered(ctx: Context, which: str, params: list) -> None:
    """The questions `which` picks (a condition on room and contact) are answered: off the list at opening, and
    what a member asks next chases none of them."""
    ctx.db.execute(f"DELETE FROM night_questions WHERE {which}", params)
    ctx.db.execute(f"UPDATE nudged_questions SET answered_at = ? WHERE {which} AND answered_at IS NULL",
                   [to_db(ctx.now), *params])


def shown_to_owner(ctx: Context, message: Message) -> None:
    """The owner has just been shown this message another way (asked whether it is a complaint, with what of the
    member's still waits: handlers/complaints.py), in working hours: it is kept as a question they heard of (for
    /waiting, and for what the member asks next to chase) rather than nudged about 15 minutes later or told of as a
    chase as well, each of which told the owner of one line twice."""
    if staffed(ctx, message):
        _keep_nudged(ctx, to_db(ctx.now), message.room, message.sender, message.shown)


@on_message(priority=70, rule=asks_the_shop & staffed)
def watch_for_unanswered_questions(ctx: Context, message: Message) -> None:
    heard = _heard_of(ctx, message.room, message.sender)
    if heard[1] == to_db(ctx.now):  # kept this moment: the owner was just shown it (shown_to_owner)
        return
    if _told_of_a_chase(ctx, message, heard):
        return
    key = _key(message.room or message.sender, message.sender)
    if (waiting := ctx.timer(key)) is not None:  # the first unanswered question keeps its clock, and the owner
        later = [*waiting.payload.get("later", []), [to_db(ctx.now), message.shown]]  # hears of the later ones with it
        nudge_owner.amend(ctx, waiting, later=later[-LATER_KEPT:], asked_later=waiting.payload.get("asked_later", 0) + 1)
        return
    wait = dt.timedelta(minutes=ctx.config.service.response_nudge_minutes)
    nudge_owner.schedule(ctx, ctx.now + wait, key=key, room=message.room, sender=message.sender, text=message.shown,
                         asked_at=to_db(ctx.now))


def _heard_of(ctx: Context, room: str | None, contact: str) -> tuple[str | None, str | None, int]:
    """The member's questions in that chat the owner heard of and nobody has answered: when the first and the
    latest were asked (stored times), and how many."""
    return ctx.db.execute(
        "SELECT min(at), max(at), count(*) FROM nudged_questions WHERE room IS ? AND contact = ? AND answered_at IS NULL"
        " AND at > ?", [room, contact, to_db(ctx.now - STILL_WAITING_FOR)],
    ).fetchone()


def still_unanswered(ctx: Context, room: str | None, contact: str) -> tuple[dt.datetime, int] | None:
    """Since when the member has waited in that chat for an answer the owner heard of, and how many questions: what
    another message to the owner about them says (a possible complaint that chases), or None."""
    first, _, times = _heard_of(ctx, room, contact)
    return (from_db(first, ctx.config.tz), times) if times else None


def _told_of_a_chase(ctx: Context, message: Message, heard: tuple[str | None, str | None, int]) -> bool:
    """Whether this question chases one the owner already heard of (`heard`: `_heard_of` the member) and nobody has
    answered: then the owner is told at once (see the top), and it is kept as one that waited."""
    first, latest, times = heard
    if not times or latest > to_db(ctx.now - CHASE_TOLD_EVERY):
        return False
    _keep_nudged(ctx, to_db(ctx.now), message.room, message.sender, message.shown)
    ctx.tell_owner("response_chased", "response_chased", who=ctx.name_of(message.sender),
                   where=ctx.topic_of(message.room) if message.room else None, text=message.shown,
                   first_asked_at=from_db(first, ctx.config.tz), times=times + 1)
    return True


@on_message(priority=70, rule=asks_the_shop & ~staffed)
def keep_night_questions(ctx: Context, message: Message) -> None:
    opening = next_opening(ctx.config, ctx.now)
    if opening is None:  # closed beyond the calendar's horizon: no opening to list them at, nor was one promised
        return
    ctx.db.execute("INSERT INTO night_questions (at, room, contact, text) VALUES (?, ?, ?, ?)",
                   [to_db(ctx.now), message.room, message.sender, message.shown])
    list_night_questions.schedule(ctx, opening, key=NIGHT_LIST)


def wait_for_an_answer(ctx: Context, message: Message) -> None:
    """A question another feature took to answer and then could not (an FAQ entry deleted in the minute its group
    answer waited to gather askers) waits for the shop as any question does: nudged about, or listed at opening."""
    (watch_for_unanswered_questions if staffed(ctx, message) else keep_night_questions)(ctx, message)


@job("night_questions")
def list_night_questions(ctx: Context, payload: dict) -> None:
    """One list at opening of what waited overnight: a line per member and chat (their first question, and how
    many they asked), oldest first."""
    rows = _by_member(ctx, "WITH waiting AS (SELECT id, at, room, contact, text FROM night_questions WHERE at <= ?)",
                      [to_db(ctx.now)])
    for asked_at, room, contact, text in ctx.db.execute(  # each of them, as /waiting counts a member's questions
            "SELECT at, room, contact, text FROM night_questions WHERE at <= ? ORDER BY id", [to_db(ctx.now)]).fetchall():
        _keep_nudged(ctx, asked_at, room, contact, text)
    ctx.db.execute("DELETE FROM night_questions WHERE at <= ?", [to_db(ctx.now)])
    if not rows:
        return
    ctx.tell_owner("night_questions", "night_questions", more=max(len(rows) - LISTED_AT_ONCE, 0),
                   questions=_lines(ctx, rows[:LISTED_AT_ONCE]))


def _by_member(ctx: Context, waiting: str, params: list, limit: int = -1, offset: int = 0) -> list[tuple]:
    """The questions of `waiting` (a WITH clause that names them so) a line per member and chat, oldest first:
    (room, contact, when they first asked, how many, the first's text)."""
    return ctx.db.execute(
        waiting + " SELECT room, contact, min(at), count(*), (SELECT text FROM waiting f WHERE f.room IS q.room"
        " AND f.contact = q.contact ORDER BY at, id LIMIT 1) FROM waiting q GROUP BY room, contact"
        " ORDER BY min(at), min(id) LIMIT ? OFFSET ?", [*params, limit, offset],
    ).fetchall()


def _lines(ctx: Context, rows: list[tuple]) -> list[dict]:
    """`_by_member`'s lines as the night list and /waiting say them."""
    return [{"who": ctx.name_of(contact), "where": ctx.topic_of(room) if room else None, "text": excerpt(text),
             "asked_at": from_db(asked_at, ctx.config.tz), "times": times}
            for room, contact, asked_at, times, text in rows]


def _keep_nudged(ctx: Context, asked_at: str, room: str | None, contact: str, text: str) -> None:
    """A question that waited for the owner, for the weekly review's suggestions: its first words."""
    ctx.db.execute("INSERT INTO nudged_questions (at, room, contact, text) VALUES (?, ?, ?, ?)",
                   [asked_at, room, contact, excerpt(text)])


@job("response_nudge")
def nudge_owner(ctx: Context, question: dict) -> None:
    asked_at = from_db(question["asked_at"], ctx.config.tz)
    later = question.get("later", [])  # a timer set before later questions were kept has none
    for at, text in [[question["asked_at"], question["text"]], *later]:
        _keep_nudged(ctx, at, question["room"], question["sender"], text)
    ctx.tell_owner(
        "response_nudge",
        "response_nudge",
        who=ctx.name_of(question["sender"]),
        where=ctx.topic_of(question["room"]) if question["room"] else None,
        text=question["text"],
        asked_at=asked_at,
        later=[text for _, text in later],
        asked_later=question.get("asked_later", len(later)),
    )


# What waits for an answer: the questions the owner was nudged about or had listed (three days at most), and those
# kept overnight for the list at opening. The two never hold the same question: the list moves them over.
_WAITING = ("WITH waiting AS (SELECT id, at, room, contact, text FROM nudged_questions"
            " WHERE answered_at IS NULL AND at > ? UNION ALL SELECT id, at, room, contact, text FROM night_questions)")


@command("waiting", usage="/waiting [页码]", summary="还没人回复的顾客提问（近3天的），最早的在前，每页20位",
         aliases=("待回复",), examples=("/waiting", "/waiting 2"))
def list_waiting(ctx: Context, args: list[str]) -> None:
    page = page_number(args)
    total = waiting_count(ctx)
    rows = _by_member(ctx, _WAITING, [to_db(ctx.now - STILL_WAITING_FOR)], LISTED_AT_ONCE, (page - 1) * LISTED_AT_ONCE)
    ctx.reply("command_reply", "waiting_questions", total=total, page=page, pages=page_count(total, LISTED_AT_ONCE),
              first=(page - 1) * LISTED_AT_ONCE + 1, questions=_lines(ctx, rows),
              nudge_minutes=ctx.config.service.response_nudge_minutes)


def waiting_count(ctx: Context) -> int:
    """How many members' questions (one a member and chat) nobody has answered (see _WAITING): /waiting's, and
    /status's count."""
    return ctx.db.execute(_WAITING + " SELECT count(*) FROM (SELECT 1 FROM waiting GROUP BY room, contact)",
                          [to_db(ctx.now - STILL_WAITING_FOR)]).fetchone()[0]


def nudged_between(ctx: Context, start: str, end: str) -> list[str]:
    """The first words of each question asked from `start` to before `end` (stored times) that waited long enough
    for the owner to be nudged."""
    return [row[0] for row in ctx.db.execute(
        "SELECT text FROM nudged_questions WHERE at >= ? AND at < ? ORDER BY at", [start, end])]
