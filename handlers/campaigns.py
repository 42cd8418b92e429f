"""Scheduled campaigns: the weekly flash sale (闪购日), the monthly member day (会员日), light content and
live-stream notices, posted to the shop's groups inside their windows (handlers/windows.py).

Rules a post keeps, whatever happens:
- It goes out inside its window or not at all: queued with the window's end as its deadline, so that the outbox
  drops (and reports) rather than sends late. A post due while the bot was down goes out if its window is still
  open when the bot is back, and is skipped and reported if not: one notice per campaign for the whole outage,
  with how many posts it skipped and when the next goes, never a move to a day already past.
- Each post has an idempotency key, (campaign, room, occurrence), written in the same transaction as its outbox
  message: a crash or restart at any moment neither loses nor repeats a post.
- At most windows.max_posts_per_room_per_day campaign posts a group a day; one more is moved to the next window on
  a later day, and the owner is told.
- Posts to many groups are paced by the outbox; the groups that cannot fit in the window (VIP groups go first) are
  moved to the next window, and the owner is told half an hour before the window opens.
- Member-day coupons go to the VIP groups only (and to VIP members in private, if config says so), each with a
  code recorded in the store.
- A campaign may have a product photo: each group post is its text and the picture right after, one outbox message
  (one place in the pacing and the per-minute cap). The owner sets it in chat (/campaign image) or config.toml
  names a file (`image`); the owner's choice, a removal included, wins over config's, as a pause by command does.
  Private coupons go without it: a personal note, not the group's advert. The picture is held against the nightly
  pruning of media/ (core/media.py) while the campaign may still post, and let go when it is removed or cancelled.

Jobs live in the store's timers table, with APScheduler's CronTrigger for the weekly arithmetic (see core/timers.py
for why not APScheduler's own loop). Commands are in handlers/campaign_commands.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from core import directory, media
from core.clock import from_db, to_db
from core.config import PICTURE_PROBLEMS, WEEKDAYS, Config
from core.context import Context
from core.registry import job, on_start
from core.timewords import WEEKDAY_NAMES, clock_words
from handlers.tiers import vip_contacts
from handlers.windows import LABELS, Window, next_window, window_at

FIT_WARNING = dt.timedelta(minutes=30)  # how long before a window the owner hears that not every group fits
ANSWERS_SHARE = 0.1  # of a window's sends, kept for answers to people and notices to the owner
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 8
CONFIG_NAMES = {"flash_sale": "闪购日", "member_day": "会员日"}
SALES = ("flash_sale", "member_day")  # the posts that ask members to bring their questions (sale_running)
LONGEST_WINDOW = dt.timedelta(days=1)  # no window of [windows] is longer: a post before that is no sale running
MEMO = "campaigns"  # ctx.memo: the fit warnings given, so that the post does not repeat them

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Campaign:
    name: str
    kind: str
    weekday: str | None  # weekly campaigns
    day_of_month: int | None  # monthly ones
    time: dt.time
    details: dict
    status: str  # active, paused, cancelled (by command), off (enabled = false in config.toml)
    image: str | None = None  # the product photo its group posts carry, a file in media/
    image_by: str | None = None  # who chose it: "config", or "command" (a removal too: image None)

    def next_post(self, config: Config, after: dt.datetime) -> dt.datetime:
        """The first post time strictly after `after`. A monthly day the month lacks (the 31st in November) falls
        on the month's last day."""
        if self.weekday:
            trigger = CronTrigger(day_of_week=self.weekday[:3], hour=self.time.hour, minute=self.time.minute,
                                  timezone=config.tz)
            return trigger.get_next_fire_time(None, after + dt.timedelta(microseconds=1))
        year, month = after.year, after.month
        while True:
            day = min(self.day_of_month, calendar.monthrange(year, month)[1])
            candidate = dt.datetime.combine(dt.date(year, month, day), self.time, config.tz)
            if candidate > after:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def schedule_words(self) -> str:
        when = f"每{WEEKDAY_NAMES[WEEKDAYS.index(self.weekday)]}" if self.weekday else f"每月{self.day_of_month}日"
        return f"{when} {clock_words(self.time)}"

    @property
    def title(self) -> str:
        """How texts name it: '闪购日', '轻内容1'; the kind follows in brackets only when the name does not say it."""
        label = LABELS[self.kind]
        return self.name if label in self.name else f"{self.name}（{label}）"


