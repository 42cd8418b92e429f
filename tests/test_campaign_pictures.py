"""A campaign's product photo: the owner sends it to the bot in private and attaches it with /campaign image, or
config.toml names a file; every group post is its text then the picture, as one message; it survives restarts
and the nightly pruning, and goes when the owner removes it."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from core import media
from core.config import ConfigError, load_config
from tests.conftest import OWNER, ROOT
from tests.test_media import gif, png

GROUPS = {"VIP福利群": ["小王"], "普通会员群": ["小王", "小李"]}
FRIDAY_SALE = "2026-11-27 20:00"


def posts(sent: list[dict], kind: str = "flash_sale") -> list[dict]:
    return [m for m in sent if m["kind"] == kind]


def ask(bot, text: str) -> list[dict]:
    """The owner types a command; what the bot answers within the outbox's pause between two sends to one chat."""
    return bot.owner.says(text) + bot.advance(seconds=10)


def attach(bot, data: bytes = png(), name: str = "闪购日") -> str:
    """The owner sends a picture in private and attaches it; the path kept in media/ is returned."""
    bot.owner.sends_picture(data)
    ask(bot, f"/campaign image {name}")
    return str(media.keep(media.folder_of(bot.assistant.db), data))


def test_the_owners_picture_goes_with_every_group_post_as_its_text_then_the_picture_in_one_send(shop_bot):
    bot = shop_bot(groups=GROUPS)
    hint = bot.owner.sends_picture(png()) + bot.advance(seconds=10)
    assert hint[0]["to"] == OWNER and hint[0]["text"] == (
        "收到图片。要给活动推送配上这张图，请发 /campaign image 活动名称（现有的活动：会员日、闪购日）。"), "no name guessed"
    attached = ask(bot, "/campaign image 闪购日")
    assert attached[0]["text"].startswith("已给 闪购日 配上您刚发的图片：之后每次推送，群里先收到文字，紧接着收到这张图")
    picture = str(media.keep(media.folder_of(bot.assistant.db), png()))
    assert "闪购日（有配图） 每周五 20:00" in ask(bot, "/campaigns")[0]["text"]
    sale = posts(bot.advance_to("2026-11-27 20:05"))
    assert [(m["room"], list(m)[-1]) for m in sale] == [
        (bot.room_id("VIP福利群"), "text"), (bot.room_id("VIP福利群"), "image"),
        (bot.room_id("普通会员群"), "text"), (bot.room_id("普通会员群"), "image"),
    ], "each group gets the text, then the picture right after; VIP groups first"
    assert sale[0]["text"].startswith("本周闪购日来了") and {m["image"] for m in sale[1::2]} == {picture}
    assert sale[0]["at"] == sale[1]["at"] and sale[2]["at"] == sale[3]["at"]
    assert bot.assistant.db.execute("SELECT count(*) FROM outbox WHERE kind = 'flash_sale'").fetchone()[0] == 2, \
        "one outbox message a group: one place in the per-minute cap"


def test_a_post_with_its_picture_takes_one_place_in_the_per_minute_cap(shop_bot):
    groups = {f"会员群{n}": ["小王"] for n in range(1, 9)}
    config = load_config().with_owners([OWNER])
    config = config.model_copy(update={"tiers": config.tiers.model_copy(update={"regular_rooms": list(groups)})})
    bot = shop_bot(groups=groups, config=config)
    attach(bot)
    first_minute = posts(bot.advance_to("2026-11-27 20:00:59"))
    assert [list(m)[-1] for m in first_minute] == ["text", "image"] * 6, "six posts a minute, each with its picture"
    assert len(posts(bot.advance(minutes=2))) == 4


