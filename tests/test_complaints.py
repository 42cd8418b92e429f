"""Complaints are acknowledged, the owner is alerted with a deadline, reminded at 45 minutes, told at 60 that the
complaint is overdue unless followed up, and everything is summed up weekly. All of it survives a restart."""

import datetime as dt
import json

import pytest

from core import media
from core.store import open_store
from handlers import charts
from tests.conftest import OWNER, at, run_bot, say, shop
from tests.test_media import gif, png

COMPLAINT = "买的杯子收到就是碎的，质量太差了，我要投诉！"


def kinds(sent):
    return [(m["kind"], m["to"], m["at"][11:16]) for m in sent]


def test_a_complaint_at_10_is_acknowledged_alerted_reminded_at_10_45_and_overdue_at_11(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(hours=2)
    assert kinds(bot.sent()) == [
        ("complaint_ack", wang.id, "10:00"),
        ("complaint_alert", OWNER, "10:00"),
        ("complaint_reminder", OWNER, "10:45"),
        ("complaint_overdue", OWNER, "11:00"),
    ]
    ack, alert, reminder, overdue = bot.sent()
    assert ack["room"] == bot.room_id("普通会员群") and "一小时内联系您" in ack["text"] and "亲" not in ack["text"]
    assert "#1" in alert["text"] and "小王" in alert["text"] and "普通会员群" in alert["text"]
    assert "碎的" in alert["text"] and "品控" in alert["text"] and "今天11:00" in alert["text"]
    assert alert["room"] is None, "the owner is alerted in private, not in the group"
    assert "还剩15分钟（今天11:00到期）" in reminder["text"]
    assert "期限是今天11:00，已到期，仍未跟进" in overdue["text"]


def test_a_complaint_resolved_at_10_20_gets_no_reminder_and_its_compensation_is_recorded(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    bot = shop_bot("2026-11-25 10:00", db_path=db_path)
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=20)
    bot.owner.says("/resolve 1 券 10")
    bot.advance_to("2026-11-25 12:00")
    assert [kind for kind, _, _ in kinds(bot.sent())] == ["complaint_ack", "complaint_alert", "command_reply"]
    reply = bot.texts()[-1]
    assert "已结案" in reply and "券 ¥10.00" in reply
    row = open_store(db_path)["complaints"].get(1)
    assert (row["compensation"], row["coupon_value"]) == ("券", 10.0)


def test_contacted_stops_the_reminders_but_leaves_the_complaint_open(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=30)
    bot.owner.says("/contacted 1")
    bot.advance(hours=1)
    bot.owner.says("/complaints")
    bot.advance(minutes=30)
    assert [kind for kind, _, _ in kinds(bot.sent())] == ["complaint_ack", "complaint_alert", "command_reply", "command_reply"]
    assert "已联系，待结案" in bot.texts()[-1]


def test_a_restart_between_complaint_and_reminder_still_reminds_and_flags(tmp_path):
    db_path = tmp_path / "store.db"
    first = tmp_path / "before.jsonl"
    first.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in shop() + [say("2026-11-25 10:00", "wxid_a", COMPLAINT)]))
    result = run_bot("replay", str(first), "--db", str(db_path), "--owner", OWNER, "--until", at("2026-11-25 10:30"))
    assert [json.loads(line)["kind"] for line in result.stdout.splitlines()] == ["complaint_ack", "complaint_alert"]
    # the bot is down from 10:30 to 10:40
    second = tmp_path / "after.jsonl"
    second.write_text(json.dumps({"at": at("2026-11-25 10:40"), "type": "tick"}))
    result = run_bot("replay", str(second), "--db", str(db_path), "--owner", OWNER, "--until", at("2026-11-25 12:00"))
    sent = [json.loads(line) for line in result.stdout.splitlines()]
    assert kinds(sent) == [("complaint_reminder", OWNER, "10:45"), ("complaint_overdue", OWNER, "11:00")]


