"""Advertising in the shop's groups, told to the owner in private with the commands to act on it.

Advertisers join a shop's group to post 兼职日结, 加V and links, and members read them for hours before the owner
sees them. A message that reads as advertising (handlers/spam_rules.py; stricter for a member who joined in the
last 48 hours and has no order) gets the owner a `spam_alert`: who, which group, the first words, why, and the two
answers: /remove @昵称 (out of that group, through the outbox: paced, kept across restarts, and the owner told
plainly when the account is no group admin) and /allow @昵称 (trusted: never alerted again).
The owner hears of a member in a group at most once an hour: an advertiser posts ten times in a row. Nobody is
removed without the owner's word, unless [spam] auto_remove is on: then a newcomer without an order who advertises
a second time within 48 hours is removed at once, and the owner told.
A picture is read for QR codes (handlers/qr_codes.py, only once a member's picture reaches a shop group, and not a
trusted member's): a WeChat or QQ invite is advertising from anyone; another code (a payment screenshot, a parcel
label) is from a newcomer, and from others together with words of advertising or "扫码" written within 10 minutes
before or after it (handlers/spam_rules.py). The alert then quotes "[图片]" and carries the picture itself.
"""

from __future__ import annotations

import datetime as dt
import json

from core import directory, history
from core.clock import from_db, to_db
from core.context import Context
from core.events import Message
from core.registry import UsageError, command, on_message
from core.rules import from_member, in_shop_group
from core.text import excerpt, quote
from handlers import order_book
from handlers.members import find_member
from handlers.qr_codes import qr_texts
from handlers.spam_rules import Signals, picture_signals, points_at_code, signals, with_words

NEWCOMER_FOR = dt.timedelta(hours=48)
ALERT_AT_MOST_EVERY = dt.timedelta(hours=1)  # per member and group
SECOND_HIT_WITHIN = dt.timedelta(hours=48)  # auto_remove: a newcomer's second advertisement within this
WITH_PICTURE = dt.timedelta(minutes=10)  # words written this close to a QR picture are read together with it
# memo namespace: a member's QR picture that was not enough alone, for the words that may follow it (one per member
# and group, replaced by the next and dropped once read)
PICTURES_SEEN = "spam_pictures"


@on_message(priority=8, rule=from_member & in_shop_group)
def catch_advertising(ctx: Context, message: Message) -> bool | None:
    """Alert the owner of an advertisement; True (nothing else answers it: no off-hours reply to an advert)."""
    settings = ctx.config.spam
    if not settings.enabled:
        return None
    shop_links = tuple(settings.shop_links)
    if message.image:
        return _catch_picture(ctx, message, shop_links)
    found = signals(message.text, shop_links)
    if not (found.strong or found.weak or points_at_code(message.text)) or _trusted(ctx, message.sender):
        return None  # most messages stop at the first test, without reading the store
    image, picture = _picture_before(ctx, message)
    return _judge(ctx, message, with_words(picture, message.text, shop_links) if picture else found, image)


def _catch_picture(ctx: Context, message: Message, shop_links: tuple[str, ...]) -> bool | None:
    if _trusted(ctx, message.sender):
        return None
    picture = picture_signals(qr_texts(message.image), shop_links)
    if not (picture.strong or picture.weak):
        return None
    if _judge(ctx, message, with_words(picture, _words_before(ctx, message), shop_links), message.image):
        return True
    ctx.memo(PICTURES_SEEN).set(f"{message.room} {message.sender}", json.dumps(
        {"at": to_db(ctx.now), "image": message.image, "strong": picture.strong, "weak": picture.weak}))
    return None


def _words_before(ctx: Context, message: Message) -> str:
    """What the member wrote last, when it was in this group within WITH_PICTURE; else ""."""
    latest = history.latest_message(ctx.db, message.sender)
    if latest is None or latest[0] != message.room or from_db(latest[2], ctx.config.tz) < ctx.now - WITH_PICTURE:
        return ""
    return latest[1]


def _picture_before(ctx: Context, message: Message) -> tuple[str | None, Signals | None]:
    """The member's QR picture in this group within WITH_PICTURE that was not enough alone, once: (path, signals)."""
    seen = ctx.memo(PICTURES_SEEN)
    key = f"{message.room} {message.sender}"
    note = seen.get(key)
    if note is None:
        return None, None
    seen.forget(key)
    note = json.loads(note)
    if from_db(note["at"], ctx.config.tz) < ctx.now - WITH_PICTURE:
        return None, None
    return note["image"], Signals(tuple(note["strong"]), tuple(note["weak"]))


def _judge(ctx: Context, message: Message, found: Signals, image: str | None) -> bool | None:
    """Alert the owner when `found` is advertising from this sender (a newcomer: strictly); True when it was."""
    newcomer = _newcomer(ctx, message.room, message.sender)
    reasons = found.reasons(strict=newcomer)
    if not reasons:
        return None
    _record_hit(ctx, message, reasons, newcomer, image)
    return True


def _trusted(ctx: Context, contact: str) -> bool:
    return ctx.db.execute("SELECT 1 FROM spam_trusted WHERE contact = ?", [contact]).fetchone() is not None


def _newcomer(ctx: Context, room: str, contact: str) -> bool:
    """Joined this group in the last 48 hours (while the bot watched) and has never ordered."""
    joined = history.joined_at(ctx.db, room, contact)
    if joined is None or from_db(joined, ctx.config.tz) <= ctx.now - NEWCOMER_FOR:
        return False
    _, orders = order_book.member_spend(ctx.db, contact, "")
    return orders == 0


