"""Complaint detection on the labelled sets: recall >= 0.95 at precision >= 0.90 (figures: bench/complaint_accuracy.py)."""

import pytest

from bench.complaint_accuracy import FIXTURES, score
from handlers.complaint_rules import DEFAULT_RULES, classify, load_rules


def test_labelled_set_recall_and_precision():
    scores = score(FIXTURES / "complaints_labelled.jsonl")
    assert scores.messages >= 100 and scores.complaints >= scores.messages * 0.45
    assert scores.recall >= 0.95 and scores.precision >= 0.90, scores.misses
    assert scores.reason_accuracy >= 0.85, scores.misses


def test_held_out_messages_the_rules_were_not_written_on():
    scores = score(FIXTURES / "complaints_holdout.jsonl")
    assert scores.recall >= 0.90 and scores.precision >= 0.85, scores.misses


@pytest.mark.parametrize(
    "text, reason",
    [
        ("快递一个星期了还没收到", "物流"),
        ("杯子收到就是碎的", "品控"),
        ("要的白色给我发成了黑色", "发错货"),
        ("申请退款三天了钱还没退", "退款"),
        ("客服一直不回消息", "服务"),
        ("给你们差评", "其他"),
        ("杯子碎了，我要退款", "品控"),  # the root cause comes before what the member asks for
    ],
)
def test_each_reason_is_recognised(text, reason):
    assert classify(text) == reason


@pytest.mark.parametrize(
    "text",
    ["质量一点都不差", "没有质量问题，就是颜色不喜欢", "不是投诉，问问上新", "包装很好，没有破损", "可以退货吗？", "一点也不后悔"],
)
def test_praise_negations_and_neutral_questions_are_not_complaints(text):
    assert classify(text) is None


def test_the_rules_are_data_that_can_be_extended(tmp_path):
    rules = tmp_path / "complaints.toml"
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace('"发错", ', '"发错", "串货", ')
    rules.write_text(text, encoding="utf-8")
    assert classify("怎么串货了") is None
    assert load_rules(rules).classify("怎么串货了") == "发错货"


def test_an_unknown_reason_in_the_rules_is_refused(tmp_path):
    rules = tmp_path / "complaints.toml"
    rules.write_text(DEFAULT_RULES.read_text(encoding="utf-8").replace('"其他"]', '"其它"]', 1), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown complaint reason"):
        load_rules(rules)
