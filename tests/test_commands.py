"""Admin commands: the owner (by WeChat id) gets answers; anyone else is refused once, politely, and recorded."""

import pytest

from core.commands import parse
from core.store import open_store
from tests.conftest import BOT, FEATURES, OWNER, at, replay_events, say, shop


def test_owner_gets_help_in_private():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None)])
    assert len(sent) == 1
    reply = sent[0]
    assert (reply["room"], reply["to"], reply["kind"]) == (None, OWNER, "command_reply")
    assert "/status" in reply["text"] and "/help" in reply["text"]
    assert reply["at"] == at("2026-11-25 10:01")


def test_full_width_slash_and_a_leading_mention_in_a_group_work_too():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "@小店助手\u2005／status", mentions=[BOT])])
    assert [(m["room"], m["to"], m["kind"]) for m in sent] == [(None, OWNER, "command_reply"), ("r1@chatroom", OWNER, "command_reply")]
    assert "群" in sent[0]["text"] and "成员" in sent[0]["text"]


def test_a_command_about_a_member_typed_in_a_group_is_answered_in_private_only():
    sent = replay_events(shop() + [
        say("2026-11-25 10:00", "wxid_a", "杯子收到就是碎的，质量太差了，给个说法"),
        say("2026-11-25 10:01", OWNER, "/order @小王 600", room=None),
        say("2026-11-25 10:02", OWNER, "/tier @小王"),
        say("2026-11-25 10:03", OWNER, "/complaints"),
        say("2026-11-25 10:04", OWNER, "/stats"),
    ], until="2026-11-25 10:10")
    in_group = [m for m in sent if m["room"] and m["kind"] == "command_reply"]
    assert [m["text"] for m in in_group] == ["已私信回复您。"] * 3
    private = [m for m in sent if m["room"] is None and m["to"] == OWNER and m["kind"] == "command_reply"]
    texts = [m["text"] for m in private if "text" in m]
    assert any("600" in text for text in texts[1:]), "the tier, with its spend, went to the owner in private"
    assert any("#1" in text for text in texts), "the complaint list went to the owner in private"
    assert "image" in private[-1], "the /stats chart, in private too"


def test_a_member_renamed_to_the_owners_name_is_still_refused():
    events = shop() + [
        {"at": at("2026-11-25 10:01"), "type": "contact", "id": "wxid_a", "name": "店主"},
        say("2026-11-25 10:02", "wxid_a", "/status"),
    ]
    sent = replay_events(events)
    assert len(sent) == 1
    assert sent[0]["to"] == "wxid_a" and "仅限店主" in sent[0]["text"]
    assert "运行状态" not in sent[0]["text"]


def test_a_non_owner_is_refused_once_and_every_attempt_is_recorded(tmp_path):
    db_path = tmp_path / "store.db"
    events = shop() + [say(f"2026-11-25 10:0{n}", "wxid_a", "/status") for n in range(1, 4)]
    sent = replay_events(events, db_path=db_path)
    assert [m["kind"] for m in sent] == ["command_reply"]
    refusals = list(open_store(db_path).query("SELECT contact, text FROM command_refusals"))
    assert refusals == [{"contact": "wxid_a", "text": "/status"}] * 3


def test_an_unknown_command_gets_one_line_and_the_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/发货", room=None)])
    assert len(sent) == 1
    assert sent[0]["text"] == "抱歉，没有 /发货 这个指令。用法：/help"


def test_a_misspelt_command_is_answered_with_the_nearest_one():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/staus", room=None)])
    assert [m["text"] for m in sent] == ["抱歉，没有 /staus 这个指令，您要的可能是 /status。用法：/help"]


def test_bad_arguments_get_the_reason_and_the_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/status now please", room=None)])
    assert sent[0]["text"] == "抱歉，/status 不需要参数。用法：/status"


def test_help_for_one_command_shows_its_usage():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/help status", room=None)])
    assert "/status" in sent[0]["text"] and "/help [指令名]" not in sent[0]["text"]


def test_ordinary_chat_and_the_bots_own_echo_get_no_command_reply():
    events = shop() + [
        say("2026-11-25 10:01", "wxid_a", "今天天气不错 /不是指令"),
        say("2026-11-25 10:02", BOT, "/help"),
    ]
    assert replay_events(events) == []


