"""Reads and validates config.toml.

Every setting lives in one pydantic model so that a typo or a bad value stops the bot at start-up with the key
and the reason, instead of surfacing weeks later as a post sent at the wrong hour. Unknown keys are errors too:
a misspelt key silently falling back to its default is the worst kind of config bug.

The owner edits this file, so the errors are written for the owner: in Chinese, one line per problem, with the
file's line, the key and its plain name, what is expected and what was found; never pydantic's own wording.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (AfterValidator, BeforeValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

from core import logs, media
from core.numbers import discount_problem
from core.templates import SAMPLE_NOW, Templates, copy_problems

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file, and each problem's line, key and reason."""


class ConfigProblems(ValueError):
    """What a check across several keys found, each problem with the key to report it at (pydantic would report
    a model validator's error at the top level, where no line of the file can be pointed at)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(reason for _, reason in problems))
        self.problems = problems


def _parse_clock(value: object) -> dt.time:
    try:
        hours, minutes = str(value).split(":")
        if not isinstance(value, str) or len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"要写成 \"09:00\" 这样的时刻（加引号，两位小时:两位分钟），现在是 {_shown(value)}") from None


def _parse_range(value: object) -> tuple[dt.time, dt.time]:
    start, sep, end = str(value).partition("-")
    try:
        if not isinstance(value, str) or not sep:
            raise ValueError
        opens, closes = _parse_clock(start.strip()), _parse_clock(end.strip())
    except ValueError:
        raise ValueError(f"要写成 \"09:00-18:00\" 这样的时段（加引号），现在是 {_shown(value)}") from None
    if opens >= closes:
        raise ValueError(f"{_shown(value)} 结束得比开始早，要写成 \"09:00-18:00\" 这样")
    return opens, closes


def _parse_hours(value: object) -> tuple[dt.time, dt.time] | None:
    if value == "closed":
        return None
    try:
        return _parse_range(value)
    except ValueError as error:
        raise ValueError(f"{error}（不营业写 \"closed\"）") from None


def _shop_copy(value: str) -> str:
    """Campaign texts are the shop's copy: the lint applies when they are written, here, not when they are sent."""
    if problems := copy_problems(value):
        raise ValueError("；".join(problems))
    return value


def _discount(value: str) -> str:
    if problem := discount_problem(value):
        raise ValueError(problem)
    return value


# Times are written as strings in config.toml and parsed here, so that "9:00" or "09:00-08:00" is refused by name.
ClockTime = Annotated[dt.time, BeforeValidator(_parse_clock)]
TimeRange = Annotated[tuple[dt.time, dt.time], BeforeValidator(_parse_range)]
OpeningHours = Annotated[tuple[dt.time, dt.time] | None, BeforeValidator(_parse_hours)]
ShopCopy = Annotated[str, AfterValidator(_shop_copy)]
Discount = Annotated[ShopCopy, AfterValidator(_discount)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__
WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日")))


# Upper bounds of the numbers below: each well past what a shop means, so that a typo (an extra 0, 1e20, inf) is
# refused at load, not met weeks later as an overflow on the first send or a timer that never comes.
DAYS_AT_MOST = 3650  # ten years: any window, retention or grace period
PAUSE_AT_MOST = 600  # seconds between two sends: ten minutes, the outbox's longest back-off too
COUPON_AT_MOST = 10_000  # yuan: a member-day coupon, in config.toml or typed in /campaign add


def _wechat_id(value: str) -> str:
    # An empty id would never match a sender: the owner would be locked out of every command without a word.
    if not value.strip():
        raise ValueError("不能是空的，要写店主的微信号，如 \"wxid_abc123\"")
    return value.strip()


class Section(BaseModel):
    """The base of every config.toml section: an unknown key is an error (not a silent default), and the
    values are frozen once loaded."""

    # validate_default: the defaults below are written like config.toml values and parsed the same way.
    # allow_inf_nan: TOML has inf and nan, and no interval, amount or count may be either.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


class OwnerConfig(Section):
    """[owner]: who may run commands, by WeChat id (anyone can copy a nickname), and the phone number the
    off-hours reply gives for emergencies."""

    ids: list[Annotated[str, AfterValidator(_wechat_id)]] = Field(
        min_length=1, description="WeChat ids of the owner(s); never nicknames")
    emergency_phone: str = ""


class WechatyConfig(Section):
    """[transport.wechaty]: the puppet service to log in through. Token and endpoint are best left empty
    and set in the environment (WECHATY_PUPPET_SERVICE_TOKEN, …_ENDPOINT), so that no secret sits in the file."""

    token: str = ""
    endpoint: str = ""
    watchdog_seconds: float = Field(default=30, gt=0, le=3600, description="how often to check that the service still answers")


class TransportConfig(Section):
    """[transport]: which backend the bot runs on: "console" simulates an account in the terminal, "wechaty"
    logs into WeChat, "wecom" posts through WeCom group robots alone (broadcasts only: it reads no group)."""

    kind: Literal["console", "wechaty", "wecom"] = "console"
    wechaty: WechatyConfig = WechatyConfig()


ROBOT_TEXT_BYTES = 2048  # WeCom's limit for one robot text message (UTF-8): a campaign post must fit in one
ROBOT_KEY_SHAPE = re.compile(r"[A-Za-z0-9\-]{8,128}")
ROBOT_KEY_FROM_ENV = "env:"  # owner_robot = "env:WECOM_OWNER_ROBOT_KEY": the key is read from that variable


def _robot_key(value: object) -> str:
    """A group robot's webhook key, as written: the key, the whole webhook address an owner copies from WeCom, or
    "env:NAME" to read it from the environment. Never quoted back in an error: it is a secret."""
    if not isinstance(value, str):
        raise ValueError("要写群机器人的 Webhook 密钥（加引号），或 \"env:环境变量名\"")
    written = value.strip()
    if written.startswith(ROBOT_KEY_FROM_ENV):
        name = written.removeprefix(ROBOT_KEY_FROM_ENV).strip()
        if not (written := os.environ.get(name, "").strip()):
            raise ValueError(f"环境变量 {name or '（没写名字）'} 没有设置，读不到群机器人的密钥")
    if match := re.search(r"[?&]key=([^&#\s]+)", written):  # the webhook address pasted whole
        written = match[1]
    if not ROBOT_KEY_SHAPE.fullmatch(written):
        raise ValueError("不像群机器人的 Webhook 密钥（应是 Webhook 地址里 key= 后面那一串字母、数字和 -），请重新复制")
    return written


RobotKey = Annotated[str, BeforeValidator(_robot_key)]


class WecomConfig(Section):
    """[wecom]: WeCom (企业微信) group robots, an official channel beside the puppet: campaign posts to the groups
    mapped here go through their robot, and the owner robot (in a staff group) hears when the WeChat link fails.
    Keys are secrets: best written as "env:NAME" and set in the environment."""

    api_base: str = "https://qyapi.weixin.qq.com"  # the path is /cgi-bin/webhook/send?key=KEY
    owner_robot: Annotated[str, BeforeValidator(lambda v: v if v == "" else _robot_key(v))] = ""
    # the WeChat link down this long (minutes, a day at most; a fraction for tests): the owner robot is told
    alert_after_minutes: float = Field(5, gt=0, le=1440)
    group_robots: dict[str, RobotKey] = {}  # a shop group's name (topic) -> its robot's key

    @field_validator("api_base")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"要以 http:// 或 https:// 开头，现在是 {_shown(value)}")
        return value.rstrip("/")

    def keys(self) -> list[str]:
        """Every robot key configured: secrets to mask in every log and output."""
        return [key for key in (self.owner_robot, *self.group_robots.values()) if key]


