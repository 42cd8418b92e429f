"""The owner's chart: a phone-wide PNG whose Chinese is drawn in a font that has it (never boxes), that still makes
sense for a shop with nothing yet, and whose figures come from the store day by day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import shutil
import subprocess
import sys
import warnings
from collections import Counter

import pytest
from matplotlib import font_manager, ft2font
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import Image

from core.context import Context
from handlers import charts
from handlers.periods import last_days
from tests.conftest import OWNER, ROOT, SHANGHAI

WEEK = [dt.date(2026, 11, 17) + dt.timedelta(days=n) for n in range(7)]
A_WEEK = charts.ChartData(
    days=WEEK,
    messages=[323, 213, 458, 565, 147, 93, 560],
    orders=[16, 35, 14, 12, 30, 34, 35],
    complaints=[Counter({"物流": 1, "品控": 1}), Counter(), Counter({"发错货": 2}), Counter({"退款": 1}),
                Counter(), Counter({"服务": 1, "其他": 3}), Counter({"品控": 2})],
    tiers={"vip": 86, "regular": 1240},
)
NOTHING_YET = charts.ChartData(days=WEEK, messages=[0] * 7, orders=[0] * 7, complaints=[Counter() for _ in WEEK],
                               tiers={"vip": 0, "regular": 0})


@pytest.fixture
def font_choice():
    """chinese_font() chosen afresh for the test, and again after it (it is remembered for the process)."""
    charts.chinese_font.cache_clear()
    yield
    charts.chinese_font.cache_clear()


def drawn(data: charts.ChartData, caplog) -> tuple[bytes, list[str]]:
    """The PNG, and every warning matplotlib gave while drawing it (a missing glyph is one)."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("always")
        png = charts.render(data)
    return png, [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]


def texts_of(data: charts.ChartData) -> list[Text]:
    """Every text of the drawn figure, tick labels included (they are made when the figure is drawn)."""
    figure = charts.draw(data)
    FigureCanvasAgg(figure).draw()
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text().strip()]


def test_a_week_is_a_phone_wide_png_drawn_without_a_missing_glyph(caplog):
    png, complaints = drawn(A_WEEK, caplog)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1080, 1860)
    assert complaints == []


def test_every_text_is_drawn_in_the_chinese_font_which_has_each_of_its_characters():
    texts = texts_of(A_WEEK)
    words = {text.get_text() for text in texts}
    assert {"近7天店铺数据 11/17–11/23", "群内消息（共 2,359 条）", "投诉（共 11 条，按原因）", "11/17\n周二",
            "普通会员", " 1,240 人", "品控 3"} <= words
    font = charts.chinese_font()
    charmap = ft2font.FT2Font(font, face_index=font.face_index).get_charmap()
    for text in texts:
        assert text.get_fontproperties().get_file() == font, text.get_text()
        assert [c for c in text.get_text() if not c.isspace() and ord(c) not in charmap] == [], text.get_text()


def test_a_new_shop_with_nothing_yet_gets_a_chart_that_says_so(caplog):
    png, complaints = drawn(NOTHING_YET, caplog)
    assert Image.open(io.BytesIO(png)).size == (1080, 1860)
    assert complaints == []
    words = [text.get_text() for text in texts_of(NOTHING_YET)]
    assert words.count("暂无数据") == 3 and words.count("暂无会员") == 1
    assert "群内消息（共 0 条）" in words


def test_the_reviews_chart_adds_the_orders_after_each_post_beside_an_ordinary_day(caplog):
    posts = [("轻内容1", dt.datetime(2026, 11, 18, 12, 30, 2, tzinfo=SHANGHAI), 3, 2.5),
             ("闪购日", dt.datetime(2026, 11, 20, 20, 0, 3, tzinfo=SHANGHAI), 42, 6.25),
             ("直播预告1", dt.datetime(2026, 11, 21, 15, 30, 1, tzinfo=SHANGHAI), 5, None)]  # no ordinary day
    review = dataclasses.replace(A_WEEK, posts=posts)
    png, complaints = drawn(review, caplog)
    assert Image.open(io.BytesIO(png)).size == (1080, 1860 + charts.POSTS_PANEL_PX) and complaints == []
    figure = charts.draw(review)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    panel = figure.axes[-1]
    assert panel.get_title(loc="left") == "推送后24小时的订单（橙）与平时同一时段（灰）"
    assert [label.get_text() for label in panel.get_xticklabels()] == ["轻内容1\n11/18周三", "闪购日\n11/20周五",
                                                                       "直播预告1\n11/21周六"]
    assert [text.get_text() for text in panel.texts] == ["3", "42", "5", "2.5", "6.2"]
    for label in panel.get_xticklabels():  # two-line labels under the last panel: inside the picture
        box = label.get_window_extent(canvas.get_renderer())
        assert box.y0 >= 0 and box.x1 <= charts.WIDTH_PX
    quiet = [text.get_text() for text in texts_of(dataclasses.replace(A_WEEK, posts=[]))]
    assert "本周没有推送" in quiet


