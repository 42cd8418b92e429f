"""Questions to the shop told from chat between members by a learned model (handlers/shop_questions.py), not a list
of topics: a question in words no list names still reaches the owner, and members asking each other do not. Its
figures on unseen traffic are bench/reading_accuracy.py's."""

import pytest

from handlers import shop_questions
from tests.conftest import OWNER, replay_events, say, shop


@pytest.mark.parametrize("text", ["请问这款羊毛围巾还有灰色的吗？", "手套有没有男款？", "160 100斤穿什么码", "寄到新疆要加钱吗"])
def test_questions_to_the_shop_in_any_words_are_recognised(text):
    assert shop_questions.is_shop_question(text)


@pytest.mark.parametrize("text", ["姐妹你买的哪个色？", "你们周末去哪玩？", "+1", "[捂脸]", "终于周五了", "@小王 ", ""])
def test_chat_between_members_reactions_and_nothing_are_not(text):
    assert not shop_questions.is_shop_question(text)


def test_a_group_question_no_topic_list_names_nudges_the_owner_after_a_quarter_of_an_hour():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "请问这款羊毛围巾还有灰色的吗？"),
                                   say("2026-11-25 10:01", "wxid_b", "姐妹你买的哪个色？")], until="2026-11-25 10:30")
    assert [(m["kind"], m["to"], m["at"][11:16]) for m in sent] == [("response_nudge", OWNER, "10:15")]
    assert "羊毛围巾" in sent[0]["text"]


def test_without_a_model_the_topics_and_question_marks_decide(monkeypatch):
    monkeypatch.setattr(shop_questions, "model", lambda: None)
    assert shop_questions.is_shop_question("什么时候发货？")
    assert not shop_questions.is_shop_question("请问这款羊毛围巾还有灰色的吗？")  # the rule's blind spot