COLUMNS = "name, kind, weekday, day_of_month, time, details, status, image, image_by"


def load(db, name: str) -> Campaign | None:
    row = db.execute(f"SELECT {COLUMNS} FROM campaigns WHERE name = ?", [name]).fetchone()
    return _campaign(row) if row else None


def load_all(db) -> list[Campaign]:
    rows = db.execute(f"SELECT {COLUMNS} FROM campaigns ORDER BY created_at, name").fetchall()
    return [_campaign(row) for row in rows]


def _campaign(row) -> Campaign:
    name, kind, weekday, day_of_month, time, details, status, image, image_by = row
    return Campaign(name, kind, weekday, day_of_month, dt.time.fromisoformat(time), json.loads(details), status,
                    image, image_by)


def save(ctx: Context, campaign: Campaign, source: str) -> None:
    """Its schedule, words and status; its picture is set apart (set_image), and a save leaves it as it was."""
    ctx.db.execute(
        """INSERT INTO campaigns (name, kind, weekday, day_of_month, time, details, status, source, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,
        weekday = excluded.weekday, day_of_month = excluded.day_of_month, time = excluded.time,
        details = excluded.details, status = excluded.status""",
        [campaign.name, campaign.kind, campaign.weekday, campaign.day_of_month, f"{campaign.time:%H:%M}",
         json.dumps(campaign.details, ensure_ascii=False), campaign.status, source, to_db(ctx.now)],
    )
    if campaign.status == "cancelled":  # it posts no more: its picture may go with the store's retention
        media.hold(ctx.db, _holder(campaign), None, ctx.now)


def set_image(ctx: Context, campaign: Campaign, image: str | None, by: str | None) -> None:
    """Give the campaign its picture (a file kept in media/), or take it away (None), and hold it against the
    nightly pruning for as long as the campaign may post. With WeCom group robots, a picture they would refuse
    (over 2 MB, or neither JPG nor PNG) is re-encoded to fit, once, here."""
    if image and ctx.config.wecom.group_robots:
        image = media.fit_for_robots(media.folder_of(ctx.db), image)
    ctx.db.execute("UPDATE campaigns SET image = ?, image_by = ? WHERE name = ?", [image, by, campaign.name])
    media.hold(ctx.db, _holder(campaign), image if campaign.status != "cancelled" else None, ctx.now)


def hold_image_again(ctx: Context, campaign: Campaign) -> bool:
    """A cancelled campaign resumed: hold its picture again; False (and the picture dropped) when the file went
    meanwhile, pruned with the store's retention."""
    if campaign.image is None:
        return True
    if Path(campaign.image).is_file():
        media.hold(ctx.db, _holder(campaign), campaign.image, ctx.now)
        return True
    set_image(ctx, campaign, None, "command")
    return False


def _holder(campaign: Campaign) -> str:
    return f"campaign:{campaign.name}"


# Planning

@on_start
def bring_campaigns_in_line(ctx: Context) -> None:
    """Config's campaigns into the store (edits to config.toml take effect; a pause or cancel by command is kept),
    then a timer for every campaign. A post missed while the bot was down keeps its timer: it fires at once."""
    for kind, settings in (("flash_sale", ctx.config.campaigns.flash_sale), ("member_day", ctx.config.campaigns.member_day)):
        name = CONFIG_NAMES[kind]
        stored = load(ctx.db, name)
        if not settings.enabled:
            status = "off"
        else:
            status = stored.status if stored and stored.status in ("paused", "cancelled") else "active"
        details = settings.model_dump(exclude={"enabled", "weekday", "day_of_month", "time", "image"})
        campaign = Campaign(name, kind, getattr(settings, "weekday", None), getattr(settings, "day_of_month", None),
                            settings.time, details, status)
        save(ctx, campaign, "config")
        if stored is None or stored.image_by != "command":  # the owner's choice in chat stays, as a pause does
            set_image(ctx, campaign, *_config_image(ctx, campaign, settings.image))
    for campaign in load_all(ctx.db):
        planned = ctx.timer(_post_key(campaign))
        if campaign.status not in ("active", "paused"):
            ctx.cancel_all(f"campaign:{campaign.name}:")
        elif planned is None or planned.due_at > ctx.now:
            plan(ctx, campaign, after=ctx.now)


