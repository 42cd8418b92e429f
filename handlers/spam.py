"""Advertising in the shop's groups, told to the owner in private with the commands to act on it.

Advertisers join a shop's group to post 兼职日结, 加V and links, and members read them for hours before the owner
sees them. Two things judge a member's message:
- the sure signs (handlers/spam_rules.py: an invitation to add a contact or join a group, by link or by a picture's
  QR code, a group's number offered), an advert from anyone;
- the model (handlers/advert_model.py, learning as core/learning.py does), which reads the words, the ids, numbers
  and links found in them, and whether the sender is a newcomer (joined the group in the last 48 hours, no order).
A sure sign, or the model's sure band, gets the owner a `spam_alert`: who, which group, the first words, why, and
the two answers: /remove @昵称 (out of that group, through the outbox: paced, kept across restarts, and the owner
told plainly when the account is no group admin) and /allow @昵称 (trusted: never judged again). The model's doubt
band is no alert: the message waits in the `doubts` table for one summary at the end of the working day, with the
same two answers; so does a buyer's question that reads as an advert (`judge`). The owner hears of a member in a
group at most once an hour. A member alerted about and left standing (neither removed nor allowed) is read as a
newcomer for a week there (ALERT_LEFT_STANDING). Nobody is removed without the owner's word, unless [spam]
auto_remove is on: then a newcomer without an order whose advert is sure a second time within 48 hours is removed at
once, and the owner told.

The owner's answers teach the model: /remove after an alert or a summary says the member's last judged message was
an advert, /allow that it was none. A member taken out by hand in WeChat after one, or gone on their own, says what
/remove says; a summary's line let pass for three days, what /allow says of the message (the member not trusted).
They are kept (spam_corrections) and trained with at start and every night; a model retrained with them replaces
the one in use only when it is not worse on the frozen split (core/learning.py).

A picture is read for QR codes (handlers/qr_codes.py) only in a shop group and not a trusted member's: an invite is
a sure sign; another code's link is read by the model with the words the member wrote within 10 minutes before it
or, when they point at it ("长按识别"), after it. The alert then quotes "[图片]" and carries the picture itself.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger

from core import directory, history
from core.clock import from_db, to_db
from core.context import Context
from core.events import Leave, Message
from core.learning import Detector, Example, Learner
from core.registry import command, job, on_leave, on_message, on_start, recurring, Refused, UsageError
from core.rules import from_member, in_shop_group
from core.text import excerpt, quote, shown_name
from handlers import advert_model, order_book, second_opinion, shop_questions, welcome
from handlers.members import named_member
from handlers.opening_hours import hours_on, next_opening
from handlers.qr_codes import qr_texts
from handlers.spam_rules import MARK_REASONS, READS_AS_ADVERT, points_at_code, read_codes

log = logging.getLogger(__name__)
NEWCOMER_FOR = dt.timedelta(hours=48)
ALERT_AT_MOST_EVERY = dt.timedelta(hours=1)  # per member and group
SECOND_HIT_WITHIN = dt.timedelta(hours=48)  # auto_remove: a newcomer's second sure advert within this
# A member alerted about this lately, neither removed nor allowed since, is read as a newcomer is, and what only a
# second opinion would be asked about is listed in the day's summary: round 27's advertisers told their business
# again days after an alert left standing, in words that read alone as chat ("芋泥蛋糕下周三 想要的今天之内告诉我哈").
ALERT_LEFT_STANDING = dt.timedelta(days=7)
GONE_AFTER_JUDGED = dt.timedelta(hours=48)  # a member gone this soon after an alert or doubt was gone for it
# A doubt listed in the day's summary that the owner lets pass this long, its writer still in the group, is learned
# as no advert: the summary asks for /remove or /allow, and most owners answer one they let stand by not answering.
SILENCE_MEANS_NO = dt.timedelta(days=3)
WITH_PICTURE = dt.timedelta(minutes=10)  # words written this close to a QR picture are read together with it
QR_CODE = "发了二维码图片"
ALERTED_BEFORE = "这几天提醒过此人发广告，您还没处理"
SECOND_OPINION = "您设置的第二意见也认为是广告"
ASKS_THE_SHOP = "也像是在向店里询价或提问"
PICTURE = "[图片]"
# memo namespace: a member's QR picture that was not enough alone, for the words that may point at it (one per
# member and group, replaced by the next and dropped once read)
PICTURES_SEEN = "spam_pictures"
DETECTOR = "advert"  # the doubts table's name for this detector
SUMMARY_WHEN_CLOSED = dt.time(18, 0)  # the summary's time when the shop keeps no hours that day
TRAINING_AT = (4, 40)  # nightly, after the complaint model's (04:30), when nobody writes
CORRECTION = "correction"  # the category of a correction as a training example


def _alerted(model: Detector):
    """The verdict the gate compares: an alert, which is what a retrained model changes for the owner."""
    return lambda text: model.band(text) == "sure"


LEARNER = Learner("advert", advert_model.task, _alerted)


@dataclass(frozen=True)
class Verdict:
    # "sure": alerted; "doubt": kept for the day's summary; None: no advert; "consult": no advert either, but a
    # second opinion, when the owner has one, is asked (advert_model.EVERYDAY_CONSULTED)
    band: str | None
    reasons: tuple[str, ...]  # the sure signs found, or the model's reading and the marks the message holds
    probability: float = 1.0  # the model's; 1.0 for a sure sign


def judge(text: str, newcomer: bool, shop_links: tuple[str, ...] = (), model: Detector | None = None) -> Verdict:
    """A member's words (with a picture's code links) judged: by the sure signs, then by `model` (default: the
    one in use; without one, the sure signs alone).

    A buyer asking for a quote reads as an advert to the model: a newcomer's "批发的话能不能私聊发我一份报价单", a
    school's "学校采购需要正规发票和合同，这个可以提供吗？". An alert with /remove ready would have the owner show the
    best customer of the week the door, and the question would reach nobody. So a sure advert by the words alone (no
    id, number or link offered) that the question model is sure asks the shop is a doubt: listed in the day's
    summary, and read meanwhile as the question it is. With each of the held-out rounds 36 to 45 left out of both
    models in turn, the 3 questions alerted on (a quote for wholesale, "买十个以上有没有优惠价 可以私聊", eighty
    printed gift boxes) became doubts, and none of the 425 adverts alerted on by their words alone did. A doubt
    the question model is sure of says so in the summary too: it was read meanwhile as the question it also is."""
    model_text, sure, marks = advert_model.model_text(text, newcomer, shop_links)
    if sure:
        return Verdict("sure", sure)
    model = model or LEARNER.current()
    if model is None or not (marks or model_text.removeprefix(advert_model.NEWCOMER).strip()):
        return Verdict(None, (), 0.0)  # no model, or nothing to read ("❤️"): a newcomer's status alone is no advert
    probability = model.scorer.probability(model_text)
    band = model.bands.of(probability) or ("consult" if model.bands.consulted(probability) else None)
    if band in ("sure", "doubt") and not marks and shop_questions.is_surely_a_shop_question(text):
        return Verdict("doubt", (READS_AS_ADVERT, ASKS_THE_SHOP), probability)
    return Verdict(band, (READS_AS_ADVERT, *(MARK_REASONS[name] for name in marks)) if band else (), probability)


@on_message(priority=8, rule=from_member & in_shop_group)
def catch_advertising(ctx: Context, message: Message) -> bool | None:
    """Alert the owner of a sure advert; True then (nothing else answers it: no off-hours reply to an advert). A
    doubtful one is kept for the day's summary, and other features may still answer it."""
    if not ctx.config.spam.enabled or _trusted(ctx, message.sender):
        return None
    shop_links = tuple(ctx.config.spam.shop_links)
    if message.image:
        return _catch_picture(ctx, message, shop_links)
    if not message.text.strip():
        return None
    image, links = _picture_before(ctx, message) if points_at_code(message.text) else (None, ())
    judged = " ".join((message.text, *links))
    newcomer = _newcomer(ctx, message.room, message.sender)
    if not newcomer and _alerted_within(ctx, message.room, message.sender, ALERT_LEFT_STANDING):
        verdict = _as_one_alerted(judge(judged, True, shop_links))
    else:
        verdict = judge(judged, newcomer, shop_links)
    said_before: Sequence[str] = ()
    if verdict.band in ("doubt", "consult") and (pitch := _as_a_pitch(ctx, message, judged, newcomer, shop_links)):
        verdict, said_before = pitch
    return _act(ctx, message, judged, newcomer, _with_picture(verdict) if image else verdict, image, said_before)


