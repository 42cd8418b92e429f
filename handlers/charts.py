"""The shop's days as one picture for the owner's phone: members' messages and orders per day, complaints per day
with their reasons stacked, and members per tier. For the weekly review and `/stats 30d`; the review's has a fifth
panel, the orders in the 24 hours after each of the week's campaign posts against the same hours of an ordinary
day (handlers/campaign_results.py).

`gather` reads the figures through the modules that own them (tiers, the order book, complaints: never their
tables); `render` turns them into PNG bytes and knows nothing of the store, so it is tested on plain data.

matplotlib draws on its Agg canvas through a Figure of our own, never pyplot: no global figure registry, no GUI
backend picked from the environment, no rcParams changed, so a chart can be drawn in a worker thread. It is
imported only when a chart is drawn (bench/charts.py measures what that first import costs), so the bot's start
does not pay for it.

Chinese needs a font that has it, or every label comes out as boxes (matplotlib's own font has none). A Chinese
font the machine has is preferred; else the one shipped in assets/fonts (Noto Sans SC, SIL OFL, cut down to
GB2312: its README says how). Every text of the figure is given that font by file, not by family name, so that
nothing is registered with matplotlib's global font list.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from core import media
from core.context import Context
from handlers import order_book
from handlers.complaint_rules import REASONS
from handlers.complaints import complaints_per_day
from handlers.periods import Period
from handlers.tiers import messages_per_day, tier_counts

log = logging.getLogger(__name__)

SHIPPED_FONT = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "NotoSansSC-Regular.otf"
# Chinese fonts a shop's machine may have (Windows, macOS, Linux), best first.
MACHINE_FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
# What a machine font must cover to be used: every character the chart writes.
NEEDED = ("近天店铺数据群内消息订单投诉每周共条单按原因会员等级人暂无起一二三四五六日推送后小时的平时同段本没有橙灰与一"
          + "".join(REASONS) + "（），–/,.0123456789VIP")
# 1080 px: a phone's screen width, so nothing is scaled down when the owner opens the picture; tall enough for
# four panels, short enough to fit a phone's screen whole.
WIDTH_PX, HEIGHT_PX, DPI = 1080, 1860, 150
POSTS_PANEL_PX = 520  # the review's fifth panel, added to the height
POSTS_SHOWN = 8  # the week's last posts in that panel: each takes two bars and a two-line label
MARGIN_INCHES = 0.2  # 30 px at each side
WEEKDAYS = "一二三四五六日"
LABELS = 8  # dates under the bars at most: each takes about 120 px
WEEKLY_AFTER = 62  # days: a longer period is drawn a bar a week
VALUES_SHOWN_UP_TO = 10  # more bars than this: they carry no numbers, which would run into each other
TIER_NAMES = {"vip": "VIP", "regular": "普通会员"}
COLOURS = {"messages": "#5B8FF9", "orders": "#F6903D", "vip": "#E8684A", "regular": "#5B8FF9", "baseline": "#C2C8D5"}
REASON_COLOURS = dict(zip(REASONS, ("#5B8FF9", "#E8684A", "#F6BD16", "#9270CA", "#5AD8A6", "#A0A7B4")))
INK, FAINT = "#333333", "#999999"
SIZES = {"title": 20, "panel": 16, "ticks": 13, "values": 12, "note": 17}


@dataclass(frozen=True)
class ChartData:
    """What one chart shows: per local day, members' messages, orders and complaints (reason: count); and the
    members per tier now ({'vip': n, 'regular': n})."""

    days: list[dt.date]
    messages: list[int]
    orders: list[int]
    complaints: list[Counter]
    tiers: dict[str, int]
    # The review's posts, oldest first: (name, local moment sent, orders in the 24 hours after, an ordinary day's
    # orders or None); None draws no such panel (/stats), [] a panel that says the week had none.
    posts: list[tuple[str, dt.datetime, int, float | None]] | None = None

    def __post_init__(self):
        if not self.days or not len(self.days) == len(self.messages) == len(self.orders) == len(self.complaints):
            raise ValueError("a chart needs at least one day, and one figure of each kind per day")


def gather(ctx: Context, period: Period, posts: list | None = None) -> ChartData:
    """The figures of each day of the period, from their owners: the same counts as the message's words; and the
    campaign posts given (handlers/campaign_results.Earned), for the review's panel."""
    messages = messages_per_day(ctx, period)
    return ChartData(
        days=period.days,
        messages=[messages.get(day, 0) for day in period.days],
        orders=order_book.orders_per_day(ctx.db, period.day_spans()),
        complaints=complaints_per_day(ctx, period),
        tiers=tier_counts(ctx),
        posts=None if posts is None else [
            (p.title, p.first_sent.astimezone(ctx.config.tz), p.after.orders, p.baseline.orders if p.baseline else None)
            for p in posts],
    )


