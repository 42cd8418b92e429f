"""Outside working hours, a member who asks the shop gets one polite reply: when service opens, and whom to call.

Once per person per closed period, so that a member who writes five messages at night is not answered five times;
never to the owner, never to another account's automatic reply.
"""

from __future__ import annotations

from core.clock import to_db
from core.context import Context
from core.events import Message
from core.registry import on_message
from handlers.addressing import asks_the_shop
from handlers.opening_hours import next_opening, shop_open
from handlers.timewords import moment_words

NO_OPENING = "none"  # the period key when the shop stays closed beyond the search horizon


@on_message(priority=60, rule=asks_the_shop & ~shop_open)
def reply_outside_working_hours(ctx: Context, message: Message) -> None:
    opening = next_opening(ctx.config, ctx.now)
    first_this_period = ctx.db.execute(
        "INSERT OR IGNORE INTO off_hours_replies (contact, period_opens_at, at) VALUES (?, ?, ?)",
        [message.sender, to_db(opening) if opening else NO_OPENING, to_db(ctx.now)],
    ).rowcount
    if not first_this_period:
        return
    ctx.reply(
        "off_hours_reply",
        "off_hours_reply",
        expires_at=opening,  # "客服明天9:00上线" is stale once the shop has opened
        opens=moment_words(opening, ctx.now) if opening else None,
        phone=ctx.config.owner.emergency_phone,
    )