def test_without_a_picture_sent_the_owner_is_told_how_and_an_unknown_name_gets_the_names(shop_bot):
    bot = shop_bot(groups=GROUPS)
    ask(bot, "/campaign add 轻内容 周三 12:30 围巾的三种系法")
    none_yet = ask(bot, "/campaign image 闪购日")[0]["text"]
    assert none_yet == "抱歉，请先把图片私聊发给我，再发 /campaign image 闪购日。", "typed right: no usage to repeat"
    bot.owner.sends_picture(png(), room="普通会员群")  # in a group: not a picture handed to the bot
    assert "请先把图片私聊发给我" in ask(bot, "/campaign image 闪购日")[0]["text"]
    unknown = ask(bot, "/campaign image 秒杀")[0]["text"]
    assert "没有名为“秒杀”的活动。现有的活动：会员日、轻内容1、闪购日" in unknown
    bot.owner.sends_picture(png())
    bot.advance(days=1, minutes=1)
    stale = ask(bot, "/campaign image 闪购日")[0]["text"]
    assert "您最近发给我的图片是昨天" in stale and "超过一天了" in stale and "再私聊发一次" in stale
    assert all("text" in m for m in posts(bot.advance_to("2026-11-27 20:05"))), "no picture was attached"


def test_preview_carries_the_picture_and_delete_removes_it_from_the_posts(shop_bot):
    bot = shop_bot(groups=GROUPS)
    picture = attach(bot)
    preview = ask(bot, "/campaign preview 闪购日")
    assert [list(m)[-1] for m in preview] == ["text", "image"] and preview[1]["image"] == picture
    assert preview[1]["kind"] == "command_reply" and "紧接着收到下面这张图" in preview[0]["text"]
    removed = ask(bot, "/campaign image 闪购日 删除")[0]["text"]
    assert removed == "已去掉 闪购日 的配图，之后只推送文字。"
    assert picture not in media.held(bot.assistant.db), "let go: the store's retention applies to it again"
    again = ask(bot, "/campaign preview 闪购日")
    assert len(again) == 1 and "没有配图" in again[0]["text"]
    assert "还没有配图" in ask(bot, "/campaign image 闪购日 删除")[0]["text"]
    sale = posts(bot.advance_to("2026-11-27 20:05"))
    assert len(sale) == 2 and all("text" in m for m in sale)


def test_the_attachment_survives_a_restart_and_the_nightly_pruning(shop_bot, tmp_path):
    db_path = tmp_path / "shop" / "store.db"
    bot = shop_bot(groups=GROUPS, db_path=db_path)
    picture = attach(bot)
    other = str(media.keep(media.folder_of(bot.assistant.db), gif()))  # a member's photo, long ago
    long_ago = (bot.clock.now() - dt.timedelta(days=100)).timestamp()
    for path in (picture, other):
        os.utime(path, (long_ago, long_ago))
    restarted = shop_bot("2026-11-26 03:00", groups=GROUPS, db_path=db_path)
    restarted.advance_to("2026-11-26 05:00")  # the store's retention job, at 04:00
    assert os.path.exists(picture) and not os.path.exists(other)
    sale = posts(restarted.advance_to("2026-11-27 20:05"))
    assert [m.get("image") for m in sale] == [None, picture, None, picture]


def test_cancel_lets_the_picture_go_and_resume_holds_it_again(shop_bot):
    bot = shop_bot(groups=GROUPS)
    picture = attach(bot)
    ask(bot, "/campaign cancel 闪购日")
    assert picture not in media.held(bot.assistant.db)
    refused = ask(bot, "/campaign image 闪购日")[0]["text"]
    assert "闪购日 已取消，请先 /campaign resume 闪购日 再配图" in refused
    ask(bot, "/campaign resume 闪购日")
    assert picture in media.held(bot.assistant.db)
    assert posts(bot.advance_to("2026-11-27 20:05"))[1]["image"] == picture


def test_a_resumed_campaign_whose_picture_was_pruned_meanwhile_says_so(shop_bot):
    bot = shop_bot(groups=GROUPS)
    picture = attach(bot)
    ask(bot, "/campaign cancel 闪购日")
    os.remove(picture)  # what the nightly pruning does to a picture nobody holds, after the retention
    resumed = ask(bot, "/campaign resume 闪购日")[0]["text"]
    assert "已恢复 闪购日" in resumed and "原来的配图已按保留期清理" in resumed
    assert all("text" in m for m in posts(bot.advance_to("2026-11-27 20:05")))


