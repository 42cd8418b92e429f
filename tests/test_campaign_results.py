"""What each campaign earned: a month of posts on the virtual clock, orders imported at known times, and the exact
figures the owner reads in /campaign stats and the weekly review."""

from __future__ import annotations

import re

import pytest

from imports.orders import read_orders, save_orders
from tests.conftest import OWNER

HEADER = "订单号,下单时间,买家昵称,买家微信号,实付金额,订单状态,优惠券"
GROUPS = {"VIP福利群": ["陈姐"], "普通会员群": ["小王", "小李", "小张"]}


def import_export(bot, tmp_path, rows: list[str], name: str = "orders.csv") -> None:
    """The back office's export, imported as `bot.py import-orders` does, at the bot's moment."""
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    config = bot.assistant.config
    save_orders(bot.assistant.db, read_orders(path, config, now=bot.clock.now()).orders, config, bot.clock.now())


def stats(bot, text: str = "/campaign stats") -> str:
    """The owner's answer, once the outbox let it go (an answer just before it may hold it a few seconds)."""
    answered = bot.owner.says(text) + bot.advance(seconds=30)
    replies = [m["text"] for m in answered if m["kind"] == "command_reply"]
    assert len(replies) == 1
    return replies[0]


def newest(listing: str) -> str:
    """The first post of a /campaign stats page: its four lines after the page's heading."""
    return "\n".join(listing.splitlines()[1:5])


@pytest.fixture
def month(shop_bot, tmp_path):
    """November 2026 at a shop with a VIP group and a regular one: the Friday flash sale (20:00), the member day
    on the 18th (20:00, VIP group), and light content added for Wednesdays at 12:30; orders at known times."""
    bot = shop_bot(start="2026-11-02 09:00", groups=GROUPS)
    bot.owner.says("/campaign add 轻内容 周三 12:30 降温了，围巾的三种系法")
    ids = bot.ids
    bot.advance_to("2026-11-18 20:30")
    code = re.search(r"[A-Z2-9]{8}", bot.texts("member_day")[-1])[0]
    bot.advance_to("2026-11-27 20:04")
    bot.owner.says("我们的围巾到货了", room="普通会员群")  # the shop's own words: not a member writing
    bot.member("小王").says("好看！", room="普通会员群")
    bot.member("小李").says("有灰色吗", room="普通会员群")
    bot.member("小王").says("我也要", room="普通会员群")
    bot.advance_to("2026-11-27 21:30")
    bot.member("小张").says("晚了吗", room="普通会员群")  # more than an hour after the post
    bot.advance_to("2026-11-28 23:00")
    import_export(bot, tmp_path, [
        # the member day: 陈姐 used the group's code
        f"M1,2026-11-18 20:40:00,陈姐,{ids['陈姐']},120.00,已完成,会员日券 {code}",
        f"M2,2026-11-18 21:00:00,陈姐,{ids['陈姐']},45.00,已完成,",
        # ordinary days of the week before the flash sale of the 27th, and the light content of the 25th
        f"B1,2026-11-22 21:00:00,小李,{ids['小李']},50.00,已完成,",
        f"B2,2026-11-24 10:00:00,小王,{ids['小王']},100.00,已完成,",
        f"L1,2026-11-25 13:00:00,小李,{ids['小李']},30.00,已完成,",
        # the 24 hours after the flash sale of Friday the 27th
        f"F1,2026-11-27 20:30:00,小王,{ids['小王']},199.00,已完成,",
        f"F2,2026-11-28 10:00:00,小王,{ids['小王']},50.00,已完成,",
        f"F3,2026-11-28 19:00:00,小李,{ids['小李']},88.50,已完成,",
        "F4,2026-11-27 22:00:00,王小二,,60.00,已完成,",  # a nickname only: nobody's until the owner links it
        f"F5,2026-11-27 21:00:00,小王,{ids['小王']},500.00,退款成功,",  # refunded: no sale
        f"F6,2026-11-27 21:00:00,店主,{OWNER},80.00,已完成,",  # the shop's own test order
        f"F7,2026-11-28 20:30:00,小张,{ids['小张']},300.00,已完成,",  # the next evening: past the 24 hours
    ])
    return bot