def _as_a_pitch(ctx: Context, message: Message, judged: str, newcomer: bool,
                shop_links: tuple[str, ...]) -> tuple[Verdict, list[str]] | None:
    """The verdict on a doubtful line read after the member's lines just before it in the group, and those lines,
    when together they are a sure advert: a pitch told over a thread ("我表弟开了个摄影工作室", then "全家福 写真都拍 群里的
    优惠") is alerted at once rather than listed in the evening's summary, the alert showing the lines before, as
    what made it one. As the bot lived held-out rounds 26 to 31, 8 adverts the summary had listed reached the owner
    at once instead (alerted, or written within the hour after an alert), 1 more reached the owner at all, and no
    line that was no advert was alerted."""
    before = history.thread_before(ctx.db, message.sender, message.room, ctx.now)
    if not before:
        return None
    # The line in doubt first: a message is read up to READ_AT_MOST characters, and long lines before it must not
    # crowd it out (the n-grams read do not depend on the order)
    pitch = judge(" ".join((judged, *before)), newcomer, shop_links)
    return (pitch, before) if pitch.band == "sure" else None


def _alerted_within(ctx: Context, room: str, contact: str, within: dt.timedelta) -> bool:
    """Whether the owner was alerted about this member's advert in this group within that time (a member allowed
    since is trusted and never judged; one removed writes no more there)."""
    return ctx.db.execute(
        "SELECT 1 FROM spam_hits WHERE contact = ? AND room = ? AND alerted = 1 AND at > ? LIMIT 1",
        [contact, room, to_db(ctx.now - within)],
    ).fetchone() is not None


