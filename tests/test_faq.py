"""FAQ answers: the owner keeps question-and-answer entries in chat (or seeds them in config.toml), and a member
whose question names a keyword gets the answer at once, day and night, without waiting for the owner."""

from __future__ import annotations

import pytest

from core.config import ConfigError, FaqConfig, load_config
from handlers.shop_questions import is_shop_question
from tests.conftest import OWNER, ROOT

SHIPPING = "/faq add 运费,邮费、包邮 满99元包邮，不满99元运费8元"
GROUP = "普通会员群"


def replies(bot) -> list[str]:
    return bot.texts(kind="command_reply", to="owner")


def with_shipping(shop_bot, start="2026-11-25 10:00", **options):
    bot = shop_bot(start, **options)
    bot.owner.says(SHIPPING)
    return bot


def test_the_owner_adds_an_entry_and_a_member_asking_in_private_gets_it_at_once(shop_bot):
    bot = with_shipping(shop_bot)
    bot.advance(minutes=1)
    assert "已添加问答“运费、邮费、包邮”" in replies(bot)[-1]
    answer, = bot.member("小王").says("你们家包邮吗")
    assert (answer["kind"], answer["to"], answer["room"]) == ("faq_answer", bot.ids["小王"], None)
    assert answer["text"] == "满99元包邮，不满99元运费8元"
    bot.advance(hours=1)
    assert bot.sent(kind="response_nudge") == [], "answered: nothing waits for the owner"


def test_keywords_typed_with_a_space_into_the_answer_are_pointed_out_and_a_list_in_an_answer_is_not(shop_bot):
    bot = shop_bot()
    bot.owner.says("/faq add 调弦 调音,弦距 弦距太高会打品，可以到店免费调整")
    bot.owner.says("/faq add 运费 满99元包邮，新疆西藏补10元 其他地区不补")
    bot.owner.says("/faq add 颜色 红、蓝、白")
    bot.advance(minutes=1)
    spaced, listed, short = replies(bot)[-3:]
    assert "“调音、弦距”像是关键词" in spaced and "/faq del 调弦" in spaced
    assert "像是关键词" not in listed and "像是关键词" not in short
    answer, = bot.member("小王").says("调弦怎么弄")
    assert answer["text"] == "调音,弦距 弦距太高会打品，可以到店免费调整", "added as typed: the owner decides"


def test_an_answer_keeps_the_owners_line_breaks(shop_bot):
    bot = shop_bot()
    bot.owner.says("/faq add 发货 下单后48小时内发货。\n预售商品按页面写的时间发。")
    bot.member("小王").says("什么时候发货？")
    bot.advance(minutes=1)
    assert bot.texts(kind="faq_answer") == ["下单后48小时内发货。\n预售商品按页面写的时间发。"]


def test_group_askers_within_a_minute_get_one_answer_naming_them_and_none_for_ten_minutes(shop_bot):
    bot = with_shipping(shop_bot, groups={GROUP: ["小王", "小李", "阿芳", "陈姐"]})
    assert bot.member("小王").says("请问运费多少？", room=GROUP) == []
    bot.advance(seconds=30)
    bot.member("小李").says("包邮吗？", room=GROUP)
    bot.advance(seconds=40)
    answer, = bot.sent(kind="faq_answer")
    assert answer["room"] == bot.room_id(GROUP) and answer["at"].startswith("2026-11-25T10:01")
    assert answer["text"].startswith("@小王 @小李 满99元包邮")
    bot.advance(minutes=3)
    bot.member("阿芳").says("邮费怎么算？", room=GROUP)  # the answer is just above
    bot.advance(minutes=30)
    assert len(bot.sent(kind="faq_answer")) == 1 and bot.sent(kind="response_nudge") == []
    bot.member("陈姐").says("运费多少呢？", room=GROUP)  # 10 minutes on: answered again
    bot.advance(minutes=2)
    assert [m["to"] for m in bot.sent(kind="faq_answer")] == [None, bot.ids["陈姐"]]