def chart_picture(ctx: Context, period: Period, posts: list | None = None) -> str | None:
    """The chart of the period, kept in the media folder for a message to carry; None when there is none to send:
    a store in memory keeps no pictures, or the drawing failed. A chart only illustrates figures the message
    already gives in words, so its failure is logged and the words go alone."""
    folder = media.folder_of(ctx.db)
    if folder is None:
        return None
    try:
        return str(media.keep(folder, render(gather(ctx, period, posts))))
    except Exception:  # matplotlib, the font, the disk: none of it may keep the owner's figures from going
        log.exception("a chart of %d days was not drawn; its message goes without it", len(period.days))
        return None


def render(data: ChartData, title: str | None = None) -> bytes:
    """The chart as PNG bytes, 1080 px wide."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    # Agg, whatever backend the environment would have matplotlib pick. Drawn once and its pixels saved: savefig
    # draws a constrained layout twice (a sixth of a chart's time), for the same pixels.
    canvas = FigureCanvasAgg(draw(data, title))
    canvas.draw()
    with io.BytesIO() as png:
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(png, "png")
        return png.getvalue()


def draw(data: ChartData, title: str | None = None):
    """The chart as a matplotlib Figure (render saves it): four panels, one under the other. Over WEEKLY_AFTER days
    the bars are weeks (Monday to Sunday): a year of daily bars cannot be read, and takes seconds to draw."""
    from matplotlib.figure import Figure

    height = HEIGHT_PX + (POSTS_PANEL_PX if data.posts is not None else 0)
    figure = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, facecolor="white")
    # Inches between panels (h: a panel's title is not a date's) and at the sides (w: WeChat shows a picture with
    # rounded corners, and the last date label, under the last bar, would touch the right edge and lose its end).
    figure.set_layout_engine("constrained", h_pad=0.12, w_pad=MARGIN_INCHES)
    fonts = _fonts()
    figure.suptitle(title or _default_title(data.days), fontproperties=fonts["title"], color=INK)
    ratios = [3, 3, 3.4, 1.6] + ([3.6] if data.posts is not None else [])
    messages, orders, complaints, tiers, *posts = figure.subplots(len(ratios), 1, gridspec_kw={"height_ratios": ratios})
    weekly = len(data.days) > WEEKLY_AFTER
    bars = _by_week(data) if weekly else data
    each = "每周，" if weekly else ""
    _bars(messages, bars.days, weekly, {"消息": bars.messages}, {"消息": COLOURS["messages"]},
          f"群内消息（{each}共 {sum(bars.messages):,} 条）", fonts)
    _bars(orders, bars.days, weekly, {"订单": bars.orders}, {"订单": COLOURS["orders"]},
          f"订单（{each}共 {sum(bars.orders):,} 单）", fonts)
    by_reason = {reason: [day[reason] for day in bars.complaints] for reason in REASONS}
    _bars(complaints, bars.days, weekly, by_reason, REASON_COLOURS,
          f"投诉（{each}共 {sum(map(sum, by_reason.values())):,} 条，按原因）", fonts)
    _tiers(tiers, data.tiers, fonts)
    if posts:
        _posts(posts[0], data.posts[-POSTS_SHOWN:], fonts)
    return figure


def _default_title(days: list[dt.date]) -> str:
    first, last = days[0], days[-1]
    year = f"{first.year}/" if first.year != last.year else ""  # the year only where it changes: 2025/12/25–1/23
    return f"近{len(days)}天店铺数据 {year}{first.month}/{first.day}–{last.month}/{last.day}"


def _by_week(data: ChartData) -> ChartData:
    """The same figures summed per week, each week named by its first day (a Monday, but for the first week)."""
    starts = [i for i, day in enumerate(data.days) if i == 0 or day.weekday() == 0]
    weeks = list(zip(starts, starts[1:] + [len(data.days)]))
    return ChartData(
        days=[data.days[first] for first, _ in weeks],
        messages=[sum(data.messages[first:end]) for first, end in weeks],
        orders=[sum(data.orders[first:end]) for first, end in weeks],
        complaints=[sum(data.complaints[first:end], Counter()) for first, end in weeks],
        tiers=data.tiers,
        posts=data.posts,
    )


def _bars(ax, starts: list[dt.date], weekly: bool, series: dict[str, list[int]], colours: dict[str, str],
          title: str, fonts: dict) -> None:
    """Bars per day (or week), the series stacked; with more than one series, a legend of those that occur."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    _frame(ax, title, fonts)
    totals = [sum(values) for values in zip(*series.values())]
    bottom = [0] * len(starts)
    for name, values in series.items():
        drawn = [i for i, value in enumerate(values) if value]  # a bar of 0 is no bar: each costs drawing time
        if drawn:
            ax.bar(drawn, [values[i] for i in drawn], bottom=[bottom[i] for i in drawn], color=colours[name],
                   width=0.7, label=f"{name} {sum(values):,}")
            bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xlim(-0.6, len(starts) - 0.4)
    _date_ticks(ax, starts, weekly)
    if not any(totals):
        _note(ax, "暂无数据", fonts)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_ylim(0, max(totals) * (1.45 if len(series) > 1 else 1.2))  # room for the numbers, and the legend
        _values_and_legend(ax, totals, len(series) > 1, fonts)
    _tick_fonts(ax, fonts)


