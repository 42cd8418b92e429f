"""Reads and validates config.toml.

Every setting lives in one pydantic model so that a typo or a bad value stops the bot at start-up with the key
and the reason, instead of surfacing weeks later as a post sent at the wrong hour. Unknown keys are errors too:
a misspelt key silently falling back to its default is the worst kind of config bug.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file, the key and the reason."""


def _parse_clock(value: object) -> dt.time:
    if not isinstance(value, str):
        raise ValueError("must be a time of day written as a string like '09:00'")
    try:
        hours, minutes = value.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day like '09:00'") from None


def _parse_range(value: object) -> tuple[dt.time, dt.time]:
    if not isinstance(value, str):
        raise ValueError("must be a time range written as a string like '09:00-18:00'")
    start, sep, end = value.partition("-")
    if not sep:
        raise ValueError(f"{value!r} is not a time range like '09:00-18:00'")
    opens, closes = _parse_clock(start.strip()), _parse_clock(end.strip())
    if opens >= closes:
        raise ValueError(f"{value!r} ends before it starts")
    return opens, closes


def _parse_hours(value: object) -> tuple[dt.time, dt.time] | None:
    return None if value == "closed" else _parse_range(value)


# Times are written as strings in config.toml and parsed here, so that "9:00" or "09:00-08:00" is refused by name.
ClockTime = Annotated[dt.time, BeforeValidator(_parse_clock)]
TimeRange = Annotated[tuple[dt.time, dt.time], BeforeValidator(_parse_range)]
OpeningHours = Annotated[tuple[dt.time, dt.time] | None, BeforeValidator(_parse_hours)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__


class Section(BaseModel):
    # validate_default: the defaults below are written like config.toml values and parsed the same way.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class OwnerConfig(Section):
    ids: list[str] = Field(min_length=1, description="WeChat ids of the owner(s); never nicknames")
    emergency_phone: str = ""


class WechatyConfig(Section):
    token: str = ""
    endpoint: str = ""
    watchdog_seconds: float = Field(default=30, gt=0, description="how often to check that the service still answers")


class TransportConfig(Section):
    kind: Literal["console", "wechaty"] = "console"
    wechaty: WechatyConfig = WechatyConfig()


class StoreConfig(Section):
    path: str = "store.db"
    retention_days: int = Field(90, ge=0, description="history older than this is deleted at night; 0 keeps all")


class OutboxConfig(Section):
    per_chat_interval_seconds: float = Field(3.0, ge=0)
    switch_pause_seconds: tuple[float, float] = (3.0, 5.0)
    account_per_minute: int = Field(6, ge=1)
    retry_seconds: float = Field(30.0, gt=0)

    @field_validator("switch_pause_seconds")
    @classmethod
    def _ordered(cls, pause: tuple[float, float]) -> tuple[float, float]:
        if not 0 <= pause[0] <= pause[1]:
            raise ValueError("must be [shortest, longest] with 0 <= shortest <= longest")
        return pause


class WorkingHoursConfig(Section):
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
    response_nudge_minutes: int = Field(15, ge=1)
    complaint_reminder_minutes: int = Field(45, ge=1)
    complaint_deadline_minutes: int = Field(60, ge=1)
    weekly_review_day: Weekday = "monday"
    weekly_review_time: ClockTime = "09:30"


class WindowsConfig(Section):
    promotion: list[TimeRange] = Field(["08:00-09:00", "20:00-22:00"], min_length=1)
    light_content: list[TimeRange] = Field(["12:00-14:00"], min_length=1)
    live_notice_weekday: list[TimeRange] = Field(["19:00-22:00"], min_length=1)
    live_notice_weekend: list[TimeRange] = Field(["15:00-17:00"], min_length=1)
    max_posts_per_room_per_day: int = Field(3, ge=1)


class TiersConfig(Section):
    spend_window_days: int = Field(90, ge=1)
    vip_min_spend: float = Field(500.0, ge=0)
    vip_min_orders: int = Field(3, ge=1)
    vip_min_active_days: int = Field(0, ge=0, description="0 turns the activity rule off")
    activity_window_days: int = Field(30, ge=1)
    grace_days: int = Field(14, ge=0)
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


class OrdersConfig(Section):
    headers: OrderHeadersConfig = OrderHeadersConfig()
    # An order whose status contains one of these is stored but is no spend (refunded, closed, cancelled).
    not_counted_statuses: list[str] = ["退款", "已关闭", "交易关闭", "已取消"]


class FlashSaleConfig(Section):
    enabled: bool = True
    weekday: Weekday = "friday"
    time: ClockTime = "20:00"
    duration_hours: int = Field(2, ge=1)
    discount: str = "8折"
    products: list[str] = []


class MemberDayConfig(Section):
    enabled: bool = True
    day_of_month: int = Field(18, ge=1, le=31)
    time: ClockTime = "20:00"
    coupon_value: float = Field(10, gt=0)
    coupon_condition: str = "满99可用"
    private_to_vip: bool = False  # also send each VIP member a personal coupon in private


class CampaignsConfig(Section):
    flash_sale: FlashSaleConfig = FlashSaleConfig()
    member_day: MemberDayConfig = MemberDayConfig()


class ConsoleRoom(Section):
    topic: str
    members: list[str]


class ConsoleConfig(Section):
    """The simulated account of the console transport: who is in which demo group."""

    bot_name: str = "小店助手"
    owner_name: str = "店主"
    rooms: list[ConsoleRoom] = []


class Config(Section):
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
    campaigns: CampaignsConfig = CampaignsConfig()
    console: ConsoleConfig = ConsoleConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name!r} is not a time zone name like 'Asia/Shanghai'") from None
        return name

    @model_validator(mode="after")
    def _reminder_before_deadline(self) -> Config:
        if self.service.complaint_reminder_minutes >= self.service.complaint_deadline_minutes:
            raise ValueError("service.complaint_reminder_minutes must be shorter than complaint_deadline_minutes")
        return self

    @model_validator(mode="after")
    def _campaigns_inside_their_windows(self) -> Config:
        for key, campaign in (("flash_sale", self.campaigns.flash_sale), ("member_day", self.campaigns.member_day)):
            windows = self.windows.promotion
            if campaign.enabled and not any(start <= campaign.time < end for start, end in windows):
                spoken = ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in windows)
                later = [start for start, _ in windows if start > campaign.time] or [windows[0][0]]
                raise ValueError(
                    f"campaigns.{key}.time {campaign.time:%H:%M} is outside the promotion windows ({spoken});"
                    f" the next allowed time is {later[0]:%H:%M}"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_owners(self, owner_ids: list[str]) -> Config:
        """A copy whose owner is someone else: how `replay --owner` lets a script name its own owner."""
        return self.model_copy(update={"owner": self.owner.model_copy(update={"ids": list(owner_ids)})})


def _describe(error: dict) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown key (not a setting of this bot: check its spelling and its section)"
    if error["type"] == "missing":
        return f"{key}: missing, and it has no default"
    reason = error["msg"].removeprefix("Value error, ")
    return f"{key}: {reason} (got {error['input']!r})"


def load_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    """Load and check a config file; raise ConfigError naming every bad key at once."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        problems = "\n".join(f"  - {_describe(e)}" for e in error.errors())
        raise ConfigError(f"{path} has {error.error_count()} problem(s):\n{problems}") from None