def test_chat_about_the_keyword_is_not_a_question_and_an_at_mention_is(shop_bot):
    bot = with_shipping(shop_bot)
    bot.member("小王").says("我上次买的也包邮，挺好", room=GROUP)
    bot.member("小李").says("想问问包邮的事", room=GROUP, mentions_bot=True)
    bot.advance(minutes=2)
    assert [m["to"] for m in bot.sent(kind="faq_answer")] == [bot.ids["小李"]]


def test_a_group_question_without_a_question_mark_is_answered_when_it_reads_as_asking_the_shop(shop_bot):
    asked = "寄到西藏要加钱不"  # no 吗, no ？: the question model reads it as asking the shop, as the nudge does
    assert is_shop_question(asked) and not is_shop_question("我上次买的也包邮，挺好")
    bot = shop_bot("2026-11-25 10:00")
    bot.owner.says("/faq add 运费,邮费 满99元包邮，新疆西藏另加10元 例：寄到新疆要加钱吗")
    bot.member("小王").says(asked, room=GROUP)
    bot.member("小李").says("我上次买的也包邮，挺好", room=GROUP)
    bot.advance(minutes=20)
    assert [m["to"] for m in bot.sent(kind="faq_answer")] == [bot.ids["小王"]]
    assert bot.sent(kind="response_nudge") == [], "answered: it does not wait for the owner"


def test_once_a_day_per_member_asking_again_later_goes_to_the_owner(shop_bot):
    bot = with_shipping(shop_bot)
    wang = bot.member("小王")
    wang.says("包邮吗？")
    wang.says("运费多少？")  # at once again: the answer is right there
    bot.advance(hours=2)
    wang.says("运费到底怎么算？")
    bot.advance(minutes=20)
    assert len(bot.sent(kind="faq_answer")) == 1
    nudge, = bot.texts(kind="response_nudge")
    assert "运费到底怎么算" in nudge
    bot.advance_to("2026-11-26 10:00")
    wang.says("运费多少？")
    assert len(bot.sent(kind="faq_answer")) == 2, "a new day"


def test_a_complaint_that_mentions_shipping_goes_the_complaint_way(shop_bot):
    bot = with_shipping(shop_bot)
    bot.member("小王").says("运费收了我两次，说好的包邮呢，我要退款", room=GROUP)
    bot.advance(minutes=5)
    assert bot.sent(kind="faq_answer") == []
    assert len(bot.sent(kind="complaint_ack")) == 1 and len(bot.sent(kind="complaint_alert")) == 1


def test_never_to_the_owner_or_the_shops_own_phone(shop_bot):
    bot = with_shipping(shop_bot)
    bot.owner.says("运费多少？", room=GROUP)
    bot.shop_phone.says("包邮吗？", room=GROUP)
    bot.advance(minutes=5)
    assert bot.sent(kind="faq_answer") == []


def test_off_hours_the_answer_and_the_off_hours_line_are_one_message(shop_bot):
    bot = with_shipping(shop_bot, "2026-11-25 17:00")
    bot.advance_to("2026-11-25 23:00")
    wang = bot.member("小王")
    answer, = wang.says("包邮吗？")
    assert answer["kind"] == "faq_answer"
    assert answer["text"].startswith("满99元包邮") and "客服明天9:00上线" in answer["text"]
    wang.says("我的订单什么时候到？")  # not in the FAQ: the off-hours line was already given this night
    bot.advance(hours=1)
    assert [m["kind"] for m in bot.sent(to="小王")] == ["faq_answer"]


def test_a_question_outside_the_faq_still_gets_the_off_hours_reply(shop_bot):
    bot = with_shipping(shop_bot, "2026-11-25 23:00")
    bot.member("小王").says("我的订单什么时候到？")
    bot.advance(minutes=1)
    assert [m["kind"] for m in bot.sent(to="小王")] == ["off_hours_reply"]


