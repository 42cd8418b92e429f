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
import re
import unicodedata
from collections import Counter

from core import history
from core.clock import from_db, to_db
from core.context import Context
from core import directory
from core.events import MEDIA_WORDS, Message
from core.numbers import NUMBERS_AT_MOST, money, whole_number
from core.registry import command, job, on_message, Refused, UsageError
from core.rules import from_member, sends_picture
from core.text import excerpt, quote
from core.timewords import date_words, duration_words, moment_words
from handlers import complaint_reasons, faq, off_hours, response_nudges, second_opinion
from handlers.addressing import automatic_reply
from handlers.complaint_detection import (
    OTHER_REASON, band_in_thread, read, reason_of, record_correction, surely_one, take_back_dismissal,
    worth_a_second_opinion,
)
from handlers.complaint_model import Verdict
from handlers.complaint_rules import REASONS
from handlers.members import named_member
from handlers.opening_hours import is_open, next_opening
from handlers.periods import Period, last_days

# What the owner may record as compensation: the words accepted after /resolve N, and whether an amount follows.
# A withdrawn complaint (/notcomplaint: a false alarm) is neither open nor counted; it stays on record.
OPEN = "resolved_at IS NULL AND withdrawn_at IS NULL"
# A question "可能是投诉" the owner has neither confirmed nor said no to (silence says no after SILENCE_MEANS_NO)
WAITING_DOUBTS = "detector = 'complaint' AND complaint IS NULL AND dismissed_at IS NULL"
COMPENSATIONS = {"补发": False, "换货": False, "券": True, "优惠券": True, "退款": True, "道歉": False, "无": False}
# How owners also write "无": "/resolve 3 无需补偿 顾客说是自己磕的" is no compensation and a note, not "需补偿 …"
WRITTEN_FOR_NONE = ("无需补偿", "不用补偿", "无补偿", "不补偿")
# An amount at the front of what follows a coupon or a refund, the note after it with or without a space
# ("30元已原路退回", "30 元 已原路退回", "￥３０"); money() reads the amount and says what is wrong with it. A letter
# right after the digits is no note: "1e308" is one word, refused whole rather than read as 1 and "e308".
AMOUNT_FIRST = re.compile(r"([¥￥]?\s*[0-9０-９][0-9０-９,，.．]*(?:\s*[元块])?)(?![0-9A-Za-zＡ-Ｚａ-ｚ])\s*(.*)", re.S)
NOTE_AT_MOST = 40  # characters of the owner's note on a closed complaint: a parcel's number, what was agreed
MEMBER_COMPLAINTS_SHOWN = 3  # in /tier: the latest, with how each was settled
REVIEW_DAYS = 7
LISTED_AT_ONCE = 10  # a chat message listing more is not read; the oldest, most urgent ones come first
# "/不是投诉 N" may mean the doubtful message numbered N (待确认 N) rather than complaint #N while it is this recent
UNDECIDED_FOR = dt.timedelta(days=7)
# A doubt the owner lets pass this long is settled as "not a complaint" and learned as /不是 is: the question says
# so. Most owners answer "可能是投诉" they disagree with by not answering, and a bot that learned from /不是 alone
# learned nothing from them (the README's complaint section has the figures).
SILENCE_MEANS_NO = dt.timedelta(days=3)
DOUBT_ASKED_FOR = dt.timedelta(hours=1)  # a member's doubtful messages within this are one question to the owner
# A member's complaint closed this recently is named when the owner is asked about their next doubtful line: after a
# /resolve, "店主回我了 说明天补寄 行吧 那就这样" reads as a complaint again, and is most often how it was settled.
SETTLED_LATELY = dt.timedelta(days=3)
CHOICES_SHOWN = 5  # /complaint @小王 lists her last messages, to pick the complaint from
CHOICES_KEPT = dt.timedelta(days=1)  # a listing older than this is not picked from: the owner lists again
PHOTO_AFTER = dt.timedelta(minutes=10)  # a photo this soon after a member's complaint belongs to it, even closed
FOLLOW_UPS_QUOTED = 2  # what a member added to an open complaint, quoted in the owner's reminder: the latest lines


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
    verdict = read(message.text)
    if verdict.band == "sure" and not _sure_in_its_thread(ctx, message):
        verdict = Verdict(verdict.reason, "doubt", verdict.probability)  # asked of the owner, not apologised for
    if verdict.band is None:
        if (open_id := _open_complaint_id(ctx, message.sender)) is not None and _complains_in_its_thread(ctx, message):
            _gather(ctx, open_id, message.text)  # and the other features still read it: it may ask something too
        elif ctx.config.second_opinion.enabled and (nearly := worth_a_second_opinion(verdict, message.text)):
            _ask_second_opinion(ctx, message, nearly)
        return None
    if (open_id := _open_complaint_id(ctx, message.sender)) is not None:
        _gather(ctx, open_id, message.text)
        return True
    if verdict.band == "sure":
        open_complaint(ctx, message, verdict.reason)
        return True
    if not _ask_second_opinion(ctx, message, verdict):
        _doubt(ctx, message, verdict)
    return None  # in doubt, it may be a question after all: the FAQ and the owner's nudge still see it