def test_follow_up_messages_gather_under_the_open_complaint_instead_of_new_alerts(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=5)
    bot.member("小王").says("而且快递还晚了三天，太差了", room="普通会员群")
    bot.advance(minutes=1)
    bot.member("小李").says("我买的衣服发错货了，要的M码给我发了XL，我要退货", room="普通会员群")
    bot.advance_to("2026-11-25 10:50")
    alerts = bot.texts(kind="complaint_alert")
    assert len(alerts) == 2 and "小李" in alerts[1] and "发错货" in alerts[1]
    reminders = [text for text in bot.texts(kind="complaint_reminder") if "#1" in text]
    assert len(reminders) == 1 and "顾客又补充了 1 条消息：“而且快递还晚了三天，太差了”。" in reminders[0], "quoted, not only counted"
    for line in ("还是没人联系我", "[图片]"):
        bot.member("小王").says(line, room="普通会员群")
    bot.advance_to("2026-11-25 11:05")
    overdue, = [text for text in bot.texts(kind="complaint_overdue") if "#1" in text]
    assert "另有 3 条补充（最近的：“还是没人联系我”、“[图片]”）" in overdue
    listing = bot.owner.says("/complaints") + bot.advance(minutes=1)
    assert "补充 3 条" in next(m["text"] for m in listing if m["kind"] == "command_reply"), "/complaints counts them"


def test_a_complaint_at_night_is_due_an_hour_after_opening_and_gets_no_second_auto_reply(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    wang = bot.member("小王")
    bot.advance(hours=1)
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance_to("2026-11-26 11:00")
    assert kinds(bot.sent()) == [
        ("complaint_ack", wang.id, "23:00"),
        ("complaint_alert", OWNER, "23:00"),
        ("complaint_reminder", OWNER, "09:45"),
        ("complaint_overdue", OWNER, "10:00"),
    ]
    ack, alert = bot.texts()[:2]
    assert "明天9:00上线后一小时内" in ack and "明天10:00" in alert


def test_a_question_then_a_complaint_at_night_get_one_answer_saying_when_the_owner_comes_and_the_phone(shop_bot):
    # The off-hours reply to 小王's question queues behind the others'; the complaint's acknowledgement goes ahead
    # of them all (an urgent lane). Sent after it, the reply would only say again when service opens
    bot = shop_bot("2026-11-25 22:00")
    bot.advance(hours=1)
    for n in range(4):
        bot.member(f"成员{n}").says(f"请问{n + 2}号链接的杯子还有货吗？", room="普通会员群")
    wang = bot.member("小王")
    wang.says("请问我的订单什么时候发货？", room="普通会员群")
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=10)
    wang.says("你们客服到底几点上班？", room="普通会员群")
    bot.advance(minutes=10)
    ack, = bot.sent(to=wang.id)
    assert ack["kind"] == "complaint_ack"
    assert "明天9:00上线后一小时内" in ack["text"] and "紧急问题可拨打电话400-000-0000" in ack["text"]
    assert len(bot.sent(kind="off_hours_reply")) == 4, "the others are told as before"


def test_a_complaint_after_the_off_hours_reply_was_sent_does_not_give_the_phone_again(shop_bot):
    bot = shop_bot("2026-11-25 22:00")
    wang = bot.member("小王")
    bot.advance(hours=1)
    wang.says("请问我的订单什么时候发货？", room="普通会员群")
    bot.advance(minutes=5)
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=5)
    reply, ack = bot.sent(to=wang.id)
    assert (reply["kind"], ack["kind"]) == ("off_hours_reply", "complaint_ack")
    assert "400-000-0000" in reply["text"] and "明天9:00上线后一小时内" in ack["text"]
    assert "400-000-0000" not in ack["text"]


