"""A member joining a shop group is welcomed once; joins within a minute are gathered into one message."""

from core.config import load_config
from tests.conftest import BOT, OWNER, at, replay_events, shop


def join(when: str, contact: str, name: str | None = None, room: str = "r1@chatroom") -> dict:
    line = {"at": at(when), "type": "join", "room": room, "contact": contact}
    if name:
        line["name"] = name
    return line


def leave(when: str, contact: str) -> dict:
    return {"at": at(when), "type": "leave", "room": "r1@chatroom", "contact": contact}


def welcomes(sent):
    return [m for m in sent if m["kind"] == "welcome"]


def test_a_newcomer_is_welcomed_once_with_the_groups_purpose_rules_and_next_events():
    sent = replay_events(shop() + [join("2026-11-25 10:00", "wxid_c", "阿芳")], until="2026-11-25 10:05")
    assert len(welcomes(sent)) == 1
    welcome = sent[0]
    assert (welcome["room"], welcome["to"], welcome["at"]) == ("r1@chatroom", "wxid_c", at("2026-11-25 10:01"))
    text = welcome["text"]
    assert "欢迎阿芳加入「普通会员群」" in text and "群规" in text and "您" in text
    assert "周五20:00闪购日" in text and "12月18日20:00会员日" in text


def test_joins_within_a_minute_are_gathered_into_one_welcome():
    events = shop() + [
        join("2026-11-25 10:00:00", "wxid_c", "阿芳"),
        join("2026-11-25 10:00:20", "wxid_d", "陈姐"),
        join("2026-11-25 10:00:50", "wxid_e", "老周"),
        join("2026-11-25 10:03:00", "wxid_f", "小赵"),
    ]
    sent = welcomes(replay_events(events, until="2026-11-25 10:10"))
    assert len(sent) == 2
    assert sent[0]["to"] is None and "欢迎阿芳、陈姐、老周加入" in sent[0]["text"]
    assert sent[1]["to"] == "wxid_f" and "欢迎小赵加入" in sent[1]["text"]


def test_no_second_welcome_for_a_member_who_leaves_and_comes_back():
    events = shop() + [
        join("2026-11-25 10:00", "wxid_c", "阿芳"),
        leave("2026-11-25 11:00", "wxid_c"),
        join("2026-11-25 12:00", "wxid_c", "阿芳"),
    ]
    assert len(welcomes(replay_events(events, until="2026-11-25 13:00"))) == 1


def test_the_owner_the_bot_and_someone_who_left_within_the_minute_are_not_welcomed():
    events = shop() + [
        join("2026-11-25 10:00:00", OWNER),
        join("2026-11-25 10:00:05", BOT),
        join("2026-11-25 10:00:10", "wxid_c", "阿芳"),
        leave("2026-11-25 10:00:40", "wxid_c"),
    ]
    assert welcomes(replay_events(events, until="2026-11-25 10:05")) == []


def test_a_vip_group_gets_the_vip_welcome():
    config = load_config().with_owners([OWNER])
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={"vip_rooms": ["普通会员群"]})})
    sent = replay_events(shop() + [join("2026-11-25 10:00", "wxid_c", "阿芳")], until="2026-11-25 10:05", config=config)
    assert "VIP会员福利群" in sent[0]["text"]


def test_a_welcome_on_saturday_says_next_fridays_flash_sale_not_a_bare_weekday():
    sent = replay_events(shop("2026-11-28 10:00") + [join("2026-11-28 10:00", "wxid_c", "阿芳")], until="2026-11-28 10:05")
    assert "近期活动：下周五20:00闪购日，12月18日20:00会员日" in welcomes(sent)[0]["text"]