@pytest.mark.parametrize("typed, error", [
    ("/faq add 运费", "格式：/faq add 关键词1,关键词2 答案"),
    ("/faq add 邮费,快递 xx", "关键词“邮费”已在问答“运费、邮费、包邮”里。要改那条的答案，请用 /faq edit 邮费 新答案"),
    ("/faq add 特价 全网最低价", "这段答案用了禁用词“最低价”"),
    ("/faq add 退 七天无理由", "关键词“退”要 2 到 20 个字"),
    ("/faq del 尺码", "没有关键词“尺码”，/faq list 可查看全部问答"),
    ("/faq edit 尺码 看详情页", "没有关键词“尺码”"),
    ("/faq edit 运费", "请写出新答案"),
    ("/faq list x", "页码要写 1 到 100000 之间的整数，现在是“x”"),
    ("/faq remove 运费", "不认识“remove”"),
])
def test_malformed_commands_are_refused_politely_and_change_nothing(shop_bot, typed, error):
    bot = with_shipping(shop_bot)
    bot.owner.says(typed)
    bot.owner.says("/faq list")
    bot.advance(minutes=1)
    refusal, listing = replies(bot)[-2:]
    assert refusal.startswith("抱歉，") and error in refusal
    assert "常见问题共 1 条" in listing and "满99元包邮，不满99元运费8元" in listing


def test_edit_and_delete_change_what_members_get(shop_bot):
    bot = with_shipping(shop_bot, groups={GROUP: ["小王", "小李"]})
    bot.owner.says("/faq edit 邮费 满88元包邮")
    bot.member("小王").says("包邮吗")
    bot.owner.says("/faq del 包邮")
    bot.member("小李").says("包邮吗")
    bot.advance(minutes=2)
    assert bot.texts(kind="faq_answer") == ["满88元包邮"]
    assert "已删除问答“运费、邮费、包邮”" in replies(bot)[-1]


def test_a_group_question_whose_entry_is_deleted_before_the_answer_goes_still_reaches_the_owner(shop_bot):
    """A group answer waits a minute to gather askers; an entry deleted in that minute sent nothing, and the
    question, taken by the FAQ, was neither answered nor nudged about: dropped without a word."""
    bot = with_shipping(shop_bot, groups={GROUP: ["小王"]})
    bot.member("小王").says("请问运费多少？", room=GROUP)
    bot.owner.says("/faq del 运费")
    bot.advance(minutes=20)
    assert bot.sent(kind="faq_answer") == []
    nudge, = bot.texts(kind="response_nudge")
    assert "小王" in nudge and "请问运费多少" in nudge


def test_a_wrong_group_answer_corrected_before_it_goes_leaves_that_member_out(shop_bot):
    """/faq recent numbers an answer as soon as it is taken, while it still waits a minute to gather askers: a
    correction then must keep it from the member it was wrong for, whose question waits for the shop."""
    bot = with_shipping(shop_bot, groups={GROUP: ["小王", "小李"]})
    bot.member("小王").says("运费险怎么买", room=GROUP)
    bot.member("小李").says("运费多少", room=GROUP)
    bot.owner.says("/faq not 1")
    bot.advance(minutes=20)
    answer, = bot.sent(kind="faq_answer")
    assert answer["to"] == bot.member("小李").id and "@" not in answer["text"]
    assert "已撤下" in replies(bot)[-1]
    nudge, = bot.texts(kind="response_nudge")
    assert "小王" in nudge and "运费险怎么买" in nudge


def test_a_long_list_is_paged(shop_bot):
    bot = shop_bot()
    for n in range(12):
        bot.owner.says(f"/faq add 问题{n:02d} 答案{n}")
    bot.owner.says("/faq list")
    bot.owner.says("/faq list 2")
    bot.advance(minutes=10)
    first, second = replies(bot)[-2:]
    assert "第 1/2 页" in first and "问题09" in first and "问题10" not in first and "/faq list 2" in first
    assert "第 2/2 页" in second and "问题11" in second


