"""The owner corrects the complaint detector in chat: /complaint opens one it missed, /notcomplaint withdraws a false
alarm; both are kept with the member's text and train the model at the next start and every night, where a model
that does worse on the frozen test split is not taken."""

import pytest

from core import learning
from core.context import Context
from core.learning import Example
from core.store import open_store
from handlers import complaint_detection, complaint_reasons
from tests.conftest import OWNER
from tests.test_media import png

MISSED = "这回的没有上次的好吃"  # the rules and the model let it pass (asserted below)
FALSE_ALARM = "电影院的座位是坏的 质量太差了 退钱"  # about a cinema, not the shop: the detector is sure it is a complaint; the owner says it is not


def kinds(sent):
    return [(m["kind"], m["to"], m["at"][11:16]) for m in sent]


@pytest.fixture(autouse=True)
def base_model_afterwards():
    """A test that trains with corrections leaves the model trained on the data alone for the next test."""
    yield
    complaint_detection.LEARNER.reset()


def test_a_missed_complaint_opened_by_the_owner_is_acknowledged_reminded_and_flagged_like_a_detected_one(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    bot = shop_bot("2026-11-25 10:00", db_path=db_path)
    wang = bot.member("小王")
    assert wang.says(MISSED, room="普通会员群") == []
    bot.advance(minutes=5)
    bot.owner.says("/complaint @小王 品控")
    bot.owner.says("/complaint @小王 品控 1")
    bot.owner.says("/complaints")
    bot.advance(hours=2)
    assert kinds(bot.sent()) == [
        ("command_reply", OWNER, "10:05"),  # the owner's answers in private first: the messages to pick from,
        ("complaint_alert", OWNER, "10:05"),  # the complaint the pick opened,
        ("command_reply", OWNER, "10:05"),  # and /complaints
        ("complaint_ack", wang.id, "10:05"),
        ("complaint_reminder", OWNER, "10:50"),
        ("complaint_overdue", OWNER, "11:05"),
    ]
    alert, listing, ack = bot.sent()[1:4]
    assert ack["room"] == bot.room_id("普通会员群"), "acknowledged where the member wrote it"
    assert "#1" in alert["text"] and "品控" in alert["text"] and "没有上次的好吃" in alert["text"]
    assert "#1 小王" in listing["text"]
    store = open_store(db_path)
    assert [(r["text"], r["is_complaint"], r["complaint"]) for r in store["complaint_corrections"].rows] == [(MISSED, 1, 1)]


def test_complaint_lists_the_members_last_messages_and_files_only_the_one_the_owner_picks(shop_bot):
    bot = shop_bot("2026-11-24 15:20", groups={"普通会员群": ["陈姐", "小王"]})
    chen = bot.member("陈姐")
    chen.says("请问满多少包邮？", room="普通会员群")
    bot.advance_to("2026-11-25 10:05")
    chen.sends_picture(png(), room="普通会员群")
    bot.member("小王").says("我的也是", room="普通会员群")
    bot.owner.says("/complaint @陈姐 品控")
    bot.advance(minutes=1)
    assert bot.sent(to="陈姐") == [], "nothing goes to the member before the owner picks"
    assert bot.texts(kind="command_reply")[-1] == (
        "陈姐最近的消息（新的在前）：\n"
        "1. 今天10:05在「普通会员群」：[图片]\n"
        "2. 昨天15:20在「普通会员群」：“请问满多少包邮？”\n"
        "要记为投诉的是哪一条？请回复 /complaint @陈姐 品控 编号，例如 /complaint @陈姐 品控 1。您选定之前，顾客不会收到任何消息。")
    chen.says("快点处理", room="普通会员群")  # a message meanwhile shifts no number
    bot.owner.says("/complaint @陈姐 品控 1")
    bot.owner.says("/complaints")
    bot.advance(minutes=1)
    assert [m["kind"] for m in bot.sent(to="陈姐")] == ["complaint_ack"]
    assert "新投诉 #1（品控）：陈姐在「普通会员群」说：“[图片]”" in bot.texts(kind="complaint_alert")[0]
    assert "附图 1 张" in bot.texts(kind="command_reply")[-1]
    assert complaint_detection.corrections(Context(bot.assistant).db) == [], "a picture has no words to learn from"


def test_complaint_with_a_number_but_no_listing_or_beyond_it_asks_again(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("杯子有点问题", room="普通会员群")
    bot.owner.says("/complaint @小王 1")
    bot.owner.says("/complaint @小王")
    bot.owner.says("/complaint @小王 3")
    bot.advance(minutes=1)
    replies = bot.texts(kind="command_reply")
    assert replies[0].startswith("抱歉，请先发 /complaint @小王，看过最近的消息再选编号。")
    assert replies[2].startswith("抱歉，消息编号只有 1 到 1。")
    assert bot.sent(kind="complaint_ack") == []


def test_complaint_says_so_for_a_member_with_an_open_complaint_or_who_never_wrote(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("买的杯子收到就是碎的，质量太差了", room="普通会员群")
    bot.member("小李")
    bot.advance(minutes=1)
    for command in ("/complaint @小王", "/complaint @小李", "/complaint @小王 快递"):
        bot.owner.says(command)
    bot.advance(minutes=5)
    assert bot.texts(kind="command_reply") == [
        "小王已有未结的投诉 #1，没有再开新的；/complaints 查看。",
        "没有找到小李最近的消息，无法记为投诉：等对方发来消息后再记。",
        "抱歉，原因只能是 物流、品控、发错货、退款、服务、其他。用法：/complaint @昵称 [物流|品控|发错货|退款|服务|其他] [消息编号]",
    ]
    assert len(bot.sent(kind="complaint_alert")) == 1


def test_notcomplaint_stops_the_reminders_tells_the_member_nothing_and_leaves_the_week_figures(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    bot = shop_bot("2026-11-25 10:00", db_path=db_path)
    bot.member("小王").says(FALSE_ALARM, room="普通会员群")
    bot.advance(minutes=10)
    bot.owner.says("/不是投诉 1")
    bot.owner.says("/notcomplaint 1")
    bot.owner.says("/complaints week")
    bot.owner.says("/status")
    bot.advance(hours=2)
    assert [kind for kind, _, _ in kinds(bot.sent())] == ["complaint_ack", "complaint_alert"] + ["command_reply"] * 4
    withdrawn, again, week, status = bot.texts(kind="command_reply")
    assert withdrawn == "已撤销投诉 #1（小王）：不再提醒，也不计入统计；会用来改进投诉识别。"
    assert again == "抱歉，投诉 #1 已撤销（不是投诉）。", "typed right, done already: the reason alone, no usage"
    assert "投诉共 1 条" not in week and "没有未结的投诉" in status
    store = open_store(db_path)
    assert [(r["text"], r["is_complaint"]) for r in store["complaint_corrections"].rows] == [(FALSE_ALARM, 0)]


def test_an_apology_still_queued_when_the_owner_withdraws_the_complaint_never_goes_out(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("买的杯子收到就是碎的，质量太差了", room="普通会员群")
    bot.member("小李").says("等了十天还没发货，我要投诉", room="普通会员群")  # its apology waits behind the first's
    sent = bot.owner.says("/notcomplaint 2") + bot.advance(minutes=5)
    assert [(m["kind"], m["to"]) for m in sent if m["kind"] == "complaint_ack"] == [], "小李 is not apologised to"
    assert "已撤销投诉 #2（小李）" in bot.texts(kind="command_reply")[0]


def test_a_false_alarm_withdrawn_is_no_longer_taken_for_a_complaint_after_a_restart(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    before = shop_bot("2026-11-25 10:00", db_path=db_path)
    before.member("小王").says(FALSE_ALARM, room="普通会员群")
    before.owner.says("/notcomplaint 1")
    after = shop_bot("2026-11-25 11:00", db_path=db_path)
    after.member("小李").says(FALSE_ALARM, room="普通会员群")
    after.owner.says("/status")
    after.advance(minutes=5)
    assert after.sent(kind="complaint_ack") == []
    assert "投诉识别：模型今天11:00训练，含您的 1 条纠正" in after.texts(kind="command_reply")[-1]


def test_the_nightly_training_takes_the_days_corrections(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(FALSE_ALARM, room="普通会员群")
    bot.owner.says("/notcomplaint 1")
    assert complaint_detection.detect(FALSE_ALARM) is not None, "not before the night"
    bot.advance_to("2026-11-26 09:00")
    bot.owner.says("/status")
    bot.advance(minutes=5)
    assert complaint_detection.detect(FALSE_ALARM) is None
    assert "投诉识别：模型今天4:30训练，含您的 1 条纠正" in bot.texts(kind="command_reply")[-1]


def test_a_model_worse_on_the_frozen_split_is_not_taken(shop_bot, monkeypatch):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(FALSE_ALARM, room="普通会员群")
    bot.owner.says("/notcomplaint 1")
    in_use = complaint_detection.current_model()
    monkeypatch.setattr(learning, "not_worse", lambda task, candidate, in_use: False)
    bot.advance_to("2026-11-26 09:00")
    bot.owner.says("/status")
    bot.advance(minutes=5)
    assert complaint_detection.current_model() is in_use
    assert complaint_detection.detect(FALSE_ALARM) is not None
    assert "投诉识别：模型昨天10:00训练" in bot.texts(kind="command_reply")[-1]


def test_the_gate_takes_one_sensible_correction_and_refuses_a_run_of_chat_called_complaints():
    """The gate itself, on the frozen split: one correction moves a few of its texts by chance, either way, and must
    not be refused for that; fifteen everyday messages the owner called complaints make the model flag more chat
    (core/learning.py F1_GIVEN_UP: with rounds 1 to 34 in the data, ten are not enough)."""
    base = complaint_detection.LEARNER.base()
    sensible = complaint_detection.LEARNER.trained_with([Example(FALSE_ALARM, False)])
    absurd = complaint_detection.LEARNER.trained_with([Example(text, True) for text in (
        "今天天气不错 出去走走", "哈哈哈 笑死我了", "谢谢老板 收到了", "早上好各位", "收到啦 很喜欢", "周末愉快", "晚安",
        "好的 谢谢", "这个颜色好看", "我也买了一个", "吃饭了吗", "明天见", "好的 收到", "我家孩子也喜欢", "周末去公园了")])
    assert complaint_detection.not_worse(sensible, base) and sensible.band(FALSE_ALARM) is None
    assert not complaint_detection.not_worse(absurd, base)


def test_a_complaint_opened_then_withdrawn_trains_as_the_owners_last_word(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(MISSED, room="普通会员群")
    bot.owner.says("/complaint @小王")
    bot.owner.says("/complaint @小王 1")
    bot.owner.says("/notcomplaint 1")
    examples = complaint_detection.corrections(Context(bot.assistant).db)
    assert [(e.text, e.label) for e in examples] == [(MISSED, False)]


def test_a_night_without_new_corrections_does_not_train_the_same_model_again(shop_bot, monkeypatch):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(FALSE_ALARM, room="普通会员群")
    bot.owner.says("/notcomplaint 1")
    trainings = []
    trained = learning.train
    monkeypatch.setattr(learning, "train", lambda task, extra=(), bands=None: trainings.append(len(extra))
                        or trained(task, extra, bands))
    bot.advance_to("2026-11-28 09:00")
    assert trainings == [1], "once, on the first night"
    assert complaint_detection.detect(FALSE_ALARM) is None


def test_corrections_the_gate_refuses_are_not_learned_and_the_owner_is_told_once(shop_bot, monkeypatch):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(FALSE_ALARM, room="普通会员群")
    bot.owner.says("/notcomplaint 1")
    # Whether a model is worse on the frozen split is the gate's own tests' concern; here it says so.
    monkeypatch.setattr(learning, "not_worse", lambda *args: False)
    bot.advance_to("2026-11-27 09:00")  # two nights, each training with the same correction
    told = bot.texts(kind="correction_not_taken")
    assert len(told) == 1 and "1 条投诉纠正" in told[0] and "没有用来改进识别" in told[0]
    assert complaint_detection.detect(FALSE_ALARM).band == "sure", "the model in use stays"
    bot.owner.says("/status")
    bot.advance(minutes=5)
    assert "含您的" not in bot.texts(kind="command_reply")[-1], "/status does not claim the correction was taken"


def test_a_missed_complaint_filed_without_a_reason_gets_the_one_its_words_say(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(MISSED, room="普通会员群")
    bot.owner.says("/complaint @小王")
    bot.owner.says("/complaint @小王 1")
    bot.advance(minutes=1)
    assert complaint_detection.RULES.classify(MISSED) is None, "the rules would have filed it as 其他"
    assert bot.texts(kind="complaint_alert")[0].startswith("新投诉 #1（品控）：小王在「普通会员群」说：“这回的没有上次的好吃”")
    assert complaint_reasons.corrections(Context(bot.assistant).db) == [], "the reason is the models' own"


def test_a_missed_complaint_filed_with_a_reason_teaches_the_reason_models(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(MISSED, room="普通会员群")
    bot.owner.says("/complaint @小王")
    bot.owner.says("/complaint @小王 服务 1")
    assert complaint_reasons.corrections(Context(bot.assistant).db) == [(MISSED, "服务")]


def test_the_owner_changes_a_complaints_reason_open_or_closed_and_the_weeks_sums_follow(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("买的杯子收到就是碎的，质量太差了", room="普通会员群")
    bot.advance(minutes=1)
    assert "新投诉 #1（品控）" in bot.texts(kind="complaint_alert")[0]
    for command in ("/reason 1 物流", "/complaints week", "/resolve 1 补发", "/改原因 1 物流", "/reason 1 快递",
                    "/reason 1", "/reason 2 物流", "/reason", "/reason 1 服务 谢谢"):
        bot.owner.says(command)
    bot.advance(minutes=5)
    replies = bot.texts(kind="command_reply")
    assert replies[0] == "投诉 #1（小王）的原因已从品控改为物流：每周汇总按新原因统计，以后类似的投诉识别得更准。"
    assert "物流 1" in replies[1] and "品控" not in replies[1]
    assert replies[3] == "投诉 #1（小王）的原因本来就是物流。", "a closed complaint still counts in the week"
    assert replies[4].startswith("抱歉，请写一个原因（物流、品控、发错货、退款、服务、其他），例如 /reason 1 物流")
    assert replies[5] == replies[4]
    assert replies[6].startswith("抱歉，没有编号为 2 的投诉")
    assert replies[7].startswith("抱歉，请写明投诉编号")
    assert replies[8].startswith("抱歉，只需要编号和一个原因，后面的“谢谢”请去掉"), "and the reason stays 物流"
    assert complaint_reasons.corrections(Context(bot.assistant).db) == [("买的杯子收到就是碎的，质量太差了", "物流")]


def test_a_withdrawn_complaint_has_no_reason_to_change(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("买的杯子收到就是碎的，质量太差了", room="普通会员群")
    bot.owner.says("/notcomplaint 1")
    bot.owner.says("/reason 1 物流")
    bot.advance(minutes=5)
    assert bot.texts(kind="command_reply")[-1].startswith("抱歉，投诉 #1 已撤销（不是投诉）")
    assert complaint_reasons.corrections(Context(bot.assistant).db) == []


def test_after_the_night_a_complaint_like_one_the_owner_refiled_gets_the_owners_reason(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("这包装也太简陋了吧 送人拿不出手", room="普通会员群")
    bot.owner.says("/是投诉 1")  # the rules name no problem in it: the owner is asked
    bot.owner.says("/reason 1 其他")  # this shop files plain packaging as 其他, the readers as 品控
    alike = "包装太简陋了 送人都不好意思"
    assert complaint_detection.detect(alike).reason == "品控", "not before the night"
    bot.advance_to("2026-11-26 10:00")
    bot.member("小李").says(alike, room="普通会员群")
    bot.owner.says("/是投诉 2")
    bot.owner.says("/status")
    bot.advance(minutes=1)
    alerts = bot.texts(kind="complaint_alert")
    assert "新投诉 #1（品控）" in alerts[0] and "新投诉 #2（其他）：小李" in alerts[1]
    assert "；原因识别含您改过的 1 条原因" in bot.texts(kind="command_reply")[-1]


def test_owners_reasons_that_would_make_the_reasons_worse_are_not_learned_and_the_owner_is_told_once(shop_bot,
                                                                                                     monkeypatch):
    monkeypatch.setattr(complaint_reasons, "AGREEMENT_GIVEN_UP", -1.0)  # every retrained model counts as worse
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says("这包装也太简陋了吧 送人拿不出手", room="普通会员群")
    bot.owner.says("/是投诉 1")
    bot.owner.says("/reason 1 其他")
    bot.advance_to("2026-11-27 10:00")  # two nights
    told = bot.texts(kind="correction_not_taken")
    assert told == ["您改过的 1 条投诉原因（/reason）这次没有用来改进原因识别：用它们训练出的模型在固定测试集上差了不少，"
                    "机器人仍按原来的方式判断原因（您改过的投诉仍按您改的原因统计）。请看看最近改的原因有没有弄错的。"]
    assert complaint_detection.detect("包装太简陋了 送人都不好意思").reason == "品控"