def _config_image(ctx: Context, campaign: Campaign, path: str) -> tuple[str | None, str | None]:
    """config.toml's picture for a campaign, kept in media/ like any other (the owner may edit or move the file
    they named; the posts send the copy). load_config checked it; one that went bad since is told, not fatal."""
    if not path:
        return None, None
    folder = media.folder_of(ctx.db)
    if folder is None:  # a store in memory keeps no pictures: the file itself is sent
        return path, "config"
    try:
        return str(media.keep(folder, Path(path))), "config"
    except media.PictureUnreadable as error:
        log.warning("config image of campaign %s not kept (%s)", campaign.name, error)
        _tell(ctx, campaign, "image_unreadable", why=PICTURE_PROBLEMS[error.reason])
        return None, None


def plan(ctx: Context, campaign: Campaign, after: dt.datetime) -> dt.datetime:
    """Schedule the campaign's next post after `after`, and the fit check half an hour before it."""
    at = campaign.next_post(ctx.config, after)
    post_campaign.schedule(ctx, at, key=_post_key(campaign), campaign=campaign.name, at=to_db(at))
    if at - FIT_WARNING > ctx.now:
        warn_if_groups_will_not_fit.schedule(ctx, at - FIT_WARNING, key=f"campaign:{campaign.name}:fit",
                                             campaign=campaign.name, at=to_db(at))
    return at


def planned_post(ctx: Context, campaign: Campaign) -> dt.datetime | None:
    timer = ctx.timer(_post_key(campaign))
    return timer.due_at if timer and campaign.status == "active" else None


def next_post(ctx: Context, kind: str) -> dt.datetime | None:
    """When the next post of this kind (flash_sale, member_day …) is planned, over the active campaigns."""
    planned = [planned_post(ctx, c) for c in load_all(ctx.db) if c.kind == kind]
    return min((at for at in planned if at), default=None)


@dataclass(frozen=True)
class Showing:
    """A campaign as a member asking "when is it" means it: on now (posted, not over yet), or its next post."""

    campaign: Campaign
    at: dt.datetime  # when its post went out, or goes out next
    on_now: bool
    ends: dt.datetime | None  # a sale's end, a member day's midnight; None for a post not yet made
    ended: dt.datetime | None = None  # for the next post: when the last one of its kind ended, if within a day


def on_or_next(ctx: Context, kind: str) -> Showing | None:
    """The campaign of this kind on now, else the one whose post comes first; None when none is active. A flash
    sale is on for its hours after its first group post, a member day and a live stream's notice for that day."""
    active = [c for c in load_all(ctx.db) if c.kind == kind and c.status == "active"]
    ended = None
    for campaign in active:
        if (last := _last_showing(ctx, campaign)) is None:
            continue
        at, ends = last
        if ends > ctx.now:
            return Showing(campaign, at, True, ends)
        ended = max(ended or ends, ends)
    planned = sorted((at, campaign.name, campaign) for campaign in active if (at := planned_post(ctx, campaign)))
    return Showing(planned[0][2], planned[0][0], False, None, ended) if planned else None


def _last_showing(ctx: Context, campaign: Campaign) -> tuple[dt.datetime, dt.datetime] | None:
    """When the campaign's latest post went out and when what it offers ends, if it ended a day ago or later."""
    hours = campaign.details.get("duration_hours")
    span = dt.timedelta(hours=hours) if hours else dt.timedelta(days=1)
    posted, _ = occurrences(ctx.db, campaign=campaign.name, since=to_db(ctx.now - span - dt.timedelta(days=1)),
                            limit=1)
    if not posted:
        return None
    at = from_db(posted[0].queued_at, ctx.config.tz)
    ends = at + span if hours else dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(), at.tzinfo)
    return (at, ends) if ends > ctx.now - dt.timedelta(days=1) else None