class StoreConfig(Section):
    """[store]: the SQLite file (relative to config.toml's folder), and how many days of event log and finished
    messages the nightly clean-up keeps (0: all of it)."""

    path: str = "store.db"
    retention_days: int = Field(90, ge=0, le=DAYS_AT_MOST, description="history older than this is deleted at night; 0 keeps all")


class OutboxConfig(Section):
    """[outbox]: the pacing that keeps the account from being banned (core/outbox.py), in seconds but for
    account_per_minute; retry_seconds is the first back-off when WeChat is unreachable (doubling, up to 10 min)."""

    per_chat_interval_seconds: float = Field(3.0, ge=0, le=3600)
    switch_pause_seconds: tuple[float, float] = (3.0, 5.0)
    account_per_minute: int = Field(6, ge=1, le=60)  # one a second: beyond, WeChat bans whatever the setting
    retry_seconds: float = Field(30.0, gt=0, le=PAUSE_AT_MOST)

    @field_validator("switch_pause_seconds")
    @classmethod
    def _ordered(cls, pause: tuple[float, float]) -> tuple[float, float]:
        if not 0 <= pause[0] <= pause[1]:
            raise ValueError(f"要写成 [最短, 最长]，且 0 ≤ 最短 ≤ 最长，现在是 {_shown(list(pause))}")
        if pause[1] > PAUSE_AT_MOST:
            raise ValueError(f"最长最多 {PAUSE_AT_MOST} 秒，现在是 {_shown(list(pause))}")
        return pause


class WorkingHoursConfig(Section):
    """[working_hours]: opening hours per weekday ("closed" is read as None), and the days that override them:
    China's public holidays and make-up workdays (调休), and the shop's own."""

    monday: OpeningHours = "09:00-18:00"
    tuesday: OpeningHours = "09:00-18:00"
    wednesday: OpeningHours = "09:00-18:00"
    thursday: OpeningHours = "09:00-18:00"
    friday: OpeningHours = "09:00-18:00"
    saturday: OpeningHours = "10:00-16:00"
    sunday: OpeningHours = "closed"
    follow_public_holidays: bool = True  # closed on China's public holidays, open on their make-up workdays (调休)
    make_up_workday_hours: OpeningHours = "09:00-18:00"
    holidays: list[dt.date] = []  # the shop's own closed days, and public holidays of years the calendar lacks
    make_up_workdays: list[dt.date] = []


class ServiceConfig(Section):
    """[service]: the minutes a question waits before the owner is nudged, and a complaint before the reminder
    and the deadline (from the next opening, if it came in off hours); and when the weekly review goes."""

    response_nudge_minutes: int = Field(15, ge=1, le=1440)  # a day: a later nudge is no nudge
    complaint_reminder_minutes: int = Field(45, ge=1, le=10080)  # a week
    complaint_deadline_minutes: int = Field(60, ge=1, le=10080)
    weekly_review_day: Weekday = "monday"
    weekly_review_time: ClockTime = "09:30"


