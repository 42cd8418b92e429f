"""The complaint detector on labelled member messages, and on the cases a shop owner would notice.

`pytest -s tests/test_complaint_detection.py` prints the figures; `python bench/complaint_accuracy.py` prints them
with every message the detector gets wrong.
"""

import re
from collections import Counter

import pytest

from bench.complaint_accuracy import HOLDOUT, LABELLED, report, score
from handlers.complaint_detection import RULES, detect
from handlers.complaint_rules import DEFAULT_RULES, REASONS, classify, load_rules
from handlers.shop_questions import is_shop_question
from tests.conftest import BOT, OWNER, replay_events, say, shop


def test_the_labelled_set_is_large_and_covers_every_reason():
    scores = score(LABELLED)
    per_reason = Counter(v.labelled for v in scores.verdicts if v.labelled)
    assert scores.messages >= 160
    assert {reason: per_reason[reason] for reason in REASONS if per_reason[reason] < 10} == {}
    assert 0.4 <= scores.complaints / scores.messages <= 0.6


def test_complaints_in_the_labelled_set_are_found_and_sorted():
    scores = score(LABELLED)
    print("\n" + report({"labelled": scores}))
    assert scores.recall >= 0.95 and scores.precision >= 0.90, scores.mistakes
    assert scores.reason_accuracy >= 0.85, scores.mistakes


def test_the_holdout_the_rules_were_not_tuned_on_does_not_get_worse():
    # Fresh wording is where word lists fall short: today recall is 0.29 at precision 0.90 on these 46 messages,
    # far from the 0.90 aimed at (see bench/complaint_accuracy.py). This guards what is reached, so that a rule
    # change that loses ground fails here; raise the bar as the rules grow.
    scores = score(HOLDOUT)
    print("\n" + report({"holdout": scores}))
    assert scores.recall >= 0.25 and scores.precision >= 0.85, scores.mistakes


@pytest.mark.parametrize(
    "text, reason",
    [
        ("快递一个星期了还没收到", "物流"),
        ("杯子收到就是碎的", "品控"),
        ("要的白色给我发成了黑色", "发错货"),
        ("申请退款三天了钱还没到账", "退款"),
        ("客服一直不回消息", "服务"),
        ("给你们差评", "其他"),
    ],
)
def test_each_reason_is_recognised_in_a_plain_sentence(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize(
    "text, reason",
    [
        ("杯子碎了，我要退款", "品控"),  # what went wrong decides, not what the member asks for
        ("我要退款", "退款"),  # ... unless nothing went wrong is named
        ("质量太差，差评", "品控"),
        ("发错了还不理人", "发错货"),  # priority: the wrong item comes before the unanswered member
        ("退款到现在还没收到", "退款"),  # a stuck refund, not a parcel that has not arrived
    ],
)
def test_one_reason_is_chosen_when_several_are_named(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "质量一点都不差",
        "没有质量问题，就是颜色不喜欢",
        "不是投诉，问问上新",
        "质量很好，没有任何问题",
        "收到了，包装很好，没破损",
        "没有发错，谢谢老板",
        "已经收到了，很快！",
        "还没收到优惠券的通知也没关系",
        "会不会掉色啊？",
        "退货流程是怎样的？我先问问",
        "我朋友说要给别家差评，还是你家好",
        "上次那个破损的已经给我补发了，谢谢",
        "不好意思，刚才发错群了",
        "洗了几次，不掉色不起球，很满意",  # praise that names a problem to deny it
        "是我自己弄错尺码了，能换一个吗",  # the member's own slip
        "质量问题的话运费谁出？",
    ],
)
def test_praise_negations_questions_and_other_shops_are_not_complaints(text):
    assert classify(text) is None


