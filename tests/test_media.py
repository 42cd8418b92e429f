"""Pictures in and out: kept in media/ by their hash, sent as text then picture, a bad one told to the owner, and
pruned with the store's history unless still used."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
import zlib
from pathlib import Path

import pytest

from core import history, media
from core.context import Context
from core.events import Message
from core.registry import MARK, Registry, command
from core.store import open_store
from tests.conftest import OWNER, at, replay_events, say, shop
from tests.test_retention import run_night

TEN_O_CLOCK = "2026-11-25 10:00"


def png(width: int = 2, height: int = 2, shade: int = 0) -> bytes:
    """A real PNG, made by hand: grey pixels, one filter byte a row."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\0" + bytes([shade]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    """The segments of a baseline JPEG: what the check reads (it decodes no pixels)."""
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 2, 2, 1) + b"\x01\x11\x00"
    scan = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0" + frame + scan + b"\x12\x34\xff\xd9"


def gif() -> bytes:
    return b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x00\x00\x00" + b",\0\0\0\0\1\0\1\0\0\x02\x02D\x01\0;"


def webp() -> bytes:
    body = b"WEBP" + b"VP8L" + struct.pack("<I", 5) + b"\x2f\0\0\0\0" + b"\0"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def empty_chunks(count: int) -> bytes:
    """A whole PNG with `count` empty chunks between its header and its pixels: made to make the check slow."""
    whole = png()
    empty = struct.pack(">I", 0) + b"tEXt" + struct.pack(">I", zlib.crc32(b"tEXt"))
    return whole[:33] + empty * count + whole[33:]


def fill_bytes(count: int) -> bytes:
    """A whole JPEG with `count` fill bytes (0xFF) before its frame: each is a marker the check reads."""
    whole = jpeg()
    return whole[:20] + b"\xff" * count + whole[20:]


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# Keeping a picture


@pytest.mark.parametrize("data, extension", [(png(), "png"), (jpeg(), "jpg"), (gif(), "gif"), (webp(), "webp")])
def test_a_picture_is_kept_under_its_hash_with_the_extension_of_its_real_format(tmp_path, data, extension):
    source = write(tmp_path, "照片.dat", data)  # the name it came with says nothing
    kept = media.keep(tmp_path / "media", Path(source))
    assert kept == tmp_path / "media" / f"{hashlib.sha256(data).hexdigest()}.{extension}"
    assert kept.read_bytes() == data and kept.stat().st_mode & 0o777 == 0o600
    assert media.keep(tmp_path / "media", data) == kept, "the same picture twice is one file"
    assert len(list((tmp_path / "media").iterdir())) == 1


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7 not a picture", "not_image"),
    (b"", "not_image"),
    (png()[:-12], "corrupt"),  # cut before IEND
    (png()[:40] + b"\xff" + png()[41:], "corrupt"),  # a byte changed: its chunk's CRC fails
    (jpeg()[:-2], "corrupt"),  # no end marker
    (gif()[:-1], "corrupt"),
    (webp()[:-4], "corrupt"),
    (png() + b"\0" * (media.MAX_BYTES - len(png()) + 1), "too_large"),
    (empty_chunks(media.PARTS_AT_MOST), "too_complex"),  # with its header and its pixels, one chunk too many
    (fill_bytes(media.PARTS_AT_MOST), "too_complex"),
])
def test_what_is_no_whole_picture_or_is_over_20_mb_is_refused_with_its_reason(tmp_path, data, reason):
    with pytest.raises(media.PictureUnreadable) as refused:
        media.keep(tmp_path / "media", data)
    assert refused.value.reason == reason
    assert not (tmp_path / "media").exists() or list((tmp_path / "media").iterdir()) == []


# Pictures in, through the replay


def test_a_members_picture_is_kept_in_media_beside_the_store_and_the_message_carries_it(tmp_path):
    picture = write(tmp_path, "broken-cup.png", png())
    db_path = tmp_path / "shop" / "store.db"
    sent = replay_events(shop() + [say("2026-11-25 10:01", "wxid_a", "", image=picture)], db_path=db_path)
    kept = db_path.parent / "media" / f"{hashlib.sha256(png()).hexdigest()}.png"
    assert kept.read_bytes() == png()
    db = open_store(db_path)
    row = db.execute("SELECT text, json_extract(data, '$.media'), json_extract(data, '$.image') FROM events"
                     " WHERE type = 'message'").fetchone()
    assert row == ("", "image", str(kept))
    assert [m["kind"] for m in sent] == [], "a picture in a group, in working hours, asks nothing of anyone"


@pytest.mark.parametrize("data, words", [
    (b"just some text", "不是图片文件"),
    (png()[:-12], "文件已损坏或不完整"),
    (png() + b"\0" * media.MAX_BYTES, "超过 20 MB"),
    (empty_chunks(media.PARTS_AT_MOST), "文件结构异常（分块过多）"),
])
def test_a_picture_that_cannot_be_read_is_told_to_the_owner_kept_nowhere_and_the_bot_runs_on(tmp_path, data, words):
    bad = write(tmp_path, "bad.png", data)
    db_path = tmp_path / "store.db"
    sent = replay_events(shop() + [
        say("2026-11-25 10:01", "wxid_a", "", image=bad),
        say("2026-11-25 10:02", "wxid_b", "看看这个", image=bad),  # within the hour: not told again
        say("2026-11-25 10:03", OWNER, "", room=None, image=bad),  # the owner's own is always answered
        say("2026-11-25 10:04", OWNER, "/status", room=None),
    ], db_path=db_path)
    told = [m for m in sent if m["kind"] == "picture_unreadable"]
    assert [m["to"] for m in told] == [OWNER, OWNER]
    assert told[0]["text"] == f"小王在「普通会员群」发的一张图片读不出来（{words}），没有保存，也不会转发。请您在微信里查看。"
    assert told[1]["text"].startswith(f"抱歉，您发的图片没有收下：{words}。")
    assert any(m["kind"] == "command_reply" and "运行状态" in m["text"] for m in sent), "the bot runs on"
    assert not any("image" in m for m in sent), "nothing forwarded"
    assert list((tmp_path / "media").iterdir()) == []