class WindowsConfig(Section):
    """[windows]: the times of day each kind of post may go out in (never outside them), and how many
    campaign posts a group gets a day at most."""

    promotion: list[TimeRange] = Field(["08:00-09:00", "20:00-22:00"], min_length=1)
    light_content: list[TimeRange] = Field(["12:00-14:00"], min_length=1)
    live_notice_weekday: list[TimeRange] = Field(["19:00-22:00"], min_length=1)
    live_notice_weekend: list[TimeRange] = Field(["15:00-17:00"], min_length=1)
    max_posts_per_room_per_day: int = Field(3, ge=1, le=24)


class TiersConfig(Section):
    """[tiers]: who is VIP (spend or orders in spend_window_days, or active days in activity_window_days, where
    0 turns that rule off), how long a VIP keeps it, and the shop's groups by topic (none listed: every group)."""

    spend_window_days: int = Field(90, ge=1, le=DAYS_AT_MOST)
    vip_min_spend: float = Field(500.0, ge=0, le=1e12)  # as orders.max_order_amount: a float still holds the fen
    vip_min_orders: int = Field(3, ge=1, le=100_000)
    vip_min_active_days: int = Field(0, ge=0, le=DAYS_AT_MOST, description="0 turns the activity rule off")
    activity_window_days: int = Field(30, ge=1, le=DAYS_AT_MOST)
    grace_days: int = Field(14, ge=0, le=DAYS_AT_MOST)
    recompute_time: ClockTime = "03:30"
    vip_rooms: list[str] = []
    regular_rooms: list[str] = []


class OrderHeadersConfig(Section):
    """Column names of the shop back office's order export, per field: the first one found in a file is read."""

    order_id: list[str] = Field(["订单号", "订单编号"], min_length=1)
    placed_at: list[str] = Field(["下单时间", "创建时间"], min_length=1)
    buyer_id: list[str] = ["买家微信号", "微信号"]
    buyer_name: list[str] = ["买家昵称", "昵称"]
    amount: list[str] = Field(["实付金额", "实付款", "订单金额"], min_length=1)
    status: list[str] = Field(["订单状态", "状态"], min_length=1)
    # Optional: the coupon an order used, which tells a member day's coupons used (handlers/campaign_results.py).
    coupon: list[str] = ["优惠券", "优惠券码", "券码", "使用优惠券"]


class OrdersConfig(Section):
    """[orders]: how `import-orders` reads the back office's export, which order statuses are no spend, and the
    largest amount (in yuan) one order may have before it is refused as a typo."""

    headers: OrderHeadersConfig = OrderHeadersConfig()
    # An order whose status contains one of these is stored but is no spend (refunded, closed, cancelled).
    not_counted_statuses: list[str] = ["退款", "已关闭", "交易关闭", "已取消"]
    # The largest amount one order may have, in yuan: a larger one in /order or in an import is a typo (or 1e30).
    # At most 1e12: beyond, a float no longer holds the fen.
    max_order_amount: float = Field(100000, gt=0, le=1e12)


class GoalsConfig(Section):
    """[goals]: the shop's targets the figures are read against: 复购率, the share of the last 90 days' buyers with
    two or more orders (/stats, the weekly review's monthly line)."""

    repurchase_rate: float = Field(0.15, gt=0, lt=1)

    @field_validator("repurchase_rate", mode="before")
    @classmethod
    def _share(cls, value):
        """A share, not a percent: 15 for 15% is the likely slip, and is told the owner's way."""
        if isinstance(value, int | float) and not isinstance(value, bool) and not 0 < value < 1:  # nan fails both
            raise ValueError(f"要写 0 到 1 之间的小数，例如 0.15 即 15%，现在是 {_shown(value)}")
        return value


class FlashSaleConfig(Section):
    """[campaigns.flash_sale]: the weekly flash sale, posted to every shop group at a time inside a promotion
    window; discount and products are the shop's copy, linted when the file loads."""

    enabled: bool = True
    weekday: Weekday = "friday"
    time: ClockTime = "20:00"
    duration_hours: int = Field(2, ge=1, le=168)  # a week
    discount: Discount = "8折"
    products: list[ShopCopy] = []
    image: str = ""  # a product photo each post carries, relative to config.toml's folder; "" for none


class MemberDayConfig(Section):
    """[campaigns.member_day]: the monthly coupon post to the VIP groups; coupon_value is in yuan, and a
    day_of_month the month lacks falls on its last day (31: the last day of every month)."""

    enabled: bool = True
    day_of_month: int = Field(18, ge=1, le=31)
    time: ClockTime = "20:00"
    coupon_value: float = Field(10, gt=0, le=COUPON_AT_MOST)
    coupon_condition: ShopCopy = "满99可用"
    private_to_vip: bool = False  # also send each VIP member a personal coupon in private
    image: str = ""  # a picture each group post carries (not the private coupons), as flash_sale's


class CampaignsConfig(Section):
    """[campaigns]: the two campaigns config.toml defines; the others are added in chat (/campaign add) and
    live in the store."""

    flash_sale: FlashSaleConfig = FlashSaleConfig()
    member_day: MemberDayConfig = MemberDayConfig()