# config.toml's image key


def config_with(tmp_path, lines: str):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('products = []\n', f'products = []\n{lines}\n', 1)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return tmp_path / "config.toml"


def test_config_names_a_picture_beside_it_which_is_kept_in_media_and_posted(shop_bot, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "scarf.png").write_bytes(png(shade=9))
    config = load_config(config_with(tmp_path, 'image = "photos/scarf.png"')).with_owners([OWNER])
    assert config.campaigns.flash_sale.image == str(tmp_path / "photos" / "scarf.png")
    bot = shop_bot(groups=GROUPS, config=config, db_path=tmp_path / "store.db")
    kept = str(media.keep(tmp_path / "media", png(shade=9)))
    (tmp_path / "photos" / "scarf.png").unlink()  # the owner tidies their folder: the posts send the copy
    assert "闪购日（有配图）" in ask(bot, "/campaigns")[0]["text"]
    assert posts(bot.advance_to("2026-11-27 20:05"))[1]["image"] == kept


def test_the_owners_choice_in_chat_wins_over_config_and_a_removal_stays_after_a_restart(shop_bot, tmp_path):
    (tmp_path / "scarf.png").write_bytes(png(shade=9))
    config = load_config(config_with(tmp_path, 'image = "scarf.png"')).with_owners([OWNER])
    db_path = tmp_path / "store.db"
    bot = shop_bot(groups=GROUPS, config=config, db_path=db_path)
    chosen = attach(bot, png(shade=200))
    restarted = shop_bot("2026-11-26 10:00", groups=GROUPS, config=config, db_path=db_path)
    preview = ask(restarted, "/campaign preview 闪购日")
    assert [m["image"] for m in preview if "image" in m] == [chosen], "config's picture does not come back over the owner's"
    ask(restarted, "/campaign image 闪购日 删除")
    again = shop_bot("2026-11-26 11:00", groups=GROUPS, config=config, db_path=db_path)
    assert all("text" in m for m in posts(again.advance_to("2026-11-27 20:05")))


@pytest.mark.parametrize("write, words", [
    (None, "找不到图片文件 \"photos/scarf.jpg\"（路径相对于配置文件所在的文件夹）"),
    (b"%PDF-1.7", "\"photos/scarf.jpg\" 用不了：不是图片文件"),
    (png()[:-12], "\"photos/scarf.jpg\" 用不了：文件已损坏或不完整"),
])
def test_a_config_picture_missing_or_unreadable_stops_the_load_naming_the_key(tmp_path, write, words):
    if write is not None:
        (tmp_path / "photos").mkdir()
        (tmp_path / "photos" / "scarf.jpg").write_bytes(write)
    with pytest.raises(ConfigError) as refused:
        load_config(config_with(tmp_path, 'image = "photos/scarf.jpg"'))
    line = next(n for n, text in enumerate((tmp_path / "config.toml").read_text().splitlines(), 1) if "scarf" in text)
    assert f"第 {line} 行 campaigns.flash_sale.image（闪购配图）：{words}" in str(refused.value)


def test_the_help_examples_of_image_typed_with_no_picture_sent_get_polite_answers(shop_bot):
    """What check-config's rehearsal does with every example (core/selfcheck.py): they must not fail."""
    bot = shop_bot(groups=GROUPS)
    answers = [ask(bot, example) for example in ("/campaign image 闪购日", "/campaign image 闪购日 删除")]
    assert [m["text"].split("。")[0] for m, in answers] == ["抱歉，请先把图片私聊发给我，再发 /campaign image 闪购日",
                                                             "抱歉，闪购日 还没有配图"]
    assert bot.sent("error_report") == []
