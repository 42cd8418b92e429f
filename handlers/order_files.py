"""Files sent to the bot: the owner's order export goes in from the chat, as `bot.py import-orders` puts it in.

The owner sends the back office's export (CSV in UTF-8 or GBK, or XLSX) to the bot in private. It is read and
saved by the import's own code (imports/orders.py, through handlers/order_book.py): every row checked first, and
nothing saved when one is bad; 订单号 is the key, so the same file sent twice adds nothing. One answer says what
came in (new, updated, already known), the bad rows when there are some (the first ten, then how many more), and the
tier changes the import caused, recomputed at once as /order's are. The bot goes on answering meanwhile: the file is
read in a worker thread, then saved a batch a step (the job order_import), messages handled between two steps; a
big file is said to have started, with about how long it takes, and a second file waits for the first.

Anything else gets a short word of what is needed: a picture, a PDF or a table without the export's columns sent by
the owner; a file a member sends the bot in private (the bot reads no files for members: they are asked to write).
A file posted in a group is the members' business: the bot says nothing there, and an owner who posts a table in a
group is told in private that it was not imported (and that everyone in the group can see it). Every file is kept
by the transport like a picture (core/media.py: private, pruned with the pictures) and never forwarded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.media import MAX_BYTES
from core.registry import job, on_message
from core.rules import from_member, from_owner, in_group, private, rule
from handlers import off_hours, order_book
from handlers.opening_hours import next_opening
from handlers.tiers import NAMES_SHOWN, recompute
from imports.orders import NotAnOrderExport, NotATable, OrderFile, OrderFileError, read_orders, save_orders

ROWS_AT_MOST = 200_000  # about a year of a busy shop: more would take minutes to read
# A file bigger than this (about 10,000 rows) is said to have started, with about how long it takes, read in a
# worker thread and saved BATCH_ROWS orders a step, STEP apart, messages that came meanwhile answered in between:
# no step holds the bot more than a fraction of a second (bench/order_file.py). A smaller one is done at once.
BIG_FILE_BYTES = 1_000_000
BATCH_ROWS = 2_000
STEP = dt.timedelta(milliseconds=5)  # time for the loop to take the messages that came
POLL = dt.timedelta(milliseconds=200)  # how often a step looks whether the reading is over
BYTES_A_SECOND = 1_500_000  # read, checked and saved, on two shared cores: for "约需 N 秒"
IMPORTING = "order_import"  # the key of the import's steps: one import at a time
PROBLEMS_SHOWN = 10  # bad rows listed in the answer; the rest are counted
TIER_NAMES_SHOWN = NAMES_SHOWN // 2  # per tier list in the answer, which also holds the import's figures
TABLES = ("csv", "xlsx")  # what media.file_format calls a file the import can read
MEMBER_TOLD = "file_replies"  # memo namespace: when each member was last told the bot reads no files
MEMBER_TOLD_EVERY = dt.timedelta(hours=1)


@rule
def sends_a_file(ctx: Context, event: object) -> bool:
    """A file message (WeChat's attachment): kept, or not kept with why."""
    return isinstance(event, Message) and event.media == "file"


@on_message(priority=40, rule=sends_a_file & from_owner & private)
def import_order_file(ctx: Context, message: Message) -> None:
    if message.file is None:
        _refuse(ctx, message.sender, message.unreadable or "unavailable")  # too large, or not handed over
        return
    kind = Path(message.file).suffix.lstrip(".")
    if kind not in TABLES:
        _refuse(ctx, message.sender, "not_export", kind=kind)
        return
    if (running := ctx.timer(IMPORTING)) is not None:  # one at a time: two files' orders would interleave
        _refuse(ctx, message.sender, "busy", seconds=_seconds_left(ctx, running.payload))
        return
    size = Path(message.file).stat().st_size
    step = {"file": message.file, "owner": message.sender, "started": to_db(ctx.now), "size": size, "saved": 0,
            "new": 0, "updated": 0, "not_counted": 0}
    if size <= BIG_FILE_BYTES:  # under a second: read, saved and answered in this message's own transaction
        _go_on(ctx, step, _reading(ctx, message.file), ROWS_AT_MOST)
        return
    ctx.reply("command_reply", "order_import_started", seconds=_seconds_for(size))
    _read(ctx, message.file)
    import_orders.schedule(ctx, ctx.now, key=IMPORTING, **step)


@job("order_import")
def import_orders(ctx: Context, step: dict) -> None:
    """One step of a big file's import: whether its reading is over (checked, every row), then one batch of its
    orders saved in this step's transaction, then the next step after STEP, so that the messages that came
    meanwhile are answered between two batches; the last step recomputes the tiers and answers, once. After a
    restart the file is read again and the saving goes on from the batch it had reached."""
    reading = _read(ctx, step["file"])
    if not reading.done():
        import_orders.schedule(ctx, ctx.now + POLL, key=IMPORTING, **step)
    elif (going_on := _go_on(ctx, step, reading.result, BATCH_ROWS)) is not None:
        import_orders.schedule(ctx, ctx.now + STEP, key=IMPORTING, **going_on)
    else:
        ctx.forget_off_loop(step["file"])  # answered: the orders read are let go


def _go_on(ctx: Context, step: dict, read: Callable[[], OrderFile], batch_rows: int) -> dict | None:
    """The file read (`read` returns it, or raises what is wrong with it): its next `batch_rows` orders saved, and
    the step to go on with; None once it is answered: refused (nothing saved), or all saved and told."""
    try:
        export = read()
    except NotATable:
        _refuse(ctx, step["owner"], "not_export", kind="text")
    except NotAnOrderExport as error:
        _refuse(ctx, step["owner"], "not_export", kind=Path(step["file"]).suffix.lstrip("."),
                problems=error.problems[:PROBLEMS_SHOWN])
    except OrderFileError as error:
        _refuse(ctx, step["owner"], "bad_rows", problems=error.problems[:PROBLEMS_SHOWN], total=len(error.problems))
    else:
        batch = export.orders[step["saved"]:step["saved"] + batch_rows]
        saved = save_orders(ctx.db, batch, ctx.config, ctx.now)
        step = {**step, "saved": step["saved"] + len(batch), "new": step["new"] + saved.new,
                "updated": step["updated"] + saved.updated, "not_counted": step["not_counted"] + saved.not_counted}
        if step["saved"] < len(export.orders):
            return step
        _answer(ctx, step, export)
    return None


def _read(ctx: Context, file: str) -> Future:
    """The file's reading and checking, every row, in a worker thread (core/context.py off_loop)."""
    return ctx.off_loop(file, _reading(ctx, file))


def _reading(ctx: Context, file: str) -> Callable[[], OrderFile]:
    """The file's reading and checking, every row, as the import of `bot.py import-orders` does it."""
    return functools.partial(read_orders, Path(file), ctx.config, ctx.now, ROWS_AT_MOST)


def _answer(ctx: Context, step: dict, export: OrderFile) -> None:
    """The import's one answer: what came in, and the tier changes it caused (not told in a tier_change of its own):
    none when it changed no order, and then no recompute (a second or more on a big shop's store)."""
    changes = recompute(ctx) if step["new"] or step["updated"] else {"risen": [], "dropped": [], "outsiders": []}
    waiting = order_book.unlinked_buyers(ctx.db)
    ctx.say("command_reply", "order_imported", to=step["owner"], about="订单文件",
            orders=len(export.orders), merged=export.repeated_rows, new=step["new"], updated=step["updated"],
            unchanged=len(export.orders) - step["new"] - step["updated"],
            not_counted=step["not_counted"],
            unlinked=len(waiting), unlinked_orders=sum(buyer["orders"] for buyer in waiting),
            shown=TIER_NAMES_SHOWN, vip_rooms=ctx.config.tiers.vip_rooms, **changes)


def _seconds_for(size: int) -> int:
    """About how long a file of this size takes to read and save (bench/order_file.py)."""
    return max(1, round(size / BYTES_A_SECOND))


def _seconds_left(ctx: Context, step: dict) -> int:
    """About how long the import under way still takes: its estimate less the time it has run."""
    ran = ctx.now - from_db(step["started"], ctx.config.tz)
    return max(1, _seconds_for(step["size"]) - round(ran.total_seconds()))


@on_message(priority=40, rule=sends_a_file & from_owner & in_group)
def owners_table_in_a_group(ctx: Context, message: Message) -> None:
    """A table the owner posted in a group is not imported (an export names every buyer: it belongs in private);
    the owner is told so in private. Other files (a catalogue, a notice) are the group's business."""
    if message.file and Path(message.file).suffix.lstrip(".") in TABLES:
        _refuse(ctx, message.sender, "in_group", where=ctx.topic_of(message.room))


@on_message(priority=40, rule=sends_a_file & from_member & private)
def explain_to_member(ctx: Context, message: Message) -> None:
    """A member's file in private: the bot reads none, so the member is asked to write instead, at most once an
    hour (a member sending five photos as files gets one answer). Nothing is forwarded to the owner."""
    if not ctx.first_in(MEMBER_TOLD, message.sender, MEMBER_TOLD_EVERY):
        return
    expires_at = ctx.now + MEMBER_TOLD_EVERY
    closed = off_hours.carries_the_line(ctx, message)  # one message off hours, as the FAQ's answers
    if closed and (opening := next_opening(ctx.config, ctx.now)):
        expires_at = min(expires_at, opening)
    ctx.reply("file_reply", "file_reply", expires_at=expires_at, **off_hours.line_words(ctx, closed))


def _refuse(ctx: Context, owner: str, why: str, **details) -> None:
    """Tell the owner, in private, why a file was not imported (order_file_refused), with what the import needs."""
    headers = ctx.config.orders.headers
    buyer = "或".join(names[0] for names in (headers.buyer_name, headers.buyer_id) if names)
    needed = [headers.order_id[0], headers.placed_at[0], buyer, headers.amount[0], headers.status[0]]
    ctx.say("command_reply", "order_file_refused", to=owner, about="订单文件", **{
        "kind": None, "problems": [], "total": 0, "where": None, "seconds": None, **details, "why": why,
        "needed": needed, "megabytes": MAX_BYTES // (1024 * 1024), "rows_at_most": ROWS_AT_MOST})