class SpamConfig(Section):
    """[spam]: advertising alerts in the shop's groups (handlers/spam.py): the shop's own links, which are never
    advertising, and whether a newcomer without an order is removed after a second advertisement in 48 hours."""

    enabled: bool = True
    shop_links: list[str] = []  # domains ("haowu.example.cn") or link beginnings ("#小程序://好物小店")
    auto_remove: bool = False


class SecondOpinionConfig(Section):
    """[second_opinion]: a language model the owner chooses (any OpenAI-compatible service: DeepSeek, Qwen, Kimi, a
    local Ollama), asked only about the messages a detector is in doubt about (handlers/second_opinion.py). Off by
    default: when on, those members' words leave the machine. The key is read from the environment, never here."""

    enabled: bool = False
    base_url: str = "http://127.0.0.1:11434/v1"  # the service's OpenAI-compatible root, /chat/completions below it
    model: str = "qwen2.5:7b"
    api_key_env: str = "SECOND_OPINION_API_KEY"  # the environment variable that holds the key (none for Ollama)
    timeout_seconds: float = Field(3.0, gt=0, le=30)  # the bot waits no longer: the local decision stands
    daily_calls: int = Field(500, ge=1, le=100_000)  # at most this many questions a day, whatever the traffic

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"要以 http:// 或 https:// 开头，现在是 {_shown(value)}")
        return value.rstrip("/")


FAQ_KEYWORD_AT_LEAST = 2  # one character (退, 货) is in too many messages that ask something else
FAQ_KEYWORD_AT_MOST = 20  # characters of one keyword: a word or two a member types, not a sentence
FAQ_ANSWER_AT_MOST = 500  # characters of an answer: read on a phone, in a group
FAQ_EXAMPLE_AT_MOST = 50  # characters of an example question: one a member would type, not a paragraph
FAQ_EXAMPLES_AT_MOST = 10  # per entry: a few phrasings teach the matcher the entry; more only slow the owner's list


def _faq_keyword(value: str) -> str:
    keyword = value.strip()
    if not FAQ_KEYWORD_AT_LEAST <= len(keyword) <= FAQ_KEYWORD_AT_MOST or any(char.isspace() for char in keyword):
        raise ValueError(
            f"关键词要写 {FAQ_KEYWORD_AT_LEAST} 到 {FAQ_KEYWORD_AT_MOST} 个字、中间不带空格，现在是 {_shown(value)}")
    return keyword


def _faq_example(value: str) -> str:
    example = value.strip()
    if not FAQ_KEYWORD_AT_LEAST <= len(example) <= FAQ_EXAMPLE_AT_MOST:
        raise ValueError(f"例句要写 {FAQ_KEYWORD_AT_LEAST} 到 {FAQ_EXAMPLE_AT_MOST} 个字，现在是 {_shown(value)}")
    return example


class FaqConfig(Section):
    """One [[faq]]: an answer the bot gives a member whose question names one of its keywords, or is near in
    meaning to it or to one of its examples (questions as members ask them). Added to the store at the first
    start that sees it; after that the owner changes it in chat (/faq edit, /faq del)."""

    keywords: list[Annotated[str, AfterValidator(_faq_keyword)]] = Field(min_length=1, max_length=10)
    answer: ShopCopy = Field(min_length=1, max_length=FAQ_ANSWER_AT_MOST)
    examples: list[Annotated[str, AfterValidator(_faq_example)]] = Field(default=[], max_length=FAQ_EXAMPLES_AT_MOST)


class ConsoleRoom(Section):
    """One [[console.rooms]]: a demo group of the console transport, its topic and its members by nickname."""

    topic: str
    members: list[str]


class ConsoleConfig(Section):
    """The simulated account of the console transport: who is in which demo group."""

    bot_name: str = "小店助手"
    owner_name: str = "店主"
    rooms: list[ConsoleRoom] = []


class Config(Section):
    """The whole of config.toml, checked at once by load_config: every part of the bot reads its settings
    here. `timezone` is the zone every time of day in the file is meant in."""

    timezone: str = "Asia/Shanghai"
    owner: OwnerConfig
    transport: TransportConfig = TransportConfig()
    store: StoreConfig = StoreConfig()
    outbox: OutboxConfig = OutboxConfig()
    working_hours: WorkingHoursConfig = WorkingHoursConfig()
    service: ServiceConfig = ServiceConfig()
    windows: WindowsConfig = WindowsConfig()
    tiers: TiersConfig = TiersConfig()
    orders: OrdersConfig = OrdersConfig()
    goals: GoalsConfig = GoalsConfig()
    campaigns: CampaignsConfig = CampaignsConfig()
    spam: SpamConfig = SpamConfig()
    second_opinion: SecondOpinionConfig = SecondOpinionConfig()
    wecom: WecomConfig = WecomConfig()
    faq: list[FaqConfig] = []
    console: ConsoleConfig = ConsoleConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{_shown(name)} 不是时区名，要写成 \"Asia/Shanghai\" 这样") from None
        return name

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        """Checks across keys, every problem at once, each at the key the owner should change."""
        problems = []
        reminder, deadline = self.service.complaint_reminder_minutes, self.service.complaint_deadline_minutes
        if reminder >= deadline:
            problems.append(("service.complaint_reminder_minutes", f"要比投诉处理时限（{deadline} 分钟）短，现在是 {reminder}"))
        for key in ("flash_sale", "member_day"):
            campaign = getattr(self.campaigns, key)
            if campaign.enabled and not any(start <= campaign.time < end for start, end in self.windows.promotion):
                problems.append((f"campaigns.{key}.time", _window_advice(campaign, self.windows.promotion)))
        problems += _faq_keywords_taken_twice(self.faq)
        problems += _robot_problems(self)
        if problems:
            raise ConfigProblems(problems)
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The shop's time zone, in which every time of day in config.toml is meant."""
        return ZoneInfo(self.timezone)

    def with_owners(self, owner_ids: list[str]) -> Config:
        """A copy whose owner is someone else: how `replay --owner` lets a script name its own owner."""
        return self.model_copy(update={"owner": self.owner.model_copy(update={"ids": list(owner_ids)})})


