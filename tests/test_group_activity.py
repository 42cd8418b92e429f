"""/stats per group: the week's messages, who spoke, the top five speakers (发言排行) and the members silent for
30 days (潜水), by nickname, in private to the owner only, a page of groups at a time."""

from __future__ import annotations

from core.config import load_config
from tests.conftest import OWNER

GROUP, VIP = "普通会员群", "VIP福利群"


def test_stats_shows_each_groups_week_top_speakers_and_silent_members(shop_bot):
    members = ["小王", "小李", "阿芳", "陈姐", "小张", "小赵", "老周"]
    bot = shop_bot("2026-10-20 10:00", groups={GROUP: members, VIP: ["陈姐"]})
    bot.member("老周").says("大家好", room=GROUP)  # 36 days ago: silent since
    bot.advance_to("2026-11-10 10:00")
    bot.member("小赵").says("早", room=GROUP)  # 15 days ago: neither this week nor silent
    bot.advance_to("2026-11-24 10:00")
    for name, times in (("小王", 4), ("小李", 3), ("阿芳", 2), ("陈姐", 2), ("小张", 1)):
        for _ in range(times):
            bot.member(name).says("哈哈哈", room=GROUP)
    bot.member("陈姐").says("收到啦", room=VIP)
    bot.advance_to("2026-11-25 10:00")
    bot.owner.says("/stats", room=GROUP)
    bot.advance(minutes=1)
    stats, = [m for m in bot.sent(kind="command_reply") if m["to"] == OWNER and m["room"] is None and "text" in m]
    text = stats["text"]
    assert "「普通会员群」发言 12 条，5 人发言" in text
    assert "发言排行：小王 4、小李 3、阿芳 2、陈姐 2、小张 1" in text
    assert "潜水（30 天没发言）：1 人，如 老周" in text, "小赵 spoke 15 days ago"
    assert text.index("「普通会员群」") < text.index("「VIP福利群」发言 1 条，1 人发言"), "busiest first"
    assert "店主" not in text.split("各群活跃")[1], "the owner is no member"
    in_group = [m.get("text") for m in bot.sent(kind="command_reply") if m["room"]]
    assert in_group == ["已私信回复您。"], "the group reads nothing of it"


def test_a_member_who_left_is_neither_counted_among_a_groups_people_nor_ranked(shop_bot):
    bot = shop_bot("2026-11-24 10:00", groups={GROUP: ["小王", "小李", "阿芳", "陈姐", "小张"]})
    for name, times in (("小王", 4), ("小李", 3), ("阿芳", 2), ("陈姐", 2), ("小张", 1)):
        for _ in range(times):
            bot.member(name).says("哈哈哈", room=GROUP)
    bot.member("小李").leaves(GROUP)
    bot.advance_to("2026-11-25 10:00")
    bot.owner.says("/stats")
    bot.advance(minutes=1)
    text = bot.texts(kind="command_reply")[0]
    assert "成员 4 人" in text
    assert "群内消息 12 条，最活跃的群：普通会员群（12 条，4 人发言）" in text, "小李's messages were written"
    assert "「普通会员群」发言 12 条，4 人发言" in text
    assert "发言排行：小王 4、阿芳 2、陈姐 2、小张 1" in text


def test_a_shop_with_many_groups_is_paged_under_two_thousand_characters(shop_bot):
    groups = {f"会员群{n:02d}": [f"会员{n}-{k}的长长长长长长昵称" for k in range(8)] for n in range(12)}
    config = load_config().with_owners([OWNER])
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={"regular_rooms": list(groups)})})
    bot = shop_bot("2026-10-01 10:00", groups=groups, config=config)
    bot.advance_to("2026-11-25 10:00")
    for n, members in enumerate(groups.values()):
        for k, name in enumerate(members[:6]):
            bot.member(name).says("早上好" * (k + 1), room=f"会员群{n:02d}")
    bot.owner.says("/stats")
    bot.owner.says("/stats 群 3")
    bot.owner.says("/stats 群 4")
    bot.advance(minutes=2)
    first, third, beyond = bot.texts(kind="command_reply", to="owner")
    assert all(len(text) < 2000 for text in (first, third))
    assert "共 12 个群，第 1/3 页" in first and "下一页：/stats 群 2" in first and first.count("潜水") == 5
    assert "如 会员0-6的长长…、会员0-7的长长…" in first, "nicknames cut short"
    assert "第 3/3 页" in third and third.count("发言排行") == 2 and "店铺数据" not in third
    assert beyond.startswith("抱歉，各群活跃只有 3 页")