def test_status_counts_each_member_once_however_many_groups_and_follows_joins_and_leaves():
    def status(when):
        return say(when, OWNER, "/status", room=None)

    events = shop() + [
        {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER, "wxid_a"]},
        status("2026-11-25 10:01"),
        {"at": at("2026-11-25 10:02"), "type": "join", "room": "r2@chatroom", "contact": "wxid_c"},
        {"at": at("2026-11-25 10:02"), "type": "leave", "room": "r2@chatroom", "contact": "wxid_a"},
        status("2026-11-25 10:03"),
        {"at": at("2026-11-25 10:04"), "type": "leave", "room": "r1@chatroom", "contact": "wxid_a"},
        # a refreshed member list drops whoever is not on it
        {"at": at("2026-11-25 10:04"), "type": "room", "id": "r1@chatroom", "topic": "普通会员群", "members": [OWNER]},
        status("2026-11-25 10:05"),
    ]
    replies = [m["text"] for m in replay_events(events) if m["kind"] == "command_reply"]
    counts = [reply.split("成员：")[1].split(" 人")[0] for reply in replies]
    assert counts == ["2", "3", "1"], "members of the shop's groups, the owner not counted"


@pytest.mark.parametrize(
    "typed",
    ["\u200b/status", "\ufeff/status", "\u202e/status", "\u2066/status\u2069", "／ｓｔａｔｕｓ", "/ＳＴＡＴＵＳ", "／status"],
)
def test_invisible_characters_and_full_width_letters_around_a_command_are_ignored(typed):
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, typed, room=None)])
    assert [m["kind"] for m in sent] == ["command_reply"] and "群：1 个，成员：2 人" in sent[0]["text"]


def test_full_width_digits_in_arguments_count_but_chinese_punctuation_is_kept():
    assert parse("／ｓｔａｔｓ　３０ｄ") == ("stats", ["30d"])
    assert parse("/campaign add 轻内容 周三 12:30 上新！（限时）") == ("campaign", ["add", "轻内容", "周三", "12:30", "上新！（限时）"])


def test_a_very_long_unknown_word_is_not_echoed_whole():
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/tier " + "王" * 500, room=None)])
    assert "没有找到“" + "王" * 30 + "…”" in sent[0]["text"] and len(sent[0]["text"]) < 200


def test_help_alone_is_one_line_per_command():
    text = replay_events(shop() + [say("2026-11-25 10:01", OWNER, "/help", room=None)])[0]["text"]
    assert len(text.splitlines()) == 1 + len(FEATURES.commands)
    assert "例：" not in text


def test_every_command_has_examples_and_one_declared_without_any_stops_at_import():
    import pytest

    from core.registry import command

    assert all(c.examples and all(e.startswith(f"/{c.name}") for e in c.examples) for c in FEATURES.commands.values()), \
        "each example is a command the owner can copy"
    for examples in ((), "/nothing"):
        with pytest.raises(ValueError, match="example"):
            command("nothing", usage="/nothing", summary="无", examples=examples)
    assert "nothing" not in FEATURES.commands


def test_help_for_any_command_shows_its_examples():
    events = shop() + [say("2026-11-25 10:01", OWNER, f"/help {name}", room=None) for name in sorted(FEATURES.commands)]
    replies = [m for m in replay_events(events) if m["kind"] == "command_reply"]  # not the notice that they wait
    assert len(replies) == len(FEATURES.commands)
    for name, reply in zip(sorted(FEATURES.commands), replies):
        assert f"例：{FEATURES.commands[name].examples[0]}" in reply["text"], name


def test_help_campaign_shows_the_syntax_and_two_examples_of_each_action_under_all_its_names():
    events = shop() + [say("2026-11-25 10:01", OWNER, f"/help {word}", room=None) for word in ("campaign", "活动", "campaigns")]
    replies = [m["text"] for m in replay_events(events)]
    assert replies[0] == replies[1] == replies[2]
    text = replies[0]
    for kind in ("闪购", "会员日", "轻内容", "直播"):
        assert f"· /campaign add {kind} 周几|每月几 时间" in text
        assert text.count(f"例：/campaign add {kind} ") >= 2
    for action in ("confirm", "pause", "resume", "cancel", "preview"):
        assert f"· /campaign {action}" in text
    for action in ("pause", "resume", "cancel", "preview"):
        assert text.count(f"例：/campaign {action} ") == 2
    assert "例：/campaigns" in text and len(text) < 2000


def status_text(db_path, when="2026-11-25 11:40"):
    return replay_events([say(when, OWNER, "/status", room=None)], db_path=db_path)[0]["text"]