# The owner's words for each section and key, shown beside the key in every error. A key missing here is shown
# by its name alone.
NAMES = {
    "timezone": "时区",
    "owner": "店主", "owner.ids": "店主微信号", "owner.emergency_phone": "紧急电话",
    "transport": "连接方式", "transport.kind": "连接方式", "transport.wechaty": "微信连接",
    "transport.wechaty.token": "服务令牌", "transport.wechaty.endpoint": "服务地址",
    "transport.wechaty.watchdog_seconds": "连接检查间隔秒数",
    "store": "数据库", "store.path": "数据库文件", "store.retention_days": "历史记录保留天数",
    "outbox": "发送节奏", "outbox.per_chat_interval_seconds": "同一聊天的发送间隔秒数",
    "outbox.switch_pause_seconds": "换聊天时的停顿秒数", "outbox.account_per_minute": "每分钟最多发送条数",
    "outbox.retry_seconds": "发送失败后的重试等待秒数",
    "working_hours": "营业时间", **{f"working_hours.{day}": f"{name}营业时间" for day, name in WEEKDAY_NAMES.items()},
    "working_hours.follow_public_holidays": "按法定节假日休息", "working_hours.make_up_workday_hours": "调休上班日的营业时间",
    "working_hours.holidays": "店休日", "working_hours.make_up_workdays": "额外营业日",
    "service": "客服", "service.response_nudge_minutes": "提醒回复前等待的分钟数",
    "service.complaint_reminder_minutes": "投诉提醒分钟数", "service.complaint_deadline_minutes": "投诉处理时限分钟数",
    "service.weekly_review_day": "每周回顾的星期", "service.weekly_review_time": "每周回顾的时间",
    "windows": "发布时段", "windows.promotion": "促销时段", "windows.light_content": "轻内容时段",
    "windows.live_notice_weekday": "工作日直播预告时段", "windows.live_notice_weekend": "周末直播预告时段",
    "windows.max_posts_per_room_per_day": "每群每天最多发布条数",
    "tiers": "会员等级", "tiers.spend_window_days": "消费统计天数", "tiers.vip_min_spend": "VIP 最低消费",
    "tiers.vip_min_orders": "VIP 最少订单数", "tiers.vip_min_active_days": "VIP 最少活跃天数",
    "tiers.activity_window_days": "活跃统计天数", "tiers.grace_days": "VIP 保留天数", "tiers.recompute_time": "每晚重算时间",
    "tiers.vip_rooms": "VIP 群", "tiers.regular_rooms": "普通会员群",
    "orders": "订单导入", "orders.not_counted_statuses": "不计消费的订单状态", "orders.max_order_amount": "单笔订单金额上限", "orders.headers": "订单表的列名",
    "orders.headers.order_id": "订单号列名", "orders.headers.placed_at": "下单时间列名",
    "orders.headers.buyer_id": "买家微信号列名", "orders.headers.buyer_name": "买家昵称列名",
    "orders.headers.amount": "实付金额列名", "orders.headers.status": "订单状态列名",
    "orders.headers.coupon": "优惠券列名", "goals": "经营目标", "goals.repurchase_rate": "复购率目标",
    "campaigns": "活动", "campaigns.flash_sale": "闪购", "campaigns.flash_sale.enabled": "闪购开关",
    "campaigns.flash_sale.weekday": "闪购星期", "campaigns.flash_sale.time": "闪购时间",
    "campaigns.flash_sale.duration_hours": "闪购时长小时数", "campaigns.flash_sale.discount": "闪购折扣",
    "campaigns.flash_sale.products": "闪购商品", "campaigns.flash_sale.image": "闪购配图",
    "campaigns.member_day": "会员日", "campaigns.member_day.enabled": "会员日开关",
    "campaigns.member_day.day_of_month": "会员日日期", "campaigns.member_day.time": "会员日时间",
    "campaigns.member_day.coupon_value": "会员日券面额", "campaigns.member_day.coupon_condition": "会员日用券条件",
    "campaigns.member_day.private_to_vip": "会员日私发券", "campaigns.member_day.image": "会员日配图",
    "spam": "广告提醒", "spam.enabled": "广告提醒开关", "spam.shop_links": "本店链接",
    "spam.auto_remove": "自动移出发广告的新成员",
    "second_opinion": "第二意见", "second_opinion.enabled": "第二意见开关", "second_opinion.base_url": "第二意见服务地址",
    "second_opinion.model": "第二意见模型", "second_opinion.api_key_env": "第二意见密钥的环境变量",
    "second_opinion.timeout_seconds": "第二意见等待秒数", "second_opinion.daily_calls": "第二意见每天最多次数",
    "wecom": "企业微信群机器人", "wecom.api_base": "群机器人接口地址", "wecom.owner_robot": "店主群机器人密钥",
    "wecom.alert_after_minutes": "微信断线多少分钟后提醒", "wecom.group_robots": "各群的群机器人密钥",
    "faq": "常见问题", "faq.keywords": "常见问题关键词", "faq.answer": "常见问题答案",
    "faq.examples": "常见问题例句",
    "console": "控制台", "console.bot_name": "机器人昵称", "console.owner_name": "店主昵称", "console.rooms": "演示群",
    "console.rooms.topic": "群名", "console.rooms.members": "群成员",
}

