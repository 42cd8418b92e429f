"""The complaint model: its data, its direct scorer, complaints the rules miss, and the rules alone when it cannot
be trained. Its precision and recall are figures of bench/complaint_accuracy.py, not asserted here."""

import re
import unicodedata

import pytest

from handlers import complaint_detection
from handlers.complaint_model import DATA, TEST, TRAIN, VALIDATION, fit, read_examples, without_mentions
from tests.conftest import OWNER, replay_events, say, shop

HARD_NEGATIVES = {"question_delivery", "question_refund_policy", "praise_negword", "joke", "general_gripe",
                  "settled_worry_self"}
IMPLICIT = {"wrong_colour_size", "missing_parts", "coupon_price", "fees", "delivery_left_crushed", "repeat", "sarcasm"}


def normalised(text: str) -> str:
    text = complaint_detection.RULES.spelling.normalise(unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[\W_]+", "", re.sub(r"\d+", "0", text))


@pytest.fixture
def without_model_data(monkeypatch, tmp_path):
    """The model's data gone: the next start trains nothing. The trained model is restored afterwards."""
    monkeypatch.setattr(complaint_detection, "DATA", tmp_path / "missing")
    complaint_detection.base_model.cache_clear()
    yield
    complaint_detection.base_model.cache_clear()


def test_the_training_data_is_large_varied_and_apart_from_the_frozen_split():
    learning = read_examples(DATA / TRAIN) + read_examples(DATA / VALIDATION)
    frozen = read_examples(DATA / TEST)
    categories = {e.category for e in learning}
    assert len(learning) >= 1500 and len(frozen) >= 300
    assert sum(e.complaint for e in learning) >= 0.4 * len(learning)
    assert sum(not e.complaint and e.category in HARD_NEGATIVES for e in learning) >= 0.3 * len(learning)
    assert IMPLICIT <= categories
    texts = [normalised(e.text) for e in learning + frozen]
    assert len(set(texts)) == len(texts), "near-duplicates, within or across the splits"


def test_the_direct_scorer_equals_predict_proba_on_the_whole_frozen_split():
    model = complaint_detection.current_model()
    training = read_examples(DATA / TRAIN)
    pipeline = fit([model.normalise(e.text) for e in training], [e.complaint for e in training])
    texts = [model.normalise(e.text) for e in read_examples(DATA / TEST)]
    expected = pipeline.predict_proba(texts)[:, 1]
    assert max(abs(model.scorer.probability(text) - p) for text, p in zip(texts, expected)) < 1e-9


@pytest.mark.parametrize("text", ["发来的比图片小一半", "耍人呢", "券没用上，多付了十块", "同样的毛病第二次了", "运费收了我二十，说好包邮"])
def test_complaints_without_the_rules_words_are_found_and_filed_as_other(text):
    assert complaint_detection.RULES.classify(text) is None
    assert complaint_detection.detect(text) == "其他"


@pytest.mark.parametrize("text", ["几点发货呀", "今天天气真好", "收到了，谢谢老板", "味道很好闻，一点不刺鼻"])
def test_questions_chat_and_praise_are_not_complaints(text):
    assert complaint_detection.detect(text) is None


def test_the_rules_still_give_the_reason():
    assert complaint_detection.detect("快递一个星期了还没收到") == "物流"
    assert complaint_detection.detect("要的白色给我发成了黑色") == "发错货"


def test_a_member_complaint_the_rules_miss_is_acknowledged_and_the_owner_alerted():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "拍的杏色，来了件灰的，耍人呢")],
                         until="2026-11-25 10:10")
    assert [(m["kind"], m["to"]) for m in sent] == [("complaint_ack", "wxid_a"), ("complaint_alert", OWNER)]
    assert "其他" in sent[1]["text"]


def test_without_its_data_the_bot_runs_on_the_rules_and_tells_the_owner_at_start(without_model_data):
    sent = replay_events(
        shop()
        + [
            say("2026-11-25 10:00", "wxid_a", "拍的杏色，来了件灰的，耍人呢"),
            say("2026-11-25 10:05", "wxid_b", "快递一个星期了还没收到"),
        ],
        until="2026-11-25 10:10",
    )
    assert [(m["kind"], m["to"]) for m in sent] == [
        ("complaint_model_missing", OWNER),
        ("complaint_ack", "wxid_b"),
        ("complaint_alert", OWNER),
    ]
    assert sent[0]["text"] == "投诉识别模型未加载，暂用关键词规则。"


def test_unreadable_data_names_the_line(tmp_path):
    (tmp_path / TRAIN).write_text('{"text": "快递没到", "complaint": true}\n{"text": 没引号}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"train.jsonl:2"):
        read_examples(tmp_path / TRAIN)


@pytest.mark.parametrize("typed, read", [
    ("@小店助手\u2005运费多少", "运费多少"),  # WeChat: the nickname, then U+2005
    ("好的@小王\u2005@Anna Li\u2005运费呢", "好的 运费呢"),  # anywhere in the text, a nickname with a space
    ("@小店助手 包邮条件", "包邮条件"),  # the console and replay scripts: "@name "
    ("@了好几次都不搭理", "@了好几次都不搭理"),  # no separator: words, not a mention
])
def test_mentions_are_taken_out_before_a_message_is_read(typed, read):
    assert without_mentions(typed) == read


@pytest.mark.parametrize("text", ["@差评师\u2005早上好", "@小店助手 ", ""])
def test_a_nickname_a_mention_alone_or_a_picture_is_no_complaint(text):
    assert complaint_detection.detect(text) is None


def test_the_model_is_trained_on_the_text_it_reads_a_mention_is_not_part_of_it():
    model = complaint_detection.current_model()
    assert model.normalise("@小店助手\u2005运费谁出?") == model.normalise("运费谁出？") == "运费谁出？"


@pytest.mark.parametrize("text", ["一个烂的都没有", "东西没有异味"])
def test_praise_that_names_a_problem_to_deny_it_is_no_false_alarm_of_the_model(text):
    assert complaint_detection.detect(text) is None


@pytest.mark.parametrize("typed, read", [
    ("快递没有破损，谢谢", "快递没有〇，谢谢"),  # a denied problem is one mark, whichever problem it was
    ("一点都不难吃", "一点都不〇"),
    ("一个烂的都没有", "。"),  # a phrase the rules blank out (not_a_complaint) is not read at all
    ("杯子碎了，没有破损的也有裂纹", "杯子碎了，没有〇的也有裂纹"),  # the problem not denied stays as it is
])
def test_the_model_reads_the_message_as_the_rules_do(typed, read):
    assert complaint_detection.current_model().normalise(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("锅用了半年，从没漏过", "锅用了半年，从没〇过"),  # the bare word: 漏 is a problem only as 漏了/漏的 in the rules
    ("箱子压得扁扁的，里头的蛋连壳都没裂", "箱子压得扁扁的，里头的蛋连壳都没〇"),
    ("一箱梨一只烂梨也没有", "一箱梨一只〇"),  # denied after it: the negation is part of the mark
    ("一点都不酸，很甜", "一点都不〇，很甜"),
])
def test_a_problem_named_bare_to_deny_it_is_read_as_denied(typed, read):
    assert complaint_detection.current_model().normalise(typed) == read


@pytest.mark.parametrize("typed", ["门把手坏过两次", "快递还没到，等了五天", "拖鞋不能穿，一穿就断了"])
def test_a_bare_problem_not_denied_and_real_complaints_with_a_negation_are_read_as_typed(typed):
    assert complaint_detection.current_model().normalise(typed) == typed