def sale_running(ctx: Context, room: str) -> bool:
    """Whether a sale (a flash sale or a member day) was posted in this group and the window it was posted in
    (handlers/windows.py) is not over, nor the sale's own hours: the post asks members to bring their questions to
    the group ("在群里问我们就好"), and the owner who runs an evening sale is there for it. Off hours too, the group
    is then staffed for questions (handlers/off_hours.py `staffed`): a question about an evening sale answered at
    the next opening is answered after the sale ended."""
    for name, queued_at in ctx.db.execute(
            f"SELECT campaign, queued_at FROM campaign_posts WHERE queued_at > ? AND room = ? AND {GROUP_POSTS}",
            [to_db(ctx.now - LONGEST_WINDOW), room]).fetchall():
        campaign = load(ctx.db, name)
        if campaign is None or campaign.kind not in SALES or campaign.status != "active":
            continue
        posted = from_db(queued_at, ctx.config.tz)
        window = window_at(ctx.config, campaign.kind, posted)
        if window is None:  # [windows] changed since
            continue
        hours = campaign.details.get("duration_hours")
        if ctx.now < (min(window.end, posted + dt.timedelta(hours=hours)) if hours else window.end):
            return True
    return False


def _post_key(campaign: Campaign) -> str:
    return f"campaign:{campaign.name}:post"


def target_rooms(ctx: Context, campaign: Campaign) -> list[tuple[str, str]]:
    """(room, topic) of the shop's groups this campaign goes to: VIP groups first, then the biggest."""
    tiers = ctx.config.tiers
    topics = tiers.vip_rooms if campaign.kind == "member_day" else [*tiers.vip_rooms, *tiers.regular_rooms]
    return directory.rooms_by_size(ctx.db, topics, first=tiers.vip_rooms)


def capacity(ctx: Context, window: Window, start: dt.datetime) -> int:
    """How many more posts the outbox can send between `start` and the window's end, after what it already holds:
    the account's per-minute ceiling, or the pause between chats if that is slower, less the share kept for
    answers to people (they go before posts, and a post planned into their slots would be given up at the end)."""
    limits = ctx.config.outbox
    per_minute = min(limits.account_per_minute, 60 / max(limits.switch_pause_seconds[1], 1))
    minutes = max(0.0, (window.end - max(start, ctx.now)).total_seconds() / 60)
    return max(0, int(minutes * per_minute * (1 - ANSWERS_SHARE)) - ctx.queued_count())


def by_robot(ctx: Context, topic: str) -> bool:
    """A group whose posts a WeCom group robot carries (core/context.py): they take none of the account's minutes,
    and a robot's own minute holds twenty, far more than one campaign's one post a group."""
    return topic in ctx.config.wecom.group_robots


# Posting

@job("campaign_fit_check")
def warn_if_groups_will_not_fit(ctx: Context, payload: dict) -> None:
    campaign = load(ctx.db, payload["campaign"])
    if campaign is None or campaign.status != "active":
        return
    at = from_db(payload["at"], ctx.config.tz)
    window = window_at(ctx.config, campaign.kind, at)
    # [windows] changed since the post was planned, or the bot was down until the window opened: too late to
    # warn ahead, and the post itself says what it could not do (a warning now could name a day already past).
    if window is None or ctx.now >= window.start:
        return
    rooms = target_rooms(ctx, campaign)
    on_account = [topic for _, topic in rooms if not by_robot(ctx, topic)]
    fits = capacity(ctx, window, at)
    if len(on_account) > fits:
        later = next_window(ctx.config, campaign.kind, window.end)
        _tell(ctx, campaign, "will_not_fit", rooms=on_account[fits:], total=len(rooms),
              fits=len(rooms) - len(on_account) + fits, window=window.spoken(), later=later.start)
        ctx.memo(MEMO).set(_fit_told_key(campaign, at), "told")


@job("campaign_post")
def post_campaign(ctx: Context, payload: dict) -> None:
    campaign = load(ctx.db, payload["campaign"])
    if campaign is None or campaign.status not in ("active", "paused"):
        return
    at = from_db(payload["at"], ctx.config.tz)
    if campaign.status == "paused":
        plan(ctx, campaign, after=at)
        return
    rooms = target_rooms(ctx, campaign)
    if _window_gone(ctx, campaign, at):  # the bot was down through the whole window
        last, missed = at, 1
        while (following := campaign.next_post(ctx.config, last)) < ctx.now and _window_gone(ctx, campaign, following):
            last, missed = following, missed + 1  # a long outage: every occurrence it swallowed, in one notice
        plan(ctx, campaign, after=last)
        _gather_skipped(ctx, campaign, at, missed, rooms)
        return
    plan(ctx, campaign, after=at)
    window = window_at(ctx.config, campaign.kind, at)
    fit_told = ctx.memo(MEMO).forget(_fit_told_key(campaign, at))
    _post(ctx, campaign, at.date().isoformat(), rooms, window, tell_overflow=not fit_told)
    if campaign.kind == "member_day" and ctx.config.campaigns.member_day.private_to_vip:
        _send_private_coupons(ctx, campaign, at.date().isoformat(), window)