def _as_one_alerted(verdict: Verdict) -> Verdict:
    """A verdict on a member alerted about lately: the band under the doubtful one is listed too, and the owner told
    why."""
    if verdict.band is None:
        return verdict
    return Verdict("doubt" if verdict.band == "consult" else verdict.band, (*verdict.reasons, ALERTED_BEFORE),
                   verdict.probability)


@job("advert_second_opinion")
def decide_on_second_opinion(ctx: Context, doubt: dict) -> None:
    """The owner's configured model has answered about a doubtful advert (handlers/second_opinion.py): yes alerts
    the owner now, and no takes it out of the day's summary; either way it is no longer a doubt. No answer leaves
    it in the summary. A message under the doubtful band was kept nowhere: only a yes does anything."""
    if doubt["second"] is None:
        return
    ctx.db.execute("DELETE FROM doubts WHERE id = ?", [doubt["doubt"]])
    if doubt["second"]:
        message = Message(doubt["sender"], doubt["text"], doubt["room"], media=doubt["media"])
        _record_hit(ctx, message, doubt["judged"], doubt["newcomer"], [*doubt["reasons"], SECOND_OPINION],
                    doubt["image"])


def _catch_picture(ctx: Context, message: Message, shop_links: tuple[str, ...]) -> bool | None:
    codes = read_codes(qr_texts(message.image), shop_links)
    if not codes.found:
        return None
    newcomer = _newcomer(ctx, message.room, message.sender)
    judged = " ".join((_words_before(ctx, message), *codes.links)).strip()
    if codes.invite:
        verdict = Verdict("sure", (f"发了{codes.invite}的二维码图片",))
    else:
        verdict = _with_picture(judge(judged, newcomer, shop_links)) if judged else Verdict(None, (), 0.0)
    if verdict.band == "sure":
        return _act(ctx, message, judged or PICTURE, newcomer, verdict, message.image)
    _act(ctx, message, judged, newcomer, verdict, message.image)  # a doubt: kept for the summary
    ctx.memo(PICTURES_SEEN).set(f"{message.room} {message.sender}", json.dumps(
        {"at": to_db(ctx.now), "image": message.image, "links": codes.links}))
    return None


