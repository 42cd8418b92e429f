"""A member joining a shop group is welcomed once; joins within a minute are gathered into one message."""

from core.config import load_config
from core.events import ContactSeen, Join
from tests.conftest import OWNER, at


def test_a_newcomer_is_welcomed_once_with_the_groups_purpose_rules_and_next_events(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    newcomer = bot.member("阿芳")
    newcomer.joins("普通会员群")
    bot.advance(minutes=5)
    welcome, = bot.sent(kind="welcome")
    assert (welcome["room"], welcome["to"], welcome["at"]) == (bot.room_id("普通会员群"), newcomer.id, at("2026-11-25 10:01"))
    text = welcome["text"]
    assert "欢迎阿芳加入「普通会员群」" in text and "群规" in text and "您" in text
    assert "周五20:00闪购日" in text and "12月18日20:00会员日" in text


def test_joins_within_a_minute_are_gathered_into_one_welcome(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("阿芳").joins("普通会员群")
    bot.advance(seconds=20)
    bot.member("陈姐").joins("普通会员群")
    bot.advance(seconds=30)
    bot.member("老周").joins("普通会员群")
    bot.advance(minutes=2, seconds=10)
    bot.member("小赵").joins("普通会员群")
    bot.advance(minutes=7)
    gathered, alone = bot.sent(kind="welcome")
    assert gathered["to"] is None and "欢迎阿芳、陈姐、老周加入" in gathered["text"]
    assert alone["to"] == bot.member("小赵").id and "欢迎小赵加入" in alone["text"]


def test_no_second_welcome_for_a_member_who_leaves_and_comes_back(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("阿芳").joins("普通会员群")
    bot.advance(hours=1)
    bot.member("阿芳").leaves("普通会员群")
    bot.advance(hours=1)
    bot.member("阿芳").joins("普通会员群")
    bot.advance(hours=1)
    assert len(bot.sent(kind="welcome")) == 1


def test_the_owner_the_bot_and_someone_who_left_within_the_minute_are_not_welcomed(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.owner.joins("普通会员群")
    bot.advance(seconds=5)
    bot.shop_phone.joins("普通会员群")
    bot.advance(seconds=5)
    bot.member("阿芳").joins("普通会员群")
    bot.advance(seconds=30)
    bot.member("阿芳").leaves("普通会员群")
    bot.advance(minutes=5)
    assert bot.sent(kind="welcome") == []


def test_a_vip_group_gets_the_vip_welcome(shop_bot):
    config = load_config().with_owners([OWNER])
    bot = shop_bot(config=config.model_copy(update={"tiers": config.tiers.model_copy(update={"vip_rooms": ["普通会员群"]})}))
    bot.member("阿芳").joins("普通会员群")
    bot.advance(minutes=5)
    assert "VIP会员福利群" in bot.texts(kind="welcome")[0]


def test_a_welcome_on_saturday_says_next_fridays_flash_sale_not_a_bare_weekday(shop_bot):
    bot = shop_bot("2026-11-28 10:00")
    bot.member("阿芳").joins("普通会员群")
    bot.advance(minutes=5)
    assert "近期活动：下周五20:00闪购日，12月18日20:00会员日" in bot.texts(kind="welcome")[0]


def test_a_welcome_still_queued_when_the_newcomer_leaves_is_not_sent(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小赵").joins("普通会员群")
    bot.advance(seconds=50)
    for _ in range(8):  # the outbox is busy: the welcome queued at 10:01 waits behind these answers
        bot.owner.says("/status")
    bot.advance(seconds=15)
    assert bot.sent(kind="welcome") == [] and bot.assistant.outbox.queued_count() > 1
    bot.member("小赵").leaves("普通会员群")  # or is removed for advertising
    bot.advance(minutes=5)
    assert len(bot.texts(kind="command_reply")) == 8 and bot.sent(kind="welcome") == []


def test_two_thousand_joins_in_a_minute_get_one_welcome_that_counts_them_all_and_keeps_the_rules_whole(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    room = bot.room_id("普通会员群")
    long_name = "一个特别特别特别长的微信昵称"
    newcomers = [f"wxid_new{n}" for n in range(2000)]
    bot.assistant.handle_many([ContactSeen(c, f"{long_name}{n}") for n, c in enumerate(newcomers)])
    bot.assistant.handle_many([Join(room, c) for c in newcomers])
    bot.advance(minutes=5)
    welcome, = bot.texts(kind="welcome")
    recorded = bot.assistant.db.execute("SELECT count(*) FROM welcomes WHERE room = ?", [room]).fetchone()[0]
    assert recorded == 2000 and f"等 {recorded} 位新朋友加入「普通会员群」" in welcome
    assert "群规：请勿发广告和无关链接；订单和售后问题可以直接@我或私聊，我们会尽快回复您。" in welcome
    assert len(welcome) < 2000 and "省略" not in welcome