@job("campaign_moved")
def post_moved(ctx: Context, payload: dict) -> None:
    """Posts moved out of an earlier window (the group's day was full, or the window was): their turn now."""
    campaign = load(ctx.db, payload["campaign"])
    if campaign is None or campaign.status not in ("active", "paused"):
        return
    window = window_at(ctx.config, campaign.kind, ctx.now)
    wanted = set(payload["rooms"])
    rooms = [(room, topic) for room, topic in target_rooms(ctx, campaign) if room in wanted]
    if window is None:  # the bot was down through this window too
        planned = dt.datetime.combine(dt.date.fromisoformat(payload["occurrence"]), campaign.time, ctx.config.tz)
        _gather_skipped(ctx, campaign, planned, 1, rooms)
        return
    _post(ctx, campaign, payload["occurrence"], rooms, window, tell_overflow=True)


def _post(ctx: Context, campaign: Campaign, occurrence: str, rooms: list[tuple[str, str]], window: Window,
          *, tell_overflow: bool) -> None:
    limit = ctx.config.windows.max_posts_per_room_per_day
    today = ctx.now.date().isoformat()
    room_for = capacity(ctx, window, ctx.now)
    day_full, overflow = [], []
    for room, topic in rooms:
        if _posted(ctx, campaign, room, occurrence):
            continue  # posted already, before a restart
        posts_today = ctx.db.execute("SELECT count(*) FROM campaign_posts WHERE room = ? AND post_day = ?",
                                     [room, today]).fetchone()[0]
        if posts_today >= limit:
            day_full.append((room, topic))
        elif room_for <= 0 and not by_robot(ctx, topic):
            overflow.append((room, topic))
        else:
            variables = post_variables(ctx, campaign, room, window, occurrence, posted_at=ctx.now)
            # A sale shorter than its window ends before the window does: a post still waiting then would offer
            # what is over, so it is given up (and the owner told, core/given_up.py) rather than sent.
            expires_at = min(window.end, variables.get("ends", window.end))
            outbox_id = ctx.say(campaign.kind, campaign.kind, room=room, expires_at=expires_at, broadcast=True,
                                image=campaign.image, **variables)
            _record_post(ctx, campaign, room, occurrence, outbox_id)
            if not by_robot(ctx, topic):
                room_for -= 1
    if day_full:
        later = next_window(ctx.config, campaign.kind, ctx.now, later_day=True)
        _move(ctx, campaign, occurrence, day_full, later)
        _tell(ctx, campaign, "day_full", rooms=[t for _, t in day_full], limit=limit, later=later.start)
    if overflow:
        later = next_window(ctx.config, campaign.kind, window.end)
        _move(ctx, campaign, occurrence, overflow, later)
        if tell_overflow:
            _tell(ctx, campaign, "will_not_fit", rooms=[t for _, t in overflow], total=len(rooms),
                  fits=len(rooms) - len(overflow) - len(day_full), window=window.spoken(), later=later.start)


def _move(ctx: Context, campaign: Campaign, occurrence: str, rooms: list[tuple[str, str]], window: Window) -> None:
    key = f"campaign:{campaign.name}:moved:{occurrence}:{window.start:%Y%m%d%H%M}"
    waiting = ctx.timer(key)
    already = waiting.payload["rooms"] if waiting else []
    post_moved.schedule(ctx, window.start, key=key, campaign=campaign.name, occurrence=occurrence,
                        rooms=already + [room for room, _ in rooms if room not in already])


