"""Tiers from spend, orders and activity: computed nightly and on demand, told to the owner once per change,
with the VIP group to invite to; a quiet VIP keeps the tier through the grace period."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.config import load_config
from core.store import open_store
from tests.conftest import BOT, OWNER, ROOT, at, replay_events, run_bot, say, shop

VIP_ROOM = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER]}


def config_with(**tiers):
    config = load_config().with_owners([OWNER])
    return config.model_copy(update={"tiers": config.tiers.model_copy(update=tiers)})


def owner_messages(sent, kind):
    """The owner's messages of a kind, as texts go: a chart's picture line (after /stats) is left out."""
    return [m for m in sent if m["kind"] == kind and m["to"] == OWNER and "text" in m]


def test_a_member_crossing_into_vip_is_told_to_the_owner_with_the_group_to_invite_her_to():
    script = ROOT / "tests" / "fixtures" / "replays" / "vip_crossing.jsonl"
    result = run_bot("replay", str(script), "--owner", OWNER, "--until", "2026-11-26T04:00:00+08:00")
    assert result.returncode == 0, result.stderr
    sent = [json.loads(line) for line in result.stdout.splitlines()]
    changes = [m for m in sent if m["kind"] == "tier_change"]
    assert len(changes) == 1, "one message: the /order that made her VIP tells it; the night's recompute adds nothing"
    assert changes[0]["at"].startswith("2026-11-25T15:00") and changes[0]["to"] == OWNER
    text = changes[0]["text"]
    assert "新晋 VIP 1 位" in text and "小王：近90天消费¥605.00" in text and "请邀请进 VIP福利群" in text
    assert "小李" not in text
    # the nights before, she had not qualified yet: nothing was said
    # three /order answers in private, and 已私信回复您 in the group where the last one was typed
    assert [m["kind"] for m in sent].count("command_reply") == 4


def test_a_quiet_vip_keeps_the_tier_through_the_grace_period_then_drops_once(tmp_path):
    events = shop("2026-11-01 10:00") + [say("2026-11-01 10:01", OWNER, "/order 小王 600", room=None)]
    sent = replay_events(events, until="2026-11-25 12:00", config=config_with(spend_window_days=7, grace_days=14),
                         db_path=tmp_path / "store.db")
    changes = owner_messages(sent, "tier_change")
    assert [m["at"][:10] for m in changes] == ["2026-11-01", "2026-11-23"], "at the /order, then the night past grace"
    assert "新晋 VIP 1 位" in changes[0]["text"]
    # qualified last on the night of 11-08 (the order is 7 days old on 11-08 10:01, not yet at 03:30 of 11-08),
    # kept for 14 days after: dropped on the first night past 11-22 03:30
    assert "降为普通会员 1 位" in changes[1]["text"] and "小王：近7天消费¥0.00、0单" in changes[1]["text"]
    recorded = open_store(tmp_path / "store.db").execute(
        "SELECT substr(at, 1, 10), from_tier, to_tier, reason FROM tier_changes WHERE contact = 'wxid_a' ORDER BY id").fetchall()
    assert recorded == [("2026-11-01", "regular", "vip", "近7天消费¥600.00"),
                        ("2026-11-22", "vip", "regular", "近7天消费¥0.00、0单")], "each change kept with its reason (UTC dates)"


def test_activity_in_the_shop_groups_counts_days_and_messages_and_can_make_a_vip_when_config_says_so():
    family = {"at": at("2026-11-20 10:00"), "type": "room", "id": "r9@chatroom", "topic": "家人群", "members": ["wxid_b"]}
    events = shop("2026-11-20 10:00") + [family]
    for day in range(20, 26):
        events += [say(f"2026-11-{day} 10:00", "wxid_b", "早上好"), say(f"2026-11-{day} 10:05", "wxid_b", "今天有新品吗"),
                   say(f"2026-11-{day} 11:00", "wxid_b", "妈，晚上回家吃饭", room="r9@chatroom")]  # not a shop group
    events += [say("2026-11-25 11:00", OWNER, "/tier 小李", room=None), say("2026-11-25 11:01", OWNER, "/tiers refresh", room=None),
               say("2026-11-25 11:02", OWNER, "/tier 小李", room=None)]
    sent = replay_events(events, config=config_with(vip_min_active_days=6, recompute_time=dt.time(23, 59)))
    before, refreshed, after = [m["text"] for m in owner_messages(sent, "command_reply")]
    assert "等级：普通会员" in before and "活跃 6 天，发言 12 条" in before, "5 active days at last night's recompute"
    assert "新晋 VIP 1 位" in refreshed
    assert "等级：VIP，自 2026-11-25 起" in after and "近30天活跃6天" in after
    assert "小李：近30天活跃6天" in owner_messages(sent, "tier_change")[0]["text"]


def test_a_non_vip_in_the_vip_group_is_listed_once_not_every_night():
    events = shop() + [VIP_ROOM, {"at": at("2026-11-25 10:00"), "type": "join", "room": "r2@chatroom", "contact": "wxid_b"}]
    sent = replay_events(events, until="2026-11-28 12:00")
    changes = owner_messages(sent, "tier_change")
    assert len(changes) == 1 and "在 VIP 群里但不是 VIP 的成员 1 位" in changes[0]["text"] and "小李（VIP福利群）" in changes[0]["text"]


def test_tiers_vip_and_stats_give_the_owner_the_counts_and_the_figures():
    events = shop() + [VIP_ROOM] + [
        say("2026-11-25 10:01", OWNER, "/order 小王 300", room=None),
        say("2026-11-25 10:02", OWNER, "/order 小王 250", room=None),
        say("2026-11-25 10:03", OWNER, "/order 小李 99", room=None),
        say("2026-11-25 10:04", "wxid_a", "谢谢店主"),
        say("2026-11-25 10:05", OWNER, "/tiers refresh", room=None),
        say("2026-11-25 10:06", OWNER, "/vip", room=None),
        say("2026-11-25 10:07", OWNER, "/stats 30d", room=None),
        say("2026-11-25 10:08", OWNER, "/vip 0", room=None),
        say("2026-11-25 10:09", OWNER, "/stats 一个月", room=None),
    ]
    replies = [m["text"] for m in owner_messages(replay_events(events), "command_reply")][3:]
    tiers, vips, stats, bad_page, bad_period = replies
    assert "VIP 1 位，普通 1 位" in tiers and "普通会员群：2 人（VIP 1）" in tiers, "the owner is no member"
    assert "VIP 共 1 位" in vips and "小王：近90天消费¥550.00" in vips
    assert "买家 2 位，订单 3 单，客单价 ¥216.33" in stats and "复购率（近90天买家中下过两单及以上的占比）：50.0%" in stats and "普通会员群（1 条，1 人发言）" in stats
    assert bad_page.startswith("抱歉") and "/vip [页码]" in bad_page
    assert "30d" in bad_period and "/stats" in bad_period


def test_stats_and_tiers_count_the_same_members_after_an_order(tmp_path):
    """A member is someone in a shop group who is neither the owner nor the bot: not the family group's people,
    not a buyer outside the groups. /tier reads the tier /order just changed, not a stale one."""
    family = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r9@chatroom", "topic": "家人群",
              "members": [OWNER, BOT, "wxid_mum"]}
    newcomer = {"at": at("2026-11-25 10:00"), "type": "join", "room": "r1@chatroom", "contact": "wxid_c"}
    events = shop() + [family, newcomer] + [
        say("2026-11-25 10:05", OWNER, "/order @小王 600", room=None),
        say("2026-11-25 10:06", OWNER, "/tier @小王", room=None),
        say("2026-11-25 10:07", OWNER, "/stats", room=None),
        say("2026-11-25 10:08", OWNER, "/tiers", room=None),
    ]
    sent = replay_events(events, until="2026-11-25 10:30")
    order, tier, stats, tiers = [m["text"] for m in owner_messages(sent, "command_reply")]
    kinds = [m["kind"] for m in sent if m["to"] == OWNER]
    assert kinds.index("tier_change") > kinds.index("command_reply"), "the /order answer comes before what it caused"
    assert "VIP" in tier and "600" in tier
    assert "成员 3 人：VIP 1，普通 2" in stats
    assert "VIP 1 位，普通 2 位" in tiers and "普通会员群：3 人（VIP 1）" in tiers


def test_tier_with_an_empty_mention_asks_who_is_meant():
    events = shop() + [say("2026-11-25 10:01", OWNER, text, room=None) for text in ("/tier @", "/tier ＠", "/tier \u200b@")]
    replies = [m["text"] for m in owner_messages(replay_events(events), "command_reply")]
    assert len(replies) == 3
    assert all("请写出是哪位成员" in reply and "没有找到" not in reply for reply in replies)


def test_a_nickname_with_invisible_or_full_width_characters_is_found_as_it_reads():
    events = shop() + [
        {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_a", "name": "小\u200d王\u202c"},
        {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_m", "name": "Ｍｉｋｉ🐱"},
        say("2026-11-25 10:01", OWNER, "/tier 小王", room=None),
        say("2026-11-25 10:02", OWNER, "/tier ＠小王", room=None),
        say("2026-11-25 10:03", OWNER, "/tier @Miki🐱", room=None),
    ]
    replies = [m["text"] for m in owner_messages(replay_events(events), "command_reply")]
    # shown with its direction mark made visible (core/text.py); the joiner, which holds emoji together, stays
    assert [reply.splitlines()[0] for reply in replies] == ["小\u200d王\ufffd（wxid_a）"] * 2 + ["Ｍｉｋｉ🐱（wxid_m）"]


@pytest.mark.parametrize("named", ["“小 张”", '"小 张"', "「小 张」", "@“小 张”", "@小 张", "小 张"])
def test_a_nickname_with_a_space_is_named_in_quotes_or_after_an_at(shop_bot, named):
    bot = shop_bot(groups={"普通会员群": ["小王", "小", "小 张"]})
    bot.owner.says(f"/order {named} 100元")
    bot.owner.says(f"/tier {named}")
    bot.advance(minutes=1)
    recorded, tier = bot.texts(kind="command_reply", to="owner")[:2]
    assert recorded.startswith("已记下 小 张 的一笔群外成交：¥100.00。")
    assert tier.startswith("小 张（wxid_3）")


def test_a_quote_left_open_says_which_is_missing(shop_bot):
    bot = shop_bot(groups={"普通会员群": ["小 张"]})
    bot.owner.says("/tier “小 张")
    bot.advance(minutes=1)
    assert bot.texts(kind="command_reply")[0].startswith("抱歉，昵称的引号没有配对：“后面少了”。")


def test_the_owner_pages_through_every_vip_group_outsider_and_every_member_who_dropped():
    """A tier_change message names 20 a list and counts the rest: /tiers outsiders and /tiers dropped name them all."""
    newcomers = [f"wxid_n{i:02d}" for i in range(1, 26)]
    vip_room = {**VIP_ROOM, "members": [OWNER, *newcomers]}
    events = shop("2026-11-01 10:00") + [
        {"at": at("2026-11-01 10:00"), "type": "contact", "id": contact, "name": f"顾客{i:02d}"}
        for i, contact in enumerate(newcomers, start=1)
    ] + [{**vip_room, "at": at("2026-11-01 10:00")}, say("2026-11-01 10:01", OWNER, "/order 小王 600", room=None)] + [
        say("2026-11-25 10:00", OWNER, command, room=None)
        for command in ("/tiers outsiders 2", "/tiers dropped", "/tiers 非VIP", "/tiers outsiders 3", "/tiers 降级 x")
    ]
    sent = replay_events(events, until="2026-11-25 10:10", config=config_with(spend_window_days=7, grace_days=14))
    first_night = [m["text"] for m in owner_messages(sent, "tier_change") if "VIP 群里" in m["text"]]
    assert len(first_night) == 1 and "在 VIP 群里但不是 VIP 的成员 25 位" in first_night[0]
    assert "顾客20" in first_night[0] and "顾客21" not in first_night[0]
    assert "……另有 5 位，见 /tiers outsiders" in first_night[0]
    page_two, dropped, page_one, past_the_end, bad_page = [m["text"] for m in owner_messages(sent, "command_reply")][-5:]
    assert page_two.startswith("在 VIP 群里但不是 VIP 的成员共 25 位（第 2/2 页）：\n21. 顾客21（VIP福利群）")
    assert "25. 顾客25（VIP福利群）" in page_two and "顾客20" not in page_two
    assert dropped.startswith("近7天降为普通会员的共 1 位（第 1/1 页）：\n1. 小王：近7天消费¥0.00、0单")
    assert page_one.startswith("在 VIP 群里但不是 VIP 的成员共 25 位（第 1/2 页）：\n1. 顾客01（VIP福利群）")
    assert page_one.endswith("下一页：/tiers outsiders 2\n机器人不会移人，请您决定。")
    assert past_the_end == "在 VIP 群里但不是 VIP 的成员共 25 位，没有第 3 页（共 2 页）。"
    assert bad_page.startswith("抱歉") and "页码" in bad_page