STRING_QUOTES = ('"""', "'''", '"', "'")  # TOML's, the longest first

# tomllib's syntax errors, in the owner's words; the position is read from the end of its message.
TOML_ERRORS = {
    "Invalid value": "值写得不对（文字要加引号，如 \"09:00\"）",
    "Expected '=' after a key in a key/value pair": "键的后面缺少 =",
    "Expected ']' at the end of a table declaration": "段名缺少结尾的 ]",
    "Expected ']]' at the end of an array declaration": "段名缺少结尾的 ]]",
    "Expected newline or end of document after a statement": "一行只能写一个设置（值要加引号吗？）",
    "Cannot overwrite a value": "同一个键写了两次",
    "Cannot declare": "同一段写了两次",
    "Unclosed array": "列表缺少结尾的 ]",
    "Unclosed inline table": "{ } 没有配对",
    "Unterminated string": "引号没有配对",
    "Invalid statement": "看不懂这一行",
    "Invalid date or datetime": "日期写得不对，要写成 2027-01-01 这样",
    "Invalid initial character for a key part": "键名的开头不对",
    "Illegal character": "有不允许的字符",
    "Found invalid character": "有不允许的字符",
}
SHOWN_CHARACTERS = 30  # what the owner wrote is quoted back, never more than this
# Why a picture cannot be used (core/media.py's reasons), in the owner's words.
PICTURE_PROBLEMS = {"too_large": "超过 20 MB", "not_image": "不是图片文件（要 PNG、JPG、GIF 或 WEBP）",
                    "corrupt": "文件已损坏或不完整", "too_complex": "文件结构异常（分块过多）",
                    "unavailable": "读不了这个文件（权限不够？）"}