def post_variables(ctx: Context, campaign: Campaign, room: str | None, window: Window, occurrence: str,
                   *, posted_at: dt.datetime, code: str | None = None) -> dict:
    """What a campaign's template is given for one group (or, for a coupon in private, one member), posted at
    `posted_at`: now, or for a preview the planned moment, so that the preview says the end the post will."""
    details = campaign.details
    if campaign.kind == "flash_sale":
        # The sale's end, a moment: the post says it as of when it goes out (core/outbox.py renders it again), so
        # one that waited behind a thousand groups never promises the sale's whole length ("2小时内") at 21:10.
        ends = max(posted_at, window.start) + dt.timedelta(hours=details["duration_hours"])
        return {"products": details["products"], "discount": details["discount"], "ends": ends}
    if campaign.kind == "member_day":
        code = code or _issue_coupon(ctx, campaign, occurrence, room=room)
        return {"value": details["coupon_value"], "condition": details["coupon_condition"], "code": code,
                "until": "今天24:00"}
    if campaign.kind == "light_content":
        return {"text": details["text"]}
    # The stream starts at the time the owner gave it (/campaign add 直播 周六 15:30 …), not at its window's start:
    # a notice posted at 15:30 said "今天15:00直播".
    return {"topic": details["topic"], "starts": details.get("starts") or f"{campaign.time:%H:%M}"}


def _issue_coupon(ctx: Context, campaign: Campaign, occurrence: str, *, room: str | None = None,
                  contact: str | None = None) -> str:
    while True:  # 31^8 codes: a collision is rare, and then simply drawn again
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        inserted = ctx.db.execute(
            "INSERT OR IGNORE INTO coupons (code, campaign, occurrence, room, contact, value, issued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [code, campaign.name, occurrence, room, contact, campaign.details["coupon_value"], to_db(ctx.now)],
        ).rowcount
        if inserted:
            return code


def coupon(db, code: str) -> tuple | None:
    """(code, campaign, room, contact, value, issued_at) of a coupon issued, by its code: whom it went to."""
    return db.execute(
        "SELECT code, campaign, room, contact, value, issued_at FROM coupons WHERE code = ?", [code]
    ).fetchone()


def _send_private_coupons(ctx: Context, campaign: Campaign, occurrence: str, window: Window) -> None:
    for contact in vip_contacts(ctx):
        chat = f"private:{contact}"  # its own idempotency key, apart from the groups (and from their daily cap)
        if _posted(ctx, campaign, chat, occurrence):
            continue
        code = _issue_coupon(ctx, campaign, occurrence, contact=contact)
        outbox_id = ctx.say("member_day", "member_day", to=contact, expires_at=window.end, broadcast=True,
                            **post_variables(ctx, campaign, None, window, occurrence, posted_at=ctx.now, code=code))
        _record_post(ctx, campaign, chat, occurrence, outbox_id)


def _posted(ctx: Context, campaign: Campaign, chat: str, occurrence: str) -> bool:
    return ctx.db.execute("SELECT 1 FROM campaign_posts WHERE campaign = ? AND room = ? AND occurrence = ?",
                          [campaign.name, chat, occurrence]).fetchone() is not None