def test_status_says_what_the_owner_cares_about_in_words_and_no_internal_names(tmp_path):
    import json

    db_path = tmp_path / "store.db"
    vip_room = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER, "wxid_a"]}
    replay_events(shop() + [vip_room, say("2026-11-25 10:00", "wxid_a", "买的杯子收到就是碎的，质量太差了，我要投诉！"),
                            say("2026-11-25 10:05", "wxid_b", "物流三天没更新了，你们到底发没发货"),
                            say("2026-11-25 10:06", OWNER, "/contacted 2", room=None)],
                  until="2026-11-25 11:30", db_path=db_path)
    assert "连接状态未知" in status_text(tmp_path / "never_logged_in.db")
    text = status_text(db_path)
    assert "微信：未连接（这次启动后还没登录）" in text, "a run of its own, without a login: the script's was the last run's"
    assert "闪购日 周五20:00，发到 VIP福利群、普通会员群" in text
    assert "会员日 12月18日20:00，发到 VIP福利群" in text
    assert "投诉：未结 2 条，其中 1 条已超时，/complaints 查看" in text
    assert "今天已发 7 条，待发 0 条" in text and "群：2 个，成员：2 人" in text
    for internal in ("store_maintenance", "campaign_", "_check", "recurring", "weekly_review", "tier"):
        assert internal not in text
    store = open_store(db_path)
    store.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('connection', ?)",
                  [json.dumps({"online": True, "since": "2026-11-25T01:00:00.000000+00:00"})])
    store.conn.commit()
    assert "微信：未连接（这次启动后还没登录）" in status_text(db_path, "2026-11-25 11:41"), "stored before runs were told apart"
    store.execute("UPDATE meta SET value = ? WHERE key = 'connection'",
                  [json.dumps({"online": False, "since": "2026-11-24T14:30:00.000000+00:00"})])
    store.conn.commit()
    assert "微信：未连接（自昨天22:30起断开）" in status_text(db_path, "2026-11-25 11:42")


def test_status_after_a_restart_says_connected_since_the_restart_never_hiding_the_outage(shop_bot, tmp_path):
    db_path = tmp_path / "store.db"
    shop_bot("2026-11-25 08:44", db_path=db_path).advance_to("2026-11-25 08:46")  # stopped at 8:46, no logout
    after = shop_bot("2026-11-25 09:27", db_path=db_path)  # started again, logs in
    after.advance(minutes=3)
    after.owner.says("/status")
    after.advance(minutes=1)
    status = after.texts(kind="command_reply")[-1]
    assert "微信：已连接（自今天9:27起）" in status and "8:44" not in status


def test_status_after_a_restart_that_has_not_logged_in_yet_says_not_connected(tmp_path):
    db_path = tmp_path / "store.db"
    replay_events(shop("2026-11-28 10:00"), until="2026-11-28 20:30", db_path=db_path)  # stopped Saturday night
    # started again on Sunday: WeChat has not logged in yet in this run
    sent = replay_events([say("2026-11-29 21:00", OWNER, "/status", room=None)], db_path=db_path)
    status = sent[-1]["text"]
    assert "微信：未连接（这次启动后还没登录）" in status and "已连接" not in status, status


def test_status_counts_the_groups_of_a_campaign_when_there_are_many_and_says_when_the_outbox_goes_next():
    rooms = [{"at": at("2026-11-25 10:00"), "type": "room", "id": f"m{n}@chatroom", "topic": f"会员{n}群", "members": [OWNER]}
             for n in range(5)]
    events = shop() + rooms + [say("2026-11-25 10:01", OWNER, "/help", room=None), say("2026-11-25 10:01", OWNER, "/help", room=None),
                               say("2026-11-25 10:01", OWNER, "/status", room=None)]
    from core.config import load_config

    config = load_config().with_owners([OWNER])
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={"regular_rooms": [f"会员{n}群" for n in range(5)]})})
    text = replay_events(events, config=config)[-1]["text"]
    assert "闪购日 周五20:00，发到 5 个群" in text
    assert "待发 1 条，下一条今天10:01发出" in text


def orders_of(db_path, name, count):
    store = open_store(db_path)
    for n in range(count):
        store.execute("INSERT INTO orders (id, placed_at, buyer_name, amount, status, counts, source, saved_at)"
                      " VALUES (?, '2026-11-20T02:00:00.000000+00:00', ?, 50, '已完成', 1, 'export', '')", [f"{name}{n}", name])
    store.conn.commit()