def test_the_last_date_under_the_bars_keeps_clear_of_the_pictures_right_edge():
    days = [dt.date(2026, 11, 7) + dt.timedelta(days=n) for n in range(31)]  # a month ending on a Monday: labelled
    month = charts.ChartData(days=days, messages=[30] * 31, orders=[2] * 31, complaints=[Counter() for _ in days],
                             tiers={"vip": 1, "regular": 2})
    figure = charts.draw(month)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    last = figure.axes[0].get_xticklabels()[-1]
    assert last.get_text() == "12/7\n周一"
    assert last.get_window_extent(canvas.get_renderer()).x1 <= charts.WIDTH_PX - 20, "a phone shows corners rounded"


def test_a_year_is_drawn_a_bar_a_week_with_few_dates_under_it():
    days = [dt.date(2025, 11, 24) + dt.timedelta(days=n) for n in range(365)]
    year = charts.ChartData(days=days, messages=[300] * 365, orders=[20] * 365,
                            complaints=[Counter({"物流": 1}) for _ in days], tiers={"vip": 1, "regular": 2})
    words = [text.get_text() for text in texts_of(year)]
    assert "近365天店铺数据 2025/11/24–11/23" in words
    assert "订单（每周，共 7,300 单）" in words
    assert 4 <= sum(word.endswith("起") for word in words) <= 3 * charts.LABELS  # three panels of dates


def test_the_shipped_font_is_used_when_the_machine_has_no_chinese_font(font_choice, monkeypatch):
    latin_only = [entry for entry in font_manager.fontManager.ttflist if entry.name == "DejaVu Sans"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    assert charts.chinese_font() == str(charts.SHIPPED_FONT)
    assert charts.SHIPPED_FONT.stat().st_size < 2_000_000
    assert (charts.SHIPPED_FONT.parent / "OFL.txt").read_text().startswith("Copyright")


def test_a_chinese_font_of_the_machine_is_preferred_if_it_has_every_character_the_chart_writes(
        font_choice, monkeypatch, tmp_path):
    yahei = tmp_path / "msyh.otf"
    shutil.copy(charts.SHIPPED_FONT, yahei)
    dejavu = next(entry for entry in font_manager.fontManager.ttflist if entry.name == "DejaVu Sans")
    installed = [
        font_manager.FontEntry(fname=dejavu.fname, name="PingFang SC"),  # a name that promises what it lacks
        font_manager.FontEntry(fname=dejavu.fname, name="Microsoft YaHei", weight=700),  # its bold face: not it
        font_manager.FontEntry(fname=str(yahei), name="Microsoft YaHei", weight=400),
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", installed)
    assert charts.chinese_font() == str(yahei)


def test_the_bot_starts_without_importing_matplotlib():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, features, handlers.charts; print('matplotlib' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert imported == "False"


def test_the_figures_are_read_from_the_store_by_local_day(shop_bot):
    bot = shop_bot(start="2026-11-23 10:00", groups={"普通会员群": ["小王", "小李"]})
    wang, li = bot.member("小王"), bot.member("小李")
    wang.says("早上好", room="普通会员群")
    bot.advance_to("2026-11-23 23:59")
    li.says("晚安", room="普通会员群")
    bot.advance_to("2026-11-24 00:30")  # Shanghai's 11/24, still 11/23 in the stored UTC time
    li.says("杯子收到是碎的，太失望了", room="普通会员群")
    bot.advance_to("2026-11-25 10:00")
    bot.owner.says("/order @小王 600")
    wang.says("谢谢", room="普通会员群")
    data = charts.gather(Context(bot.assistant), last_days(Context(bot.assistant), 3))
    assert data.days == [dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)]
    assert data.messages == [2, 1, 1]
    assert data.orders == [0, 0, 1]
    assert data.complaints == [Counter(), Counter({"品控": 1}), Counter()]
    assert data.tiers == {"vip": 1, "regular": 1}


def test_the_weekly_review_and_stats_come_with_their_chart_right_after_the_words(shop_bot):
    bot = shop_bot(start="2026-11-28 10:00", groups={"普通会员群": ["小王"]})
    bot.member("小王").says("早上好", room="普通会员群")
    bot.advance_to("2026-11-30 10:00")  # Monday: the review at 09:30
    words, chart = bot.sent(kind="weekly_review")
    assert words["text"].startswith("每周回顾") and chart["to"] == OWNER and chart["at"] == words["at"]
    with Image.open(chart["image"]) as picture:
        assert picture.format == "PNG" and picture.width == 1080
    bot.owner.says("/stats 30d")
    bot.advance(minutes=1)
    words, chart = bot.sent(kind="command_reply")[-2:]
    assert "店铺数据（近 30 天）" in words["text"] and chart["image"].endswith(".png") and chart["to"] == OWNER
    assert chart["image"] != bot.sent(kind="weekly_review")[1]["image"], "30 days, not the week's picture again"