def test_a_flash_sale_is_credited_with_its_members_orders_of_the_next_24_hours_against_an_ordinary_day(month):
    post = newest(stats(month, "/campaign stats 闪购日"))
    # 199 + 50 + 88.50 by 小王 and 小李: the nickname, the refund, the owner's order and the next evening left out.
    assert "· 24小时内：3 单 ¥337.50，2 位买家" in post
    # The week before: the 21st, 22nd, 23rd and 26th were ordinary (the light content of the 25th touched the 24th
    # and 25th's hours, the last flash sale the 20th's); 50 on the 22nd and 100 on the 24th.
    assert "· 平时同一时段：0.5 单 ¥37.50（前一周 4 天的平均）" in post
    assert "· 推送后一小时内发言：2 人" in post  # 小王 and 小李; the owner, and 小张 at 21:30, not
    assert "发到 2 个群" in post


def test_a_nickname_linked_later_counts_for_the_member_in_the_figures(month):
    month.owner.says("/link 王小二 @小张")
    post = newest(stats(month, "/campaign stats 闪购日"))
    assert "· 24小时内：4 单 ¥397.50，3 位买家" in post


def test_a_member_day_counts_the_coupons_used_when_the_export_has_the_column(month, tmp_path):
    post = stats(month, "/campaign stats 会员日")
    assert "· 24小时内：2 单 ¥165.00，1 位买家" in post
    assert "用券 1 单（发出 1 张券，用了 1 张）" in post
    # An export without the column says nothing of coupons: unknown is not "none used".
    other = month.assistant.db.execute("UPDATE orders SET coupon = NULL").rowcount  # as a file without the column
    assert other and "用券" not in stats(month, "/campaign stats 会员日")


def test_the_list_pages_newest_first_and_an_unknown_name_is_answered_with_the_names(month):
    first = stats(month)
    assert first.startswith("推送效果（共 9 次，第 1/2 页，新的在前）")
    assert first.index("闪购日") < first.index("轻内容1") and first.rstrip().endswith("下一页：/campaign stats 2")
    assert "第 2/2 页" in stats(month, "/campaign stats 2")
    refused = stats(month, "/campaign stats 双十一")
    assert "没有名为“双十一”的活动" in refused and "闪购日" in refused
    assert len(first) < 2000


def test_the_weekly_review_names_the_best_and_the_worst_post_and_the_months_best_window(month):
    month.advance_to("2026-11-30 09:31")
    review = month.texts("weekly_review")[-1]
    assert "收效最大：闪购日 11月27日20:00，3 单 ¥337.50，平时 0.5 单 ¥37.50" in review
    # Light content of the 25th: its ordinary days are the three before it (the 19th's hours had the member day,
    # the 20th's and 21st's the flash sale, the 18th's light content): 50 and 100 on the 22nd and the 24th.
    assert "收效最小：轻内容1 11月25日12:30，1 单 ¥30.00，平时 0.7 单 ¥50.00" in review
    # At 20:00-22:00, four flash sales and the member day: 300 beyond ordinary days on the 27th, 165 on the member
    # day, nothing else (465 / 5). At 12:00-14:00, light content: 165 after the 18th's (陈姐's member-day orders
    # came within its 24 hours too), 20 less than usual on the 25th (145 / 4).
    assert "近 30 天收效最大的时段：20:00-22:00（5 次推送，平均每次比平时多 ¥93.00）" in review
    assert all(m["room"] is None and m["to"] == OWNER for m in month.sent("weekly_review"))



def test_a_posts_figures_outlive_the_outbox_records_the_night_prunes(month):
    before = newest(stats(month, "/campaign stats 闪购日"))
    month.assistant.db.execute("DELETE FROM outbox WHERE status = 'sent'")  # as [store] retention_days does, later
    after = newest(stats(month, "/campaign stats 闪购日"))
    assert after == before and "· 24小时内：3 单 ¥337.50，2 位买家" in after