def _record_hit(ctx: Context, message: Message, reasons: list[str], newcomer: bool, image: str | None) -> None:
    room, contact = message.room, message.sender
    alerted_lately = ctx.db.execute(
        "SELECT 1 FROM spam_hits WHERE contact = ? AND room = ? AND alerted = 1 AND at > ? LIMIT 1",
        [contact, room, to_db(ctx.now - ALERT_AT_MOST_EVERY)],
    ).fetchone()
    ctx.db.execute(
        "INSERT INTO spam_hits (room, contact, at, reasons, alerted) VALUES (?, ?, ?, ?, ?)",
        [room, contact, to_db(ctx.now), "；".join(reasons), int(not alerted_lately)],
    )
    details = _describe(ctx, message, reasons, newcomer)
    if ctx.config.spam.auto_remove and newcomer and _second_hit(ctx, room, contact):
        _queue_removal(ctx, room, contact)
        ctx.tell_owner("spam_alert", "spam_removed", image=image, **details)
    elif not alerted_lately:
        ctx.tell_owner("spam_alert", "spam_alert", image=image, **details)


def _second_hit(ctx: Context, room: str, contact: str) -> bool:
    """Two hits or more within 48 hours, and no removal queued for them yet."""
    hits, queued = ctx.db.execute(
        "SELECT count(*), coalesce(max(removal_queued), 0) FROM spam_hits WHERE contact = ? AND room = ? AND at > ?",
        [contact, room, to_db(ctx.now - SECOND_HIT_WITHIN)],
    ).fetchone()
    return hits >= 2 and not queued


def _describe(ctx: Context, message: Message, reasons: list[str], newcomer: bool) -> dict:
    """What the owner's alert says: who, where, the first words, why, and how to name the member in a command."""
    name = ctx.name_of(message.sender)
    return {
        "who": excerpt(name, 20),
        "handle": f"@{name}" if name != message.sender and len(name.split()) == 1 else message.sender,
        "where": ctx.topic_of(message.room),
        "text": excerpt(message.shown),  # a picture: "[图片]", the picture itself goes with the alert
        "reasons": reasons,
        "newcomer": newcomer,
        "several_groups": len(directory.rooms_of(ctx.db, message.sender)) > 1,
    }


def _queue_removal(ctx: Context, room: str, contact: str) -> None:
    ctx.remove_member(room, contact)
    ctx.db.execute("UPDATE spam_hits SET removal_queued = 1 WHERE contact = ? AND room = ?", [contact, room])


@command("remove", usage="/remove @昵称 [群名]", summary="把发广告的成员移出群：默认是最近一次广告提醒里的群", aliases=("移出",),
         examples=("/remove @小王", "/remove @小王 普通会员群"))
def remove(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请写出是哪位成员，例如 /remove @小王")
    contact = find_member(ctx, args[0])
    if ctx.is_shop(contact):
        raise UsageError("不能移出店主或机器人自己")
    who = ctx.name_of(contact)
    room = _named_room(ctx, contact, " ".join(args[1:])) if len(args) > 1 else _room_to_leave(ctx, contact)
    ctx.reply("command_reply", "spam_command", outcome="removing", who=excerpt(who, 20), where=ctx.topic_of(room))
    _queue_removal(ctx, room, contact)  # after the reply: "正在移出" comes before the member is out


def _named_room(ctx: Context, contact: str, topic: str) -> str:
    rooms = directory.rooms_by_size(ctx.db, [topic], first=[])
    if not rooms:
        raise UsageError(f"没有叫{quote(topic, 20)}的群")
    if topic not in directory.rooms_of(ctx.db, contact):
        raise UsageError(f"{excerpt(ctx.name_of(contact), 20)} 不在「{excerpt(topic, 20)}」里")
    return rooms[0][0]


def _room_to_leave(ctx: Context, contact: str) -> str:
    """The group of the member's latest advertisement; else their only group. UsageError when it is not clear."""
    who, topics = excerpt(ctx.name_of(contact), 20), directory.rooms_of(ctx.db, contact)
    latest = ctx.db.execute(
        "SELECT room FROM spam_hits WHERE contact = ? ORDER BY at DESC, id DESC LIMIT 1", [contact]
    ).fetchone()
    if latest and ctx.topic_of(latest[0]) in topics:
        return latest[0]
    if not topics:
        raise UsageError(f"{who} 已经不在任何群里了")
    if len(topics) > 1:
        shown = sorted(topics)
        raise UsageError(f"{who} 在 {len(shown)} 个群里（{'、'.join(shown[:5])}），请加上群名，例如 /remove @{who} {shown[0]}")
    return directory.rooms_by_size(ctx.db, list(topics), first=[])[0][0]


@command("allow", usage="/allow @昵称", summary="信任这位成员：以后不再提醒其广告", aliases=("信任",),
         examples=("/allow @小王",))
def allow(ctx: Context, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("请写出一位成员，例如 /allow @小王")
    contact = find_member(ctx, args[0])
    ctx.db.execute("INSERT OR IGNORE INTO spam_trusted (contact, at) VALUES (?, ?)", [contact, to_db(ctx.now)])
    ctx.reply("command_reply", "spam_command", outcome="allowed", who=excerpt(ctx.name_of(contact), 20), where=None)