def test_a_voice_message_at_night_gets_the_off_hours_reply(tmp_path):
    sent = replay_events(shop("2026-11-25 23:00") + [
        {"at": at("2026-11-25 23:01"), "type": "message", "from": "wxid_a", "media": "voice"},
    ])
    assert [(m["kind"], m["to"]) for m in sent] == [("off_hours_reply", "wxid_a")]
    assert "客服明天9:00上线" in sent[0]["text"]


def test_a_picture_or_a_voice_message_without_words_troubles_no_feature_and_a_nudge_names_it(tmp_path):
    picture = write(tmp_path, "p.png", png())
    sent = replay_events(shop() + [
        say("2026-11-25 10:01", "wxid_a", "", image=picture),  # in the group
        say("2026-11-25 10:01", "wxid_a", "", image=picture, mentions=["wxid_bot"]),
        say("2026-11-25 10:02", "wxid_b", "", room=None, media="voice"),  # in private: a question to the shop
        {"at": at("2026-11-25 10:02"), "type": "message", "from": "wxid_b", "room": "r1@chatroom", "media": "url"},
        say("2026-11-25 10:03", OWNER, "/complaint @小李", room=None),  # his latest words: he has written none
    ], until="2026-11-25 10:30")
    assert not [m for m in sent if m["kind"] == "error_report"], "no feature failed"
    nudges = [m["text"] for m in sent if m["kind"] == "response_nudge"]
    assert any("小李私聊" in text and "“[语音]”" in text for text in nudges), nudges
    assert any("小王在「普通会员群」" in text and "“[图片]”" in text for text in nudges), nudges


# Pictures out


def _picture_feature(picture: str) -> Registry:
    """A feature that answers the owner's /photo with a text and a picture, or /photo alone with the picture only."""
    @command("photo", usage="/photo [alone]", summary="发图", examples=("/photo",))
    def photo(ctx: Context, args: list[str]) -> None:
        template = None if args else "command_error"
        ctx.say("command_reply", template, to=OWNER, image=picture, problem="新品到了", usage="/photo")

    registry = Registry()
    registry.add(getattr(photo, MARK))
    return registry


def test_a_picture_goes_out_after_its_text_with_the_same_kind_and_counts_as_one_message(shop_bot, tmp_path):
    picture = str(media.keep(tmp_path / "media", png()))
    bot = shop_bot(features=_picture_feature(picture))
    for _ in range(7):
        bot.owner.says("/photo")
    bot.owner.says("/photo alone")
    bot.advance(seconds=59)
    minute = bot.sent(kind="command_reply")
    assert [list(m) for m in minute[:2]] == [["at", "room", "to", "kind", "text"], ["at", "room", "to", "kind", "image"]]
    assert minute[0]["text"].startswith("抱歉，新品到了") and minute[1]["image"] == picture
    assert minute[0]["at"] == minute[1]["at"] and minute[1]["kind"] == "command_reply"
    # six messages a minute for the account: the owner told that answers wait, and five texts, each with its picture
    assert len(bot.sent(kind="please_wait")) == 1
    assert len(bot.sent()) == 11, "a picture takes no place of its own in the per-minute cap"
    rest = bot.advance(minutes=2)
    assert [list(m)[-1] for m in rest] == ["text", "image", "text", "image", "image"], "the last: a picture alone"


def test_the_owners_report_of_a_message_given_up_says_it_had_a_picture(shop_bot, tmp_path):
    picture = str(media.keep(tmp_path / "media", png()))
    bot = shop_bot(features=_picture_feature(picture))
    ctx = Context(bot.assistant)
    ctx.say("flash_sale", "light_content", room=bot.room_id("普通会员群"), image=picture, text="新品到店",
            expires_at=ctx.now)  # already too late
    report = bot.advance(seconds=10)
    assert [m["kind"] for m in report] == ["outbox_report"]
    assert "闪购“新品到店”（附图片）" in report[0]["text"]


# Pruning


def test_the_night_deletes_old_unused_pictures_and_keeps_held_queued_and_recent_ones(assistant_at, tmp_path):
    assistant = assistant_at("2026-11-25 03:00")
    folder = tmp_path / "media"
    old, held, queued, recent = (media.keep(folder, png(shade=n)) for n in range(4))
    long_ago = (assistant.clock.now() - dt.timedelta(days=100)).timestamp()
    for picture in (old, held, queued):
        os.utime(picture, (long_ago, long_ago))
    ctx = Context(assistant)
    media.hold(assistant.db, "campaign:闪购日", str(held), ctx.now)
    ctx.say("flash_sale", None, room="r1@chatroom", image=str(queued), expires_at=ctx.now + dt.timedelta(days=1))
    run_night(assistant)  # 04:00, the store's retention job: 90 days by default
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (held, queued, recent))
    media.hold(assistant.db, "campaign:闪购日", None, ctx.now)  # the campaign let it go
    assert history.prune_pictures(assistant.db, ctx.now - dt.timedelta(days=90)) == 1
    assert not held.exists() and queued.exists()


def test_a_store_in_memory_has_no_media_folder():
    assert media.folder_of(open_store(":memory:")) is None