def _sure_in_its_thread(ctx: Context, message: Message) -> bool:
    """Whether a message sure alone is sure read after the member's thread too (complaint_detection.band_in_thread);
    one without a thread is: an apology in public is for a complaint read where it was written."""
    before = _said_before(ctx, message)
    return not before or band_in_thread(message.text, before) == "sure"


def _complains_in_its_thread(ctx: Context, message: Message) -> bool:
    """Whether a message in no band alone is in one read after the member's thread ("还在揽件" after "下单五天了")."""
    before = _said_before(ctx, message)
    return bool(before) and band_in_thread(message.text, before) is not None


def _ask_second_opinion(ctx: Context, message: Message, verdict: Verdict) -> bool:
    return second_opinion.ask(ctx, "complaint", message.text, decide_on_second_opinion,
                              wider=verdict.band == "consult", room=message.room, sender=message.sender,
                              text=message.text, mentions=list(message.mentions), reason=verdict.reason,
                              probability=verdict.probability, band=verdict.band)


@job("complaint_second_opinion")
def decide_on_second_opinion(ctx: Context, doubt: dict) -> None:
    """The owner's configured model has answered about a message (handlers/second_opinion.py): yes opens the
    complaint, no leaves the member and the owner alone, no answer leaves a doubtful one to the owner, and one only
    the second opinion was asked about (band "consult") as the model alone left it: not a complaint."""
    message = Message(doubt["sender"], doubt["text"], doubt["room"], tuple(doubt["mentions"]))
    if doubt["second"] is None:
        if doubt.get("band", "doubt") == "doubt":  # a question asked before the band was kept with it: in doubt
            _doubt(ctx, message, Verdict(doubt["reason"], "doubt", doubt["probability"]))
    elif doubt["second"]:
        if (open_id := _open_complaint_id(ctx, message.sender)) is not None:  # opened meanwhile: one complaint
            _gather(ctx, open_id, message.text)
        else:
            open_complaint(ctx, message, doubt["reason"], second_opinion=True)


def _doubt(ctx: Context, message: Message, verdict: Verdict) -> None:
    if not faq.answers(ctx, message):  # "运费呢？" in doubt: the shop's answer to it is enough
        _ask_owner(ctx, message, verdict)


def _ask_owner(ctx: Context, message: Message, verdict: Verdict) -> None:
    """A message that may be a complaint goes to the owner alone, never an apology in the group: "可能是投诉…". One
    question per member an hour while the owner has not answered it: a member who goes on in the same vein is the
    same doubt. Once the owner has said it is none, the member's next doubtful message is a new question: it may be
    a new problem ("快递也太慢了"), and the owner is there."""
    asked_lately = ctx.db.execute(
        f"SELECT 1 FROM doubts WHERE {WAITING_DOUBTS} AND contact = ? AND at > ? LIMIT 1",
        [message.sender, to_db(ctx.now - DOUBT_ASKED_FOR)],
    ).fetchone()
    if asked_lately:
        return
    doubt_id = ctx.db.execute(
        "INSERT INTO doubts (detector, at, room, contact, text, reason, probability) VALUES ('complaint', ?, ?, ?, ?, ?, ?)",
        [to_db(ctx.now), message.room, message.sender, message.text, verdict.reason, verdict.probability],
    ).lastrowid
    ctx.tell_owner("complaint_doubt", "complaint_doubt", id=doubt_id, who=ctx.name_of(message.sender),
                   where=ctx.topic_of(message.room) if message.room else None, text=message.text,
                   said_before=_said_before(ctx, message), silent_days=SILENCE_MEANS_NO.days,
                   likely=surely_one(verdict), settled=_settled_lately(ctx, message.sender),
                   unanswered=response_nudges.still_unanswered(ctx, message.room, message.sender))
    response_nudges.shown_to_owner(ctx, message)


def _settled_lately(ctx: Context, contact: str) -> tuple[int, dt.datetime] | None:
    """The member's complaint closed within SETTLED_LATELY, its number and when: the owner asked about the member's
    next doubtful line sees at once whether it may be about how that one was settled. The line is still asked
    about: "补发的这个也漏" is a new problem."""
    row = ctx.db.execute(
        "SELECT id, resolved_at FROM complaints WHERE contact = ? AND withdrawn_at IS NULL AND resolved_at > ?"
        " ORDER BY resolved_at DESC LIMIT 1", [contact, to_db(ctx.now - SETTLED_LATELY)]).fetchone()
    return (row[0], from_db(row[1], ctx.config.tz)) if row else None


def _said_before(ctx: Context, message: Message) -> list[str]:
    """The member's lines just before this message in its chat, when it is the one being handled now (a doubt the
    owner confirms later was shown with them when asked)."""
    if ctx.event is not message:
        return []
    return history.thread_before(ctx.db, message.sender, message.room, ctx.now)


@command("confirm", usage="/是投诉 编号…（或 /confirm 编号…）",
         summary="确认“可能是投诉”的消息是投诉：向顾客致歉，一小时跟进从现在算起；可一次写几个编号",
         aliases=("是投诉",), examples=("/confirm 3", "/confirm 3 4"))
def confirm(ctx: Context, args: list[str]) -> None:
    for doubt in _doubts_from_args(ctx, args, "/是投诉 3"):
        _confirm(ctx, doubt)