def _with_picture(verdict: Verdict) -> Verdict:
    return Verdict(verdict.band, (*verdict.reasons, QR_CODE), verdict.probability) if verdict.band else verdict


def _words_before(ctx: Context, message: Message) -> str:
    """What the member wrote last, when it was in this group within WITH_PICTURE; else ""."""
    latest = history.latest_message(ctx.db, message.sender)
    if latest is None or latest[0] != message.room or from_db(latest[2], ctx.config.tz) < ctx.now - WITH_PICTURE:
        return ""
    return latest[1]


def _picture_before(ctx: Context, message: Message) -> tuple[str | None, tuple[str, ...]]:
    """The member's QR picture in this group within WITH_PICTURE that was not enough alone, once: its path and
    its codes' links."""
    seen = ctx.memo(PICTURES_SEEN)
    key = f"{message.room} {message.sender}"
    note = seen.get(key)
    if note is None:
        return None, ()
    seen.forget(key)
    note = json.loads(note)
    if from_db(note["at"], ctx.config.tz) < ctx.now - WITH_PICTURE:
        return None, ()
    return note["image"], tuple(note["links"])


def _trusted(ctx: Context, contact: str) -> bool:
    return ctx.db.execute("SELECT 1 FROM spam_trusted WHERE contact = ?", [contact]).fetchone() is not None


def _newcomer(ctx: Context, room: str, contact: str) -> bool:
    """Joined this group in the last 48 hours (while the bot watched) and has never ordered."""
    joined = history.joined_at(ctx.db, room, contact)
    if joined is None or from_db(joined, ctx.config.tz) <= ctx.now - NEWCOMER_FOR:
        return False
    _, orders = order_book.member_spend(ctx.db, contact, "")
    return orders == 0


def _act(ctx: Context, message: Message, judged: str, newcomer: bool, verdict: Verdict,
         image: str | None, said_before: Sequence[str] = ()) -> bool | None:
    if verdict.band == "sure":
        _record_hit(ctx, message, judged, newcomer, list(verdict.reasons), image, said_before)
        return True
    if verdict.band in ("doubt", "consult"):  # under the doubtful band, only a second opinion's yes counts
        doubt = _keep_doubt(ctx, message, judged, newcomer, verdict) if verdict.band == "doubt" else None
        second_opinion.ask(ctx, "advert", judged, decide_on_second_opinion, wider=verdict.band == "consult",
                           doubt=doubt, room=message.room, sender=message.sender, text=message.text,
                           media=message.media, judged=judged, newcomer=newcomer, reasons=list(verdict.reasons),
                           image=image)
    return None


def _record_hit(ctx: Context, message: Message, judged: str, newcomer: bool, reasons: list[str],
                image: str | None, said_before: Sequence[str] = ()) -> None:
    room, contact = message.room, message.sender
    alerted_lately = _alerted_within(ctx, room, contact, ALERT_AT_MOST_EVERY)
    ctx.db.execute(
        "INSERT INTO spam_hits (room, contact, at, reasons, alerted, text, newcomer) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [room, contact, to_db(ctx.now), "；".join(reasons), int(not alerted_lately), judged, int(newcomer)],
    )
    details = {**_who(ctx, contact, room), "text": excerpt(message.shown), "said_before": list(said_before),
               "reasons": reasons, "newcomer": newcomer,
               # the group must not see the shop greet someone the owner is told of; /allow sends it after all
               "welcome_held": welcome.hold(ctx, room, contact)}
    if ctx.config.spam.auto_remove and newcomer and _second_hit(ctx, room, contact):
        _queue_removal(ctx, room, contact)
        ctx.tell_owner("spam_alert", "spam_removed", image=image, **details)
    elif not alerted_lately:
        ctx.tell_owner("spam_alert", "spam_alert", image=image, **details)


