"""Complaints (差评, 投诉, 退货 …) followed up within the hour.

A complaint is acknowledged to the member at once, and the owner is alerted in private with a deadline; the bot
reminds the owner before the deadline and flags the complaint overdue at it, unless the owner has acted
(/contacted or /resolve). The hour runs in working hours: a complaint at night is due an hour after opening.
A member with an open complaint gets no second alert: what they add is gathered under the first.
The owner corrects the detector in chat: /complaint opens one it missed, from the member's latest message, on
the same path as a detected one; /notcomplaint withdraws a false alarm, which then counts nowhere. Both are kept
as training data (handlers/complaint_detection.py).
A member's photo (the broken cup) within ten minutes after their complaint, or while it is open, is forwarded to
the owner with the complaint's number and joins its record; it is no new complaint and moves no deadline. Any
other photo of a member stays with the bot: members' pictures reach the owner only for a complaint.
Detection itself lives in handlers/complaint_detection.py (rules, then a model); the weekly review in
schedules/weekly_review.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from core import history
from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.numbers import NUMBERS_AT_MOST, money, whole_number
from core.registry import UsageError, command, job, on_message
from core.rules import from_member, rule
from core.text import excerpt
from core.timewords import date_words, duration_words, moment_words, remaining_words
from handlers import second_opinion
from handlers.addressing import automatic_reply
from handlers.complaint_detection import MODEL_ONLY_REASON, detect, record_correction
from handlers.complaint_model import Verdict
from handlers.complaint_rules import REASONS
from handlers.members import find_member
from handlers.opening_hours import is_open, next_opening

# What the owner may record as compensation: the words accepted after /resolve N, and whether an amount follows.
# A withdrawn complaint (/notcomplaint: a false alarm) is neither open nor counted; it stays on record.
OPEN = "resolved_at IS NULL AND withdrawn_at IS NULL"
COMPENSATIONS = {"补发": False, "换货": False, "券": True, "优惠券": True, "退款": True, "道歉": False, "无": False}
REVIEW_DAYS = 7
LISTED_AT_ONCE = 10  # a chat message listing more is not read; the oldest, most urgent ones come first
DOUBT_ASKED_FOR = dt.timedelta(hours=1)  # a member's doubtful messages within this are one question to the owner
PHOTO_AFTER = dt.timedelta(minutes=10)  # a photo this soon after a member's complaint belongs to it, even closed


# The message path below uses plain SQL: it runs for every message (bench/throughput.py), and sqlite-utils'
# insert() and query() wrap each call in a savepoint of their own.


def _open_complaint_id(ctx: Context, contact: str) -> int | None:
    row = ctx.db.execute(
        f"SELECT id FROM complaints WHERE contact = ? AND {OPEN} ORDER BY id DESC LIMIT 1", [contact]
    ).fetchone()
    return row[0] if row else None


def _gather(ctx: Context, complaint_id: int, text: str) -> None:
    ctx.db.execute(
        "INSERT INTO complaint_messages (complaint, at, text) VALUES (?, ?, ?)", [complaint_id, to_db(ctx.now), text]
    )


@on_message(priority=10, rule=from_member & ~automatic_reply)
def take_complaint(ctx: Context, message: Message) -> bool | None:
    verdict = detect(message.text)
    if verdict is None:
        return None
    if (open_id := _open_complaint_id(ctx, message.sender)) is not None:
        _gather(ctx, open_id, message.text)
        return True
    second = second_opinion.ask(ctx, "complaint", message.text) if verdict.band == "doubt" else None
    if second is False:
        return None  # the owner's configured model says it is none: nobody is asked
    if verdict.band == "sure" or second:
        open_complaint(ctx, message, verdict.reason)
        return True
    _ask_owner(ctx, message, verdict)
    return None  # in doubt, it may be a question after all: the FAQ and the owner's nudge still see it


def _ask_owner(ctx: Context, message: Message, verdict: Verdict) -> None:
    """A message that may be a complaint goes to the owner alone, never an apology in the group: "可能是投诉…". One
    question per member an hour: a member who goes on in the same vein is the same doubt."""
    asked_lately = ctx.db.execute(
        "SELECT 1 FROM doubts WHERE detector = 'complaint' AND contact = ? AND at > ? AND complaint IS NULL LIMIT 1",
        [message.sender, to_db(ctx.now - DOUBT_ASKED_FOR)],
    ).fetchone()
    if asked_lately:
        return
    doubt_id = ctx.db.execute(
        "INSERT INTO doubts (detector, at, room, contact, text, reason, probability) VALUES ('complaint', ?, ?, ?, ?, ?, ?)",
        [to_db(ctx.now), message.room, message.sender, message.text, verdict.reason, verdict.probability],
    ).lastrowid
    ctx.tell_owner("complaint_doubt", "complaint_doubt", id=doubt_id, who=ctx.name_of(message.sender),
                   where=ctx.topic_of(message.room) if message.room else None, text=message.text)


@command("confirm", usage="/confirm 编号", summary="确认“可能是投诉”的消息是投诉：向顾客致歉，一小时跟进从现在算起",
         aliases=("是投诉",), examples=("/confirm 3",))
def confirm(ctx: Context, args: list[str]) -> None:
    if len(args) != 1 or not args[0].lstrip("#").isdigit() or len(args[0]) > 9:
        raise UsageError("请写明“可能是投诉”提醒里的编号，例如 /是投诉 3")
    doubt = next(ctx.db.query("SELECT * FROM doubts WHERE detector = 'complaint' AND id = ?", [int(args[0].lstrip("#"))]), None)
    if doubt is None:
        raise UsageError(f"没有编号为 {excerpt(args[0], 12)} 的“可能是投诉”提醒")
    who = ctx.name_of(doubt["contact"])
    if doubt["complaint"] is not None:
        ctx.reply("command_reply", "complaint_correction", outcome="already_open", id=doubt["complaint"], who=who)
        return
    if (open_id := _open_complaint_id(ctx, doubt["contact"])) is not None:
        _gather(ctx, open_id, doubt["text"])
        ctx.reply("command_reply", "complaint_correction", outcome="already_open", id=open_id, who=who)
        return
    complaint_id = open_complaint(ctx, Message(doubt["contact"], doubt["text"], doubt["room"]),
                                  doubt["reason"] or MODEL_ONLY_REASON)
    ctx.db.execute("UPDATE doubts SET complaint = ? WHERE id = ?", [complaint_id, doubt["id"]])
    record_correction(ctx, complaint_id, doubt["text"], is_complaint=True)


@rule
def sends_picture(ctx: Context, event: object) -> bool:
    """A picture that was kept (one that could not be read has no image: the owner was told by the core)."""
    return isinstance(event, Message) and event.image is not None


@on_message(priority=11, rule=from_member & sends_picture)
def forward_photo(ctx: Context, message: Message) -> None:
    complaint_id = _complaint_for_photo(ctx, message.sender)
    if complaint_id is None:
        return
    ctx.db.execute("INSERT INTO complaint_photos (complaint, at, room, image) VALUES (?, ?, ?, ?)",
                   [complaint_id, to_db(ctx.now), message.room, message.image])
    complaint = _get(ctx, complaint_id)
    ctx.tell_owner("complaint_photo", "complaint_photo", image=message.image, **_describe(ctx, complaint),
                   sent_in=ctx.topic_of(message.room) if message.room else None, closed=bool(complaint["resolved_at"]))


def _complaint_for_photo(ctx: Context, contact: str) -> int | None:
    """The member's complaint a photo of theirs belongs to: the open one, or one they wrote about within
    PHOTO_AFTER (closed quickly, the photo still on its way). A withdrawn one was no complaint."""
    row = ctx.db.execute(
        "SELECT id FROM complaints WHERE contact = ? AND withdrawn_at IS NULL AND (resolved_at IS NULL OR"
        " (SELECT max(at) FROM complaint_messages WHERE complaint = complaints.id) >= ?) ORDER BY id DESC LIMIT 1",
        [contact, to_db(ctx.now - PHOTO_AFTER)],
    ).fetchone()
    return row[0] if row else None


def open_complaint(ctx: Context, message: Message, reason: str) -> int:
    """Open a complaint from the member's message, now: acknowledged where they wrote it, the owner alerted, and
    the hour's reminder and overdue flag scheduled. Detected or opened by the owner's /complaint alike."""
    service = ctx.config.service
    starts = ctx.now if is_open(ctx.config, ctx.now) else next_opening(ctx.config, ctx.now) or ctx.now
    deadline = starts + dt.timedelta(minutes=service.complaint_deadline_minutes)
    complaint_id = ctx.db.execute(
        "INSERT INTO complaints (contact, room, reason, text, opened_at, clock_starts_at, deadline_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [message.sender, message.room, reason, message.text, to_db(ctx.now), to_db(starts), to_db(deadline)],
    ).lastrowid
    _gather(ctx, complaint_id, message.text)
    ctx.say("complaint_ack", "complaint_ack", room=message.room, to=message.sender, about=excerpt(message.text),
            opens=None if starts == ctx.now else starts)
    ctx.tell_owner("complaint_alert", "complaint_alert", **_describe(ctx, _get(ctx, complaint_id)))
    reminder_at = starts + dt.timedelta(minutes=service.complaint_reminder_minutes)
    remind_owner.schedule(ctx, reminder_at, key=f"complaint:{complaint_id}:reminder", complaint=complaint_id)
    flag_overdue.schedule(ctx, deadline, key=f"complaint:{complaint_id}:overdue", complaint=complaint_id)
    return complaint_id


def _get(ctx: Context, complaint_id: int) -> dict | None:
    return next(ctx.db.query("SELECT * FROM complaints WHERE id = ?", [complaint_id]), None)


def _describe(ctx: Context, complaint: dict) -> dict:
    """The variables every complaint template is given."""
    deadline = from_db(complaint["deadline_at"], ctx.config.tz)
    follow_ups = ctx.db.execute(
        "SELECT count(*) - 1 FROM complaint_messages WHERE complaint = ?", [complaint["id"]]
    ).fetchone()[0]
    photos = ctx.db.execute("SELECT count(*) FROM complaint_photos WHERE complaint = ?", [complaint["id"]]).fetchone()[0]
    return {
        "id": complaint["id"],
        "who": ctx.name_of(complaint["contact"]),
        "where": ctx.topic_of(complaint["room"]) if complaint["room"] else None,
        "reason": complaint["reason"],
        "text": complaint["text"],
        "deadline": moment_words(deadline, ctx.now),
        "left": remaining_words(deadline, ctx.now),
        "follow_ups": max(follow_ups, 0),
        "photos": photos,
    }


def _still_waiting(ctx: Context, complaint_id: int) -> dict | None:
    complaint = _get(ctx, complaint_id)
    if complaint is None or complaint["contacted_at"] or complaint["resolved_at"] or complaint["withdrawn_at"]:
        return None
    return complaint


@job("complaint_reminder")
def remind_owner(ctx: Context, payload: dict) -> None:
    if complaint := _still_waiting(ctx, payload["complaint"]):
        ctx.tell_owner("complaint_reminder", "complaint_reminder", **_describe(ctx, complaint))


@job("complaint_overdue")
def flag_overdue(ctx: Context, payload: dict) -> None:
    if complaint := _still_waiting(ctx, payload["complaint"]):
        ctx.tell_owner("complaint_overdue", "complaint_overdue", **_describe(ctx, complaint))


def _complaint_from_args(ctx: Context, args: list[str]) -> dict:
    if not args:
        raise UsageError("请写明投诉编号")
    complaint = _get(ctx, whole_number(args[0].removeprefix("#"), "投诉编号", at_most=NUMBERS_AT_MOST))
    if complaint is None:
        raise UsageError(f"没有编号为 {excerpt(args[0], 12)} 的投诉")
    if complaint["resolved_at"]:
        raise UsageError(f"投诉 #{complaint['id']} 已经处理完毕")
    if complaint["withdrawn_at"]:
        raise UsageError(f"投诉 #{complaint['id']} 已撤销（不是投诉）")
    return complaint


def _stop_reminders(ctx: Context, complaint_id: int) -> None:
    ctx.cancel_all(f"complaint:{complaint_id}:")


@command("contacted", usage="/contacted 编号", summary="记下已联系投诉的顾客（停止提醒）", aliases=("已联系",),
         examples=("/contacted 12",))
def mark_contacted(ctx: Context, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("只需要一个投诉编号")
    complaint = _complaint_from_args(ctx, args)
    ctx.db["complaints"].update(complaint["id"], {"contacted_at": complaint["contacted_at"] or to_db(ctx.now)})
    _stop_reminders(ctx, complaint["id"])
    ctx.reply("command_reply", "complaint_updated", id=complaint["id"], who=ctx.name_of(complaint["contact"]),
              resolved=False, compensation=None, amount=None)


@command("complaint", usage="/complaint @昵称 [物流|品控|发错货|退款|服务|其他]",
         summary="把机器人漏掉的投诉记上：按该成员最近的一条消息", aliases=("记投诉",),
         examples=("/complaint @小王", "/complaint @小王 物流"))
def open_missed(ctx: Context, args: list[str]) -> None:
    if not args or len(args) > 2:
        raise UsageError("请写出是哪位成员，原因可不写，例如 /complaint @小王 物流")
    reason = args[1] if len(args) == 2 else MODEL_ONLY_REASON
    if reason not in REASONS:
        raise UsageError(f"原因只能是 {'、'.join(REASONS)}")
    contact = find_member(ctx, args[0])
    who = ctx.name_of(contact)
    if (open_id := _open_complaint_id(ctx, contact)) is not None:
        ctx.reply("command_reply", "complaint_correction", outcome="already_open", id=open_id, who=who)
        return
    if (latest := history.latest_message(ctx.db, contact)) is None:
        ctx.reply("command_reply", "complaint_correction", outcome="never_wrote", id=None, who=who)
        return
    room, text, _ = latest
    complaint_id = open_complaint(ctx, Message(contact, text, room), reason)
    record_correction(ctx, complaint_id, text, is_complaint=True)


@command("notcomplaint", usage="/notcomplaint 编号", summary="撤销误报的投诉：不再提醒，不计入统计", aliases=("不是投诉",),
         examples=("/notcomplaint 12",))
def withdraw(ctx: Context, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("只需要一个投诉编号")
    complaint = _complaint_from_args(ctx, args)
    ctx.db.execute("UPDATE complaints SET withdrawn_at = ? WHERE id = ?", [to_db(ctx.now), complaint["id"]])
    _stop_reminders(ctx, complaint["id"])
    record_correction(ctx, complaint["id"], complaint["text"], is_complaint=False)
    ctx.reply("command_reply", "complaint_correction", outcome="withdrawn", id=complaint["id"],
              who=ctx.name_of(complaint["contact"]))


@command("resolve", usage="/resolve 编号 补发|换货|券 金额|退款 金额|道歉|无", summary="结案并记录补偿方式", aliases=("结案",),
         examples=("/resolve 12 补发", "/resolve 12 券 10", "/resolve 12 退款 59.9"))
def resolve(ctx: Context, args: list[str]) -> None:
    complaint = _complaint_from_args(ctx, args)
    if len(args) < 2 or args[1] not in COMPENSATIONS:
        raise UsageError(f"请写明补偿方式（{'、'.join(COMPENSATIONS)}）")
    compensation, needs_amount = ("券" if args[1] == "优惠券" else args[1]), COMPENSATIONS[args[1]]
    amount = None
    if needs_amount:
        if len(args) < 3:
            raise UsageError(f"{args[1]}需要写金额，例如 /resolve {complaint['id']} {args[1]} 10")
        # A coupon or a refund above the largest order the shop takes is a typo, as such an order would be.
        amount = float(money(args[2], f"{compensation}金额", at_most=ctx.config.orders.max_order_amount, example="10"))
    elif len(args) > 2:
        raise UsageError(f"{args[1]}后面不需要金额")
    ctx.db["complaints"].update(
        complaint["id"],
        {
            "contacted_at": complaint["contacted_at"] or to_db(ctx.now),
            "resolved_at": to_db(ctx.now),
            "compensation": compensation,
            "coupon_value": amount,
        },
    )
    _stop_reminders(ctx, complaint["id"])
    ctx.reply("command_reply", "complaint_updated", id=complaint["id"], who=ctx.name_of(complaint["contact"]),
              resolved=True, compensation=compensation, amount=amount)


@command("complaints", usage="/complaints [week]", summary="未结的投诉（最早的在前），或 week：近7天汇总", aliases=("投诉",),
         examples=("/complaints", "/complaints week"))
def list_complaints(ctx: Context, args: list[str]) -> None:
    if args == ["week"] or args == ["周"]:
        ctx.reply("command_reply", "complaints_week", **week_figures(ctx))
        return
    if args:
        raise UsageError("只能不带参数，或带 week")
    total = ctx.db.execute(f"SELECT count(*) FROM complaints WHERE {OPEN}").fetchone()[0]
    rows = ctx.db.query(f"SELECT * FROM complaints WHERE {OPEN} ORDER BY opened_at, id LIMIT ?", [LISTED_AT_ONCE])
    complaints = [{**_describe(ctx, row), "contacted": bool(row["contacted_at"])} for row in rows]
    ctx.reply("command_reply", "complaints_open", complaints=complaints, total=total)


def open_complaint_counts(ctx: Context) -> tuple[int, int]:
    """How many complaints are open, and how many of those are past their deadline with nobody in touch yet."""
    return ctx.db.execute(
        f"SELECT count(*), coalesce(sum(contacted_at IS NULL AND deadline_at <= ?), 0) FROM complaints WHERE {OPEN}",
        [to_db(ctx.now)],
    ).fetchone()


def week_figures(ctx: Context) -> dict:
    """The week's complaints summed up for the owner: by reason, how many were followed up within the hour,
    the slowest, and what keeps coming back (reasons and members), so that logistics or quality can be fixed.
    A withdrawn complaint (a false alarm) is left out."""
    since = ctx.now - dt.timedelta(days=REVIEW_DAYS)
    rows = list(ctx.db.query(
        "SELECT * FROM complaints WHERE opened_at >= ? AND withdrawn_at IS NULL ORDER BY id", [to_db(since)]
    ))
    tz = ctx.config.tz

    def time_to_act(row: dict) -> dt.timedelta:
        acted = row["contacted_at"] or row["resolved_at"]
        end = from_db(acted, tz) if acted else ctx.now
        return end - from_db(row["clock_starts_at"], tz)

    def in_time(row: dict) -> bool:
        acted = row["contacted_at"] or row["resolved_at"]
        return bool(acted) and acted <= row["deadline_at"]

    by_reason = Counter(row["reason"] for row in rows)
    by_member = Counter(row["contact"] for row in rows)
    slowest = max(rows, key=time_to_act, default=None)
    return {
        "since": date_words(since.date(), ctx.now.date()),
        "until": date_words(ctx.now.date(), ctx.now.date()),
        "total": len(rows),
        "by_reason": by_reason.most_common(),
        "in_time": sum(in_time(row) for row in rows),
        "open": sum(not row["resolved_at"] for row in rows),
        "slowest": {**_describe(ctx, slowest), "took": duration_words(time_to_act(slowest))} if slowest else None,
        "repeat_reasons": [reason for reason, count in by_reason.most_common() if count > 1],
        "repeat_members": [ctx.name_of(contact) for contact, count in by_member.most_common() if count > 1],
        "reshipped": sum(row["compensation"] in ("补发", "换货") for row in rows),
        "coupons": sum(row["coupon_value"] or 0 for row in rows if row["compensation"] == "券"),
        "refunds": sum(row["coupon_value"] or 0 for row in rows if row["compensation"] == "退款"),
    }


def complaints_per_day(ctx: Context, days: list[tuple[str, str]]) -> list[Counter]:
    """The complaints opened in each span (start, end) of stored times, by reason, in order: one a local day, for a
    chart. A withdrawn complaint is left out, as in week_figures."""
    per_day = [Counter() for _ in days]
    for index, reason, count in ctx.db.execute(
        """SELECT d.key, c.reason, count(*) FROM json_each(?) d JOIN complaints c
        ON c.opened_at >= d.value ->> 0 AND c.opened_at < d.value ->> 1 WHERE c.withdrawn_at IS NULL GROUP BY 1, 2""",
        [json.dumps(days)],
    ):
        per_day[index][reason] = count
    return per_day