# False alarms of the rules on the training and validation data (handlers/complaint_data/README.md, fifth round),
# in new wording: the rules answer these, whatever the model says.
@pytest.mark.parametrize(
    "text",
    [
        "过年了快递都慢，正常",  # couriers everywhere
        "家里网又卡了",  # the network, not the shop
        "一个烂的都没有",  # the problem denied after it is named
        "外箱压扁了，里面东西好好的",  # the damage stopped at the box
        "差评：太好吃了，又没了😂",  # a joke
        "我要退群（开玩笑）",
        "券过期了还能用不",  # what the member may still do
        "放坏了，不怪你们",  # the member clears the shop
        "之前漏了一瓶，你们很快补发了，满意",
        "等了一周，不过值得",
    ],
)
def test_gripes_about_others_jokes_and_problems_waved_away_are_not_complaints(text):
    assert classify(text) is None


@pytest.mark.parametrize(
    "text, reason",
    [("外箱压扁了，里面的杯子碎了", "品控"), ("袋子一拉就破", "品控"), ("快递都停了三天了，还不发", "物流")],
)
def test_the_same_words_with_a_problem_of_the_shop_are_still_complaints(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize(
    "text, reason",
    [
        ("發錯貨了，我要的是大號", "发错货"),
        ("快遞還沒到", "物流"),
        ("退貨退款怎麼還沒處理", "退款"),
        ("辣鸡，不推荐", "其他"),
    ],
)
def test_traditional_characters_and_common_typos_are_read(text, reason):
    assert classify(text) == reason


def test_the_rules_are_data_that_can_be_extended(tmp_path):
    extended = tmp_path / "complaints.toml"
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    extended.write_text(text.replace('"发错货" = [\n', "\"发错货\" = [\n  '串货',\n", 1), encoding="utf-8")
    assert classify("怎么串货了") is None
    assert load_rules(extended).classify("怎么串货了") == "发错货"


@pytest.mark.parametrize(
    "change, complaint",
    [
        (('priority = ["发错货"', 'priority = ["发错"'), "unknown complaint reason"),
        ((', "其他"]', "]"), "missing from priority"),
        (("{duration}", "{durations}"), "does not define"),
    ],
)
def test_a_broken_rules_file_is_refused_with_the_reason(tmp_path, change, complaint):
    broken = tmp_path / "complaints.toml"
    broken.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(complaint)):
        load_rules(broken)


# The detector as the bot runs it (rules, then the model). These texts are kept out of the model's data
# (handlers/complaint_data/README.md, fourth round), so the model cannot answer them from memory.
@pytest.mark.parametrize(
    "text",
    [
        "@小店助手 包邮条件",  # as the console and replay scripts write a mention
        "退货运费谁出？",
        "退货咋弄",
        "几天到",
        "你好，会员日在哪天呢",
        "闪购是几点呀",
    ],
)
def test_short_questions_for_the_faq_are_not_complaints(text):
    assert detect(text) is None


FREIGHT = "/faq add 运费,邮费 满99元包邮"


# In doubt since complaints like "我的快递呢？" and "运费怎么又收了一次？" were learned: never an apology in public.
@pytest.mark.parametrize("text, entry", [
    ("运费呢？", FREIGHT),
    ("运费多少呢？", FREIGHT),
    ("@小店助手\u2005说一下运费", FREIGHT),  # as WeChat writes a mention of the bot
    ("券怎么使用？", "/faq add 优惠券 下单时自动抵扣，每单一张 例：券怎么用"),
])
def test_a_short_question_the_detector_is_in_doubt_about_gets_the_faq_answer_and_asks_the_owner_nothing(text, entry):
    assert detect(text).band == "doubt"
    mentions = {"mentions": [BOT]} if text.startswith("@") else {}
    sent = replay_events(shop() + [say("2026-11-25 10:00", OWNER, entry, room=None),
                                   say("2026-11-25 10:01", "wxid_a", text, **mentions)], until="2026-11-25 10:05")
    assert [m["kind"] for m in sent] == ["command_reply", "faq_answer"]
    no_entry = replay_events(shop() + [say("2026-11-25 10:01", "wxid_a", text, **mentions)], until="2026-11-25 10:05")
    assert [m["kind"] for m in no_entry] == ["complaint_doubt"], "without an answer the owner is asked, privately"