def _second_hit(ctx: Context, room: str, contact: str) -> bool:
    """Two sure adverts or more within 48 hours, and no removal queued for them yet."""
    hits, queued = ctx.db.execute(
        "SELECT count(*), coalesce(max(removal_queued), 0) FROM spam_hits WHERE contact = ? AND room = ? AND at > ?",
        [contact, room, to_db(ctx.now - SECOND_HIT_WITHIN)],
    ).fetchone()
    return hits >= 2 and not queued


def _who(ctx: Context, contact: str, room: str) -> dict:
    """Who and where, for the owner: the name, how to name the member in a command, the group, and whether the
    member is in other groups too (then /remove names the group)."""
    name, shown = directory.name_of(ctx.db, contact), ctx.name_of(contact)
    return {
        "who": shown,
        # what the owner copies into /remove: the name if it is shown whole and is one word, else the WeChat id
        "handle": f"@{name}" if name == shown != contact and len(name.split()) == 1 else contact,
        "where": ctx.topic_of(room),
        "several_groups": len(directory.rooms_of(ctx.db, contact)) > 1,
    }


def _queue_removal(ctx: Context, room: str, contact: str) -> None:
    ctx.remove_member(room, contact)
    ctx.db.execute("UPDATE spam_hits SET removal_queued = 1 WHERE contact = ? AND room = ?", [contact, room])


# The day's doubtful adverts: one summary at the end of the working day, never an alert each.


def _keep_doubt(ctx: Context, message: Message, judged: str, newcomer: bool, verdict: Verdict) -> int:
    """Keep a doubtful advert for the day's summary; its id."""
    doubt = ctx.db.execute(
        "INSERT INTO doubts (detector, at, room, contact, text, reason, probability, newcomer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [DETECTOR, to_db(ctx.now), message.room, message.sender, judged, "；".join(verdict.reasons),
         verdict.probability, int(newcomer)],
    ).lastrowid
    summarise_doubts.schedule(ctx, _end_of_working_day(ctx), key="spam_doubts")  # one timer, moved, never twinned
    return doubt


def _end_of_working_day(ctx: Context) -> dt.datetime:
    """Today's closing time while the shop is open or yet to open today; after it, the next working day's."""
    local = ctx.now.astimezone(ctx.config.tz)
    hours = hours_on(ctx.config, local.date())
    if hours and local.time() < hours[1]:
        return dt.datetime.combine(local.date(), hours[1], tzinfo=ctx.config.tz)
    opening = next_opening(ctx.config, ctx.now)
    if opening is None:  # closed for weeks: the owner still hears of the day's doubts that evening
        day = local.date() + dt.timedelta(days=local.time() >= SUMMARY_WHEN_CLOSED)
        return dt.datetime.combine(day, SUMMARY_WHEN_CLOSED, tzinfo=ctx.config.tz)
    return dt.datetime.combine(opening.date(), hours_on(ctx.config, opening.date())[1], tzinfo=ctx.config.tz)


@job("spam_doubts")
def summarise_doubts(ctx: Context, payload: dict) -> None:
    """The doubtful adverts not yet told, one line per member and group (their latest words, how many)."""
    rows = ctx.db.execute(
        "SELECT contact, room, count(*), max(id) FROM doubts WHERE detector = ? AND told_at IS NULL"
        " GROUP BY contact, room ORDER BY min(id)", [DETECTOR],
    ).fetchall()
    if not rows:
        return
    lines = []
    for contact, room, times, latest in rows:
        text, reasons = ctx.db.execute("SELECT text, reason FROM doubts WHERE id = ?", [latest]).fetchone()
        told = (reasons or "").split("；")
        lines.append({**_who(ctx, contact, room), "text": excerpt(text), "times": times,
                      "alerted_before": ALERTED_BEFORE in told, "asks_the_shop": ASKS_THE_SHOP in told})
    ctx.db.execute("UPDATE doubts SET told_at = ? WHERE detector = ? AND told_at IS NULL", [to_db(ctx.now), DETECTOR])
    ctx.tell_owner("spam_alert", "spam_doubts", count=sum(line["times"] for line in lines), doubts=lines,
                   silent_days=SILENCE_MEANS_NO.days)