def _confirm(ctx: Context, doubt: dict) -> None:
    who = ctx.name_of(doubt["contact"])
    if doubt["dismissed_at"]:  # the owner changes their mind: the "not a complaint" they gave is taken back
        ctx.db.execute("UPDATE doubts SET dismissed_at = NULL WHERE id = ?", [doubt["id"]])
        take_back_dismissal(ctx, doubt["id"])
    joined = doubt["complaint"]
    if joined is None and (joined := _open_complaint_id(ctx, doubt["contact"])) is not None:
        # the line joins the complaint the member has open, answered: no longer waiting for the owner's word, nor
        # learned as none once three days pass
        _gather(ctx, joined, doubt["text"])
        ctx.db.execute("UPDATE doubts SET complaint = ? WHERE id = ?", [joined, doubt["id"]])
    if joined is not None:
        # the owner's word on a line of the complaint other than its own (that one was learned when they confirmed
        # it), once however often it is said: corrections count the latest per complaint and doubt
        if _get(ctx, joined)["text"] != doubt["text"]:
            record_correction(ctx, joined, doubt["text"], is_complaint=True, doubt=doubt["id"])
        ctx.reply("command_reply", "complaint_correction", outcome="already_open", id=joined, who=who)
        return
    complaint_id = open_complaint(ctx, Message(doubt["contact"], doubt["text"], doubt["room"]),
                                  doubt["reason"] or OTHER_REASON)
    ctx.db.execute("UPDATE doubts SET complaint = ? WHERE id = ?", [complaint_id, doubt["id"]])
    record_correction(ctx, complaint_id, doubt["text"], is_complaint=True)


@command("dismiss", usage="/不是 编号…（或 /dismiss 编号…）", summary="“可能是投诉”的消息不是投诉：记下来，以后类似的少问您；可一次写几个编号",
         aliases=("不是",), examples=("/dismiss 3", "/dismiss 3 4 5"))
def dismiss(ctx: Context, args: list[str]) -> None:
    _dismiss(ctx, _doubts_from_args(ctx, args, "/不是 3 4 5"))


def _dismiss(ctx: Context, doubts: list[dict]) -> None:
    """The owner's "not a complaint" on these doubts, kept once each as a correction, in one answer; every one is
    checked before any is taken."""
    for doubt in doubts:
        if doubt["complaint"] is not None:
            raise Refused(f"待确认 {doubt['id']} 已算作投诉 #{doubt['complaint']}；要撤销请回复 "
                          f"/notcomplaint #{doubt['complaint']}")
    for doubt in doubts:
        if not doubt["dismissed_at"]:
            ctx.db.execute("UPDATE doubts SET dismissed_at = ? WHERE id = ?", [to_db(ctx.now), doubt["id"]])
            record_correction(ctx, None, doubt["text"], is_complaint=False, doubt=doubt["id"])
    named = [{"id": doubt["id"], "who": ctx.name_of(doubt["contact"])} for doubt in doubts]
    ctx.reply("command_reply", "complaint_correction", outcome="dismissed", **named[0], dismissed=named)


def _doubts_from_args(ctx: Context, args: list[str], example: str) -> list[dict]:
    """The doubts a day's answer names ("/不是 3 4 5", "/是投诉 3 4"), every number checked before any is acted on."""
    if len(args) > LISTED_AT_ONCE:
        raise UsageError(f"一次最多写 {LISTED_AT_ONCE} 个编号")
    return [_doubt_typed(ctx, number, example) for number in args or [""]]


def _doubt_typed(ctx: Context, typed: str, example: str) -> dict:
    if not typed.lstrip("#").isdigit() or len(typed) > 9:
        raise UsageError(f"请写明“可能是投诉”提醒里的编号，例如 {example}")
    doubt = _doubt_numbered(ctx, int(typed.lstrip("#")))
    if doubt is None:
        raise UsageError(f"没有编号为 {excerpt(typed, 12)} 的“可能是投诉”提醒")
    return doubt


def settle_silent_doubts(ctx: Context) -> None:
    """The doubts the owner let pass for SILENCE_MEANS_NO, settled as "not a complaint" and kept as corrections for
    the night's training, as /不是 keeps them. /是投诉 N still opens the complaint within UNDECIDED_FOR, taking the
    "not a complaint" back as it does after /不是."""
    silent = ctx.db.execute(
        f"SELECT id, text FROM doubts WHERE {WAITING_DOUBTS} AND at <= ?", [to_db(ctx.now - SILENCE_MEANS_NO)],
    ).fetchall()
    for doubt_id, text in silent:
        ctx.db.execute("UPDATE doubts SET dismissed_at = ? WHERE id = ?", [to_db(ctx.now), doubt_id])
        record_correction(ctx, None, text, is_complaint=False, doubt=doubt_id)


def _undecided_doubt(ctx: Context, doubt_id: int) -> dict | None:
    """A doubtful complaint of the last UNDECIDED_FOR that the owner has neither confirmed nor dismissed."""
    doubt = _doubt_numbered(ctx, doubt_id)
    if doubt is None or doubt["complaint"] is not None or doubt["dismissed_at"]:
        return None
    return doubt if from_db(doubt["at"], ctx.config.tz) > ctx.now - UNDECIDED_FOR else None