def test_praise_and_negations_are_not_complaints(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    for n, praise in enumerate(["完全没有破损，包装很好，好评！", "一点都不漏，好评", "没有任何质量问题，好评！"]):
        bot.member(f"成员{n}").says(praise, room="普通会员群")
    # "质量…差" reads close to a complaint to the model (round 38 in its data: 0.484, the doubt band from 0.48):
    # the owner may be asked about it in private, the group never hears an apology
    bot.member("小王").says("质量一点都不差，没有任何问题，好评！", room="普通会员群")
    bot.advance(hours=2)
    assert all(m["kind"] == "complaint_doubt" and m["to"] == OWNER and "小王" in m["text"] for m in bot.sent())


def test_bad_resolve_commands_say_what_is_wrong(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    for command in ("/resolve 99 补发", "/resolve 1 券", "/resolve 1 送花", "/contacted", "/contacted 1 2"):
        bot.advance(minutes=1)
        bot.owner.says(command)
    bot.advance(minutes=1)
    assert bot.texts(kind="command_reply") == [
        "抱歉，没有编号为 99 的投诉。用法：/resolve 编号 补发|换货|券 金额|退款 金额|道歉|无 [备注]",
        "抱歉，券需要写金额，例如 /resolve 1 券 10。用法：/resolve 编号 补发|换货|券 金额|退款 金额|道歉|无 [备注]",
        "抱歉，请写明补偿方式（补发、换货、券、优惠券、退款、道歉、无）。用法：/resolve 编号 补发|换货|券 金额|退款 金额|道歉|无 [备注]",
        "抱歉，请写明投诉编号，例如 12（/complaints 列出未结的投诉和编号）。用法：/contacted 编号",
        "抱歉，只需要一个投诉编号，后面的“2”请去掉。用法：/contacted 编号",
    ]


@pytest.mark.parametrize("typed", ["退款 30元", "退款 ３０元", "退款30元", "退款 30 元", "退款 ￥３０"])
def test_a_refund_is_read_as_owners_write_it(shop_bot, typed):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.owner.says(f"/resolve 1 {typed}")
    bot.advance(minutes=1)
    assert bot.texts(kind="command_reply") == ["投诉 #1（小王）已结案，补偿：退款 ¥30.00。"]


def test_a_note_on_the_resolution_is_kept_and_shown_with_the_members_complaints_in_tier(shop_bot):
    """"/resolve 1 补发 顺丰SF…" was refused ("补发后面不需要金额") though the owner had typed a parcel number, not an
    amount; now it is kept, and /tier shows the member's complaints with how each was settled."""
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says(COMPLAINT, room="普通会员群")
    bot.owner.says("/resolve 1 补发 顺丰SF1234567890")
    bot.advance(days=1)
    wang.says("快递五天了还没到，物流一直不动，怎么回事", room="普通会员群")
    bot.owner.says("/resolve 2 退款 30 元 已原路退回")
    bot.advance(days=1)
    wang.says("收到的盘子边上有个缺口，质量太差了，我要退货", room="普通会员群")
    bot.owner.says("/tier @小王")
    bot.owner.says("/tier @小李")
    bot.advance(minutes=1)
    closed_first, closed_second, wang_tier, li_tier = bot.texts(kind="command_reply")
    assert closed_first == "投诉 #1（小王）已结案，补偿：补发，备注已记下（/tier 查看该成员时可见）。"
    assert closed_second.startswith("投诉 #2（小王）已结案，补偿：退款 ¥30.00，备注已记下")
    assert "投诉：共 3 次，未结 1 次：\n#3 11月27日 品控，未结\n#2 11月26日 物流，已结案，补偿：退款 ¥30.00，备注：已原路退回\n" \
           "#1 11月25日 品控，已结案，补偿：补发，备注：顺丰SF1234567890" in wang_tier
    assert "投诉：没有" in li_tier


@pytest.mark.parametrize("typed, settled, note", [
    ("退款30元已原路退回", "退款 ¥30.00", "已原路退回"), ("券 10块 下次可用", "券 ¥10.00", "下次可用"),
    ("无需补偿 顾客说是自己磕的", "无", "顾客说是自己磕的"), ("补发顺丰", "补发", "顺丰")])
def test_a_note_is_told_from_the_compensation_as_owners_write_them(shop_bot, typed, settled, note):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.owner.says(f"/resolve 1 {typed}")
    bot.owner.says("/tier @小王")
    bot.advance(minutes=1)
    closed, tier = bot.texts(kind="command_reply")
    assert closed == f"投诉 #1（小王）已结案，补偿：{settled}，备注已记下（/tier 查看该成员时可见）。"
    assert tier.endswith(f"#1 11月25日 品控，已结案，补偿：{settled}，备注：{note}")


def test_a_note_too_long_for_a_note_is_refused_and_the_complaint_stays_open(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.owner.says("/resolve 1 补发 " + "顺丰" * 30)
    bot.owner.says("/complaints")
    bot.advance(minutes=1)
    refused, listed = bot.texts(kind="command_reply")
    assert refused.startswith("抱歉，备注请写短一些（40字以内）") and "顺丰顺丰" not in refused
    assert "#1 小王" in listed


def test_two_doubts_are_confirmed_in_one_answer_and_a_wrong_number_confirms_none(shop_bot):
    """"/是投诉 1 2" was refused ("请写明…编号") as if no number had been written, where "/不是 1 2" took both."""
    bot = shop_bot("2026-11-25 10:00")
    zheng, lin = bot.member("小郑"), bot.member("小林")
    zheng.says("上次买的盘子边上有个小缺口 不知道是不是我自己磕的", room="普通会员群")
    lin.says("你们这个马克杯是不是有毒啊 一股怪味", room="普通会员群")
    bot.advance(minutes=1)
    assert [m["kind"] for m in bot.sent()] == ["complaint_doubt", "complaint_doubt"], "two doubts to answer"
    bot.owner.says("/是投诉 1 9")
    bot.advance(minutes=1)
    assert bot.texts(kind="command_reply") == ["抱歉，没有编号为 9 的“可能是投诉”提醒。用法：/是投诉 编号…（或 /confirm 编号…）"]
    assert not bot.sent(kind="complaint_ack"), "a wrong number among them confirms none"
    bot.owner.says("/是投诉 1 2")
    bot.advance(minutes=1)
    assert [(m["to"], m["room"]) for m in bot.sent(kind="complaint_ack")] == [
        (zheng.id, bot.room_id("普通会员群")), (lin.id, bot.room_id("普通会员群"))]
    assert len(bot.sent(kind="complaint_alert")) == 2


def test_a_follow_up_within_the_minute_is_not_called_late(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.owner.says("/contacted 1")
    bot.owner.says("/complaints week")
    bot.advance(minutes=1)
    week = bot.texts(kind="command_reply")[-1]
    assert "跟进最慢：#1 小王（品控），用时不到1分钟" in week and "才跟进" not in week


def test_the_weekly_review_sums_up_reasons_follow_up_times_and_repeats(shop_bot):
    # 2026-11-30 is a Monday: the review goes out at 09:30 (config.toml).
    bot = shop_bot("2026-11-24 09:00")
    wang, li, group = bot.member("小王"), bot.member("小李"), "普通会员群"
    script = [  # members complain in the group, the owner answers the bot in private
        ("2026-11-24 10:00", wang, "快递五天了还没到，物流一直不动，怎么回事", group),
        ("2026-11-24 10:10", bot.owner, "/resolve 1 补发", None),
        ("2026-11-25 10:00", li, "物流三天没更新了，你们到底发没发货", group),
        ("2026-11-25 12:00", bot.owner, "/contacted 2", None),
        ("2026-11-26 10:00", wang, "收到的杯子是碎的，质量太差，我要退货", group),
        ("2026-11-26 10:30", bot.owner, "/resolve 3 券 10", None),
        ("2026-11-27 10:00", bot.owner, "/order 小王 99", None),
        ("2026-11-28 10:00", bot.owner, "/order 小王 120", None),
    ]
    for when, person, text, room in script:
        bot.advance_to(when)
        person.says(text, room=room)
    bot.advance_to("2026-11-30 10:00")
    reviews = [m for m in bot.sent(kind="weekly_review") if "text" in m]  # its chart is a line of its own
    assert len(reviews) == 1 and reviews[0]["at"].startswith("2026-11-30T09:30") and reviews[0]["to"] == OWNER
    text = reviews[0]["text"]
    assert "共 3 条" in text and "物流 2" in text and "品控 1" in text
    assert "一小时内跟进：2/3" in text
    assert text.startswith("每周回顾（11月23日 至 11月29日）"), "the seven whole days before the review's day"
    assert "跟进最慢：#2 小李（物流），用时2小时" in text
    assert "反复出现的原因：物流" in text and "多次投诉的顾客：小王" in text
    assert "补发/换货 1 次" in text and "优惠券 ¥10.00，退款 ¥0.00" in text
    assert "店铺数据（近 7 天）" in text and "买家 1 位，订单 2 单，客单价 ¥109.50" in text and "复购率（近90天买家中下过两单及以上的占比）：100.0%" in text


def test_the_weekly_review_counts_the_week_its_chart_shows_and_no_untouched_complaint_as_followed_up(
        shop_bot, monkeypatch):
    charted, gather = [], charts.gather  # what the chart is drawn from, kept to compare with the words
    monkeypatch.setattr(charts, "gather", lambda ctx, period, posts=None: charted.append(gather(ctx, period, posts)) or charted[-1])
    bot = shop_bot("2026-11-22 20:00", groups={"普通会员群": ["小王", "小李", "小张"]})
    wang, li, zhang, group = bot.member("小王"), bot.member("小李"), bot.member("小张"), "普通会员群"
    script = [
        ("2026-11-22 20:00", wang, "晚上好", group),  # the Sunday before the week
        ("2026-11-23 08:00", li, "早", group),  # the week's first day, before the hour of the review
        ("2026-11-25 10:00", wang, "快递五天了还没到，物流一直不动，怎么回事", group),  # 1: followed up in 10 minutes
        ("2026-11-25 10:10", bot.owner, "/contacted 1", None),
        ("2026-11-27 10:00", zhang, COMPLAINT, group),  # 2: nobody ever touches it
        ("2026-11-29 23:00", li, COMPLAINT, group),  # 3: Sunday night, its hour runs from Monday 9:00 to 10:00
        ("2026-11-30 02:00", wang, "又一个杯子收到是碎的，质量太差了，给个说法", group),  # the review's own morning
    ]
    for when, person, text, room in script:
        bot.advance_to(when)
        person.says(text, room=room)
    bot.advance_to("2026-11-30 09:31")
    text = bot.texts(kind="weekly_review")[-1]  # the Monday before had its own
    assert text.startswith("每周回顾（11月23日 至 11月29日）")
    assert "投诉共 3 条：品控 2、物流 1" in text
    assert "一小时内跟进：1/2，还没到一小时期限：1 条，未结：3" in text, "#3 has 30 minutes left: no failure yet"
    assert "最慢：#2 小张（品控），已等2天23小时，还没跟进" in text
    assert "群内消息 4 条" in text
    week = charted[-1]
    assert (week.days[0], week.days[-1]) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert sum(week.messages) == 4 and sum(sum(day.values()) for day in week.complaints) == 3


def test_the_open_list_shows_the_oldest_ten_and_says_how_many_there_are(shop_bot):
    bot = shop_bot("2026-11-25 09:00")
    members = [bot.member(f"会员{n}") for n in range(12)]
    bot.advance(hours=1)
    for member in members:
        member.says("快递一周了还没收到，我要退款", room="普通会员群")
        bot.advance(minutes=1)
    bot.advance_to("2026-11-25 10:30")
    bot.owner.says("/complaints")
    bot.advance(minutes=1)
    listing = bot.texts(kind="command_reply")[0]
    assert "未结投诉 12 条（最早的在前，先列 10 条）" in listing
    assert "#1 会员0" in listing and "#10 会员9" in listing and "#11" not in listing


def test_the_owner_reads_time_left_and_time_overdue_in_words_never_negative_minutes(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=40)
    bot.owner.says("/complaints")
    bot.advance_to("2026-11-26 12:10")
    bot.owner.says("/complaints")
    bot.advance_to("2026-11-26 13:00")
    before, after = bot.texts(kind="command_reply")
    assert "还剩20分钟" in before
    assert "已超时1天1小时" in after and "-" not in after and "分钟" not in after


def test_an_overdue_flag_sent_late_after_an_outage_says_how_late_and_comes_alone(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    before = shop_bot("2026-11-25 10:00", db_path=db_path)
    before.member("小王").says(COMPLAINT, room="普通会员群")
    before.advance(minutes=30)
    # the bot is down from 10:30 until 12:30: the reminder and the overdue flag both fell due meanwhile, and the
    # owner gets one message, the overdue one, not a reminder saying the same thing just before it
    after = shop_bot("2026-11-25 12:30", db_path=db_path)
    after.advance(minutes=30)
    overdue, = after.sent()
    assert overdue["kind"] == "complaint_overdue"
    assert "期限是今天11:00，已超时1小时30分钟，仍未跟进" in overdue["text"]


def test_complaints_week_sums_up_the_last_seven_days_for_the_owner(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    bot.member("小王").says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=30)
    bot.owner.says("/complaints week")
    bot.advance(minutes=1)
    week = bot.sent(kind="command_reply")[-1]
    assert week["to"] == OWNER and week["room"] is None
    assert week["text"].startswith("近 7 天的投诉") and "投诉共 1 条：品控 1" in week["text"]


# Photos after a complaint


def test_a_members_photo_after_their_complaint_reaches_the_owner_with_its_number_and_joins_the_record(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=3)
    forwarded = wang.sends_picture(png(), room="普通会员群") + bot.advance(seconds=10)
    picture = str(media.keep(media.folder_of(bot.assistant.db), png()))
    assert [(m["kind"], m["to"], list(m)[-1]) for m in forwarded] == [
        ("complaint_photo", OWNER, "text"), ("complaint_photo", OWNER, "image")]
    assert forwarded[0]["text"].startswith("投诉 #1 的附图：小王在「普通会员群」发来一张图片（这条投诉的第 1 张）")
    assert forwarded[1]["image"] == picture and forwarded[1]["room"] is None
    wang.sends_picture(gif())  # in private, while the complaint is open: the same complaint's
    bot.advance(minutes=1)
    bot.owner.says("/complaints")
    bot.advance(minutes=1)
    assert "#1 小王（普通会员群） 品控：“买的杯子收到就是碎的，质量太差了，我要投诉！” 附图 2 张" in bot.texts()[-1]
    bot.advance_to("2026-11-25 12:00")
    assert [k for k in kinds(bot.sent()) if k[0].startswith("complaint_") and k[0] != "complaint_photo"] == [
        ("complaint_ack", wang.id, "10:00"), ("complaint_alert", OWNER, "10:00"),
        ("complaint_reminder", OWNER, "10:45"), ("complaint_overdue", OWNER, "11:00"),
    ], "a photo is no new complaint and moves no deadline"


def test_a_photo_soon_after_a_closed_complaint_is_forwarded_and_one_later_or_without_complaint_is_not(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang, li = bot.member("小王"), bot.member("小李")
    li.sends_picture(png(shade=1), room="普通会员群")  # no complaint: members' photos stay with the bot
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=1)
    bot.owner.says("/resolve 1 补发")
    bot.advance(minutes=4)
    wang.sends_picture(png(shade=2), room="普通会员群")  # 5 minutes after the complaint, closed meanwhile
    bot.advance(minutes=6)
    wang.sends_picture(png(shade=3), room="普通会员群")  # 11 minutes after
    wang.sends_picture(b"not a picture", room="普通会员群")  # unreadable: the owner hears of it, nothing forwarded
    bot.advance(minutes=5)
    photos = bot.sent("complaint_photo")
    assert len(photos) == 2 and "（已结案）" in photos[0]["text"]
    assert photos[1]["image"].endswith(".png") and "image" not in photos[0]
    assert [m["kind"] for m in bot.sent(to="owner") if "image" in m] == ["complaint_photo"]
    assert [m["kind"] for m in bot.sent()].count("picture_unreadable") == 1


def test_a_photo_after_a_withdrawn_complaint_is_not_forwarded(shop_bot):
    bot = shop_bot("2026-11-25 10:00")
    wang = bot.member("小王")
    wang.says(COMPLAINT, room="普通会员群")
    bot.advance(minutes=1)
    bot.owner.says("/notcomplaint 1")
    bot.advance(minutes=1)
    wang.sends_picture(png(), room="普通会员群")
    bot.advance(minutes=1)
    assert bot.sent("complaint_photo") == []


def test_no_weekly_review_of_a_week_the_bot_never_saw(shop_bot):
    bot = shop_bot("2026-11-23 09:00")  # installed on a Monday morning: the week before happened without it
    bot.advance_to("2026-11-30 09:31")
    reviews = [m for m in bot.sent(kind="weekly_review") if "text" in m]
    assert len(reviews) == 1 and reviews[0]["text"].startswith("每周回顾（11月23日 至 11月29日）")
