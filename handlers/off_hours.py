"""Outside working hours, a member who asks the shop gets one polite reply: when service opens, and whom to call.

A group message gets it only when the question model is sure it asks the shop (handlers/addressing.py): a
doubtful one is kept for the owner's list at opening, unanswered in the group. Once per person per closed period,
so that a member who writes five messages at night is not answered five times;
never to the owner, never to another account's automatic reply. A feature that answers a member off hours itself
(the FAQ) carries the same line in its own message instead (carries_the_line, line_words): one message. A
complaint acknowledged off hours says when the owner comes, and takes the reply's place (said_by_a_complaint_ack).

A group where the bot posted a sale that is still running is staffed, off hours too: the post asked members to
bring their questions there, and an evening flash sale's questions answered at tomorrow's opening are answered
after it ended. Its questions get no off-hours reply and wait for the owner as in working hours
(handlers/response_nudges.py); a complaint there is still acknowledged with when the owner comes.
"""

from __future__ import annotations

from core.clock import to_db
from core.context import Context
from core.events import Message
from core.registry import on_message
from core.rules import rule
from handlers import campaigns  # a module, not its names: campaigns → tiers → complaints → faq → here
from handlers.addressing import surely_asks_the_shop
from handlers.opening_hours import next_opening, shop_open

NO_OPENING = "none"  # the period key when the shop stays closed beyond the search horizon


@rule
def in_a_running_sale(ctx: Context, event: Message) -> bool:
    """A message in a group where a sale the bot posted is running (handlers/campaigns.py sale_running)."""
    return event.room is not None and campaigns.sale_running(ctx, event.room)


# Whether a member's question is answered now rather than at the next opening: in working hours, or in a group
# where a sale the bot posted is running (the post asked for questions there: handlers/campaigns.py sale_running).
staffed = shop_open | in_a_running_sale


@on_message(priority=60, rule=surely_asks_the_shop & ~staffed)
def reply_outside_working_hours(ctx: Context, message: Message) -> None:
    if not _first_this_period(ctx, message.sender):
        return
    ctx.reply(
        "off_hours_reply",
        "off_hours_reply",
        expires_at=next_opening(ctx.config, ctx.now),  # "客服明天9:00上线" is stale once the shop has opened
        **closed_words(ctx),
    )


def carries_the_line(ctx: Context, message: Message) -> bool:
    """Whether another feature's answer to this message now carries the off-hours line (line_words): it is not
    `staffed`. The period's reply then counts as given, so that the member does not get a second message saying
    the same."""
    closed = not staffed(ctx, message)
    if closed:
        _first_this_period(ctx, message.sender)
    return closed


def said_by_a_complaint_ack(ctx: Context, room: str | None, contact: str) -> bool:
    """A complaint acknowledged off hours tells `contact` when the owner comes: their reply for this closed period
    is given, and one still queued for them in `room` is taken back, since queued behind the acknowledgement
    (core/outbox.py's lanes) it would only say it again. Whether the acknowledgement is to carry the phone too:
    the member has not been told it this period."""
    first = _first_this_period(ctx, contact)
    return ctx.withdraw("off_hours_reply", room=room, to=contact) > 0 or first


def line_words(ctx: Context, closed: bool) -> dict:
    """The variables of an answer that carries the off-hours line when `closed` (templates/closed_note.j2)."""
    return {"closed": closed, **(closed_words(ctx) if closed else {"opens": None, "phone": None})}


def closed_words(ctx: Context) -> dict:
    """The off-hours line's variables: when service opens (None beyond the search horizon), and the phone."""
    opening = next_opening(ctx.config, ctx.now)
    return {"opens": opening, "phone": ctx.config.owner.emergency_phone}


def _first_this_period(ctx: Context, contact: str) -> bool:
    """Record that `contact` is told when the shop opens; False when they were already, in this closed period."""
    opening = next_opening(ctx.config, ctx.now)
    return ctx.db.execute(
        "INSERT OR IGNORE INTO off_hours_replies (contact, period_opens_at, at) VALUES (?, ?, ?)",
        [contact, to_db(opening) if opening else NO_OPENING, to_db(ctx.now)],
    ).rowcount > 0
