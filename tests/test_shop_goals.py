"""复购率 month by month against the shop's goal, and the members slipping away that the owner hears of once a week,
in private: orders imported at known times, read on the virtual clock."""

from __future__ import annotations

import pytest

from core.config import DEFAULT_CONFIG, ConfigError, load_config
from tests.conftest import OWNER
from tests.test_campaign_results import import_export

GROUPS = {"VIP福利群": ["陈姐"], "普通会员群": ["小王", "小李", "小张", "小红"]}


@pytest.fixture
def shop(shop_bot, tmp_path):
    """Sunday 29 November 2026; the goal for 复购率 set to 50% to read both sides of it."""
    config = load_config().with_owners([OWNER])
    config = config.model_copy(update={"goals": config.goals.model_copy(update={"repurchase_rate": 0.5})})
    bot = shop_bot(start="2026-11-29 09:00", groups=GROUPS, config=config)
    ids = bot.ids
    bot.member("阿芳")  # bought once in the summer, and is in no group
    rows = [
        ("A1", "2026-08-01 10:00:00", "阿芳", 80), ("C1", "2026-09-05 20:30:00", "陈姐", 200),
        ("C2", "2026-09-10 20:30:00", "陈姐", 200), ("C3", "2026-09-20 20:30:00", "陈姐", 200),
        ("H1", "2026-10-01 09:00:00", "小红", 60), ("L1", "2026-10-10 21:00:00", "小李", 99),
        ("H2", "2026-10-20 09:00:00", "小红", 60), ("Z1", "2026-11-15 12:00:00", "小张", 45),
        ("W1", "2026-11-20 20:10:00", "小王", 600),
    ]
    import_export(bot, tmp_path, [f"{key},{at},{name},{ids[name]},{amount},已完成," for key, at, name, amount in rows])
    bot.owner.says("/tiers refresh")
    bot.member("陈姐").says("最近有新品吗", room="VIP福利群")
    return bot


def test_repurchase_is_shown_now_and_at_each_months_end_against_the_configured_goal(shop):
    answered = shop.owner.says("/stats") + shop.advance(minutes=1)
    stats = [m["text"] for m in answered if m["kind"] == "command_reply" and "text" in m][0]  # then its chart
    # Now (since 31 August): 陈姐 3 orders and 小红 2 of 5 buyers. End of August: 阿芳 alone; of September: 阿芳
    # and 陈姐; of October: 陈姐, 小红 and 小李 (阿芳's order is more than 90 days before 1 November).
    assert "复购率（近90天买家中下过两单及以上的占比）：40.0%（目标 50% 以上，还差一些" in stats
    assert "各月末：8月 0.0%、9月 50.0%（达标）、10月 66.7%（达标）" in stats


def test_slipping_vips_and_first_time_buyers_go_to_the_owner_in_private_once_a_week(shop):
    shop.advance_to("2026-11-30 09:31")
    sent = shop.sent("slipping_members")
    assert len(sent) == 1 and sent[0]["room"] is None and sent[0]["to"] == OWNER
    assert sent[0]["text"] == (
        "本周值得您亲自联系的顾客（仅您可见，不会发到群里）：\n"
        "1 位 VIP 已 60 天以上没有下单：\n"
        "· 陈姐：上次下单 2026-09-20（¥200.00），上次在群里发言 2026-11-29\n"
        # 小张's only order is 15 days old, 阿芳's older than the 90 days 复购率 looks at, 小红 ordered twice
        "1 位第一次购买的顾客，30 天以上还没有第二单：\n"
        "· 小李：下单 2026-10-10（¥99.00），没在群里发过言\n"
        "可以私聊问问使用感受，或提醒下次活动的时间。"
    )
    shop.advance_to("2026-12-06 09:31")
    assert len(shop.sent("slipping_members")) == 1  # once a week, with the review


def test_the_owner_asks_for_the_slipping_members_any_day_and_pages_through_each_list(shop):
    for typed in ("/slipping", "/slipping vip", "/跟进 首单", "/slipping 首单 2", "/slipping 老客"):
        shop.owner.says(typed)
        shop.advance(minutes=1)  # the fixture's imports left the outbox busy
    now, vips, first_timers, past_the_end, wrong = shop.texts(kind="command_reply")[-5:]
    assert now.startswith("值得您亲自联系的顾客（仅您可见，不会发到群里）：\n1 位 VIP 已 60 天以上没有下单：\n· 陈姐")
    assert vips == "久未下单的 VIP（60 天以上）共 1 位（第 1/1 页）：\n1. 陈姐：上次下单 2026-09-20（¥200.00），上次在群里发言 2026-11-29"
    assert first_timers == "第一次购买、30 天以上还没有第二单的顾客共 1 位（第 1/1 页）：\n1. 小李：下单 2026-10-10（¥99.00），没在群里发过言"
    assert past_the_end == "第一次购买、30 天以上还没有第二单的顾客共 1 位，没有第 2 页（共 1 页）。"
    assert wrong.startswith("抱歉") and "只能跟 vip 或 首单" in wrong


def test_the_config_goal_for_repurchase_is_checked_and_named(tmp_path):
    path = tmp_path / "config.toml"
    shipped = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path.write_text(shipped.replace("repurchase_rate = 0.15", "repurchase_rate = 15"), encoding="utf-8")
    with pytest.raises(ConfigError) as problem:
        load_config(path)
    assert "goals.repurchase_rate（复购率目标）：要写 0 到 1 之间的小数，例如 0.15 即 15%" in str(problem.value)