def _values_and_legend(ax, totals: list[int], stacked: bool, fonts: dict) -> None:
    if len(totals) <= VALUES_SHOWN_UP_TO:
        for x, total in enumerate(totals):
            if total:
                ax.text(x, total, f"{total:,}", ha="center", va="bottom", color=INK, fontproperties=fonts["values"])
    if stacked:
        ax.legend(loc="upper left", ncol=3, frameon=False, prop=fonts["ticks"], handlelength=1, columnspacing=1)


def _date_ticks(ax, starts: list[dt.date], weekly: bool) -> None:
    """Under each bar 11/23 over 周一, or 11/23起 for a week; when the bars are too many to label one by one, at
    most LABELS of them: under Mondays (every other Monday, or every third …), or every other week …"""
    shown = list(range(len(starts)))
    if len(starts) > LABELS:
        candidates = shown if weekly else [i for i, day in enumerate(starts) if day.weekday() == 0]
        shown = candidates[::math.ceil(len(candidates) / LABELS)]
    ax.set_xticks(shown, [_date_label(starts[i], weekly) for i in shown])


def _date_label(day: dt.date, weekly: bool) -> str:
    return f"{day.month}/{day.day}起" if weekly else f"{day.month}/{day.day}\n周{WEEKDAYS[day.weekday()]}"


def _tiers(ax, counts: dict[str, int], fonts: dict) -> None:
    """Members per tier, as horizontal bars with their numbers."""
    total = sum(counts.values())
    _frame(ax, f"会员等级（共 {total:,} 人）", fonts)
    ax.grid(False)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    if not total:
        _note(ax, "暂无会员", fonts)
        return
    values = [counts.get(tier, 0) for tier in TIER_NAMES]
    ax.barh(list(TIER_NAMES.values()), values, color=[COLOURS[tier] for tier in TIER_NAMES], height=0.6)
    ax.invert_yaxis()  # VIP on top
    ax.set_xlim(0, max(values) * 1.25)  # room for the number after the longest bar
    for y, value in enumerate(values):
        ax.text(value, y, f" {value:,} 人", va="center", color=INK, fontproperties=fonts["ticks"])
    _tick_fonts(ax, fonts)