def _shown(value: object) -> str:
    """A value as config.toml writes it, short."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # inf, nan: JSON would say Infinity, which is not how the file spells it
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def _window_advice(campaign: FlashSaleConfig | MemberDayConfig, windows: list[tuple[dt.time, dt.time]]) -> str:
    """Why a campaign's time is refused, and a whole fix: the nearest window, on the campaign's own day."""

    def minutes(moment: dt.time) -> int:
        """Minutes since midnight, so that times and windows compare as numbers."""
        return moment.hour * 60 + moment.minute

    at = minutes(campaign.time)
    start, end = min(windows, key=lambda w: max(minutes(w[0]) - at, at - minutes(w[1]) + 1, 0))
    if isinstance(campaign, FlashSaleConfig):
        day, spoken_day = f'weekday = "{campaign.weekday}"', WEEKDAY_NAMES[campaign.weekday]
    else:
        day, spoken_day = f"day_of_month = {campaign.day_of_month}", f"每月 {campaign.day_of_month} 日"
    allowed = "、".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in windows)
    return (
        f"{campaign.time:%H:%M} 不在促销时段内（{allowed}）。"
        f'可改为 {day} 且 time = "{start:%H:%M}"，即{spoken_day} {start:%H:%M}-{end:%H:%M} 内'
    )


def _faq_keywords_taken_twice(entries: list[FaqConfig]) -> list[tuple[str, str]]:
    """A keyword in two [[faq]] entries would leave the bot two answers to choose from: refused at the second."""
    holder: dict[str, int] = {}
    problems = []
    for number, entry in enumerate(entries):
        for keyword in entry.keywords:
            first = holder.setdefault(keyword.lower(), number)
            if first != number:
                problems.append((f"faq.{number}.keywords", f"关键词 {_shown(keyword)} 已在第 {first + 1} 条 [[faq]] 里"))
    return problems


def _robot_problems(config: Config) -> list[tuple[str, str]]:
    """A robot mapped to a group the shop does not list would never be used (a typo in its name); and running on
    robots alone needs at least one of them."""
    problems = []
    shop_groups = [*config.tiers.vip_rooms, *config.tiers.regular_rooms]
    for name in config.wecom.group_robots:
        if shop_groups and name not in shop_groups:
            close = difflib.get_close_matches(name, shop_groups, n=1, cutoff=0.5)
            hint = f"是不是「{close[0]}」？" if close else f"店铺的群是：{'、'.join(shop_groups)}"
            problems.append((f"wecom.group_robots.{name}",
                             f"「{name}」不是店铺的群（[tiers] vip_rooms、regular_rooms 里没有），这个机器人用不上。{hint}"))
    if config.wecom.group_robots:
        problems += _posts_too_long_for_robots(config)
    if config.transport.kind == "wecom" and not config.wecom.keys():
        problems.append(("transport.kind", "用 \"wecom\"（只用企业微信群机器人）时，[wecom] 里至少要设置 owner_robot 或一个 group_robots"))
    return problems


def _posts_too_long_for_robots(config: Config) -> list[tuple[str, str]]:
    """config.toml's campaigns as a group robot would post them (the variables handlers/campaigns.py
    post_variables gives, with the longest coupon code and end): refused at load when over one robot message,
    never cut when sent."""
    sale, day = config.campaigns.flash_sale, config.campaigns.member_day
    posts = {
        "campaigns.flash_sale.products": ("flash_sale", {
            "products": sale.products, "discount": sale.discount, "ends": SAMPLE_NOW + dt.timedelta(days=1)}),
        "campaigns.member_day.coupon_condition": ("member_day", {
            "value": day.coupon_value, "condition": day.coupon_condition, "code": "ABCDEFGH", "until": "今天24:00"}),
    }
    problems = []
    for key, (template, variables) in posts.items():
        size = len(Templates().render(template, SAMPLE_NOW, **variables).encode())
        if size > ROBOT_TEXT_BYTES:
            problems.append((key, f"这条推送有 {size} 字节，企业微信群机器人一条最多 {ROBOT_TEXT_BYTES} 字节（约 "
                                  f"{ROBOT_TEXT_BYTES // 3} 个汉字），请删短 {size - ROBOT_TEXT_BYTES} 字节以上"))
    return problems


def _key_lines(text: str) -> dict[tuple, int]:
    """Line numbers of the tables and keys of a TOML file, by path: ("outbox", "account_per_minute") -> 37.

    tomllib keeps no positions, so the lines are scanned, following the [table] and [[array]] headers (the n-th
    [[console.rooms]] is ("console", "rooms", n)). Good enough to point at a line: not a TOML parser.
    """
    lines: dict[tuple, int] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := re.match(r"\s*\[\[\s*([^\]]+?)\s*\]\]", line):
            path = _dotted(header[1])
            table = (*path, sum(1 for known in lines if known[:-1] == path and isinstance(known[-1], int)))
        elif header := re.match(r"\s*\[\s*([^\]]+?)\s*\]", line):
            table = _dotted(header[1])
        elif key := re.match(r"\s*([\w\-.\"' ]+?)\s*=", line):
            lines.setdefault((*table, *_dotted(key[1])), number)
            continue
        else:
            continue
        lines.setdefault(table, number)
    return lines


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _line_of(loc: tuple, lines: dict[tuple, int]) -> int | None:
    """The key's line, else its table's (a key that is missing), else none (a table that is missing too)."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _section_keys(loc: tuple) -> list[str]:
    """The keys the section holding loc's last key may have."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        model = getattr(annotation, "__args__", (annotation,))[0]
    return list(model.model_fields)


def _reason(error: dict) -> str:
    """What is wrong with one value: what is expected, and what was found."""
    kind, ctx, found = error["type"], error.get("ctx", {}), _shown(error["input"])
    if kind == "extra_forbidden":
        known = _section_keys(error["loc"])
        close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1, cutoff=0.6)
        hint = f"是不是 {close[0]}？" if close else f"这里可用的有：{'、'.join(known)}"
        return f"没有这个设置（拼写或所在的段不对）。{hint}"
    if kind == "missing":
        return f"项数不够，现在是 {found}" if isinstance(error["loc"][-1], int) else "缺少这个设置，它必须填写"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx["expected"])
        close = difflib.get_close_matches(str(error["input"]).lower(), allowed, n=1)
        hint = f"是不是 \"{close[0]}\"？" if close else ""
        return f"只能是 {'、'.join(allowed)} 之一，现在是 {found}。{hint}".removesuffix("。")
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "finite_number":
        return f"要写普通的数字（不能是 inf 或 nan），现在是 {found}"
    bounds = {"greater_than": "要大于 {gt}", "greater_than_equal": "至少要 {ge}", "less_than": "要小于 {lt}",
              "less_than_equal": "最多 {le}", "too_short": "至少要写 {min_length} 项",
              "too_long": "最多写 {max_length} 项"}
    if kind in bounds:
        return f"{bounds[kind].format(**{k: f'{v:g}' if isinstance(v, float) else v for k, v in ctx.items()})}，现在是 {found}"
    expected = {"int": "整数", "float": "数字", "bool": " true 或 false", "string": "文字（加引号）", "list": "列表，如 [\"…\"]",
                "tuple": "列表，如 [3, 5]", "date": "日期，如 2027-01-01", "model": "一段设置（[段名] 下面的键）",
                "dict": "一段设置（[段名] 下面的键）"}
    return f"要写{expected.get(kind.split('_')[0], '别的值')}，现在是 {found}"


def _describe(error: dict, lines: dict[tuple, int]) -> list[str]:
    """One line per problem: where (line and key, in plain words), what is expected and what was found."""
    if isinstance(cause := error.get("ctx", {}).get("error"), ConfigProblems):
        # "faq.1.keywords": list items by index, as pydantic's own locations have them
        found = [(tuple(int(part) if part.isdigit() else part for part in key.split(".")), reason)
                 for key, reason in cause.problems]
    else:
        # A missing item of a list is the list's problem: it is too short.
        loc = error["loc"][:-1] if error["type"] == "missing" and isinstance(error["loc"][-1], int) else error["loc"]
        found = [(loc, _reason(error))]
    return [_problem(loc, reason, lines) for loc, reason in found]


def _problem(loc: tuple, reason: str, lines: dict[tuple, int]) -> str:
    # list items counted from 1, as the owner counts them: console.rooms[2].topic
    key = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in loc).removeprefix(".")
    name = NAMES.get(".".join(str(part) for part in loc if isinstance(part, str)))
    where = f"第 {line} 行 " if (line := _line_of(loc, lines)) else ""
    return f"{where}{key}{f'（{name}）' if name else ''}：{reason}"


def _unclosed_quote(text: str) -> tuple[int, int, str] | None:
    """(line, column, quote) of the first string never closed. A scan of quotes, escapes and comments, good enough
    to point at the quote: not a TOML parser."""
    opened, opened_at = None, (0, 0)
    for number, line in enumerate(text.splitlines(), start=1):
        column = 0
        while column < len(line):
            if opened is None:
                if line[column] == "#":
                    break
                opened = next((mark for mark in STRING_QUOTES if line.startswith(mark, column)), None)
                if opened:
                    opened_at, column = (number, column + 1), column + len(opened)
                    continue
            elif opened[0] == '"' and line[column] == "\\":  # an escape in a basic string; literal ones have none
                column += 1
            elif line.startswith(opened, column):
                column, opened = column + len(opened), None
                continue
            column += 1
        if opened in ('"', "'"):  # a one-line string ends with its line
            break
    return (*opened_at, opened) if opened else None


def _syntax_error(path: Path, text: str, error: tomllib.TOMLDecodeError) -> ConfigError:
    message, _, position = str(error).rpartition(" (at ")
    # A string left open reads to tomllib as a line break where none may be, or as a file that ends too soon: the
    # owner needs the quote that was never closed, not the character it ran into.
    if message.startswith(("Illegal character '\\n'", "Unterminated string", "Expected \"'\"")) and (
            unclosed := _unclosed_quote(text)):
        number, column, mark = unclosed
        line = text.splitlines()[number - 1].strip()
        return ConfigError(f"{shown_path(path)} 第 {number} 行第 {column} 列：{mark} 没有配对，请在文字末尾补上 {mark}。"
                           f"这一行是：{line[:SHOWN_CHARACTERS]}")
    reason = next((words for start, words in TOML_ERRORS.items() if message.startswith(start)), "TOML 格式不对")
    if place := re.match(r"line (\d+), column (\d+)", position):
        line = text.splitlines()[int(place[1]) - 1].strip()
        return ConfigError(f"{shown_path(path)} 第 {place[1]} 行第 {place[2]} 列：{reason}。这一行是：{line[:SHOWN_CHARACTERS]}")
    return ConfigError(f"{shown_path(path)} 在文件末尾：{reason}")


def shown_path(path: Path | str) -> str:
    """A path as the owner would type it: relative to where the bot was started when it is below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def load_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    """Load and check a config file; raise ConfigError naming every problem at once, one line each."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {shown_path(path)}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"读不了配置文件 {shown_path(path)}（{error.__class__.__name__}），它要是 UTF-8 编码的文本") from None
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(path, text, error) from None
    try:
        config = Config.model_validate(raw)
    except ValidationError as error:
        lines = _key_lines(text)
        problems = [line for e in error.errors() for line in _describe(e, lines)]
        raise ConfigError(f"{shown_path(path)} 有 {len(problems)} 处问题，改好再启动：\n" + "\n".join(problems)) from None
    for key in config.wecom.keys():  # whoever reads a robot's key from a log can post into that group
        logs.keep_secret(key)
    config, problems = _pictures_beside(config, path.resolve().parent)
    if problems:
        lines = _key_lines(text)
        problems = [_problem(loc, reason, lines) for loc, reason in problems]
        raise ConfigError(f"{shown_path(path)} 有 {len(problems)} 处问题，改好再启动：\n" + "\n".join(problems))
    return _store_beside(config, path.resolve().parent)


def _pictures_beside(config: Config, folder: Path) -> tuple[Config, list[tuple[tuple, str]]]:
    """The campaigns' pictures, relative to the config file's folder like [store] path, made absolute and checked
    now: a missing or unreadable file stops the bot at start (and check-config), not at Friday's post."""
    problems, pictures = [], {}
    for key in ("flash_sale", "member_day"):
        written = getattr(config.campaigns, key).image
        if not written:
            continue
        picture = folder / Path(written).expanduser()
        try:
            if not picture.is_file():
                raise FileNotFoundError
            media.check(picture)
        except FileNotFoundError:
            problems.append((("campaigns", key, "image"), f"找不到图片文件 {_shown(written)}（路径相对于配置文件所在的文件夹）"))
        except media.PictureUnreadable as error:
            problems.append((("campaigns", key, "image"), f"{_shown(written)} 用不了：{PICTURE_PROBLEMS[error.reason]}"))
        pictures[key] = getattr(config.campaigns, key).model_copy(update={"image": str(picture)})
    return config.model_copy(update={"campaigns": config.campaigns.model_copy(update=pictures)}), problems


def _store_beside(config: Config, folder: Path) -> Config:
    """[store] path is relative to the config file's folder, so that the bot started from another directory
    still finds the same store (`--db` on the command line stays relative to where the user typed it)."""
    if config.store.path == ":memory:":
        return config
    store = config.store.model_copy(update={"path": str(folder / Path(config.store.path).expanduser())})
    return config.model_copy(update={"store": store})