def _doubt_numbered(ctx: Context, doubt_id: int) -> dict | None:
    return next(ctx.db.query("SELECT * FROM doubts WHERE detector = 'complaint' AND id = ?", [doubt_id]), None)


@on_message(priority=11, rule=from_member & sends_picture)
def forward_photo(ctx: Context, message: Message) -> None:
    complaint_id = _complaint_for_photo(ctx, message.sender)
    if complaint_id is None:
        return
    _keep_photo(ctx, complaint_id, message.room, message.image)
    complaint = _get(ctx, complaint_id)
    ctx.tell_owner("complaint_photo", "complaint_photo", image=message.image, **_describe(ctx, complaint),
                   sent_in=ctx.topic_of(message.room) if message.room else None, closed=bool(complaint["resolved_at"]))


def _keep_photo(ctx: Context, complaint_id: int, room: str | None, image: str) -> None:
    """The picture joins the complaint's record: counted in /complaints ("附图 2 张")."""
    ctx.db.execute("INSERT INTO complaint_photos (complaint, at, room, image) VALUES (?, ?, ?, ?)",
                   [complaint_id, to_db(ctx.now), room, image])


def _complaint_for_photo(ctx: Context, contact: str) -> int | None:
    """The member's complaint a photo of theirs belongs to: the open one, or one they wrote about within
    PHOTO_AFTER (closed quickly, the photo still on its way). A withdrawn one was no complaint."""
    row = ctx.db.execute(
        "SELECT id FROM complaints WHERE contact = ? AND withdrawn_at IS NULL AND (resolved_at IS NULL OR"
        " (SELECT max(at) FROM complaint_messages WHERE complaint = complaints.id) >= ?) ORDER BY id DESC LIMIT 1",
        [contact, to_db(ctx.now - PHOTO_AFTER)],
    ).fetchone()
    return row[0] if row else None


def open_complaint(ctx: Context, message: Message, reason: str, *, second_opinion: bool = False) -> int:
    """Open a complaint from the member's message, now: acknowledged where they wrote it, the owner alerted, and
    the hour's reminder and overdue flag scheduled. Detected or opened by the owner's /complaint alike; the alert
    says when it was the owner's configured model that decided (`second_opinion`), so the owner knows whose word
    to check."""
    service = ctx.config.service
    starts = ctx.now if is_open(ctx.config, ctx.now) else next_opening(ctx.config, ctx.now) or ctx.now
    deadline = starts + dt.timedelta(minutes=service.complaint_deadline_minutes)
    complaint_id = ctx.db.execute(
        "INSERT INTO complaints (contact, room, reason, text, opened_at, clock_starts_at, deadline_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [message.sender, message.room, reason, message.text, to_db(ctx.now), to_db(starts), to_db(deadline)],
    ).lastrowid
    _gather(ctx, complaint_id, message.text)
    closed = starts != ctx.now
    with_phone = closed and off_hours.said_by_a_complaint_ack(ctx, message.room, message.sender)
    ctx.say("complaint_ack", "complaint_ack", room=message.room, to=message.sender, about=excerpt(message.text),
            opens=starts if closed else None, phone=ctx.config.owner.emergency_phone if with_phone else None)
    ctx.tell_owner("complaint_alert", "complaint_alert", second_opinion=second_opinion,
                   said_before=_said_before(ctx, message), **_describe(ctx, _get(ctx, complaint_id)))
    reminder_at = starts + dt.timedelta(minutes=service.complaint_reminder_minutes)
    remind_owner.schedule(ctx, reminder_at, key=f"complaint:{complaint_id}:reminder", complaint=complaint_id)
    flag_overdue.schedule(ctx, deadline, key=f"complaint:{complaint_id}:overdue", complaint=complaint_id)
    # What the member asked is now a complaint with its own deadline: no second ping about it (a doubtful question
    # the owner confirmed, or the owner's model called a complaint)
    response_nudges.seen_to(ctx, message.room, message.sender)
    _join_doubts_before(ctx, complaint_id, message.sender)
    return complaint_id


def _join_doubts_before(ctx: Context, complaint_id: int, contact: str) -> None:
    """The member's doubtful lines of the hour before, still waiting for the owner's word, are part of the complaint
    (the alert shows them): answered, so neither listed as waiting nor learned as none by silence three days later.
    On held-out rounds 53 to 58, each read by a model trained without it, all 15 such lines were complaints."""
    ctx.db.execute(f"UPDATE doubts SET complaint = ? WHERE {WAITING_DOUBTS} AND contact = ? AND at >= ?",
                   [complaint_id, contact, to_db(ctx.now - DOUBT_ASKED_FOR)])


def _get(ctx: Context, complaint_id: int) -> dict | None:
    return next(ctx.db.query("SELECT * FROM complaints WHERE id = ?", [complaint_id]), None)