def _posts(ax, posts: list[tuple[str, dt.datetime, int, float | None]], fonts: dict) -> None:
    """Per post, two bars side by side: the orders of the 24 hours after it, and an ordinary day's (none when the
    week before had a post every day), each with its number."""
    from matplotlib.ticker import MaxNLocator

    _frame(ax, "推送后24小时的订单（橙）与平时同一时段（灰）", fonts)
    if not posts:
        _note(ax, "本周没有推送", fonts)
        ax.set_xticks([])
        return
    width = 0.38
    after = [orders for _, _, orders, _ in posts]
    usual = [baseline for _, _, _, baseline in posts]
    ax.bar([x - width / 2 for x in range(len(posts))], after, width, color=COLOURS["orders"])
    drawn = [(x, value) for x, value in enumerate(usual) if value is not None]
    ax.bar([x + width / 2 for x, _ in drawn], [value for _, value in drawn], width, color=COLOURS["baseline"])
    for x, value in enumerate(after):
        ax.text(x - width / 2, value, f"{value:,}", ha="center", va="bottom", color=INK, fontproperties=fonts["values"])
    for x, value in drawn:
        ax.text(x + width / 2, value, f"{value:,.1f}".removesuffix(".0"), ha="center", va="bottom", color=FAINT,
                fontproperties=fonts["values"])
    ax.set_xlim(-0.6, len(posts) - 0.4)
    ax.set_xticks(range(len(posts)), [f"{name[:5]}\n{at.month}/{at.day}周{WEEKDAYS[at.weekday()]}"
                                     for name, at, _, _ in posts])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylim(0, max([*after, *(value for _, value in drawn), 1]) * 1.25)
    _tick_fonts(ax, fonts)


def _frame(ax, title: str, fonts: dict) -> None:
    ax.set_title(title, loc="left", fontproperties=fonts["panel"], color=INK, pad=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(FAINT)
    ax.spines["bottom"].set_color(FAINT)
    ax.tick_params(colors=INK)
    ax.grid(axis="y", color="#EEEEEE")
    ax.set_axisbelow(True)


def _note(ax, text: str, fonts: dict) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=FAINT,
            fontproperties=fonts["note"])
    ax.set_yticks([])


def _tick_fonts(ax, fonts: dict) -> None:
    """Tick labels exist once their ticks are fixed: give each the Chinese font (digits included, for one look)."""
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(fonts["ticks"])


def _fonts() -> dict:
    from matplotlib.font_manager import FontProperties

    return {name: FontProperties(fname=chinese_font(), size=size) for name, size in SIZES.items()}


@functools.cache
def chinese_font() -> str:
    """The font file the charts write with: a Chinese font of the machine's that has every character the chart
    writes, else the shipped one. A matplotlib FontPath (a str with the face's index in a collection)."""
    from matplotlib import font_manager, ft2font

    installed = _regular_faces(font_manager.fontManager.ttflist)
    for family in MACHINE_FONTS:
        if entry := installed.get(family):
            charmap = ft2font.FT2Font(entry.fname, face_index=entry.index).get_charmap()
            if all(ord(character) in charmap for character in NEEDED):
                return font_manager.FontPath(entry.fname, entry.index)
    return font_manager.FontPath(str(SHIPPED_FONT), 0)


def _regular_faces(entries: list) -> dict:
    """{family: font entry} of each family's upright face nearest to the regular weight (400): a family installs
    its bold and light faces too, and may have no face of exactly 400."""
    from matplotlib.font_manager import weight_dict

    faces: dict = {}
    for entry in entries:
        weight = weight_dict.get(entry.weight, 400) if isinstance(entry.weight, str) else entry.weight
        distance = abs(weight - 400)
        if entry.style == "normal" and distance < faces.get(entry.name, (1000, None))[0]:
            faces[entry.name] = (distance, entry)
    return {family: entry for family, (_, entry) in faces.items()}
