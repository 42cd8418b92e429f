"""bench/readers.py measures the bot against the majority of three readers: its vote and its files must agree
with what the readers wrote, or the figures mean nothing."""

import pytest

from bench import readers


def row(text: str, kind: str) -> dict:
    return {"text": text, "kind": kind, "newcomer": False, "member": "a01"}


def test_a_message_is_a_complaint_when_two_readers_of_three_say_so():
    week = [row("杯子碎了", "complaint"), row("急着用的", "chat"), row("早上好", "chat"), row("在吗", "question"),
            row("说好的补发呢", "complaint")]
    second = ["complaint", "complaint", "chat", "complaint", "chat"]
    third = {"急着用的": True, "在吗": False, "说好的补发呢": True}
    assert [r["kind"] for r in readers.majority(week, second, third)] == [
        "complaint", "complaint", "chat", "question", "complaint"]


def test_a_disagreement_without_the_third_readers_word_is_refused_not_guessed():
    with pytest.raises(ValueError, match="no third word"):
        readers.majority([row("急着用的", "chat")], ["complaint"], {})


@pytest.mark.parametrize("round_number", readers.rounds_read())
def test_each_round_read_again_lines_up_with_its_week_and_every_disagreement_was_decided(round_number):
    week, second, third = readers.labels(round_number)
    voted = readers.majority(week, second, third)
    assert len(voted) == len(week) == len(second) and set(second) <= {"chat", "question", "complaint", "advert"}
    assert set(third) <= {r["text"] for r in week}, "the third reader decided messages of this week"