def test_weekly_figures_in_faq_stats_and_in_the_weekly_review(shop_bot):
    # 2026-11-30 is a Monday: the review goes out at 09:30.
    bot = with_shipping(shop_bot, "2026-11-24 10:00", groups={GROUP: ["小王", "小李"]})
    bot.member("小王").says("包邮吗？")
    bot.member("小李").says("运费多少？")
    bot.member("小李").says("请问165穿什么尺码？", room=GROUP)  # waits for the owner: a candidate
    bot.advance(minutes=20)
    bot.owner.says("/faq stats")
    bot.advance(minutes=1)
    stats = replies(bot)[-1]
    assert "共 2 次" in stats and "运费、邮费、包邮：2 次" in stats
    assert "“请问165穿什么尺码？” 1 次\n  /faq add 关键词 （您的回答） 例：请问165穿什么尺码？" in stats
    bot.advance_to("2026-11-30 10:00")
    review, = bot.texts(kind="weekly_review")
    assert "运费、邮费、包邮：2 次" in review and "“请问165穿什么尺码？” 1 次" in review


def test_a_question_an_entry_answers_but_that_waited_is_never_suggested_as_a_new_entry(shop_bot):
    bot = with_shipping(shop_bot, "2026-11-24 10:00")
    bot.member("小王").says("包邮吗？")
    bot.advance(hours=1)
    bot.member("小王").says("包邮的话几天到？")  # answered once today: this one waits for the owner
    bot.advance(minutes=20)
    bot.owner.says("/faq stats")
    bot.advance(minutes=1)
    stats = replies(bot)[-1]
    assert "“包邮的话几天到？” 1 次" in stats and "/faq add" not in stats, stats
    assert "  已有问答「运费、邮费、包邮」：答案没说清楚的话，/faq edit 运费 （新的回答）" in stats


def faq_config(tmp_path, entries: str):
    text = (ROOT / "config.toml").read_text(encoding="utf-8") + entries
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


SEED = '\n[[faq]]\nkeywords = ["运费", "包邮"]\nanswer = "满99元包邮"\n'


def test_config_seeds_entries_once_and_the_owners_chat_changes_survive_a_restart(shop_bot, tmp_path):
    config = load_config(faq_config(tmp_path, SEED)).with_owners([OWNER])
    store = tmp_path / "seeded.db"
    bot = shop_bot(config=config, db_path=store)
    bot.member("小王").says("包邮吗")
    bot.owner.says("/faq edit 运费 满88元包邮")
    bot.advance(minutes=1)
    bot.assistant.db.close()
    again = shop_bot("2026-11-26 10:00", config=config, db_path=store)
    again.member("小王").says("包邮吗")
    assert again.texts(kind="faq_answer") == ["满88元包邮"]


def test_a_changed_config_entry_replaces_the_one_it_seeded(shop_bot, tmp_path):
    store = tmp_path / "seeded.db"
    first = load_config(faq_config(tmp_path, SEED)).with_owners([OWNER])
    shop_bot(config=first, db_path=store).assistant.db.close()
    changed = load_config(faq_config(tmp_path, SEED.replace("满99元包邮", "满79元包邮"))).with_owners([OWNER])
    bot = shop_bot("2026-11-26 10:00", config=changed, db_path=store)
    bot.member("小王").says("包邮吗")
    bot.owner.says("/faq list")
    bot.advance(minutes=1)
    assert bot.texts(kind="faq_answer") == ["满79元包邮"] and "常见问题共 1 条" in replies(bot)[-1]


