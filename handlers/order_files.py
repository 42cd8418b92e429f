"""Files sent to the bot: the owner's order export goes in from the chat, as `bot.py import-orders` puts it in.

The owner sends the back office's export (CSV in UTF-8 or GBK, or XLSX) to the bot in private. It is read and
saved by the import's own code (imports/orders.py, through handlers/order_book.py): every row checked first, and
nothing saved when one is bad; 订单号 is the key, so the same file sent twice adds nothing. One answer says what
came in (new, updated, already known), the bad rows when there are some (the first ten, then how many more), and the
tier changes the import caused, recomputed at once as /order's are.

Anything else gets a short word of what is needed: a picture, a PDF or a table without the export's columns sent by
the owner; a file a member sends the bot in private (the bot reads no files for members: they are asked to write).
A file posted in a group is the members' business: the bot says nothing there, and an owner who posts a table in a
group is told in private that it was not imported (and that everyone in the group can see it). Every file is kept
by the transport like a picture (core/media.py: private, pruned with the pictures) and never forwarded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.media import MAX_BYTES
from core.registry import on_message
from core.rules import from_member, in_group, private, rule
from handlers import off_hours, order_book
from handlers.opening_hours import is_open, next_opening
from handlers.tiers import NAMES_SHOWN, recompute
from imports.orders import NotAnOrderExport, NotATable, OrderFileError, read_orders, save_orders

ROWS_AT_MOST = 200_000  # about a year of a busy shop: a file sent in chat is read while the bot waits
PROBLEMS_SHOWN = 10  # bad rows listed in the answer; the rest are counted
TIER_NAMES_SHOWN = NAMES_SHOWN // 2  # per tier list in the answer, which also holds the import's figures
TABLES = ("csv", "xlsx")  # what media.file_format calls a file the import can read
MEMBER_TOLD = "file_replies"  # memo namespace: when each member was last told the bot reads no files
MEMBER_TOLD_EVERY = dt.timedelta(hours=1)


@rule
def sends_a_file(ctx: Context, event: object) -> bool:
    """A file message (WeChat's attachment): kept, or not kept with why."""
    return isinstance(event, Message) and event.media == "file"


@rule
def from_owner(ctx: Context, event: object) -> bool:
    """Sent by one of the owner's WeChat ids (never someone on the shop account's own phone)."""
    return isinstance(event, Message) and ctx.is_owner(event.sender)


@on_message(priority=40, rule=sends_a_file & from_owner & private)
def import_order_file(ctx: Context, message: Message) -> None:
    if message.file is None:
        _refuse(ctx, message.unreadable or "unavailable")  # too large, or not handed over (a replay's bare "media")
        return
    kind = Path(message.file).suffix.lstrip(".")
    if kind not in TABLES:
        _refuse(ctx, "not_export", kind=kind)
        return
    try:
        export = read_orders(Path(message.file), ctx.config, now=ctx.now, rows_at_most=ROWS_AT_MOST)
    except NotATable:
        _refuse(ctx, "not_export", kind="text")
        return
    except NotAnOrderExport as error:
        _refuse(ctx, "not_export", kind=kind, problems=error.problems[:PROBLEMS_SHOWN])
        return
    except OrderFileError as error:
        _refuse(ctx, "bad_rows", problems=error.problems[:PROBLEMS_SHOWN], total=len(error.problems))
        return
    summary = save_orders(ctx.db, export.orders, ctx.config, ctx.now)
    changes = recompute(ctx)  # told in this answer, not in a tier_change of its own
    waiting = order_book.unlinked_buyers(ctx.db)
    ctx.reply("command_reply", "order_imported", orders=len(export.orders), merged=export.repeated_rows,
              new=summary.new, updated=summary.updated, unchanged=summary.unchanged,
              not_counted=summary.not_counted, unlinked=len(waiting),
              unlinked_orders=sum(buyer["orders"] for buyer in waiting),
              shown=TIER_NAMES_SHOWN, vip_rooms=ctx.config.tiers.vip_rooms, **changes)


@on_message(priority=40, rule=sends_a_file & from_owner & in_group)
def owners_table_in_a_group(ctx: Context, message: Message) -> None:
    """A table the owner posted in a group is not imported (an export names every buyer: it belongs in private);
    the owner is told so in private. Other files (a catalogue, a notice) are the group's business."""
    if message.file and Path(message.file).suffix.lstrip(".") in TABLES:
        _refuse(ctx.in_private(), "in_group", where=ctx.topic_of(message.room))


@on_message(priority=40, rule=sends_a_file & from_member & private)
def explain_to_member(ctx: Context, message: Message) -> None:
    """A member's file in private: the bot reads none, so the member is asked to write instead, at most once an
    hour (a member sending five photos as files gets one answer). Nothing is forwarded to the owner."""
    told = ctx.memo(MEMBER_TOLD)
    last = told.get(message.sender)
    if last and from_db(last, ctx.config.tz) > ctx.now - MEMBER_TOLD_EVERY:
        return
    told.set(message.sender, to_db(ctx.now))
    expires_at = ctx.now + MEMBER_TOLD_EVERY
    closed = not is_open(ctx.config, ctx.now)
    if closed:  # one message off hours: this answer carries the off-hours line, as the FAQ's do
        off_hours.told_in_another_answer(ctx, message.sender)
        opening = next_opening(ctx.config, ctx.now)
        expires_at = min(expires_at, opening) if opening else expires_at
    ctx.reply("file_reply", "file_reply", expires_at=expires_at, closed=closed,
              **(off_hours.closed_words(ctx) if closed else {"opens": None, "phone": None}))


def _refuse(ctx: Context, why: str, **details) -> None:
    """Tell the owner why a file was not imported (order_file_refused), with what the import needs."""
    headers = ctx.config.orders.headers
    buyer = "或".join(names[0] for names in (headers.buyer_name, headers.buyer_id) if names)
    needed = [headers.order_id[0], headers.placed_at[0], buyer, headers.amount[0], headers.status[0]]
    ctx.reply("command_reply", "order_file_refused", **{
        "kind": None, "problems": [], "total": 0, "where": None, **details, "why": why, "needed": needed,
        "megabytes": MAX_BYTES // (1024 * 1024), "rows_at_most": ROWS_AT_MOST})