def _describe(ctx: Context, complaint: dict) -> dict:
    """The variables every complaint template is given."""
    deadline = from_db(complaint["deadline_at"], ctx.config.tz)
    follow_ups = ctx.db.execute(
        "SELECT count(*) - 1 FROM complaint_messages WHERE complaint = ?", [complaint["id"]]
    ).fetchone()[0]
    # The member's latest additions, quoted: "顾客又补充了 2 条" alone sent the owner to the group to find them
    latest = ctx.db.execute(
        "SELECT text FROM complaint_messages WHERE complaint = :id"
        " AND rowid > (SELECT min(rowid) FROM complaint_messages WHERE complaint = :id) ORDER BY rowid DESC LIMIT :shown",
        {"id": complaint["id"], "shown": FOLLOW_UPS_QUOTED},
    ).fetchall()
    photos = ctx.db.execute("SELECT count(*) FROM complaint_photos WHERE complaint = ?", [complaint["id"]]).fetchone()[0]
    return {
        "id": complaint["id"],
        "who": ctx.name_of(complaint["contact"]),
        "where": ctx.topic_of(complaint["room"]) if complaint["room"] else None,
        "reason": complaint["reason"],
        "text": complaint["text"],
        "deadline": deadline,  # a moment: the templates say it, and the time left, as of the send
        "follow_ups": max(follow_ups, 0),
        "latest_follow_ups": [text for (text,) in reversed(latest)],
        "photos": photos,
    }


def _still_waiting(ctx: Context, complaint_id: int) -> dict | None:
    complaint = _get(ctx, complaint_id)
    if complaint is None or complaint["contacted_at"] or complaint["resolved_at"] or complaint["withdrawn_at"]:
        return None
    return complaint


@job("complaint_reminder")
def remind_owner(ctx: Context, payload: dict) -> None:
    complaint = _still_waiting(ctx, payload["complaint"])
    # Past the deadline (the bot was down when the reminder fell due) the overdue flag is due too and says more:
    # a reminder just before it would tell the owner the same lateness twice.
    if complaint and from_db(complaint["deadline_at"], ctx.config.tz) > ctx.now:
        ctx.tell_owner("complaint_reminder", "complaint_reminder", **_describe(ctx, complaint))


@job("complaint_overdue")
def flag_overdue(ctx: Context, payload: dict) -> None:
    if complaint := _still_waiting(ctx, payload["complaint"]):
        ctx.tell_owner("complaint_overdue", "complaint_overdue", **_describe(ctx, complaint))


def _complaint_from_args(ctx: Context, args: list[str], resolved_too: bool = False) -> dict:
    if not args:
        raise UsageError("请写明投诉编号，例如 12（/complaints 列出未结的投诉和编号）")
    complaint = _get(ctx, whole_number(args[0].removeprefix("#"), "投诉编号", at_most=NUMBERS_AT_MOST))
    if complaint is None:
        raise UsageError(f"没有编号为 {excerpt(args[0], 12)} 的投诉")
    if complaint["resolved_at"] and not resolved_too:
        raise Refused(f"投诉 #{complaint['id']} 已经处理完毕")
    if complaint["withdrawn_at"]:
        raise Refused(f"投诉 #{complaint['id']} 已撤销（不是投诉）")
    return complaint


def _only_a_number(args: list[str]) -> None:
    """For the commands that take a complaint's number alone: what follows it is named, so the owner sees what to drop."""
    if len(args) > 1:
        raise UsageError(f"只需要一个投诉编号，后面的{quote(' '.join(args[1:]), 12)}请去掉")


def _stop_reminders(ctx: Context, complaint_id: int) -> None:
    ctx.cancel_all(f"complaint:{complaint_id}:")


@command("contacted", usage="/contacted 编号", summary="记下已联系投诉的顾客（停止提醒）", aliases=("已联系",),
         examples=("/contacted 12",))
def mark_contacted(ctx: Context, args: list[str]) -> None:
    _only_a_number(args)
    complaint = _complaint_from_args(ctx, args)
    ctx.db["complaints"].update(complaint["id"], {"contacted_at": complaint["contacted_at"] or to_db(ctx.now)})
    _stop_reminders(ctx, complaint["id"])
    ctx.reply("command_reply", "complaint_updated", id=complaint["id"], who=ctx.name_of(complaint["contact"]),
              resolved=False, compensation=None, amount=None)


@command("complaint", usage="/complaint @昵称 [物流|品控|发错货|退款|服务|其他] [消息编号]",
         summary="把机器人漏掉的投诉记上：先列出该成员最近的消息，再按编号记其中一条", aliases=("记投诉",),
         examples=("/complaint @小王", "/complaint @小王 物流 1"))