# The owner's answers: commands, and what they teach the model.


def _latest_judged(ctx: Context, contact: str) -> dict | None:
    """The member's latest message that was alerted or kept in doubt: source, room, text, newcomer."""
    return next(ctx.db.query(
        "SELECT * FROM (SELECT 'hit:' || id AS source, room, text, newcomer, at FROM spam_hits"
        " WHERE contact = :contact AND text IS NOT NULL UNION ALL"
        " SELECT 'doubt:' || id, room, text, newcomer, at FROM doubts WHERE detector = :detector AND contact = :contact)"
        " ORDER BY at DESC LIMIT 1", {"contact": contact, "detector": DETECTOR},
    ), None)


def _record_correction(ctx: Context, contact: str, is_advert: bool) -> None:
    judged = _latest_judged(ctx, contact)
    if judged is None:  # a member removed or trusted without anything judged teaches nothing
        return
    _keep_correction(ctx, contact, judged["source"], judged["text"], judged["newcomer"], is_advert)


def _keep_correction(ctx: Context, contact: str, source: str, text: str, newcomer: int, is_advert: bool) -> None:
    ctx.db.execute(
        "INSERT INTO spam_corrections (at, contact, source, text, newcomer, is_advert) VALUES (?, ?, ?, ?, ?, ?)",
        [to_db(ctx.now), contact, source, text, newcomer, int(is_advert)],
    )


@on_leave
def learn_from_a_removal_by_hand(ctx: Context, left: Leave) -> None:
    """Most owners take an advertiser out by hand in WeChat rather than type /remove: a member whose message was
    alerted or kept in doubt and who is gone from that group within GONE_AFTER_JUDGED, neither answered by the owner
    nor removed by the bot, teaches the model as /remove would. An advertiser who leaves on their own after posting,
    as many do, is one too."""
    judged = _latest_judged(ctx, left.contact)
    if (judged is None or judged["room"] != left.room
            or from_db(judged["at"], ctx.config.tz) < ctx.now - GONE_AFTER_JUDGED
            or _answered_or_removed_by_the_bot(ctx, judged["source"])):
        return
    _record_correction(ctx, left.contact, is_advert=True)
    log.info("%s left %s after an advert was judged: learned as one", left.contact, left.room)


def settle_silent_doubts(ctx: Context) -> None:
    """The doubts of the day's summaries let pass for SILENCE_MEANS_NO, learned as no advert (before the night's
    training): none whose writer the owner has answered about since (/remove and /allow name a member's latest
    message, a summary may list several) or who has left that group (taken out by hand: an advert, above)."""
    silent = ctx.db.execute(
        "SELECT id, room, contact, text, newcomer FROM doubts AS d WHERE detector = ? AND told_at IS NOT NULL"
        " AND at <= ? AND NOT EXISTS (SELECT 1 FROM spam_corrections AS c WHERE c.contact = d.contact AND c.at >= d.at)",
        [DETECTOR, to_db(ctx.now - SILENCE_MEANS_NO)],
    ).fetchall()
    for doubt_id, room, contact, text, newcomer in silent:
        if directory.topic_of(ctx.db, room) in directory.rooms_of(ctx.db, contact):
            _keep_correction(ctx, contact, f"doubt:{doubt_id}", text, newcomer, is_advert=False)


def _answered_or_removed_by_the_bot(ctx: Context, source: str) -> bool:
    kind, _, number = source.partition(":")
    answered = ctx.db.execute("SELECT 1 FROM spam_corrections WHERE source = ? LIMIT 1", [source]).fetchone()
    removed = kind == "hit" and ctx.db.execute("SELECT removal_queued FROM spam_hits WHERE id = ?",
                                               [int(number)]).fetchone()[0]
    return bool(answered or removed)


