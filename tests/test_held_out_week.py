"""bench/held_out_week.py plays a week of labelled messages with their senders through `bot.py replay` and says what
reached the owner: its figures are only as good as its reading of the bot's output back to the members' messages."""

import json

from bench import held_out_week


def test_a_week_is_replayed_and_each_alert_traced_to_the_message_and_member_it_came_from(tmp_path, capsys, monkeypatch):
    week = [
        {"text": "早上好", "kind": "chat", "newcomer": False, "member": "a01"},
        {"text": "买的杯子收到就是碎的，质量太差了", "kind": "complaint", "newcomer": False, "member": "a02"},
        {"text": "客服到现在都没回我，杯子碎成这样怎么用", "kind": "complaint", "newcomer": False, "member": "a02"},
        {"text": "请问保温杯有蓝色的吗", "kind": "question", "newcomer": True, "member": "b01"},
        {"text": "老板 我的发票开了吗 都问过了", "kind": "complaint", "newcomer": False, "member": "b02"},  # read as a question
        {"text": "兼职日结，加我微信 abc12345 详聊", "kind": "advert", "newcomer": True, "member": "b03"},
    ]
    path = tmp_path / "week.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in week), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["held_out_week.py", "--file", str(path)])
    assert held_out_week.main() == 0
    printed = capsys.readouterr().out
    assert "6 messages, 2 everyday, 3 complaints" in printed
    assert "adverts the owner heard of: 1 alerted, 0 in a day's summary" in printed
    assert "more by a member told of within the hour before; 0 not" in printed
    assert "complaint_alert: 1 (complaint 1)" in printed, "the first complaint opened one, quoted in the alert"
    assert "1 quoted, 0 shown as written just before one, 1 more by a member whose complaint was open" in printed, \
        "the second went to the open one"
    assert "1 more only as a question waiting for an answer" in printed and "; 0 not" in printed, "nudged about"
    assert "waiting: 老板 我的发票开了吗" in printed
    assert "apologised to in public 0/" in printed and "source was not found" not in printed


def test_the_lines_an_alert_shows_as_written_just_before_it_are_traced_to_the_members_messages():
    at = held_out_week.MONDAY
    timed = [{"text": "我买了两个杯子", "member": "a02", "at": at},
             {"text": "收到的杯子是碎的，另一个杯子也有裂纹，真是服了这个包装" * 2, "member": "a02", "at": at},
             {"text": "我买了两个杯子", "member": "a03", "at": at}]
    alert = {"at": at.isoformat(), "text": "新投诉 #1（品控）：a02在「普通会员群」说：“杯子收到是碎的”\n"
             "（之前：“我买了两个杯子”、“收到的杯子是碎的，另一个杯子也有裂纹，真是服了这个包装收到的杯...”）\n请在…"}
    assert held_out_week.shown_before(alert, timed) == timed[:2]


def test_a_week_replayed_by_the_bot_of_an_earlier_round_runs_bot_py_replay_all_the_same():
    """--readers N replays with the models of round N's run (trained on the rounds before it); the replay itself is
    the public one. Here no round is left out, so both answers are the same."""
    from handlers.everyday import SPENT_ROUNDS

    week = held_out_week.week([{"text": "杯子收到是碎的，质量太差了", "kind": "complaint", "newcomer": False, "member": "a01"}])
    events = held_out_week.script(week)
    until = held_out_week.MONDAY + held_out_week.WEEK_SEEN_TO
    plain = held_out_week.replayed(events, until)
    assert [m["kind"] for m in plain][:2] == ["complaint_ack", "complaint_alert"]
    earlier = held_out_week.replayed(events, until, trained_before=max(SPENT_ROUNDS) + 1)
    assert [(m["kind"], m.get("text")) for m in earlier] == [(m["kind"], m.get("text")) for m in plain]