def _record_post(ctx: Context, campaign: Campaign, chat: str, occurrence: str, outbox_id: int) -> None:
    """The idempotency key, in the same transaction as the outbox message it stands for."""
    ctx.db.execute("INSERT INTO campaign_posts (campaign, room, occurrence, post_day, outbox_id, queued_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   [campaign.name, chat, occurrence, ctx.now.date().isoformat(), outbox_id, to_db(ctx.now)])


def _window_gone(ctx: Context, campaign: Campaign, at: dt.datetime) -> bool:
    window = window_at(ctx.config, campaign.kind, at)
    return window is None or ctx.now >= window.end


def _gather_skipped(ctx: Context, campaign: Campaign, planned: dt.datetime, posts: int, rooms: list[tuple[str, str]]) -> None:
    """Posts skipped for an outage are told once per campaign: gathered in a job due now, which runs after every
    job the outage left overdue (those are due earlier), when the next post is planned and can be named."""
    key = f"campaign:{campaign.name}:skipped"
    waiting = ctx.timer(key)
    gathered = waiting.payload if waiting else {"campaign": campaign.name, "posts": 0, "planned": to_db(planned), "rooms": []}
    gathered["posts"] += posts
    gathered["planned"] = min(gathered["planned"], to_db(planned))
    gathered["rooms"] += [topic for _, topic in rooms if topic not in gathered["rooms"]]
    tell_skipped.schedule(ctx, ctx.now, key=key, **gathered)


@job("campaign_skipped")
def tell_skipped(ctx: Context, payload: dict) -> None:
    campaign = load(ctx.db, payload["campaign"])
    if campaign is None:
        return
    following = planned_post(ctx, campaign)
    _tell(ctx, campaign, "skipped", rooms=payload["rooms"], posts=payload["posts"],
          planned=from_db(payload["planned"], ctx.config.tz), next=following)


def _tell(ctx: Context, campaign: Campaign, event: str, **details) -> None:
    ctx.tell_owner("campaign_notice", "campaign_notice", event=event, title=campaign.title, shown=10, **details)


def _fit_told_key(campaign: Campaign, at: dt.datetime) -> str:
    return f"fit_told:{campaign.name}:{to_db(at)}"


# What was posted, for the figures of what it earned (handlers/campaign_results.py). A post "in a group" is one of
# campaign_posts' rows whose room is a group: the private coupons of a member day are kept as 'private:<contact>'.
GROUP_POSTS = "room NOT LIKE 'private:%'"


@dataclass(frozen=True)
class Occurrence:
    campaign: str
    occurrence: str  # the day it was due, as campaign_posts keeps it
    queued_at: str  # its first group post's, as stored


def occurrences(db, *, campaign: str | None = None, since: str = "", until: str = "9999",
                limit: int | None = None, offset: int = 0) -> tuple[list[Occurrence], int]:
    """The occurrences whose first post in a group was queued from `since` to before `until`, newest first, of
    one campaign or of all; and how many there are. A shop has a few hundred a year: read whole, then sliced."""
    rows = db.execute(
        f"""SELECT campaign, occurrence, min(queued_at) AS first FROM campaign_posts
        WHERE {GROUP_POSTS} AND (:campaign IS NULL OR campaign = :campaign) GROUP BY campaign, occurrence""",
        {"campaign": campaign},
    ).fetchall()
    found = sorted((Occurrence(*row) for row in rows if since <= row[2] < until),
                   key=lambda o: (o.queued_at, o.campaign), reverse=True)
    return found[offset:None if limit is None else offset + limit], len(found)


def group_posts(db, occurrence: Occurrence) -> list[tuple[str, int, str | None]]:
    """(room, outbox message, when it went out as stored, if known yet) of each group an occurrence was posted to."""
    return db.execute(
        f"SELECT room, outbox_id, sent_at FROM campaign_posts WHERE campaign = ? AND occurrence = ? AND {GROUP_POSTS}",
        [occurrence.campaign, occurrence.occurrence]).fetchall()


def remember_sent(db, occurrence: Occurrence, sent: dict[str, str]) -> None:
    """Keep when these groups' posts went out ({room: stored time}), learned from the outbox before its pruning."""
    db.conn.executemany("UPDATE campaign_posts SET sent_at = ? WHERE campaign = ? AND room = ? AND occurrence = ?",
                        [(at, occurrence.campaign, room, occurrence.occurrence) for room, at in sent.items()])


def days_with_other_posts(db, occurrence: Occurrence, rooms: list[str], spans: list[tuple[int, str, str]]) -> set[int]:
    """Of the spans (key, start, end), as stored, the keys of those in which another post (of any campaign, or
    another day of this one) was queued to one of these groups, strictly inside: the hours a post's baseline must
    not use. One indexed range (queued_at) a span, stopped at its first post."""
    return {row[0] for row in db.execute(
        """SELECT s.value ->> 0 FROM json_each(:spans) s WHERE EXISTS (
            SELECT 1 FROM campaign_posts p WHERE p.queued_at > s.value ->> 1 AND p.queued_at < s.value ->> 2
            AND p.room IN (SELECT value FROM json_each(:rooms))
            AND NOT (p.campaign = :campaign AND p.occurrence = :occurrence))""",
        {"spans": json.dumps(spans), "rooms": json.dumps(rooms), "campaign": occurrence.campaign,
         "occurrence": occurrence.occurrence})}


def coupon_codes(db, occurrence: Occurrence) -> list[str]:
    """Every coupon code a member day's occurrence handed out, in its groups and in private."""
    return [row[0] for row in db.execute("SELECT code FROM coupons WHERE campaign = ? AND occurrence = ?",
                                         [occurrence.campaign, occurrence.occurrence])]
