"""Members' words are theirs: the copy lint checks the shop's own copy when it is written (templates, campaign
texts in config.toml and in /campaign add), never what members write or what they are called. A complaint that
says 绝对, or a member called 顶级吃货, is answered like any other."""

from __future__ import annotations

import tomllib

import pytest

from core.config import Config, ConfigError, load_config
from core.store import open_store
from core.text import NAME_CHARS
from tests.conftest import OWNER, ROOT, at, replay_events, run_bot, say, shop

TOP_FOODIE = {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_c", "name": "顶级吃货"}
VIP_ROOM = {"at": at("2026-11-25 10:00"), "type": "room", "id": "r2@chatroom", "topic": "VIP福利群", "members": [OWNER]}


def test_a_complaint_with_a_word_the_shop_may_not_use_is_still_acknowledged_and_alerted():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "杯子是碎的，绝对是发货前就坏了，我要投诉")],
                         until="2026-11-25 10:05")
    kinds = [m["kind"] for m in sent]
    assert kinds == ["complaint_ack", "complaint_alert"]
    assert "绝对" in sent[1]["text"], "the owner sees the member's own words"


def test_a_member_with_a_superlative_nickname_is_welcomed_served_and_tiered(tmp_path):
    db_path = tmp_path / "store.db"
    sent = replay_events(
        shop() + [
            TOP_FOODIE,
            {"at": at("2026-11-25 10:00"), "type": "join", "room": "r1@chatroom", "contact": "wxid_c"},
            say("2026-11-25 10:05", "wxid_c", "快递五天了还没到，物流一直不动，我要投诉"),
            say("2026-11-25 10:10", OWNER, "/order wxid_c 600", room=None),
            say("2026-11-25 10:11", OWNER, "/tiers refresh", room=None),
        ],
        until="2026-11-25 10:20",
        db_path=db_path,
    )
    by_kind = {m["kind"]: m for m in sent}
    assert "顶级吃货" in by_kind["welcome"]["text"]
    assert "顶级吃货" in by_kind["complaint_alert"]["text"] and "complaint_ack" in by_kind
    replies = [m["text"] for m in sent if m["kind"] == "command_reply"]
    assert any("顶级吃货" in r and "600" in r for r in replies), "the /order was recorded"
    assert "顶级吃货" in by_kind["tier_change"]["text"]
    tiers = dict(open_store(db_path).execute("SELECT contact, tier FROM member_tiers").fetchall())
    assert tiers["wxid_c"] == "vip", "one such nickname must not roll back the shop's recompute"


def test_campaign_copy_in_config_is_linted_when_the_config_loads_names_the_key(tmp_path):
    source = (ROOT / "config.toml").read_text(encoding="utf-8").replace('products = []', 'products = ["全网最低价围巾"]')
    path = tmp_path / "config.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "campaigns.flash_sale.products" in str(error.value) and "最低价" in str(error.value)


def test_a_member_day_condition_with_hard_sell_wording_is_refused():
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["campaigns"]["member_day"]["coupon_condition"] = "手慢无"
    with pytest.raises(Exception, match="手慢无"):
        Config.model_validate(raw)


# What members write and what they are called reaches the owner quoted, capped, and with nothing that acts


TRAPS = "杯子收到就是碎的\x1b[2J\x1b[31m质量太差了\x07\x00，\u202e款退要我"  # wipe the screen, paint it red, beep, NUL, turn around


def test_control_characters_in_a_complaint_are_kept_as_written_and_shown_to_the_owner_as_visible_stand_ins(tmp_path):
    db_path = tmp_path / "store.db"
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", TRAPS)], until="2026-11-25 10:05", db_path=db_path)
    alert = next(m["text"] for m in sent if m["kind"] == "complaint_alert")
    assert "杯子收到就是碎的␛[2J␛[31m质量太差了␇␀，\ufffd款退要我" in alert
    assert not any(ord(c) < 0x20 and c != "\n" or c in "\x7f\u202e" for c in alert)
    assert open_store(db_path).execute("SELECT text FROM events WHERE type = 'message'").fetchone() == (TRAPS,)


def test_no_escape_sequence_or_direction_override_reaches_the_console(tmp_path):
    result = run_bot("run", "--db", str(tmp_path / "store.db"), stdin=f"@普通会员群 小王: {TRAPS}\n",
                     timeout=120)
    assert result.returncode == 0, result.stderr
    assert "(complaint_alert)" in result.stdout and "␛[2J" in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout


def test_a_5000_character_nickname_is_cut_short_and_the_alert_keeps_what_to_reply():
    sent = replay_events(shop() + [
        {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_a", "name": "长" * 5000},
        say("2026-11-25 10:00", "wxid_a", "快递五天了还没到，物流一直不动，我要投诉"),
    ], until="2026-11-25 12:00")
    alert, overdue = (next(m["text"] for m in sent if m["kind"] == kind) for kind in ("complaint_alert", "complaint_overdue"))
    assert alert.startswith("新投诉 #1（物流）：" + "长" * NAME_CHARS + "…在「普通会员群」说")
    assert "联系后回复 /contacted 1" in alert and "联系后回复 /contacted 1" in overdue
    assert all(len(m.get("text", "")) < 200 for m in sent), "no message carries the name whole"


def test_a_message_of_a_hundred_thousand_ahs_is_no_complaint():
    sent = replay_events(shop() + [say("2026-11-25 10:00", "wxid_a", "啊" * 100_000)], until="2026-11-25 12:00")
    assert [m["kind"] for m in sent] == [], "nobody is told anything about it"
