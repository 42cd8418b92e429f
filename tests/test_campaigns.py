"""Scheduled campaigns over a simulated month: inside their windows, never a 4th post in a group's day, the member
day only in VIP groups, and restarts that neither lose nor repeat a post."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections import Counter

import features
from core.assistant import Assistant
from core.clock import VirtualClock
from core.events import RoomSeen

from core.config import load_config
from core.store import open_store
from handlers.campaigns import Campaign
from handlers.windows import window_at
from tests.conftest import OWNER, SHANGHAI, at, replay_events, say, shop
from transports.replay import ReplayOutput, run_until

BROADCASTS = ("flash_sale", "member_day", "light_content", "live_notice")
VIP_ROOM = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER, "wxid_a"]}
OTHER_ROOM = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r3@chatroom", "topic": "家人群", "members": [OWNER]}


def config_with(**sections):
    """The shipped config, with some keys of some sections changed: config_with(windows={"promotion": …})."""
    config = load_config().with_owners([OWNER])
    return config.model_copy(update={
        name: getattr(config, name).model_copy(update=changes) for name, changes in sections.items()
    })


def local(message) -> dt.datetime:
    return dt.datetime.fromisoformat(message["at"]).astimezone(SHANGHAI)


def posts(sent):
    return [m for m in sent if m["kind"] in BROADCASTS]


def owner_told(sent, kind="campaign_notice"):
    return [m["text"] for m in sent if m["kind"] == kind and m["to"] == OWNER]


def many_rooms(count: int) -> tuple[list[dict], list[str]]:
    topics = [f"会员{n}群" for n in range(count)]
    rooms = [{"at": at("2026-11-25 10:00"), "type": "room", "id": f"m{n}@chatroom", "topic": topic, "members": [OWNER]}
             for n, topic in enumerate(topics)]
    return rooms, topics


def test_a_month_of_campaigns_stays_in_its_windows_and_under_three_posts_a_group_a_day():
    commands = [
        say("2026-11-25 10:01", OWNER, "/campaign add 轻内容 周五 12:30 降温了，围巾的三种系法", room=None),
        say("2026-11-25 10:02", OWNER, "/campaign add 轻内容 周五 13:00 手套怎么选尺码", room=None),
        say("2026-11-25 10:03", OWNER, "/campaign add 直播 周五 19:30 冬季新品试穿", room=None),
    ]
    sent = replay_events(shop() + [VIP_ROOM, OTHER_ROOM] + commands, until="2026-12-24 23:00")
    broadcasts = posts(sent)
    for post in broadcasts:
        assert window_at(load_config(), post["kind"], local(post)), f"{post['kind']} outside its window at {post['at']}"
    per_room_day = Counter((p["room"], local(p).date()) for p in broadcasts)
    assert max(per_room_day.values()) == 3
    assert "r3@chatroom" not in {p["room"] for p in broadcasts}, "only the shop's groups get campaigns"
    flash = [p for p in broadcasts if p["kind"] == "flash_sale"]
    # the flash sale is each Friday's 4th post: moved to Saturday 08:00, every week, in both groups
    assert sorted({local(p).strftime("%m-%d %H:%M") for p in flash}) == ["11-28 08:00", "12-05 08:00", "12-12 08:00", "12-19 08:00"]
    assert Counter(p["room"] for p in flash) == {"r1@chatroom": 4, "r2@chatroom": 4}
    full = [text for text in owner_told(sent) if "今天已发满 3 条推送" in text]
    assert [text[:3] for text in full] == ["闪购日"] * 3 + ["会员日", "闪购日"], "the owner is told each time"
    member_day = [p for p in broadcasts if p["kind"] == "member_day"]
    assert [(p["room"], local(p).date().isoformat()) for p in member_day] == [("r2@chatroom", "2026-12-19")]
    assert "券码" in member_day[0]["text"]


def test_member_day_goes_to_vip_groups_with_a_recorded_code_each(tmp_path):
    db_path = tmp_path / "store.db"
    rooms = shop("2026-12-18 10:00") + [dict(VIP_ROOM, at=at("2026-12-18 10:00")),
                                        {"at": at("2026-12-18 10:00"), "type": "room", "id": "r4@chatroom",
                                         "topic": "VIP福利二群", "members": [OWNER]}]
    config = config_with(tiers={"vip_rooms": ["VIP福利群", "VIP福利二群"]})
    sent = replay_events(rooms, until="2026-12-18 23:00", db_path=db_path, config=config)
    member_day = [p for p in posts(sent) if p["kind"] == "member_day"]
    assert sorted(p["room"] for p in member_day) == ["r2@chatroom", "r4@chatroom"]
    codes = open_store(db_path).execute("SELECT room, code FROM coupons ORDER BY room").fetchall()
    assert [room for room, _ in codes] == ["r2@chatroom", "r4@chatroom"] and codes[0][1] != codes[1][1]
    for room, code in codes:
        assert code in next(p["text"] for p in member_day if p["room"] == room)
    lookups = [say("2026-12-19 10:00", OWNER, f"/coupon {codes[1][1].lower()}", room=None),
               say("2026-12-19 10:01", OWNER, "/coupon NOSUCH00", room=None)]
    found, missing = owner_told(replay_events(lookups, db_path=db_path, config=config), "command_reply")
    assert f"券码 {codes[1][1]}：会员日的 10 元券，昨天20:00 发给群“VIP福利二群”" in found
    assert "没有券码“NOSUCH00”" in missing


def test_private_vip_coupons_when_config_asks_for_them(tmp_path):
    events = shop("2026-12-18 10:00") + [dict(VIP_ROOM, at=at("2026-12-18 10:00")),
                                         say("2026-12-18 10:01", OWNER, "/order 小王 600", room=None),
                                         say("2026-12-18 10:02", OWNER, "/tiers refresh", room=None)]
    config = config_with(campaigns={"member_day": load_config().campaigns.member_day.model_copy(update={"private_to_vip": True})})
    sent = replay_events(events, until="2026-12-18 23:00", config=config)
    private = [p for p in sent if p["kind"] == "member_day" and p["room"] is None]
    assert [p["to"] for p in private] == ["wxid_a"] and "券码" in private[0]["text"]


def test_the_31st_falls_on_the_last_day_of_shorter_months():
    campaign = Campaign("会员日", "member_day", None, 31, dt.time(20), {}, "active")
    config = load_config()
    after = dt.datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    days = []
    for _ in range(4):
        after = campaign.next_post(config, after)
        days.append(after.strftime("%Y-%m-%d %H:%M"))
    assert days == ["2026-11-30 20:00", "2026-12-31 20:00", "2027-01-31 20:00", "2027-02-28 20:00"]
    sent = replay_events(shop() + [VIP_ROOM], until="2026-12-01 12:00",
                         config=config_with(campaigns={"member_day": config.campaigns.member_day.model_copy(update={"day_of_month": 31})}))
    assert [local(p).strftime("%m-%d %H:%M") for p in posts(sent) if p["kind"] == "member_day"] == ["11-30 20:00"]


def test_a_restart_in_the_middle_of_the_window_sends_the_rest_once(tmp_path):
    rooms, topics = many_rooms(30)
    config = config_with(tiers={"vip_rooms": [], "regular_rooms": topics}, campaigns={
        "member_day": load_config().campaigns.member_day.model_copy(update={"enabled": False})})
    db_path = tmp_path / "store.db"

    def bot_at(start: str) -> Assistant:
        clock = VirtualClock(dt.datetime.fromisoformat(at(start)), config.tz)
        return Assistant(config, open_store(db_path), clock, features.load(), seed=1)

    def run(assistant: Assistant, until: str) -> list[dict]:
        out = io.StringIO()
        asyncio.run(run_until(assistant, assistant.clock, dt.datetime.fromisoformat(at(until)), ReplayOutput(assistant.clock, out)))
        return [json.loads(line) for line in out.getvalue().splitlines()]

    before = bot_at("2026-11-27 19:00")
    for room in rooms:
        before.handle(RoomSeen(room["id"], room["topic"], tuple(room["members"])))
    first = posts(run(before, "2026-11-27 20:02"))  # then killed, with posts still queued
    rest = posts(run(bot_at("2026-11-27 20:30"), "2026-11-27 22:30"))
    assert 0 < len(first) < 30
    assert sorted(p["room"] for p in first + rest) == sorted(f"m{n}@chatroom" for n in range(30))
    assert all(local(p).hour in (20, 21) for p in rest)


def test_a_post_due_while_the_bot_was_down_goes_out_if_its_window_is_open_and_is_reported_if_not(tmp_path):
    config = config_with(campaigns={"member_day": load_config().campaigns.member_day.model_copy(update={"enabled": False})})
    start = shop("2026-11-27 18:00") + [dict(VIP_ROOM, at=at("2026-11-27 18:00"))]
    for back_at, expected in (("2026-11-27 21:00", 2), ("2026-11-27 22:30", 0)):
        db_path = tmp_path / f"{back_at[-5:-3]}.db"
        replay_events(start, until="2026-11-27 19:00", db_path=db_path, config=config)
        sent = replay_events([{"at": at(back_at), "type": "tick"}], until="2026-11-28 07:00", db_path=db_path, config=config)
        assert len([p for p in posts(sent) if p["kind"] == "flash_sale"]) == expected
        if not expected:
            assert any("已跳过" in text and "离线" in text for text in owner_told(sent))


def test_groups_that_cannot_fit_in_the_window_are_moved_and_the_owner_is_told_before_it_opens():
    rooms, topics = many_rooms(20)
    config = config_with(
        tiers={"vip_rooms": [], "regular_rooms": topics},
        outbox={"account_per_minute": 1},
        windows={"promotion": [(dt.time(8), dt.time(9)), (dt.time(20), dt.time(20, 10))]},
        campaigns={"member_day": load_config().campaigns.member_day.model_copy(update={"enabled": False})},
    )
    sent = replay_events(shop("2026-11-27 10:00") + [dict(r, at=at("2026-11-27 10:00")) for r in rooms],
                         until="2026-11-28 12:00", config=config)
    warning = next(m for m in sent if m["kind"] == "campaign_notice")
    assert local(warning).strftime("%H:%M") == "19:30"
    # ten minutes at one a minute, less the tenth kept for answers to people
    assert "20 个群里，20:00-20:10 时段按发送频率只能发出 9 个" in warning["text"] and "明天8:00" in warning["text"]
    flash = [p for p in posts(sent) if p["kind"] == "flash_sale"]
    assert len(flash) == 20 and len({p["room"] for p in flash}) == 20
    assert Counter(local(p).strftime("%d %H") for p in flash) == {"27 20": 9, "28 08": 11}
    assert len(owner_told(sent)) == 1, "told once, before the window"


def test_owner_adds_a_campaign_outside_its_window_confirms_the_suggestion_previews_and_pauses():
    events = shop() + [VIP_ROOM] + [
        say("2026-11-25 10:01", OWNER, "/campaign add 轻内容 周四 20:00 围巾的三种系法", room=None),
        say("2026-11-25 10:02", OWNER, "/campaign confirm", room=None),
        say("2026-11-25 10:03", OWNER, "/campaign preview 会员日", room=None),
        say("2026-11-25 10:04", OWNER, "/campaign pause 闪购", room=None),  # the kind, as /campaign add names it
        say("2026-11-25 10:05", OWNER, "/campaigns", room=None),
        say("2026-11-25 10:05:30", OWNER, "/campaign", room=None),  # bare, as an owner looking for the list types it
        say("2026-11-25 10:06", OWNER, "/campaign add 闪购 周八 20:00 8折", room=None),
    ]
    sent = replay_events(events, until="2026-11-28 23:00")
    refused, added, preview, paused, listing, bare, bad = owner_told(sent, "command_reply")
    assert bare == listing
    assert "20:00 不在轻内容的推送时段（12:00-14:00）内" in refused and "/campaign confirm" in refused
    assert "已添加 轻内容1：每周四 12:00" in added
    assert "【VIP群】" in preview and "示例券码" in preview and "【普通群】" not in preview
    assert "已暂停 闪购日" in paused
    assert "闪购日 每周五 20:00，2 个群，已暂停" in listing and "轻内容1 每周四 12:00" in listing
    assert "会员日 每月18日 20:00" in listing and "（会员日）" not in listing and "（闪购）" not in listing
    assert "周八" in bad and "/campaign" in bad
    kinds = [(p["kind"], local(p).strftime("%m-%d %H:%M")) for p in posts(sent)]
    assert ("light_content", "11-26 12:00") in kinds and not [k for k in kinds if k[0] == "flash_sale"]


def test_a_flash_sale_at_20_30_previews_the_end_its_post_will_say():
    events = shop() + [
        say("2026-11-25 10:01", OWNER, "/campaign add 闪购 周三 20:30 8折 围巾", room=None),
        say("2026-11-25 10:02", OWNER, "/campaign preview 闪购1", room=None),
    ]
    sent = replay_events(events, until="2026-11-25 20:40")
    preview = owner_told(sent, "command_reply")[1]
    post, = [p["text"] for p in posts(sent)]
    assert "今天22:30前有效" in preview and "今天22:30前有效" in post


def test_a_flash_sale_post_that_waited_in_the_queue_says_the_sales_end_not_its_whole_length():
    rooms, topics = many_rooms(12)  # at one post a minute, the last goes out a quarter of an hour into the sale
    config = config_with(tiers={"vip_rooms": [], "regular_rooms": topics}, outbox={"account_per_minute": 1})
    sent = replay_events(shop("2026-11-27 19:00") + [dict(r, at=at("2026-11-27 19:00")) for r in rooms],
                         until="2026-11-27 21:00", config=config)
    flash = [p for p in posts(sent) if p["kind"] == "flash_sale"]
    assert len(flash) == 12 and local(flash[-1]) >= dt.datetime(2026, 11, 27, 20, 10, tzinfo=SHANGHAI)
    for post in flash:  # the sale runs 20:00-22:00 (duration_hours = 2), whenever its post goes out
        assert "今天22:00前有效" in post["text"] and "小时内有效" not in post["text"], (local(post), post["text"])


def test_a_flash_sale_shorter_than_its_window_is_never_posted_after_it_ends_and_the_owner_is_told():
    rooms, topics = many_rooms(70)  # at one post a minute, seventy groups would take till 21:09; the sale ends at 21:00
    config = config_with(tiers={"vip_rooms": [], "regular_rooms": topics}, outbox={"account_per_minute": 1})
    one_hour = config.campaigns.flash_sale.model_copy(update={"duration_hours": 1})
    config = config.model_copy(update={"campaigns": config.campaigns.model_copy(update={"flash_sale": one_hour})})
    sent = replay_events(shop("2026-11-27 19:00") + [dict(r, at=at("2026-11-27 19:00")) for r in rooms],
                         until="2026-11-27 23:00", config=config)
    flash = [p for p in posts(sent) if p["kind"] == "flash_sale"]
    assert 55 <= len(flash) < 70 and all(local(p).hour == 20 for p in flash), "none after the sale's end"
    assert all("今天21:00前有效" in p["text"] for p in flash)
    report, = owner_told(sent, "outbox_report")
    assert "闪购" in report and "已过时效" in report


def test_a_cancelled_config_campaign_stays_cancelled_after_a_restart_until_resumed(tmp_path):
    db_path = tmp_path / "store.db"
    replay_events(shop() + [VIP_ROOM, say("2026-11-25 10:01", OWNER, "/campaign cancel 闪购日", room=None)],
                  until="2026-11-25 11:00", db_path=db_path)
    restarted = replay_events([{"at": at("2026-11-26 10:00"), "type": "tick"}], until="2026-11-28 12:00", db_path=db_path)
    assert [p for p in posts(restarted) if p["kind"] == "flash_sale"] == []
    resumed = replay_events([say("2026-11-30 10:00", OWNER, "/campaign resume 闪购日", room=None)],
                            until="2026-12-05 12:00", db_path=db_path)
    assert "已恢复 闪购日" in owner_told(resumed, "command_reply")[0]
    assert {local(p).strftime("%m-%d %H:%M") for p in posts(resumed) if p["kind"] == "flash_sale"} == {"12-04 20:00"}


def test_a_second_campaign_in_a_slot_already_taken_is_refused_naming_the_first():
    events = shop() + [VIP_ROOM] + [say(f"2026-11-25 10:{n:02d}", OWNER, text, room=None) for n, text in enumerate([
        "/campaign add 闪购 周五 20:00 9折 袜子",
        "/campaign add 轻内容 周四 12:00 手套怎么选尺码",
        "/campaign pause 轻内容1",
        "/campaign add 轻内容 周四 12:00 围巾的三种系法",
        "/campaign add 轻内容 周四 20:00 围巾的三种系法",
        "/campaign cancel 轻内容1",
        "/campaign add 轻内容 周四 12:00 围巾的三种系法",
        "/campaign resume 轻内容1",
        "/campaign add 轻内容 周四 12:30 帽子",
        "/campaign add 闪购 每月18 20:00 9折 袜子",
        "/campaign pause 轻内容",  # two of that kind in use (轻内容1 is cancelled): which one is not guessed
    ], start=1)]
    replies = owner_told(replay_events(events), "command_reply")
    flash, added, paused, same_paused, suggested_taken, cancelled, readded, resumed, other_time, other_day, which = replies
    assert "轻内容有 2 个：轻内容2、轻内容3。请写明是哪一个，例如 /campaign pause 轻内容2" in which, which
    assert flash.startswith("抱歉，每周五 20:00 已经有 闪购日（下次推送 周五20:00）") and "/campaign cancel 闪购日" in flash
    assert added.startswith("已添加 轻内容1")
    assert "每周四 12:00 已经有 轻内容1（已暂停，/campaign resume 轻内容1 可恢复）" in same_paused
    assert "已经有 轻内容1" in suggested_taken and "/campaign confirm" not in suggested_taken
    assert readded.startswith("已添加 轻内容2：每周四 12:00")
    assert "每周四 12:00 已经有 轻内容2（下次推送 明天12:00）" in resumed
    assert other_time.startswith("已添加 轻内容3") and other_day.startswith("已添加 闪购1：每月18日 20:00")


def test_a_bot_down_for_weeks_tells_once_per_campaign_how_many_posts_were_skipped_and_when_the_next_goes(tmp_path):
    db_path = tmp_path / "store.db"
    replay_events(shop() + [VIP_ROOM, say("2026-11-25 10:01", OWNER, "/campaign add 直播 周六 15:30 冬季新品试穿", room=None)],
                  until="2026-11-25 12:00", db_path=db_path)
    # down from Wednesday 25 November to Saturday 19 December, 10:00
    sent = replay_events([{"at": at("2026-12-19 10:00"), "type": "tick"}], until="2026-12-19 16:00", db_path=db_path)
    notices = owner_told(sent)
    assert len(notices) == 3, notices
    flash, member_day, live = sorted(notices, key=lambda text: ("闪购日", "会员日", "直播预告1").index(text.split("：")[0]))
    assert "4 次推送（最早一次原定 11月27日20:00）没能在时段内发出，已跳过" in flash and "下次推送 下周五20:00" in flash
    assert "原定 昨天20:00 的推送没能在时段内发出，已跳过" in member_day and "下次推送 2027年1月18日20:00" in member_day
    assert "3 次推送（最早一次原定 11月28日15:30）" in live and "下次推送 今天15:30" in live
    for text in notices:
        assert "离线" in text and "顺延" not in text and "改到" not in text
    assert [(p["kind"], local(p).strftime("%m-%d %H:%M")) for p in posts(sent)] == [("live_notice", "12-19 15:30")] * 2



def test_campaign_copy_typed_in_chat_is_linted_and_kept_short_and_a_coupon_is_an_amount_and_a_discount_a_price():
    commands = ["/campaign add 轻内容 周三 12:30 全网最低价，手慢无", "/campaign add 轻内容 周三 12:30 " + "好" * 600,
                "/campaign add 会员日 每月18 20:00 1e30 满99可用", "/campaign add 会员日 每月18 20:00 nan 满99可用",
                "/campaign add 闪购 周五 20:30 本周五晚八点半 精选保温杯限时八折",  # a time where the discount goes
                "/campaign add 闪购 周五 20:30 满199减30 保温杯",
                "/campaign add 闪购 周六 20:30 精选马克杯,保温杯 8.5折",  # the discount typed after the products
                "/campaign preview 闪购2"]
    sent = replay_events(shop() + [say("2026-11-25 10:0" + str(n), OWNER, text, room=None) for n, text in enumerate(commands)])
    lint, long, huge, nan, not_a_discount, added, added_last, preview = [m["text"] for m in sent]
    assert "“本周五晚八点半”不像折扣" in not_a_discount and "/campaign add 闪购" in not_a_discount
    assert added.startswith("已添加 闪购1") and added_last.startswith("已添加 闪购2")
    assert "精选马克杯、保温杯限时8.5折" in preview, preview
    assert "最低价" in lint and "手慢无" in lint and "请换个说法" in lint
    assert "内容太长（600 字）" in long and len(long) < 200
    assert "券面额请写 0.01 到 10000 元之间" in huge and "券面额请写" in nan


def test_no_message_is_longer_than_a_phone_reads_whatever_a_template_renders(assistant_at):
    from core.context import MESSAGE_AT_MOST, Context
    from core.events import Message

    assistant = assistant_at("2026-11-25T10:00")
    ctx = Context(assistant, Message(OWNER, "/help"))
    ctx.reply("command_reply", "command_error", problem="\n".join(["很长的一行内容"] * 500), usage="/help")
    text = assistant.db.execute("SELECT text FROM outbox ORDER BY id DESC").fetchone()[0]
    assert len(text) <= MESSAGE_AT_MOST and text.endswith("…（内容太长，后面的省略了）")


def test_a_complaint_during_a_big_flash_sale_is_acknowledged_at_once_not_behind_the_posts():
    rooms, topics = many_rooms(30)  # 30 posts at 6 a minute: five minutes of queue from 20:00
    member = {"at": at("2026-11-27 19:00"), "type": "room", "id": "m0@chatroom", "topic": "会员0群", "members": [OWNER, "wxid_a"]}
    events = shop("2026-11-27 19:00") + [dict(r, at=at("2026-11-27 19:00")) for r in rooms] + [
        member, say("2026-11-27 20:01", "wxid_a", "杯子收到是碎的，我要投诉", room="m0@chatroom")]
    sent = replay_events(events, until="2026-11-27 20:30", config=config_with(tiers={"regular_rooms": topics, "vip_rooms": []}))
    ack = next(m for m in sent if m["kind"] == "complaint_ack")
    alert = next(m for m in sent if m["kind"] == "complaint_alert")
    assert local(ack) < dt.datetime(2026, 11, 27, 20, 1, 30, tzinfo=SHANGHAI), "the member hears back in seconds"
    assert local(alert) < dt.datetime(2026, 11, 27, 20, 2, tzinfo=SHANGHAI), "and the owner is told as soon"
    flash = [m for m in sent if m["kind"] == "flash_sale"]
    assert len(flash) == 30 and local(flash[-1]) > local(alert), "the posts still all go, after the answers"