def test_relinking_a_nickname_says_whom_it_was_tied_to_and_unlink_removes_the_link(tmp_path):
    db_path = tmp_path / "store.db"
    replay_events(shop(), db_path=db_path)
    orders_of(db_path, "王小二", 3)
    commands = ["/link 王小二 @小王", "/link 王小二 wxid_b", "/link 王小二 wxid_b", "/unlink 王小二", "/取消关联 王小二", "/unlink"]
    sent = replay_events([say(f"2026-11-25 10:0{n}", OWNER, text, room=None) for n, text in enumerate(commands)],
                         db_path=db_path)
    first, relinked, same, unlinked, again, bare = [m["text"] for m in sent if m["kind"] == "command_reply"]
    tier_changes = [m["text"] for m in sent if m["kind"] == "tier_change"]
    assert ["小王" in tier_changes[0], "小李" in tier_changes[1]] == [True, True] and len(tier_changes) == 2, \
        "the 3 orders make 小王 VIP, then 小李 too, told as it happens; 小王 keeps the tier through the grace period"
    assert "已把买家昵称“王小二”对应到 小王（wxid_a）" in first and "原来" not in first
    assert "原来对应 小王，现改为 小李" in relinked and "3 单" in relinked
    assert "本来就对应 小李" in same
    assert "已取消买家昵称“王小二”与 小李 的对应：3 单" in unlinked
    assert again == "抱歉，买家昵称“王小二”没有对应到成员，/link 可查看待对应的昵称。用法：/unlink 买家昵称"
    assert bare.startswith("抱歉，请给出一个买家昵称")
    assert open_store(db_path).execute("SELECT count(*) FROM buyer_links").fetchone()[0] == 0


HUGE = "99999999999999999999999"


def owner_answer(bot, typed: str) -> list[dict]:
    """What the bot sent in the minute after the owner typed `typed` in private."""
    bot.advance(minutes=1)
    before = len(bot.sent())
    bot.owner.says(typed)
    bot.advance(minutes=1)
    return bot.sent()[before:]


def with_a_complaint(shop_bot):
    bot = shop_bot()
    bot.member("小王").says("杯子收到是碎的，太失望了", room="普通会员群")  # complaint #1
    return bot


@pytest.mark.parametrize("typed, usage", [
    (f"/resolve {HUGE} 无", "/resolve 编号"), (f"/contacted {HUGE}", "/contacted 编号"),
    (f"/notcomplaint #{HUGE}", "/notcomplaint 编号"), (f"/vip {HUGE}", "/vip [页码]"),
    (f"/skipped {HUGE}", "/skipped [页码]"), (f"/stats 群 {HUGE}", "/stats [天数"), (f"/faq list {HUGE}", "/faq"),
    ("/vip " + "9" * 5000, "/vip [页码]"), ("/vip -1", "/vip [页码]"),
])
def test_a_huge_or_odd_number_in_a_command_gets_the_usage_line_and_no_error_report(shop_bot, typed, usage):
    answer = owner_answer(with_a_complaint(shop_bot), typed)
    assert [m["kind"] for m in answer] == ["command_reply"], answer
    assert answer[0]["text"].startswith("抱歉") and f"用法：{usage}" in answer[0]["text"]
    assert "要写 1 到" in answer[0]["text"]


@pytest.mark.parametrize("typed", ["30", "30元", "¥30", "￥30", "３０", "￥３０.００", "30.0"])
def test_money_in_resolve_is_read_as_people_write_it_and_shown_in_yuan(shop_bot, typed):
    answer = owner_answer(with_a_complaint(shop_bot), f"/resolve 1 券 {typed}")
    assert "补偿：券 ¥30.00。" in answer[0]["text"]


@pytest.mark.parametrize("typed", ["1e308", "inf", "nan", "-5", "0", "30.005", "100000.01", "三十"])
def test_money_that_no_shop_means_is_refused_and_the_complaint_stays_open(shop_bot, typed):
    bot = with_a_complaint(shop_bot)
    answer = owner_answer(bot, f"/resolve 1 退款 {typed}")[0]["text"]
    assert answer.startswith("抱歉") and "退款金额请写 0.01 到 100000 元之间的数字，最多两位小数" in answer
    assert "/resolve 编号" in answer
    assert "#1" in owner_answer(bot, "/complaints")[0]["text"], "still open"


def test_the_owner_writing_words_in_private_is_pointed_to_the_commands_once_an_hour(shop_bot):
    bot = shop_bot()
    reply, = bot.owner.says("帮我看看今天有几个投诉")
    assert reply["text"].startswith("这里只认以 / 开头的指令。您要的可能是：\n/complaints [week]　未结的投诉")
    assert bot.owner.says("在吗") == [], "once an hour: not a reply to every line"
    bot.advance(hours=1, minutes=1)
    reply, = bot.owner.says("这条不是投诉")
    assert reply["text"].startswith("这里只认以 / 开头的指令。您要的可能是：\n/notcomplaint 编号"), "the longest name"
    bot.advance(hours=1, minutes=1)
    reply, = bot.owner.says("在吗")
    assert "/status 看运行状态" in reply["text"] and reply["text"].endswith("全部指令：/help")
    assert bot.owner.says("大家好", room="普通会员群") == [], "in a group the owner talks to members"