@pytest.mark.parametrize("second, problem", [
    ('keywords = ["发货"]\nanswer = "全网最低价"', "faq[2].answer（常见问题答案）：用了禁用词“最低价”"),
    ('keywords = ["包邮"]\nanswer = "满88元包邮"', "faq[2].keywords（常见问题关键词）：关键词 \"包邮\" 已在第 1 条 [[faq]] 里"),
    ('keywords = ["发票"]\nanswer = "可以开电子发票"\nexamples = ["票"]', "faq[2].examples[1]（常见问题例句）：例句要写 2 到 50 个字"),
])
def test_config_refuses_a_banned_answer_and_a_keyword_in_two_entries(tmp_path, second, problem):
    path = faq_config(tmp_path, SEED + f"\n[[faq]]\n{second}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert problem in str(error.value) and "第 " in str(error.value).splitlines()[1]


def test_the_shipped_config_example_is_valid_once_uncommented():
    shipped = (ROOT / "config.toml").read_text(encoding="utf-8")
    lines = shipped[shipped.index("# [[faq]]"):].split("\n\n")[0].splitlines()
    entry = FaqConfig.model_validate(__import__("tomllib").loads("\n".join(line[2:] for line in lines))["faq"][0])
    assert entry.examples, "the example shows the examples key too"


INVOICE = "/faq add 发票,开票 可以开电子普通发票，确认收货后在订单页申请开票，3个工作日内发到您的邮箱。 例：能开发票吗；可以开公司抬头吗"


def test_a_question_near_an_entry_in_meaning_is_answered_and_one_far_from_every_entry_waits(shop_bot):
    bot = with_shipping(shop_bot)
    bot.owner.says(INVOICE)
    bot.advance(minutes=1)
    assert "例句：能开发票吗 等2句" in replies(bot)[-1]
    answer, = bot.member("小王").says("公司报销要票")  # no keyword: near the answer and the examples
    assert answer["kind"] == "faq_answer" and answer["text"].startswith("可以开电子普通发票")
    bot.member("小李").says("你们周末休息吗？")
    bot.advance(minutes=20)
    assert len(bot.sent(kind="faq_answer")) == 1
    assert "你们周末休息吗" in bot.texts(kind="response_nudge")[0]


def test_a_keyword_named_still_wins_over_meaning(shop_bot):
    bot = shop_bot()
    bot.owner.says(INVOICE)
    bot.owner.says("/faq add 邮箱 客服邮箱 kefu@example.cn 例：开票信息发哪个邮箱")
    bot.member("小李").says("公司抬头的票发到邮箱吗")  # names 邮箱 alone, though its words are the invoices'
    bot.advance(minutes=1)
    assert bot.texts(kind="faq_answer") == ["客服邮箱 kefu@example.cn"]


def test_examples_are_listed_and_edited_alone_or_with_the_answer(shop_bot):
    bot = with_shipping(shop_bot)
    bot.owner.says("/faq edit 运费 例：寄到新疆要加钱吗；满多少包邮")
    bot.owner.says("/faq list")
    bot.owner.says("/faq edit 包邮 满88元包邮")
    bot.owner.says("/faq list")
    bot.advance(minutes=5)
    edited, listing, answer_edited, listing_again = replies(bot)[-4:]
    assert edited == "已修改问答“运费、邮费、包邮”\n例句换成：寄到新疆要加钱吗 等2句"
    assert "· 运费、邮费、包邮：满99元包邮，不满99元运费8元（例：寄到新疆要加钱吗 等2句）" in listing
    assert answer_edited == "已修改问答“运费、邮费、包邮”的答案：满88元包邮"
    assert "满88元包邮（例：寄到新疆要加钱吗 等2句）" in listing_again, "the examples stay when the answer changes"


@pytest.mark.parametrize("typed, error", [
    ("/faq add 发票 例：能开发票吗", "请在例句前写出答案"),
    ("/faq add 发票 可以开 例：", "例：后面请写成员会怎么问"),
    ("/faq add 发票 可以开 例：票", "例句“票”要 2 到 50 个字"),
    ("/faq edit 运费 例：" + "；".join(f"问法{n}" for n in range(11)), "最多 10 句例句"),
    ("/faq not", "请写出回答的编号"),
    ("/faq not 99", "没有编号 99 的回答"),
    ("/faq recent 2", "/faq recent 不需要别的参数"),
])
def test_malformed_examples_and_corrections_are_refused(shop_bot, typed, error):
    bot = with_shipping(shop_bot)
    bot.owner.says(typed)
    bot.advance(minutes=1)
    refusal = replies(bot)[-1]
    assert refusal.startswith("抱歉，") and error in refusal


def test_config_examples_teach_the_matcher(shop_bot, tmp_path):
    seed = SEED.replace('answer = "满99元包邮"', 'answer = "满99元包邮"\nexamples = ["寄到新疆要加钱吗", "能发顺丰吗"]')
    bot = shop_bot(config=load_config(faq_config(tmp_path, seed)).with_owners([OWNER]))
    bot.member("小王").says("发顺丰要加钱吗")
    bot.advance(minutes=1)
    assert bot.texts(kind="faq_answer") == ["满99元包邮"]


def test_the_owner_sees_recent_answers_by_number_and_corrects_a_wrong_one(shop_bot):
    bot = with_shipping(shop_bot, groups={GROUP: ["小王", "小李", "阿芳", "陈姐"]})
    bot.member("小王").says("运费险怎么买？")  # names 运费, but is not about shipping costs
    bot.member("小李").says("包邮吗？")
    bot.owner.says("/faq recent")
    bot.advance(minutes=1)
    recent = replies(bot)[-1]
    assert recent.splitlines()[:3] == ["最近回答（新的在前）：", "#2 小李：“包邮吗？” → 运费、邮费、包邮",
                                       "#1 小王：“运费险怎么买？” → 运费、邮费、包邮"]
    bot.owner.says("/faq not 1")
    bot.owner.says("/faq not 1")
    bot.advance(minutes=1)
    corrected, again = replies(bot)[-2:]
    assert corrected.startswith("已记下：“运费险怎么买？”不该用问答“运费、邮费、包邮”回答。")
    assert again.startswith("这条已经记下过")
    bot.member("阿芳").says("运费险怎么买？")
    bot.member("阿芳").says("请问运费险在哪买", room=GROUP)  # nearer the correction than the entry's own words
    bot.member("陈姐").says("运费多少？", room=GROUP)  # still the entry's
    bot.advance(minutes=20)
    assert [m["to"] for m in bot.sent(kind="faq_answer")] == [bot.ids["小王"], bot.ids["小李"], bot.ids["陈姐"]]
    nudges = bot.texts(kind="response_nudge")
    assert any("运费险怎么买" in n for n in nudges) and any("运费险在哪买" in n for n in nudges)


def test_unanswered_questions_are_grouped_by_meaning_with_a_line_to_add_them(shop_bot):
    bot = with_shipping(shop_bot, "2026-11-24 10:00")
    for name, question in [("小王", "能开发票吗"), ("小李", "发票怎么开？"), ("阿芳", "可以开发票不"),
                           ("陈姐", "请问有发票吗"), ("小赵", "包邮吗？"), ("小钱", "周末发货吗？")]:
        bot.member(name).says(question)
    bot.member("小赵").says("包邮的话几天到？")  # asked again the same day: waits for the owner, names 包邮
    bot.member("小赵").says("包邮是满多少？")
    bot.member("小孙").says("你好 我收到的杯子有个裂缝")  # waits too, but may be a complaint: no canned answer for it
    bot.advance(minutes=20)
    bot.owner.says("/faq stats")
    bot.advance(minutes=1)
    stats = replies(bot)[-1]
    assert "没有自动回答、等您回复的问题 6 个" in stats and "裂缝" not in stats
    assert "· 发票 4 次，如“能开发票吗”\n  /faq add 发票 （您的回答） 例：能开发票吗" in stats
    assert "/faq add 包邮" not in stats and "/faq add 邮" not in stats, "包邮 is an entry's keyword already"
    bot.advance_to("2026-11-30 10:00")
    review, = bot.texts(kind="weekly_review")
    assert "· 发票 4 次" in review and "/faq add 发票 （您的回答） 例：能开发票吗" in review