def corrections(db) -> list[Example]:
    """The owner's verdicts as training examples: the latest for each message judged (a /remove after an /allow
    is the owner changing their mind)."""
    rows = db.execute(
        "SELECT text, newcomer, is_advert FROM spam_corrections WHERE id IN"
        " (SELECT max(id) FROM spam_corrections GROUP BY source) ORDER BY id"
    ).fetchall()
    return [advert_model.as_example(text, bool(newcomer), bool(is_advert), CORRECTION)
            for text, newcomer, is_advert in rows]


def retrain(ctx: Context) -> bool:
    """Train with the store's corrections; whether the result replaced the model in use."""
    return LEARNER.retrain(corrections(ctx.db))


@on_start
def train_advert_model(ctx: Context) -> None:
    """Trained at start rather than at the first message, which would wait a second or two for it."""
    LEARNER.reset()
    LEARNER.base()
    retrain(ctx)


@recurring("advert_training", trigger=lambda config: CronTrigger(hour=TRAINING_AT[0], minute=TRAINING_AT[1],
                                                                  timezone=config.tz))
def retrain_nightly(ctx: Context, due_at: dt.datetime) -> None:
    settle_silent_doubts(ctx)
    retrain(ctx)


@command("remove", usage="/remove @昵称 [群名]", summary="把发广告的成员移出群：默认是最近一次广告提醒里的群", aliases=("移出",),
         examples=("/remove @小王", "/remove @小王 普通会员群"))
def remove(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请写出是哪位成员，例如 /remove @小王")
    contact, rest = named_member(ctx, args)
    if ctx.is_shop(contact):
        raise UsageError("不能移出店主或机器人自己")
    who = ctx.name_of(contact)
    room = _named_room(ctx, contact, " ".join(rest)) if rest else _room_to_leave(ctx, contact)
    ctx.reply("command_reply", "spam_command", outcome="removing", who=who, where=ctx.topic_of(room))
    _record_correction(ctx, contact, is_advert=True)
    _queue_removal(ctx, room, contact)  # after the reply: "正在移出" comes before the member is out


def _named_room(ctx: Context, contact: str, topic: str) -> str:
    rooms = directory.rooms_by_size(ctx.db, [topic], first=[])
    if not rooms:
        raise UsageError(f"没有叫{quote(topic, 20)}的群")
    if topic not in directory.rooms_of(ctx.db, contact):
        raise UsageError(f"{ctx.name_of(contact)} 不在「{shown_name(topic)}」里")
    return rooms[0][0]


def _room_to_leave(ctx: Context, contact: str) -> str:
    """The group of the member's latest advert, alerted or doubtful; else their only group. UsageError when it is
    not clear."""
    who, topics = ctx.name_of(contact), directory.rooms_of(ctx.db, contact)
    latest = _latest_judged(ctx, contact)
    if latest and directory.topic_of(ctx.db, latest["room"]) in topics:
        return latest["room"]
    if not topics:
        raise Refused(f"{who} 已经不在任何群里了")
    if len(topics) > 1:
        shown = sorted(topics)
        raise UsageError(f"{who} 在 {len(shown)} 个群里（{'、'.join(shown[:5])}），请加上群名，例如 /remove @{who} {shown[0]}")
    return directory.rooms_by_size(ctx.db, list(topics), first=[])[0][0]


@command("allow", usage="/allow @昵称", summary="信任这位成员：以后不再提醒其广告", aliases=("信任",),
         examples=("/allow @小王",))
def allow(ctx: Context, args: list[str]) -> None:
    contact, rest = named_member(ctx, args)
    if rest:
        raise UsageError("请只写一位成员，例如 /allow @小王")
    ctx.db.execute("INSERT OR IGNORE INTO spam_trusted (contact, at) VALUES (?, ?)", [contact, to_db(ctx.now)])
    _record_correction(ctx, contact, is_advert=False)
    ctx.reply("command_reply", "spam_command", outcome="allowed", who=ctx.name_of(contact), where=None)
    welcome.release(ctx, contact)  # after the reply: the owner's answer first, then the group's welcome