def open_missed(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请写出是哪位成员，原因可不写，例如 /complaint @小王 物流")
    contact, rest = named_member(ctx, args)
    numbers = [word for word in rest if _is_number(word)]
    reasons = [word for word in rest if word not in numbers]
    if len(numbers) > 1 or len(reasons) > 1:
        raise UsageError("成员后面只写一个原因和一个消息编号（昵称有空格请加引号，例如 /complaint “小 张” 品控 1）")
    if reasons and reasons[0] not in REASONS:
        raise UsageError(f"原因只能是 {'、'.join(REASONS)}")
    who = ctx.name_of(contact)
    if (open_id := _open_complaint_id(ctx, contact)) is not None:
        ctx.reply("command_reply", "complaint_correction", outcome="already_open", id=open_id, who=who)
        return
    if not numbers:
        _offer_choices(ctx, contact, reasons)
        return
    chosen = _chosen(ctx, contact, whole_number(numbers[0].lstrip("#＃"), "消息编号", at_most=CHOICES_SHOWN))
    shown = chosen["text"] or MEDIA_WORDS.get(chosen["media"], "")
    reason = reasons[0] if reasons else reason_of(chosen["text"]) if chosen["text"] else OTHER_REASON
    complaint_id = open_complaint(ctx, Message(contact, shown, chosen["room"]), reason)
    if chosen["image"]:
        _keep_photo(ctx, complaint_id, chosen["room"], chosen["image"])
    if chosen["text"]:  # a picture or a voice message has no words to learn from
        record_correction(ctx, complaint_id, chosen["text"], is_complaint=True)
        if reasons:  # the owner's reason, as /reason gives one
            complaint_reasons.record(ctx, complaint_id, chosen["text"], reason)
    ctx.db.execute("DELETE FROM complaint_choices WHERE contact = ?", [contact])


def _is_number(word: str) -> bool:
    return unicodedata.normalize("NFKC", word).lstrip("#").isdigit()


def _offer_choices(ctx: Context, contact: str, reasons: list[str]) -> None:
    """The member's last messages, numbered, for the owner to say which is the complaint: the latest is often a
    photo of the broken cup, or a thank-you, and the member is apologised to only for what the owner picked."""
    who = ctx.name_of(contact)
    recent = history.recent_messages(ctx.db, contact, CHOICES_SHOWN)
    if not recent:
        ctx.reply("command_reply", "complaint_correction", outcome="never_wrote", id=None, who=who)
        return
    ctx.db.execute("INSERT OR REPLACE INTO complaint_choices (contact, at, events) VALUES (?, ?, ?)",
                   [contact, to_db(ctx.now), json.dumps([row["id"] for row in recent])])
    choices = [{"number": number, "when": moment_words(from_db(row["at"], ctx.config.tz), ctx.now),
                "where": ctx.topic_of(row["room"]) if row["room"] else None,
                "text": quote(row["text"]) if row["text"] else MEDIA_WORDS.get(row["media"], "")}
               for number, row in enumerate(recent, start=1)]
    command = " ".join(["/complaint", _named_as(ctx, contact), *reasons])
    ctx.reply("command_reply", "complaint_choices", who=who, choices=choices, command=command)


def _named_as(ctx: Context, contact: str) -> str:
    """How a command names the member, so that the owner can copy it: @昵称, in quotes when it has spaces, or the
    WeChat id when another member shares the nickname."""
    name = ctx.name_of(contact)
    if directory.contacts_reading_as(ctx.db, name) != [contact]:
        return contact
    return f"“{name}”" if len(name.split()) > 1 else f"@{name}"


def _chosen(ctx: Context, contact: str, number: int) -> dict:
    """The message the owner picked by its number in the last listing (within CHOICES_KEPT); UsageError else."""
    listing = ctx.db.execute(
        "SELECT events FROM complaint_choices WHERE contact = ? AND at >= ?", [contact, to_db(ctx.now - CHOICES_KEPT)]
    ).fetchone()
    again = f"请先发 /complaint {_named_as(ctx, contact)}，看过最近的消息再选编号"
    if listing is None:
        raise UsageError(again)
    ids = json.loads(listing[0])
    if number > len(ids):
        raise UsageError(f"消息编号只有 1 到 {len(ids)}")
    chosen = history.messages_by_id(ctx.db, [ids[number - 1]]).get(ids[number - 1])
    if chosen is None:  # pruned meanwhile, by the store's retention
        raise Refused(f"那条消息已经过了保存期限：{again}")
    return chosen


@command("notcomplaint", usage="/notcomplaint 编号", summary="撤销误报的投诉：不再提醒，不计入统计", aliases=("不是投诉",),
         examples=("/notcomplaint 12",))
def withdraw(ctx: Context, args: list[str]) -> None:
    _only_a_number(args)
    if args and args[0].isdigit() and (doubt := _undecided_doubt(ctx, int(args[0]))) is not None:
        # "/不是投诉 3" after "可能是投诉（待确认 3）" means that message, unless complaint #3 is open too
        if (complaint := _get(ctx, doubt["id"])) is None or complaint["resolved_at"] or complaint["withdrawn_at"]:
            _dismiss(ctx, [doubt])
            return
        raise UsageError(f"编号 {doubt['id']} 既是“可能是投诉”提醒（待确认 {doubt['id']}），也是未结的投诉 #{doubt['id']}。"
                         f"撤销投诉请回复 /notcomplaint #{doubt['id']}；提醒里的消息不是投诉请回复 /不是 {doubt['id']}")
    complaint = _complaint_from_args(ctx, args)
    ctx.db.execute("UPDATE complaints SET withdrawn_at = ? WHERE id = ?", [to_db(ctx.now), complaint["id"]])
    _stop_reminders(ctx, complaint["id"])
    # An apology still queued behind other messages would reach the member after the owner said there was nothing
    # to apologise for (a member has one open complaint: the queued one is this one's).
    ctx.withdraw("complaint_ack", room=complaint["room"], to=complaint["contact"])
    record_correction(ctx, complaint["id"], complaint["text"], is_complaint=False)
    ctx.reply("command_reply", "complaint_correction", outcome="withdrawn", id=complaint["id"],
              who=ctx.name_of(complaint["contact"]))


@command("resolve", usage="/resolve 编号 补发|换货|券 金额|退款 金额|道歉|无 [备注]",
         summary="结案并记录补偿方式，可加备注（如快递单号）", aliases=("结案",),
         examples=("/resolve 12 补发 顺丰SF1234567890", "/resolve 12 券 10", "/resolve 12 退款 59.9 已原路退回"))
def resolve(ctx: Context, args: list[str]) -> None:
    complaint = _complaint_from_args(ctx, args)
    written = " ".join(args[1:])
    way = next((way for way in sorted([*COMPENSATIONS, *WRITTEN_FOR_NONE], key=len, reverse=True)
                if written.startswith(way)), None)
    if way is None:
        raise UsageError(f"请写明补偿方式（{'、'.join(COMPENSATIONS)}）")
    compensation = "券" if way == "优惠券" else "无" if way in WRITTEN_FOR_NONE else way
    rest, amount = written.removeprefix(way).strip(), None
    if COMPENSATIONS[compensation]:
        if not rest:
            raise UsageError(f"{way}需要写金额，例如 /resolve {complaint['id']} {way} 10")
        written_first = AMOUNT_FIRST.fullmatch(rest)
        typed, rest = (written_first[1], written_first[2]) if written_first else (rest.split()[0], "")
        # A coupon or a refund above the largest order the shop takes is a typo, as such an order would be.
        amount = float(money(typed.replace("块", "元"), f"{compensation}金额",
                             at_most=ctx.config.orders.max_order_amount, example="10"))
    note = " ".join(rest.split())
    if len(note) > NOTE_AT_MOST:
        raise UsageError(f"备注请写短一些（{NOTE_AT_MOST}字以内），例如快递单号")
    ctx.db["complaints"].update(
        complaint["id"],
        {
            "contacted_at": complaint["contacted_at"] or to_db(ctx.now),
            "resolved_at": to_db(ctx.now),
            "compensation": compensation,
            "coupon_value": amount,
            "note": note or None,
        },
    )
    _stop_reminders(ctx, complaint["id"])
    ctx.reply("command_reply", "complaint_updated", id=complaint["id"], who=ctx.name_of(complaint["contact"]),
              resolved=True, compensation=compensation, amount=amount, noted=bool(note))


@command("reason", usage="/reason 编号 物流|品控|发错货|退款|服务|其他", summary="改投诉的原因（每周按原因汇总）：以后类似的识别得更准",
         aliases=("改原因",), examples=("/reason 12 物流",))
def change_reason(ctx: Context, args: list[str]) -> None:
    complaint = _complaint_from_args(ctx, args, resolved_too=True)  # a closed one still counts in the week's sums
    if len(args) < 2 or args[1] not in REASONS:
        raise UsageError(f"请写一个原因（{'、'.join(REASONS)}），例如 /reason {complaint['id']} 物流")
    if len(args) > 2:
        raise UsageError(f"只需要编号和一个原因，后面的{quote(' '.join(args[2:]), 12)}请去掉")
    ctx.db["complaints"].update(complaint["id"], {"reason": args[1]})
    if complaint["text"] not in MEDIA_WORDS.values():  # a picture or a voice message has no words to learn from
        complaint_reasons.record(ctx, complaint["id"], complaint["text"], args[1])
    ctx.reply("command_reply", "complaint_correction", outcome="reason", id=complaint["id"],
              who=ctx.name_of(complaint["contact"]), reason=args[1], before=complaint["reason"])


@command("complaints", usage="/complaints [week]", summary="未结的投诉和待您确认的“可能是投诉”（最早的在前），或 week：近7天汇总",
         aliases=("投诉",), examples=("/complaints", "/complaints week"))
def list_complaints(ctx: Context, args: list[str]) -> None:
    if args == ["week"] or args == ["周"]:
        ctx.reply("command_reply", "complaints_week", **week_figures(ctx, last_days(ctx, REVIEW_DAYS)))
        return
    if args:
        raise UsageError("只能不带参数，或带 week")
    total = ctx.db.execute(f"SELECT count(*) FROM complaints WHERE {OPEN}").fetchone()[0]
    rows = ctx.db.query(f"SELECT * FROM complaints WHERE {OPEN} ORDER BY opened_at, id LIMIT ?", [LISTED_AT_ONCE])
    complaints = [{**_describe(ctx, row), "contacted": bool(row["contacted_at"])} for row in rows]
    doubts_total, doubts = _waiting_doubts(ctx)
    ctx.reply("command_reply", "complaints_open", complaints=complaints, total=total, doubts=doubts,
              doubts_total=doubts_total, silent_days=SILENCE_MEANS_NO.days)


def _waiting_doubts(ctx: Context) -> tuple[int, list[dict]]:
    """The questions "可能是投诉" the owner has not answered yet (how many, and the oldest LISTED_AT_ONCE): the day's
    are answered together (/不是 3 4 5), and a question scrolled past in the chat is found here."""
    rows = ctx.db.query(f"SELECT * FROM doubts WHERE {WAITING_DOUBTS} ORDER BY at, id LIMIT ?", [LISTED_AT_ONCE])
    listed = [{"id": row["id"], "who": ctx.name_of(row["contact"]), "text": row["text"],
               "where": ctx.topic_of(row["room"]) if row["room"] else None,
               "asked_at": from_db(row["at"], ctx.config.tz)} for row in rows]
    return waiting_doubt_count(ctx), listed


def waiting_doubt_count(ctx: Context) -> int:
    """How many questions "可能是投诉" wait for the owner's word (/complaints lists them, /status counts them)."""
    return ctx.db.execute(f"SELECT count(*) FROM doubts WHERE {WAITING_DOUBTS}").fetchone()[0]


def open_complaint_counts(ctx: Context) -> tuple[int, int]:
    """How many complaints are open, and how many of those are past their deadline with nobody in touch yet."""
    return ctx.db.execute(
        f"SELECT count(*), coalesce(sum(contacted_at IS NULL AND deadline_at <= ?), 0) FROM complaints WHERE {OPEN}",
        [to_db(ctx.now)],
    ).fetchone()


def member_complaints(ctx: Context, contact: str) -> dict:
    """A member's complaints, for /tier: how many and how many still open, and the latest few with how each was
    settled and the owner's note, so that the owner knows what was promised before writing to them again."""
    total, still_open = ctx.db.execute(
        f"SELECT count(*), coalesce(sum({OPEN}), 0) FROM complaints WHERE contact = ? AND withdrawn_at IS NULL",
        [contact]).fetchone()
    rows = ctx.db.query("SELECT * FROM complaints WHERE contact = ? AND withdrawn_at IS NULL"
                        " ORDER BY opened_at DESC, id DESC LIMIT ?", [contact, MEMBER_COMPLAINTS_SHOWN])
    today = ctx.now.astimezone(ctx.config.tz).date()
    latest = [{"id": row["id"], "reason": row["reason"], "resolved": bool(row["resolved_at"]),
               "day": date_words(from_db(row["opened_at"], ctx.config.tz).date(), today),
               "compensation": row["compensation"], "amount": row["coupon_value"], "note": row["note"]}
              for row in rows]
    return {"total": total, "open": still_open, "latest": latest}


def week_figures(ctx: Context, period: Period) -> dict:
    """The complaints opened in the period summed up for the owner: by reason, how many were followed up within
    the hour, the slowest, and what keeps coming back (reasons and members), so that logistics or quality can be
    fixed. Each is judged as things stand now: followed up in time, late (followed up after its deadline, or not
    yet and past it), or still within its hour, which is neither. A withdrawn complaint (a false alarm) is left
    out."""
    rows = list(ctx.db.query(
        "SELECT * FROM complaints WHERE opened_at >= ? AND opened_at < ? AND withdrawn_at IS NULL ORDER BY id",
        [period.start, period.end],
    ))
    tz, now = ctx.config.tz, to_db(ctx.now)

    def acted(row: dict) -> str | None:
        return row["contacted_at"] or row["resolved_at"]

    def waited(row: dict) -> dt.timedelta:
        """From the start of its hour to the follow-up, or to now; none for a follow-up before the hour began
        (the owner answered at night)."""
        end = from_db(acted(row), tz) if acted(row) else ctx.now
        return max(end - from_db(row["clock_starts_at"], tz), dt.timedelta(0))

    due = [row for row in rows if acted(row) or row["deadline_at"] <= now]
    by_reason = Counter(row["reason"] for row in rows)
    by_member = Counter(row["contact"] for row in rows)
    slowest = max(due, key=waited, default=None)
    return {
        **period.words(ctx.now.date()),
        "total": len(rows),
        "by_reason": by_reason.most_common(),
        "due": len(due),
        "in_time": sum(acted(row) is not None and acted(row) <= row["deadline_at"] for row in due),
        "within_hour": len(rows) - len(due),
        "open": sum(not row["resolved_at"] for row in rows),
        "slowest": {**_describe(ctx, slowest), "took": duration_words(waited(slowest)),
                    "followed_up": acted(slowest) is not None} if slowest else None,
        "repeat_reasons": [reason for reason, count in by_reason.most_common() if count > 1],
        "repeat_members": [ctx.name_of(contact) for contact, count in by_member.most_common() if count > 1],
        "reshipped": sum(row["compensation"] in ("补发", "换货") for row in rows),
        "coupons": sum(row["coupon_value"] or 0 for row in rows if row["compensation"] == "券"),
        "refunds": sum(row["coupon_value"] or 0 for row in rows if row["compensation"] == "退款"),
    }


def complaints_per_day(ctx: Context, period: Period) -> list[Counter]:
    """The complaints opened on each day of the period, by reason, in order: for a chart. A withdrawn complaint is
    left out, as in week_figures."""
    days = period.day_spans()
    per_day = [Counter() for _ in days]
    for index, reason, count in ctx.db.execute(
        """SELECT d.key, c.reason, count(*) FROM json_each(?) d JOIN complaints c
        ON c.opened_at >= d.value ->> 0 AND c.opened_at < d.value ->> 1 WHERE c.withdrawn_at IS NULL GROUP BY 1, 2""",
        [json.dumps(days)],
    ):
        per_day[index][reason] = count
    return per_day
