"""The owner's campaign commands: list, add, confirm, pause, resume, cancel, preview and image, in chat.

Each action's usage and examples are in ACTIONS below: /help campaign shows them. A campaign added at a time
outside its window is refused with the next allowed time, which /campaign confirm takes; one added into a slot
another campaign of its kind already holds (same day, same time) is refused, naming that campaign.

A picture reaches a campaign the only way WeChat lets an owner hand one to the bot: sent to it in private, then
`/campaign image 名称` attaches the last one they sent. A picture older than a day is not taken: the owner typing
the command means the one they just sent, and one from days ago is likely last week's product; sending it again
costs seconds, a wrong photo in every group costs more.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from pathlib import Path

from core.clock import from_db, to_db
from core.config import COUPON_AT_MOST, ROBOT_TEXT_BYTES, WEEKDAYS
from core.context import Context
from core.events import Message
from core.numbers import discount_problem, money
from core.registry import Action, command, on_message, Refused, UsageError
from core.rules import from_owner, private, sends_picture
from core.templates import copy_problems
from core.text import quote
from core.timewords import WEEKDAY_NAMES, clock_words, moment_words
from handlers import campaign_results
from handlers.campaigns import (Campaign, coupon, hold_image_again, load, load_all, plan, planned_post, post_variables,
                                save, set_image, target_rooms)
from handlers.windows import LABELS, describe, next_window, window_at

COPY_AT_MOST = 500  # characters of a campaign's own words: a post is read on a phone
KIND_WORDS = {"闪购": "flash_sale", "闪购日": "flash_sale", "会员日": "member_day", "轻内容": "light_content",
              "直播": "live_notice", "直播预告": "live_notice"}
MONTHLY = re.compile(r"^每月(\d{1,2})日?$")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
# A discount and nothing else: 8折, 8.5折, 八折, 半价, 满199减30, 立减20元, ¥59, 第二件半价, 买一送一, 免运费, 20%.
ONLY_A_DISCOUNT = re.compile(r"^(\d+(\.\d+)?折|[一二三四五六七八九]折|半价|满\d+减\d+元?|立减\d+元?|[¥￥]\d+(\.\d+)?|\d+(\.\d+)?元"
                             r"|第二件\S{1,3}|买\S送\S|免运费|\d+%)$")
USAGE = "/campaign add 闪购|会员日|轻内容|直播 周五|每月18 20:00 内容"
MEMO, PENDING = "campaign_commands", "pending"  # ctx.memo: a campaign waiting for the owner's /campaign confirm
HOLDS_A_SLOT = ("active", "paused")  # a cancelled campaign gives its day and time up; a paused one keeps them
PICTURES = "campaign_pictures"  # ctx.memo, per owner: the last picture they sent the bot in private, and when
PICTURE_FRESH = dt.timedelta(days=1)
REMOVE_WORDS = ("删除", "去掉", "delete", "remove")
NAMES_SHOWN = 10  # campaign names listed when one typed is unknown
ADD_ACTIONS = {
    "flash_sale": Action("/campaign add 闪购 周几|每月几 时间 折扣 商品,商品", "添加闪购：限时折扣，2小时内有效",
                         ("/campaign add 闪购 周五 20:00 8折 围巾,手套", "/campaign add 闪购 每月8 8:30 9折 保温杯")),
    "member_day": Action("/campaign add 会员日 周几|每月几 时间 券面额 [使用条件]", "添加会员日：VIP群每群一张券",
                         ("/campaign add 会员日 每月18 20:00 10 满99可用", "/campaign add 会员日 周六 8:00 5")),
    "light_content": Action("/campaign add 轻内容 周几|每月几 时间 文字", "添加轻内容：穿搭、保养之类的小贴士",
                            ("/campaign add 轻内容 周三 12:30 降温了，围巾的三种系法", "/campaign add 轻内容 周一 13:00 手套怎么选尺码")),
    "live_notice": Action("/campaign add 直播 周几|每月几 时间 主题", "添加直播预告",
                          ("/campaign add 直播 周六 15:30 冬季新品试穿", "/campaign add 直播 周四 20:00 围巾的十种搭配")),
}
ACTIONS = (
    *ADD_ACTIONS.values(),
    Action("/campaign confirm", "添加的时间不在推送时段内时，按机器人建议的时间添加（先 add，再 confirm）",
           ("/campaign add 轻内容 周四 20:00 围巾的三种系法", "/campaign confirm")),
    Action("/campaign pause 名称", "暂停推送，保留设置", ("/campaign pause 闪购日", "/campaign pause 轻内容1")),
    Action("/campaign resume 名称", "恢复暂停或取消的推送", ("/campaign resume 闪购日", "/campaign resume 直播预告1")),
    Action("/campaign cancel 名称", "取消推送", ("/campaign cancel 轻内容1", "/campaign cancel 直播预告1")),
    Action("/campaign preview 名称", "预览各类群收到的文案", ("/campaign preview 会员日", "/campaign preview 闪购日")),
    Action("/campaign image 名称 [删除]", "给推送配图：先把图片私聊发给我，再发这条；推送时先发文字再发图。删除：去掉配图",
           ("/campaign image 闪购日", "/campaign image 闪购日 删除")),
    Action("/campaign stats [名称] [页码]", "推送效果：每次推送后24小时的订单、金额、买家，和平时同一时段比；一小时内发言人数；会员日用券",
           ("/campaign stats", "/campaign stats 闪购日", "/campaign stats 2")),
)


@command("campaigns", usage="/campaigns", summary="列出全部活动推送：时间、状态、下次推送", aliases=("活动",),
         examples=("/campaigns",))
def list_campaigns(ctx: Context, args: list[str]) -> None:
    if args:
        raise UsageError("/campaigns 不需要参数")
    shown = []
    for campaign in load_all(ctx.db):
        planned = planned_post(ctx, campaign)
        shown.append({"name": campaign.name, "title": campaign.title, "when": campaign.schedule_words(),
                      "status": campaign.status, "rooms": len(target_rooms(ctx, campaign)),
                      "next": moment_words(planned, ctx.now) if planned else None, "picture": bool(campaign.image)})
    ctx.reply("command_reply", "campaigns", campaigns=shown)


@command("campaign", usage="/campaign add|confirm|pause|resume|cancel|preview|image|stats …",
         summary="添加、暂停、恢复、取消、预览活动推送，给推送配图，看推送效果",
         examples=tuple(example for action in ACTIONS for example in action.examples), actions=ACTIONS)
def change_campaign(ctx: Context, args: list[str]) -> None:
    if not args or args == ["list"] or args == ["列表"]:  # what an owner types to see them: /campaigns
        list_campaigns(ctx, [])
        return
    action, rest = args[0].lower(), args[1:]
    if action == "add":
        _add(ctx, rest)
    elif action == "confirm":
        _confirm(ctx)
    elif action == "stats":
        campaign_results.show_stats(ctx, rest)
    elif action in ("pause", "resume", "cancel", "preview", "image"):
        campaign = _named(ctx, action, rest)
        if action == "preview":
            _preview(ctx, campaign)
        elif action == "image":
            _image(ctx, campaign, rest[1:])
        else:
            _set_status(ctx, campaign, {"pause": "paused", "resume": "active", "cancel": "cancelled"}[action])
    else:
        raise UsageError(f"不认识{quote(args[0], 20)}：可以是 add、confirm、pause、resume、cancel、preview、image 或 stats")


def _named(ctx: Context, action: str, rest: list[str]) -> Campaign:
    """The campaign an action names (image may add 删除 after it); an unknown name is answered with the names."""
    if not 1 <= len(rest) <= (2 if action == "image" else 1):
        raise UsageError(f"请给出活动名称，例如 /campaign {action} 闪购日")
    campaign = load(ctx.db, rest[0])
    if campaign is None and len(meant := _of_its_kind(ctx, rest[0])) == 1:
        campaign = meant[0]
    if campaign is None:
        names = [c.name for c in meant or load_all(ctx.db)]
        listed = "、".join(names[:NAMES_SHOWN]) + (" 等，/campaigns 可查看全部" if len(names) > NAMES_SHOWN else "")
        if meant:
            raise UsageError(f"{rest[0]}有 {len(names)} 个：{listed}。请写明是哪一个，例如 /campaign {action} {names[0]}")
        raise UsageError(f"没有名为{quote(rest[0], 20)}的活动。现有的活动：{listed or '还没有'}")
    if campaign.status == "off":
        raise Refused(f"{campaign.name} 在 config.toml 里关闭了（enabled = false），请在那里打开")
    return campaign


def _of_its_kind(ctx: Context, word: str) -> list[Campaign]:
    """"/campaign pause 闪购" names a kind the way /campaign add does: the campaigns of that kind it may mean, the
    cancelled ones only when there is no other."""
    of_kind = [c for c in load_all(ctx.db) if c.kind == KIND_WORDS.get(word)]
    return [c for c in of_kind if c.status != "cancelled"] or of_kind


def _add(ctx: Context, args: list[str]) -> None:
    if not args or args[0] not in KIND_WORDS:
        raise UsageError(f"格式：{USAGE}")
    kind = KIND_WORDS[args[0]]
    if len(args) < 4:
        raise UsageError(f"格式：{ADD_ACTIONS[kind].usage}，例如 {ADD_ACTIONS[kind].examples[0]}")
    weekday, day_of_month = _when(args[1])
    time = _clock(args[2])
    campaign = Campaign(_new_name(ctx, kind), kind, weekday, day_of_month, time, _details(kind, args[3:]), "active")
    first = campaign.next_post(ctx.config, ctx.now)
    if window_at(ctx.config, kind, first) is None:
        suggested = next_window(ctx.config, kind, first).start
        moved = Campaign(campaign.name, kind, weekday, day_of_month, suggested.time(), campaign.details, "active")
        _refuse_a_taken_slot(ctx, moved)  # a suggestion the confirm would refuse is no suggestion
        ctx.memo(MEMO).set(PENDING, _dump(moved))
        raise UsageError(
            f"{clock_words(time)} 不在{LABELS[kind]}的推送时段（{describe(ctx.config, kind, first.date())}）内。"
            f"建议改到 {clock_words(suggested)}：回复 /campaign confirm 即按 {clock_words(suggested)} 添加"
        )
    _create(ctx, campaign)


def _refuse_a_taken_slot(ctx: Context, campaign: Campaign) -> None:
    """Two campaigns of one kind at the same day and time would post twice in the same minute: the owner meant
    to change the first one, or mistyped the day."""
    slot = (campaign.kind, campaign.weekday, campaign.day_of_month, campaign.time)
    taken = next((other for other in load_all(ctx.db) if other.name != campaign.name and other.status in HOLDS_A_SLOT
                  and (other.kind, other.weekday, other.day_of_month, other.time) == slot), None)
    if taken is None:
        return
    if taken.status == "paused":
        state = f"已暂停，/campaign resume {taken.name} 可恢复"
    else:  # scheduled: it posts at its times, and is not posting now
        state = f"下次推送 {moment_words(planned, ctx.now)}" if (planned := planned_post(ctx, taken)) else "已排期"
    raise Refused(f"{taken.schedule_words()} 已经有 {taken.title}（{state}）。要换内容，请先 "
                     f"/campaign cancel {taken.name} 再添加；或者换个时间")


def _refuse_what_a_robot_cannot_post(ctx: Context, campaign: Campaign) -> None:
    """A WeCom group robot takes a text of at most ROBOT_TEXT_BYTES: a post longer than that is refused now, when
    the owner can shorten it, never cut in the groups on Friday night."""
    if not ctx.config.wecom.group_robots:
        return
    at = campaign.next_post(ctx.config, ctx.now)
    window = window_at(ctx.config, campaign.kind, at) or next_window(ctx.config, campaign.kind, at)
    text = ctx.render(campaign.kind, **post_variables(ctx, campaign, None, window, at.date().isoformat(), posted_at=at,
                                                      code="示例券码"))
    if (size := len(text.encode())) > ROBOT_TEXT_BYTES:
        raise UsageError(f"这条推送有 {size} 字节，企业微信群机器人一条最多 {ROBOT_TEXT_BYTES} 字节（约 "
                         f"{ROBOT_TEXT_BYTES // 3} 个汉字），请删短 {size - ROBOT_TEXT_BYTES} 字节以上再添加")


def _confirm(ctx: Context) -> None:
    pending = ctx.memo(MEMO).get(PENDING)
    if pending is None:
        raise Refused("没有等待确认的活动")
    ctx.memo(MEMO).forget(PENDING)
    _create(ctx, _load_dumped(pending))


def _create(ctx: Context, campaign: Campaign) -> None:
    _refuse_a_taken_slot(ctx, campaign)
    _refuse_what_a_robot_cannot_post(ctx, campaign)
    save(ctx, campaign, "command")
    first = plan(ctx, campaign, after=ctx.now)
    ctx.reply("command_reply", "campaign_changed", name=campaign.name, title=campaign.title, change="added",
              when=campaign.schedule_words(), next=moment_words(first, ctx.now), rooms=len(target_rooms(ctx, campaign)),
              picture_gone=False)


def _set_status(ctx: Context, campaign: Campaign, status: str) -> None:
    changed = Campaign(campaign.name, campaign.kind, campaign.weekday, campaign.day_of_month, campaign.time,
                       campaign.details, status)
    if campaign.status not in HOLDS_A_SLOT and status in HOLDS_A_SLOT:  # back from cancelled: its slot may be taken
        _refuse_a_taken_slot(ctx, changed)
    save(ctx, changed, "command")
    next_post, picture_gone = None, False
    if status == "cancelled":
        ctx.cancel_all(f"campaign:{campaign.name}:")
    elif status == "active":
        next_post = moment_words(plan(ctx, changed, after=ctx.now), ctx.now)
        picture_gone = not hold_image_again(ctx, campaign)
    ctx.reply("command_reply", "campaign_changed", name=campaign.name, title=campaign.title, change=status,
              when=campaign.schedule_words(), next=next_post, rooms=len(target_rooms(ctx, campaign)),
              picture_gone=picture_gone)


@on_message(priority=50, rule=sends_picture & from_owner & private)
def remember_picture(ctx: Context, message: Message) -> None:
    """An owner's picture in private is the one a /campaign image may attach (never one typed on the shop account's
    phone, which goes to a member)."""
    ctx.memo(PICTURES).set(message.sender, json.dumps({"image": message.image, "at": to_db(ctx.now)}))
    # The campaigns that may take it, by name: which one the picture is for is the owner's to say, never guessed.
    names = [c.name for c in load_all(ctx.db) if c.status in HOLDS_A_SLOT]
    ctx.reply("command_reply", "campaign_picture", outcome="received", title=None, name=None, names=names[:NAMES_SHOWN])


def _image(ctx: Context, campaign: Campaign, rest: list[str]) -> None:
    if campaign.status == "cancelled":
        raise Refused(f"{campaign.name} 已取消，请先 /campaign resume {campaign.name} 再配图")
    if rest and rest[0].lower() not in REMOVE_WORDS:
        raise UsageError(f"看不懂{quote(rest[0], 10)}：去掉配图请写 /campaign image {campaign.name} 删除")
    if rest:
        if campaign.image is None:
            raise Refused(f"{campaign.name} 还没有配图")
        set_image(ctx, campaign, None, "command")
    else:
        set_image(ctx, campaign, _last_picture(ctx, campaign), "command")
    ctx.reply("command_reply", "campaign_picture", outcome="removed" if rest else "attached", title=campaign.title,
              name=campaign.name)


def _last_picture(ctx: Context, campaign: Campaign) -> str:
    """The picture the owner typing the command last sent in private, if it is recent and still kept."""
    remembered = ctx.memo(PICTURES).get(ctx.event.sender)
    if remembered is None:
        raise Refused(f"请先把图片私聊发给我，再发 /campaign image {campaign.name}")
    picture = json.loads(remembered)
    sent_at = from_db(picture["at"], ctx.config.tz)
    again = f"请把要用的图片再私聊发一次，然后发 /campaign image {campaign.name}"
    if sent_at < ctx.now - PICTURE_FRESH:
        raise Refused(f"您最近发给我的图片是{moment_words(sent_at, ctx.now)}收到的，超过一天了。为免配错图，{again}")
    if not Path(picture["image"]).is_file():  # deleted from media/ by hand
        raise Refused(f"您最近发给我的图片已经不在了，{again}")
    return picture["image"]


def _preview(ctx: Context, campaign: Campaign) -> None:
    at = campaign.next_post(ctx.config, ctx.now)
    window = window_at(ctx.config, campaign.kind, at) or next_window(ctx.config, campaign.kind, at)
    vip_rooms = set(ctx.config.tiers.vip_rooms)
    kinds_by_text: dict[str, list[str]] = {}  # the same text for both kinds of group is shown once
    for group_kind in dict.fromkeys("VIP群" if topic in vip_rooms else "普通群" for _, topic in target_rooms(ctx, campaign)):
        variables = post_variables(ctx, campaign, None, window, at.date().isoformat(), posted_at=at,
                                   code="示例券码")
        kinds_by_text.setdefault(ctx.render(campaign.kind, **variables), []).append(group_kind)
    ctx.reply("command_reply", "campaign_preview", title=campaign.title, next=moment_words(at, ctx.now),
              previews=[{"group_kind": "、".join(kinds), "text": text} for text, kinds in kinds_by_text.items()],
              name=campaign.name, picture=campaign.image is not None, image=campaign.image)


def _when(word: str) -> tuple[str | None, int | None]:
    if word in WEEKDAY_NAMES:
        return WEEKDAYS[WEEKDAY_NAMES.index(word)], None
    if (monthly := MONTHLY.match(word)) and 1 <= int(monthly[1]) <= 31:
        return None, int(monthly[1])
    raise UsageError(f"{quote(word)}不是周期：写 周一…周日，或 每月1…每月31")


def _clock(word: str) -> dt.time:
    found = CLOCK.match(word)
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise UsageError(f"{quote(word)}不是时间，例如 20:00")
    return dt.time(int(found[1]), int(found[2]))


def _details(kind: str, words: list[str]) -> dict:
    """A campaign's own words, checked as the shop's copy is: the lint, and a length a group reads."""
    text = " ".join(words)
    if len(text) > COPY_AT_MOST:
        raise UsageError(f"内容太长（{len(text)} 字），请控制在 {COPY_AT_MOST} 字以内")
    if problems := copy_problems(text):
        raise UsageError(f"这段文案{'；'.join(problems)}，请换个说法")
    if kind == "flash_sale":
        discount, products = _discount_and_products(words)
        return {"discount": discount, "products": products, "duration_hours": 2}
    if kind == "member_day":
        value = money(words[0], "券面额", at_most=COUPON_AT_MOST, example="10")
        return {"coupon_value": float(value), "coupon_condition": " ".join(words[1:]) or "无门槛", "private_to_vip": False}
    if kind == "light_content":
        return {"text": text}
    return {"topic": text}


def _discount_and_products(words: list[str]) -> tuple[str, list[str]]:
    """The discount goes first, but owners also write it last ("精选马克杯 8折"): a last word that is nothing but a
    discount is taken as one. A last word with more in it ("精选保温杯限时八折") is not split: guessed wrong, the
    post every group gets would read "本周五晚八点半限时…"."""
    if len(words) > 1 and discount_problem(words[0]) and ONLY_A_DISCOUNT.match(words[-1]):
        words = [words[-1], *words[:-1]]
    if problem := discount_problem(words[0]):
        raise UsageError(f"{problem}；写在时间后面，例如 {ADD_ACTIONS['flash_sale'].examples[0]}")
    return words[0], [p for p in re.split(r"[,，、]", " ".join(words[1:])) if p]


def _new_name(ctx: Context, kind: str) -> str:
    taken = {campaign.name for campaign in load_all(ctx.db)}
    return next(f"{LABELS[kind]}{n}" for n in range(1, len(taken) + 2) if f"{LABELS[kind]}{n}" not in taken)


def _dump(campaign: Campaign) -> str:
    return json.dumps({"name": campaign.name, "kind": campaign.kind, "weekday": campaign.weekday,
                       "day_of_month": campaign.day_of_month, "time": f"{campaign.time:%H:%M}",
                       "details": campaign.details}, ensure_ascii=False)


def _load_dumped(text: str) -> Campaign:
    data = json.loads(text)
    return Campaign(data["name"], data["kind"], data["weekday"], data["day_of_month"],
                    dt.time.fromisoformat(data["time"]), data["details"], "active")


@command("coupon", usage="/coupon 券码", summary="查一张会员日券码发给了哪个群或哪位会员", aliases=("券码",),
         examples=("/coupon K7PX3M9Q",))
def find_coupon(ctx: Context, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("请给出一个券码")
    row = coupon(ctx.db, args[0].upper())
    if row is None:
        raise UsageError(f"没有券码{quote(args[0])}：请核对（券码不含 0、O、1、I、L）")
    code, campaign, room, contact, value, issued_at = row
    ctx.reply("command_reply", "coupon", code=code, campaign=campaign, value=value,
              given_to=ctx.topic_of(room) if room else ctx.name_of(contact), in_group=room is not None,
              issued=moment_words(from_db(issued_at, ctx.config.tz), ctx.now))