def test_a_doubt_the_faq_would_not_answer_in_the_group_still_goes_to_the_owner():
    """An entry's keyword is in "这运费也太离谱了", but said to the group it asks nothing (no question's marks, and the
    question model does not read it as asking the shop), so the FAQ does not answer it there: the owner is asked,
    or nobody would hear of it."""
    text = "这运费也太离谱了"
    assert detect(text).band == "doubt" and not is_shop_question(text)
    sent = replay_events(shop() + [say("2026-11-25 10:00", OWNER, FREIGHT, room=None),
                                   say("2026-11-25 10:01", "wxid_a", text)], until="2026-11-25 10:05")
    assert [m["kind"] for m in sent] == ["command_reply", "complaint_doubt"]


@pytest.mark.parametrize(
    "text",
    ["运费怎么又收了一次？", "怎么还没发货？都一周了", "包邮的东西怎么收了我十块运费？", "退款呢？都半个月了"],
)
def test_complaints_asked_as_questions_are_still_complaints(text):
    assert detect(text) is not None


@pytest.mark.parametrize("text", ["一箱梨一只烂的也没有", "鸡蛋一个碎的都没有哦"])
def test_a_problem_denied_after_it_is_no_complaint(text):
    assert classify(text) is None


@pytest.mark.parametrize("text, reason", [
    ("杯子碎了一个，都没人管", "品控"), ("快递还没到，也没人回", "物流"), ("漏了一瓶也没补发", "品控"),
])
def test_a_negation_after_a_problem_that_does_not_deny_it_keeps_the_complaint(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize("text", ["收到的毛巾不干净", "这盘子不干净", "手机一直卡，不停地卡", "屏幕不断闪"])
def test_a_word_that_only_looks_like_a_denied_problem_is_still_a_complaint(text):
    """干 of 不干净, 停 of 不停: the bare problem characters inside other words are not denied problems."""
    assert "〇" not in RULES.read(text)


@pytest.mark.parametrize("text", [
    "我家洗衣机漏水了，下午师傅来修",  # a thing the shop never sold
    "用了三年的锅掉漆了，再买一个",  # worn out over years
    "是我自己填错了手机号，所以一直没收到",  # the member's own slip, owned
    "破了一个角，团长二话不说就补发了，靠谱",  # settled, said with praise rather than thanks
    "掉毛？不存在的，洗了好几次了",  # the problem denied after it
    "我闺蜜寄给我的包裹丢了，快递公司在查",  # someone else's parcel
    "各家快递都卡在中转站了，等等吧",  # couriers everywhere
    "举报！团长又上新了，钱包扛不住",  # a joke about spending
    "我要退款——开玩笑的，好吃得很",  # a joke owned as one
    "问了半天才选好尺码，客服超有耐心",  # praise after the long talk
    "这速度，昨天下单今天就到，太快了",
    "过敏体质的人能用吗",  # a skin type, asked about
    "以后坏了去哪里修",  # what to do if it ever happens
    "香肠放了一周也没发霉",  # 发霉 is no 没发(货)
])
def test_the_rules_own_words_in_talk_that_is_no_complaint(text):
    assert classify(text) is None


@pytest.mark.parametrize("text, reason", [
    ("我没弄错，是你们发错了颜色", "发错货"), ("客服把我拉黑了", "服务"), ("都第五天了还在路上呢", "物流"),
    ("被坑了，洗一次就缩水", "品控"),
])
def test_complaints_in_the_same_words_are_still_found(text, reason):
    assert classify(text) == reason


def test_the_owner_told_of_a_complaint_or_asked_about_one_sees_what_the_member_wrote_just_before(shop_bot):
    """"要么补个新的 要么退钱" says what it is about only beside the line before it: the owner gets both."""
    bot = shop_bot("2026-11-25 10:00")
    wang, li = bot.member("小王"), bot.member("小李")
    wang.says("早上好", room="普通会员群")
    bot.advance(minutes=35)  # more than half an hour before: another conversation
    wang.says("围巾今天到了", room="普通会员群")  # "上周买的围巾今天到了" is itself in doubt since round 36
    li.says("我的也到了", room="普通会员群")
    bot.advance(minutes=20)  # a member waiting for an answer may take a while to say what is wrong
    asked, = wang.says("这运费也太离谱了", room="普通会员群")
    assert asked["kind"] == "complaint_doubt" and asked["to"] == OWNER
    assert asked["text"].splitlines()[1] == "（之前：“围巾今天到了”）", "小王's line, not 小李's nor the old one"
    bot.advance(hours=2)
    zhang = bot.member("小张")
    zhang.says("我买了两个杯子", room="普通会员群")
    zhang.says("[图片]", room="普通会员群")
    sent = zhang.says("杯子收到是碎的，质量太差了", room="普通会员群") + bot.advance(minutes=1)
    alert, = [m for m in sent if m["kind"] == "complaint_alert"]
    assert "（之前：“我买了两个杯子”、“[图片]”）" in alert["text"]
    assert "之前" not in next(m for m in sent if m["kind"] == "complaint_ack")["text"], "the group sees no more"


def test_the_owner_asked_about_a_line_soon_after_closing_that_members_complaint_is_told_it_was_closed(shop_bot):
    """After /resolve, the member's "店主回我了 说明天补寄 行吧 那就这样" reads as a complaint again, and is most often
    how it was settled: the question says that complaint was closed and when. It is still asked (it may be a new
    problem), and a member with no complaint closed lately, or one closed days ago, gets the question as before."""
    bot = shop_bot("2026-11-25 10:00")
    wang, li = bot.member("小王"), bot.member("小李")
    wang.says("杯子收到是碎的，质量太差了", room="普通会员群")
    bot.advance(minutes=20)
    bot.owner.says("/resolve 1 补发")
    bot.advance(hours=2)
    asked, = wang.says("这运费也太离谱了", room="普通会员群")
    assert asked["kind"] == "complaint_doubt" and "小王的投诉 #1 今天10:20已结案。" in asked["text"]
    li.says("这运费也太离谱了", room="普通会员群")
    bot.advance(days=3, hours=1)  # closed over three days ago, and no night has learned from the silence yet
    wang.says("这运费也太离谱了", room="普通会员群")
    bot.advance(minutes=1)
    later = bot.texts(kind="complaint_doubt")[1:]
    assert [text.split("说")[0] for text in later] == ["可能是投诉（待确认 2）：小李在「普通会员群」",
                                                       "可能是投诉（待确认 3）：小王在「普通会员群」"]
    assert not any("已结案" in text for text in later)


def test_a_complainants_next_line_that_says_little_alone_joins_the_complaint(shop_bot):
    """"还在揽件" alone is no complaint; after "下单五天了 还没发" it is the same one: gathered under it, no second
    alert, and the owner's reminder counts it."""
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says("下单五天了 还没发", room="普通会员群")
    wang.says("还在揽件", room="普通会员群")
    bot.advance(minutes=50)
    assert len(bot.sent(kind="complaint_alert")) == 1 and not bot.sent(kind="complaint_doubt")
    reminder, = bot.texts(kind="complaint_reminder")
    assert "顾客又补充了 1 条消息：“还在揽件”。" in reminder


def test_a_line_sure_alone_but_not_after_the_members_lines_before_is_asked_about_rather_than_apologised_for(shop_bot):
    """"用了一次就坏了 插上没反应" reads as a complaint about what the shop sold; after "我家那位昨天网购了个电饭煲" and
    "别家买的" it is about another shop's rice cooker. The group sees no apology, and the owner is asked."""
    bot = shop_bot("2026-11-25 10:00")
    wang, li = bot.member("小王"), bot.member("小李")
    wang.says("我家那位昨天网购了个电饭煲", room="普通会员群")
    wang.says("别家买的", room="普通会员群")
    asked, = wang.says("用了一次就坏了 插上没反应", room="普通会员群")
    assert asked["kind"] == "complaint_doubt" and asked["to"] == OWNER
    assert asked["text"].startswith("很可能是投诉") and "（之前：“我家那位昨天网购了个电饭煲”、“别家买的”）" in asked["text"]
    sent = li.says("用了一次就坏了 插上没反应", room="普通会员群") + bot.advance(minutes=1)
    assert [m["kind"] for m in sent if m["room"]] == ["complaint_ack"], "the same words alone: acknowledged at once"
