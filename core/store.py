"""The bot's SQLite store: opened in WAL mode and migrated in order on every start.

The schema version lives in SQLite's own `user_version`, so an old store.db is brought up to date by running the
migrations it has not seen, each in its own transaction. Later features append migrations; they never edit one
that has shipped, because owners' stores already ran it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from core import media
from core.config import shown_path


class StoreError(Exception):
    """A store this bot cannot use (a newer bot's schema): the owner is told, and nothing is written to it."""


class StoreUnusable(StoreError):
    """A store the disk or the file itself keeps the bot from using (full, read-only, damaged): one line for the
    owner, in Chinese, saying what, which file and what to do; the bot stops before it loses anything."""


# What the system says (errno, or SQLite's error name) -> what the owner reads: what is wrong and what to do.
_FULL = "磁盘已满，数据库 {path} 写不进去：请腾出磁盘空间后再启动"
_READ_ONLY = "数据库 {path} 是只读的，机器人写不进去：请让运行机器人的用户能写它和它所在的文件夹（如 chmod 600 {path}），再启动"
_DAMAGED = ("数据库 {path} 已损坏（完整性检查没通过），机器人没有写入它：请停下来换上备份，"
            "或用 sqlite3 {path} \".recover\" 救出数据")
_ERRNO_PROBLEMS = {errno.ENOSPC: _FULL, errno.EDQUOT: _FULL, errno.EACCES: _READ_ONLY, errno.EPERM: _READ_ONLY,
                   errno.EROFS: _READ_ONLY}
_SQLITE_PROBLEMS = {"SQLITE_FULL": _FULL, "SQLITE_READONLY": _READ_ONLY, "SQLITE_CANTOPEN": _READ_ONLY,
                    "SQLITE_PERM": _READ_ONLY, "SQLITE_CORRUPT": _DAMAGED, "SQLITE_NOTADB": _DAMAGED}


def _problem(error: BaseException) -> str | None:
    """The owner's words for what the system said, or None for an error that is not about the disk or the file."""
    if isinstance(error, OSError):
        return _ERRNO_PROBLEMS.get(error.errno)
    if isinstance(error, sqlite3.DatabaseError):
        name = getattr(error, "sqlite_errorname", "")  # SQLITE_READONLY_DBMOVED and the like: by their family
        return next((words for family, words in _SQLITE_PROBLEMS.items() if name.startswith(family)), None)
    return None


def disk_full(error: BaseException) -> bool:
    """SQLite's "database or disk is full": while running, the bot keeps the events in memory and waits."""
    return _problem(error) is _FULL


@contextlib.contextmanager
def store_problems(path: Path | str) -> Iterator[None]:
    """Around the use of a store from the command line: a full disk, a read-only or a damaged store raises
    StoreUnusable in the owner's words, naming the file, instead of a traceback. Other errors are bugs, and pass."""
    try:
        yield
    except (OSError, sqlite3.DatabaseError) as error:
        if (words := _problem(error)) is None:
            raise
        raise StoreUnusable(words.format(path=shown_path(path))) from error


def _foundation(db: Database) -> None:
    db["events"].create(
        {"id": int, "at": str, "type": str, "room": str, "contact": str, "text": str, "data": str}, pk="id"
    )
    db["events"].create_index(["room", "at"])
    db["events"].create_index(["contact", "at"])
    db["contacts"].create({"id": str, "name": str}, pk="id")
    db["rooms"].create({"id": str, "topic": str}, pk="id")
    db["room_members"].create({"room": str, "contact": str, "joined_at": str}, pk=("room", "contact"))
    db["room_members"].create_index(["contact"])  # "which groups is she in", and counting distinct members
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["outbox"].create(
        {
            "id": int,
            "created_at": str,
            "not_before": str,
            "expires_at": str,
            "room": str,
            "to_contact": str,
            "kind": str,
            "text": str,
            "status": str,  # queued, sending, sent, expired, uncertain
            "sent_at": str,
            "attempts": int,
            "pause_seconds": float,
        },
        pk="id",
        not_null={"created_at", "not_before", "kind", "text", "status", "attempts"},
    )
    db["outbox"].create_index(["status", "id"])
    db["outbox"].create_index(["sent_at"])
    db["timers"].create({"key": str, "job": str, "due_at": str, "payload": str}, pk="key", not_null={"job", "due_at"})
    db["timers"].create_index(["due_at"])
    db["command_refusals"].create({"id": int, "contact": str, "at": str, "text": str}, pk="id")
    db["command_refusals"].create_index(["contact"])


def _customer_service(db: Database) -> None:
    # One off-hours reply per person per closed period: the period is named by the opening that ends it.
    db["off_hours_replies"].create({"contact": str, "period_opens_at": str, "at": str}, pk=("contact", "period_opens_at"))
    db["complaints"].create(
        {
            "id": int,
            "contact": str,
            "room": str,
            "reason": str,
            "text": str,
            "opened_at": str,
            "clock_starts_at": str,  # opened_at, or the next opening when the complaint came in off hours
            "deadline_at": str,
            "contacted_at": str,
            "resolved_at": str,
            "compensation": str,
            "coupon_value": float,
        },
        pk="id",
        not_null={"contact", "reason", "text", "opened_at", "clock_starts_at", "deadline_at"},
    )
    db["complaints"].create_index(["contact", "resolved_at"])
    db["complaints"].create_index(["opened_at"])
    db["complaint_messages"].create({"complaint": int, "at": str, "text": str}, foreign_keys=[("complaint", "complaints")])
    db["complaint_messages"].create_index(["complaint"])


def _welcomes(db: Database) -> None:
    # Who has been welcomed where (never twice), and who joined and waits for the gathered welcome of the minute.
    db["welcomes"].create({"room": str, "contact": str, "at": str}, pk=("room", "contact"))
    db["pending_welcomes"].create({"room": str, "contact": str, "joined_at": str}, pk=("room", "contact"))


def _member_count(db: Database) -> None:
    # /status counts the distinct members of all rooms. Counting them (100,000 at a big shop) took 14 ms, longer
    # than handling a message; triggers keep the figure instead, in the same transaction as the change itself.
    # They fire only when a membership row is really added or removed, which is rare next to messages.
    db.execute("CREATE TABLE member_count (id INTEGER PRIMARY KEY CHECK (id = 1), members INTEGER NOT NULL)")
    db.execute("INSERT INTO member_count VALUES (1, (SELECT count(DISTINCT contact) FROM room_members))")
    db.execute(
        """CREATE TRIGGER member_counted AFTER INSERT ON room_members
        WHEN NOT EXISTS (SELECT 1 FROM room_members WHERE contact = NEW.contact AND room != NEW.room)
        BEGIN UPDATE member_count SET members = members + 1; END"""
    )
    db.execute(
        """CREATE TRIGGER member_uncounted AFTER DELETE ON room_members
        WHEN NOT EXISTS (SELECT 1 FROM room_members WHERE contact = OLD.contact)
        BEGIN UPDATE member_count SET members = members - 1; END"""
    )


def _tiers(db: Database) -> None:
    # Orders from the back office's export (or /order in chat). buyer_id is the WeChat id when the export has it;
    # otherwise buyer_name is tied to a member only through a link the owner confirmed (buyer_links).
    db.execute(
        """CREATE TABLE orders (id TEXT PRIMARY KEY, placed_at TEXT NOT NULL, buyer_id TEXT, buyer_name TEXT,
        amount REAL NOT NULL, status TEXT NOT NULL, counts INTEGER NOT NULL, source TEXT NOT NULL, saved_at TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX orders_by_time ON orders (placed_at)")
    # Covers the recompute's spend per member: read in buyer order, without touching the table (bench/tiers.py).
    # Partial indexes, each over the orders its queries ask for: every index costs the import of 100,000 orders.
    db.execute("CREATE INDEX orders_by_buyer ON orders (buyer_id, placed_at, counts, amount) WHERE buyer_id IS NOT NULL")
    db.execute("CREATE INDEX orders_by_name ON orders (buyer_name) WHERE buyer_id IS NULL")  # nickname-only orders
    db.execute("CREATE INDEX contacts_by_name ON contacts (name)")  # "/tier @小王", and buyers' nicknames
    db.execute("CREATE TABLE buyer_links (name TEXT PRIMARY KEY, contact TEXT NOT NULL, linked_at TEXT NOT NULL)")
    # Messages a member sent per group and day (local date): activity without rereading every event.
    db.execute(
        """CREATE TABLE activity (contact TEXT NOT NULL, day TEXT NOT NULL, room TEXT NOT NULL, messages INTEGER NOT NULL,
        PRIMARY KEY (contact, day, room)) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX activity_by_day ON activity (day)")
    db.execute(
        """CREATE TABLE member_tiers (contact TEXT PRIMARY KEY, tier TEXT NOT NULL, since TEXT NOT NULL,
        last_qualified_at TEXT, reason TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE tier_changes (id INTEGER PRIMARY KEY, contact TEXT NOT NULL, at TEXT NOT NULL,
        from_tier TEXT NOT NULL, to_tier TEXT NOT NULL, reason TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX tier_changes_by_contact ON tier_changes (contact)")
    # Members of a VIP group who are not VIP, once told to the owner: told once, not every night.
    db.execute("CREATE TABLE vip_room_outsiders (room TEXT, contact TEXT, told_at TEXT, PRIMARY KEY (room, contact))")


def _campaigns(db: Database) -> None:
    # Campaigns from config.toml (source 'config', brought in line at every start) and from /campaign add.
    db.execute(
        """CREATE TABLE campaigns (name TEXT PRIMARY KEY, kind TEXT NOT NULL, weekday TEXT, day_of_month INTEGER,
        time TEXT NOT NULL, details TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL)"""
    )
    # One row per post: (campaign, room, occurrence) is the idempotency key, written in the same transaction as
    # the outbox message, so that a restart never posts twice. post_day counts the room's posts of a day.
    db.execute(
        """CREATE TABLE campaign_posts (campaign TEXT NOT NULL, room TEXT NOT NULL, occurrence TEXT NOT NULL,
        post_day TEXT NOT NULL, outbox_id INTEGER NOT NULL, PRIMARY KEY (campaign, room, occurrence))"""
    )
    db.execute("CREATE INDEX campaign_posts_by_day ON campaign_posts (room, post_day)")
    # Every coupon code handed out, so that the owner can later see who used what.
    db.execute(
        """CREATE TABLE coupons (code TEXT PRIMARY KEY, campaign TEXT NOT NULL, occurrence TEXT NOT NULL, room TEXT,
        contact TEXT, value REAL NOT NULL, issued_at TEXT NOT NULL)"""
    )


def _outbox_history(db: Database) -> None:
    # What a message answered (the first 30 characters of the member's message), so that the owner's report of a
    # reply given up says what the member had asked. Status may now also be 'refused' (the backend refused it).
    db.execute("ALTER TABLE outbox ADD COLUMN about TEXT")
    # The pacing reads the latest sends before every send, for the whole account and for one chat. Over the
    # sent_at index alone SQLite searched by status and sorted every sent row: 92 ms at 200,000 rows, 741 ms at a
    # million. These two answer from the first entries; the first also counts /status's sends of the day.
    db.execute("DROP INDEX idx_outbox_sent_at")
    db.execute("CREATE INDEX outbox_sends ON outbox (status, sent_at)")
    db.execute("CREATE INDEX outbox_sends_by_chat ON outbox (status, coalesce(room, to_contact), sent_at)")


def _broadcast_lane(db: Database) -> None:
    # Campaign posts to hundreds of groups queue for hours at the outbox's pace; an answer to a person (a
    # complaint's acknowledgement, an off-hours reply) must not wait behind them and expire. The queue takes
    # conversation first, then broadcasts, each in order (core/outbox.py).
    db.execute("ALTER TABLE outbox ADD COLUMN broadcast INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX outbox_queue ON outbox (status, broadcast, id)")
    # Before every send, every queued message past its deadline is given up (Outbox.expire_overdue): over the
    # queue's status index that read all of a flash sale's thousands of queued posts, once per post.
    db.execute("CREATE INDEX outbox_deadlines ON outbox (status, expires_at)")
    # Members are counted through core/directory.py now (in a shop group, not the owner or the bot): the count
    # the triggers kept counted everyone in any group, and nothing reads it any more.
    db.execute("DROP TRIGGER member_counted")
    db.execute("DROP TRIGGER member_uncounted")
    db.execute("DROP TABLE member_count")


def _complaint_corrections(db: Database) -> None:
    # The owner's corrections of the complaint detector (/complaint for one it missed, /notcomplaint for a false
    # alarm): a withdrawn complaint stays on record but is neither open nor counted, and each correction keeps the
    # member's text, the model's extra training data (handlers/complaint_detection.py).
    db.execute("ALTER TABLE complaints ADD COLUMN withdrawn_at TEXT")
    db["complaint_corrections"].create(
        {"id": int, "at": str, "complaint": int, "text": str, "is_complaint": int},
        pk="id",
        not_null={"at", "text", "is_complaint"},
    )


def _pictures(db: Database) -> None:
    # A message may carry a picture (core/media.py): one outbox row holds its text and the picture's path, paced as
    # one message and sent text first. Pictures a feature still uses (a campaign's product photo) are held here,
    # so that the nightly pruning of the media folder spares them.
    db.execute("ALTER TABLE outbox ADD COLUMN image TEXT")
    db.execute("CREATE TABLE picture_holds (holder TEXT PRIMARY KEY, path TEXT NOT NULL, held_at TEXT NOT NULL)")


def _spam_alerts(db: Database) -> None:
    # Advertising seen in the shop's groups (handlers/spam.py): every hit, to limit the owner's alerts to one per
    # member and group an hour and to count a newcomer's second hit; and the members the owner trusts (/allow).
    db.execute(
        """CREATE TABLE spam_hits (id INTEGER PRIMARY KEY, room TEXT NOT NULL, contact TEXT NOT NULL, at TEXT NOT NULL,
        reasons TEXT NOT NULL, alerted INTEGER NOT NULL, removal_queued INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX spam_hits_by_member ON spam_hits (contact, room, at)")
    db.execute("CREATE TABLE spam_trusted (contact TEXT PRIMARY KEY, at TEXT NOT NULL)")


def _faq(db: Database) -> None:
    # FAQ entries (handlers/faq.py): an answer and its keywords. A keyword belongs to one entry, so that a question
    # finds one answer. source: 'config' while the entry is as config.toml seeded it, 'chat' once the owner wrote it.
    db.execute(
        """CREATE TABLE faq_entries (id INTEGER PRIMARY KEY, answer TEXT NOT NULL, source TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"""
    )
    db.execute("CREATE TABLE faq_keywords (keyword TEXT PRIMARY KEY, entry INTEGER NOT NULL)")
    db.execute("CREATE INDEX faq_keywords_by_entry ON faq_keywords (entry)")
    # Every member an entry answered: once per member per entry per day, once per group per entry per 10 minutes
    # (`leads`: the question that posted the group's answer), and the week's figures.
    db.execute(
        """CREATE TABLE faq_answers (id INTEGER PRIMARY KEY, entry INTEGER NOT NULL, contact TEXT NOT NULL, room TEXT,
        at TEXT NOT NULL, leads INTEGER NOT NULL)"""
    )
    db.execute("CREATE INDEX faq_answers_by_member ON faq_answers (contact, entry, at)")
    db.execute("CREATE INDEX faq_answers_by_room ON faq_answers (room, entry, at) WHERE leads")
    db.execute("CREATE INDEX faq_answers_by_time ON faq_answers (at)")
    # The questions the owner was nudged about (handlers/response_nudges.py), their first 30 characters: what
    # waited for the owner, the weekly review's candidates for new FAQ entries.
    db.execute(
        "CREATE TABLE nudged_questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, room TEXT, contact TEXT NOT NULL,"
        " text TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX nudged_questions_by_time ON nudged_questions (at)")
    # /stats's top speakers of a group: one group's week, not a scan of every group's activity (1,000 groups).
    # Written only with a member's first message of a day in a group; later ones update no indexed column.
    db.execute("CREATE INDEX activity_by_room ON activity (room, day)")


def _campaign_and_complaint_pictures(db: Database) -> None:
    # A campaign's product photo (handlers/campaigns.py): the picture in media/ its posts carry, and who chose it:
    # 'config' (config.toml's image key, brought in line at every start) or 'command' (/campaign image, a removal
    # included, which config.toml then no longer overrides, as a pause by command is kept).
    db.execute("ALTER TABLE campaigns ADD COLUMN image TEXT")
    db.execute("ALTER TABLE campaigns ADD COLUMN image_by TEXT")
    # The photos a member sent after their complaint (handlers/complaints.py), forwarded to the owner: part of the
    # complaint's record, counted in /complaints. The files follow the store's retention like every member's picture.
    db.execute("CREATE TABLE complaint_photos (complaint INTEGER NOT NULL, at TEXT NOT NULL, room TEXT, image TEXT NOT NULL)")
    db.execute("CREATE INDEX complaint_photos_by_complaint ON complaint_photos (complaint)")


def _doubts(db: Database) -> None:
    # Messages a detector is in doubt about (handlers/complaints.py, handlers/spam.py): the owner is asked in private
    # rather than the group answered. A doubtful complaint waits for the owner's /是投诉 (then `complaint` is the one
    # opened); a doubtful advert waits for the day's summary (`told_at`).
    db.execute(
        """CREATE TABLE doubts (id INTEGER PRIMARY KEY, detector TEXT NOT NULL, at TEXT NOT NULL, room TEXT,
        contact TEXT NOT NULL, text TEXT NOT NULL, reason TEXT, probability REAL NOT NULL, complaint INTEGER,
        told_at TEXT)"""
    )
    db.execute("CREATE INDEX doubts_by_member ON doubts (detector, contact, at)")
    db.execute("CREATE INDEX doubts_untold ON doubts (detector, told_at)")


def _faq_by_meaning(db: Database) -> None:
    # FAQ entries matched by meaning (handlers/faq.py): the questions an entry answers as the owner wrote them
    # (examples), and the questions the owner said it must not answer (/faq not N: the question of answer N, one
    # correction per answer). An answer keeps the question it answered, its first 100 characters, so that the
    # owner can point at it (/faq recent) and the matcher learn from it.
    db.execute("CREATE TABLE faq_examples (entry INTEGER NOT NULL, text TEXT NOT NULL)")
    db.execute("CREATE INDEX faq_examples_by_entry ON faq_examples (entry)")
    db.execute(
        """CREATE TABLE faq_counterexamples (answer INTEGER PRIMARY KEY, entry INTEGER NOT NULL, text TEXT NOT NULL,
        at TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX faq_counterexamples_by_entry ON faq_counterexamples (entry)")
    db.execute("ALTER TABLE faq_answers ADD COLUMN question TEXT")


def _advert_corrections(db: Database) -> None:
    # Adverts are learned (handlers/advert_model.py): an alert and a doubt keep the message judged and whether the
    # sender was a newcomer then, and the owner's /remove (an advert) or /allow (none) after one is kept with them as
    # a correction, the model's extra training data (handlers/spam.py). `source`: "hit:<id>" or "doubt:<id>", the
    # message corrected; its latest correction counts.
    db.execute("ALTER TABLE spam_hits ADD COLUMN text TEXT")
    db.execute("ALTER TABLE spam_hits ADD COLUMN newcomer INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE doubts ADD COLUMN newcomer INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """CREATE TABLE spam_corrections (id INTEGER PRIMARY KEY, at TEXT NOT NULL, contact TEXT NOT NULL,
        source TEXT NOT NULL, text TEXT NOT NULL, newcomer INTEGER NOT NULL, is_advert INTEGER NOT NULL)"""
    )


def _complaint_choices(db: Database) -> None:
    # /complaint @小王 lists the member's last messages, numbered, and /complaint @小王 2 files the second: the
    # numbers are kept as the event log's ids of that listing, so that a message she writes meanwhile shifts none.
    db.execute("CREATE TABLE complaint_choices (contact TEXT PRIMARY KEY, at TEXT NOT NULL, events TEXT NOT NULL)")


def _night_questions(db: Database) -> None:
    # Questions to the shop asked while it was closed (handlers/response_nudges.py): the member was promised an
    # answer once service opens, so at opening the owner gets them in one list; the shop answering in that group or
    # to that member meanwhile takes them off it. Listed once, then deleted.
    db.execute(
        "CREATE TABLE night_questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, room TEXT, contact TEXT NOT NULL,"
        " text TEXT NOT NULL)"
    )


def _held_welcomes(db: Database) -> None:
    # A newcomer the owner was just alerted about as an advertiser (handlers/spam.py) is not welcomed: their welcome
    # waits, held since `held_at`, until the owner trusts them (/allow); a removal (they leave) drops it.
    db.execute("ALTER TABLE pending_welcomes ADD COLUMN held_at TEXT")


def _outbox_lanes_and_templates(db: Database) -> None:
    # The queue grows from two lanes (conversation, then broadcasts) to five (core/outbox.py): the owner's replies
    # in private first, complaint acknowledgements and the owner's alerts next, light content last. What is queued
    # at the upgrade is sorted as well as SQL can without the config's owners: an owner's alert waiting then goes
    # with the conversation, as it did before.
    db.execute("ALTER TABLE outbox ADD COLUMN lane INTEGER NOT NULL DEFAULT 3")
    db.execute(
        "UPDATE outbox SET lane = CASE WHEN kind = 'light_content' THEN 5 WHEN broadcast THEN 4"
        " WHEN kind = 'command_reply' AND room IS NULL THEN 1 WHEN kind = 'complaint_ack' THEN 2 ELSE 3 END"
        " WHERE status = 'queued'"
    )
    db.execute("DROP INDEX outbox_queue")
    db.execute("ALTER TABLE outbox DROP COLUMN broadcast")
    db.execute("CREATE INDEX outbox_queue ON outbox (status, lane, id)")
    # A message held back steps aside from the queue until its time (core/outbox.py): found without reading the queue.
    db.execute("CREATE INDEX outbox_holds ON outbox (status, not_before)")
    # A message that speaks of moments (今天10:44, 已等15分钟, 3天前) keeps its template and variables, and is
    # rendered again as it goes out: queued behind a flood, its words must be true when read, not when queued.
    db.execute("ALTER TABLE outbox ADD COLUMN template TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN variables TEXT")


def _robot_channels(db: Database) -> None:
    # A message may go by a WeCom group robot instead of the account (core/outbox.py): each robot has its own queue
    # and its own minute, found through these indexes however long the history.
    db.execute("ALTER TABLE outbox ADD COLUMN channel TEXT")
    db.execute("CREATE INDEX outbox_channels ON outbox (status, channel, lane, id)")
    db.execute("CREATE INDEX outbox_sends_by_channel ON outbox (status, channel, sent_at)")


def _campaign_results(db: Database) -> None:
    # What each campaign earned (handlers/campaign_results.py). An order keeps the coupon its export names (the
    # 优惠券 column: '' when the file has the column and the order used none, NULL when the file had no such
    # column), so that a member day's coupons can be counted as used; and campaign posts are found by when they
    # were queued, for the weekly review's posts of the week and the month's windows.
    db.execute("ALTER TABLE orders ADD COLUMN coupon TEXT")
    db.execute("ALTER TABLE campaign_posts ADD COLUMN queued_at TEXT")
    # When each post went out, kept once learned from the outbox (whose rows the nightly pruning deletes after
    # [store] retention_days): a post's 24 hours are counted from it for as long as the shop keeps its records.
    db.execute("ALTER TABLE campaign_posts ADD COLUMN sent_at TEXT")
    db.execute(
        "UPDATE campaign_posts SET queued_at = (SELECT o.created_at FROM outbox o WHERE o.id = campaign_posts.outbox_id)"
    )
    # A post whose message the pruning took already: its day is all that is known (its moment only orders it).
    db.execute("UPDATE campaign_posts SET queued_at = post_day || 'T00:00:00.000000+00:00' WHERE queued_at IS NULL")
    db.execute("CREATE INDEX campaign_posts_by_time ON campaign_posts (queued_at)")
    # /campaign stats lists the occurrences, newest first: read from this index in (campaign, occurrence) order,
    # never the table (a year of a flash sale to 2,000 groups is 100,000 rows).
    db.execute("CREATE INDEX campaign_posts_by_occurrence ON campaign_posts (campaign, occurrence, queued_at, room)")
    # A post's figures read the orders of a few days and each buyer's groups (handlers/order_book.py
    # orders_after_posts): both indexes now hold what is read, so that no order or membership row is fetched from
    # the table (a million orders: 21,000 a week, each fetched at random, took most of /campaign stats's second).
    # 复购率 and the shop's figures read the orders of a span the same way.
    db.execute("DROP INDEX orders_by_time")
    db.execute("CREATE INDEX orders_by_time ON orders (placed_at, counts, amount, buyer_id, buyer_name)")
    db.execute("DROP INDEX idx_room_members_contact")
    db.execute("CREATE INDEX room_members_by_contact ON room_members (contact, room)")


def _dismissed_doubts(db: Database) -> None:
    # The owner's /不是 N on a doubtful complaint (handlers/complaints.py): the doubt is settled, and its words are a
    # correction like a withdrawn complaint's, kept by the doubt they came from (a doubt has no complaint number).
    db.execute("ALTER TABLE doubts ADD COLUMN dismissed_at TEXT")
    db.execute("ALTER TABLE complaint_corrections ADD COLUMN doubt INTEGER")


def _reason_corrections(db: Database) -> None:
    # The owner's /reason N 原因 (handlers/complaints.py): the complaint's reason as the owner gives it, kept with the
    # member's words for the reason models (handlers/complaint_reasons.py), the latest per complaint.
    db.execute("""CREATE TABLE reason_corrections (complaint INTEGER PRIMARY KEY, at TEXT NOT NULL, text TEXT NOT NULL,
        reason TEXT NOT NULL)""")


def _answered_nudges(db: Database) -> None:
    # When the shop answered a question the owner was nudged about (handlers/response_nudges.py): one still
    # unanswered that the member asks after again is a chase. Those nudged before this are taken as answered, so that
    # no member's next question is taken for one.
    db.execute("ALTER TABLE nudged_questions ADD COLUMN answered_at TEXT")
    db.execute("UPDATE nudged_questions SET answered_at = at")
    db.execute("CREATE INDEX nudged_questions_waiting ON nudged_questions (contact, room, at) WHERE answered_at IS NULL")


def _resolution_notes(db: Database) -> None:
    # What the owner adds when closing a complaint ("/resolve 3 补发 顺丰SF123"): the parcel's number, what was agreed,
    # read again in /tier before the owner next talks to that member (handlers/complaints.py).
    db.execute("ALTER TABLE complaints ADD COLUMN note TEXT")


MIGRATIONS: list[Callable[[Database], None]] = [
    _foundation, _customer_service, _welcomes, _member_count, _tiers, _campaigns, _outbox_history, _broadcast_lane,
    _complaint_corrections, _pictures, _spam_alerts, _faq, _campaign_and_complaint_pictures, _doubts,
    _faq_by_meaning, _advert_corrections, _complaint_choices, _night_questions, _held_welcomes,
    _outbox_lanes_and_templates, _robot_channels, _campaign_results, _dismissed_doubts, _reason_corrections,
    _answered_nudges, _resolution_notes,
]


def schema_version(db: Database) -> int:
    """How many of MIGRATIONS the store has run (SQLite's user_version)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> None:
    """Run the migrations the store has not seen, each in its own transaction; StoreError for a store newer
    than this bot, which an old bot must not write to."""
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the store is at schema version {version}, newer than this bot knows ({len(MIGRATIONS)}): "
            "update the bot rather than let an old one write to it"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")


@contextlib.contextmanager
def savepoint(db: Database) -> Iterator[None]:
    """A nested transaction that undoes only its own writes if the block fails.

    sqlite-utils' atomic() does the same with a random name and more checks; this one runs for every event and
    every feature (bench/throughput.py), and SQLite lets savepoints of one name nest, innermost first.
    """
    db.execute("SAVEPOINT step")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:  # some errors (a full disk) have already rolled everything back
            db.execute("ROLLBACK TO step")
            db.execute("RELEASE step")
        raise
    db.execute("RELEASE step")


def open_store(path: Path | str) -> Database:
    """Open (creating if need be) and migrate the store at path; ':memory:' gives a throwaway one.

    The store holds members' messages and nicknames: the bot creates it readable by its own user only (0600;
    SQLite gives the -wal and -shm files the store's permissions), its folder and the media/ folder beside it
    (members' pictures) 0700. Existing files and folders keep the permissions their owner gave them.
    """
    if str(path) == ":memory:":
        db = Database(memory=True)
        migrate(db)
        return db
    path = Path(path)
    with store_problems(path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        media.folder_for(path).mkdir(mode=0o700, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # before SQLite creates it with the umask's mode
        db = Database(path)
        # Before the first write: writing to a damaged store spreads the damage, and it is to be recovered as it is.
        if db.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            db.close()
            raise StoreUnusable(_DAMAGED.format(path=shown_path(path)))
        db.enable_wal()
        # In WAL mode, NORMAL syncs the disk at checkpoints rather than at every commit: a commit survives the
        # bot crashing or being killed (what the outbox's no-loss, no-repeat promise is tested against), and only
        # a power cut can undo the last few. Every send commits twice, so FULL cost a month of posts 12 s of its
        # 28 (bench/campaigns.py).
        db.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
        # A write that changes nothing: SQLite opens a read-only file without a word and refuses only the first
        # write, which would otherwise come with the first message, as a feature's failure.
        db.execute(f"PRAGMA user_version = {schema_version(db)}")
    return db
