"""The order export sent in chat: the owner's file goes in as `bot.py import-orders` puts it in, with one answer;
anyone else's file, or a file that is no export, gets what is needed and is imported nowhere."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile

from openpyxl import Workbook

from core import media
from core.store import open_store
from handlers import order_files
from tests.conftest import OWNER, ROOT, at, replay_events, shop

EXPORT = ROOT / "tests" / "fixtures" / "orders_export.csv"  # 300 orders; line 58's amount is "12o.50"
HEADER = "订单号,下单时间,买家昵称,买家微信号,实付金额,订单状态\n"


def fixed_export() -> str:
    return EXPORT.read_text(encoding="utf-8-sig").replace("12o.50", "120.50")


def xlsx(text: str) -> bytes:
    book = Workbook()
    for row in csv.reader(io.StringIO(text)):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sends(person, data: bytes, room: str | None = None) -> list[dict]:
    """What the bot answers a file with, once the outbox's pacing (3 s a chat) lets it go."""
    return person.sends_file(data, room=room) + person.bot.advance(seconds=10)


def orders_in(bot) -> tuple[int, int]:
    return bot.assistant.db.execute("SELECT count(*), coalesce(sum(counts), 0) FROM orders").fetchone()


def figures(text: str) -> dict[str, int]:
    """新增 / 更新 / 未变 as the answer gives them."""
    return {word: int(re.search(rf"{pattern} (\d+) 单", text)[1])
            for word, pattern in [("new", "新增"), ("updated", "更新"), ("unchanged", "未变")]}


def test_a_utf8_csv_sent_in_private_is_imported_and_the_answer_matches_the_store(shop_bot):
    bot = shop_bot()
    answer = sends(bot.owner, fixed_export().encode("utf-8-sig"))
    assert [(m["kind"], m["to"], m["room"]) for m in answer] == [("command_reply", "wxid_owner", None)]
    text = answer[0]["text"]
    assert orders_in(bot) == (300, 298)
    assert figures(text) == {"new": 300, "updated": 0, "unchanged": 0}
    assert "订单已导入：300 单（重复的行 1 行已合并）" in text and "退款/关闭的 2 单不计入消费" in text
    risen = bot.assistant.db.execute("SELECT count(*) FROM tier_changes WHERE to_tier = 'vip'").fetchone()[0]
    assert risen > 10 and f"新晋 VIP {risen} 位" in text and f"……另有 {risen - 10} 位，见 /vip" in text
    assert "还未对应到成员的：3 个昵称" in text and len(text) < 2000


def test_a_gbk_csv_and_an_xlsx_read_the_same_as_the_utf8_file(shop_bot):
    for data in (fixed_export().encode("gbk"), xlsx(fixed_export())):
        bot = shop_bot()
        answer = sends(bot.owner, data)
        assert figures(answer[0]["text"]) == {"new": 300, "updated": 0, "unchanged": 0}
        assert orders_in(bot) == (300, 298)


def test_the_same_file_twice_adds_nothing_and_a_refund_since_is_an_update(shop_bot):
    bot = shop_bot()
    sends(bot.owner, fixed_export().encode("utf-8"))
    again = sends(bot.owner, fixed_export().encode("utf-8"))
    assert figures(again[0]["text"]) == {"new": 0, "updated": 0, "unchanged": 300}
    assert orders_in(bot) == (300, 298)
    refunded = fixed_export().replace("WX2026000000,2026-11-09 16:33:00,会员033,wxid_m033,199.90,已完成",
                                      "WX2026000000,2026-11-09 16:33:00,会员033,wxid_m033,199.90,退款成功")
    later = sends(bot.owner, refunded.encode("utf-8"))
    assert figures(later[0]["text"]) == {"new": 0, "updated": 1, "unchanged": 299}
    assert orders_in(bot) == (300, 297)


def test_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(shop_bot):
    bot = shop_bot()
    text = sends(bot.owner, EXPORT.read_bytes())[0]["text"]
    assert "订单文件没有导入：有 1 个问题" in text
    assert "· 第 58 行：实付金额“12o.50”不是金额，例如 199.50" in text
    assert orders_in(bot) == (0, 0)


def test_the_first_ten_bad_rows_are_listed_then_counted(shop_bot):
    bot = shop_bot()
    rows = "".join(f"A{n},2026-11-20 10:00:00,小王,,9x9,已完成\n" for n in range(1, 26))
    text = sends(bot.owner, (HEADER + rows).encode("utf-8"))[0]["text"]
    assert "有 25 个问题" in text and "……另有 15 个问题" in text
    listed = re.findall(r"· 第 (\d+) 行", text)
    assert listed == [str(line) for line in range(2, 12)]
    assert len(text) < 2000 and orders_in(bot) == (0, 0)


def test_the_tier_changes_the_import_caused_are_in_the_same_answer(shop_bot):
    bot = shop_bot(groups={"普通会员群": ["小王", "小李"]})
    wang = bot.ids["小王"]
    answer = sends(bot.owner, (HEADER + f"B1,2026-11-24 20:00:00,小王,{wang},620.00,已完成\n").encode("utf-8"))
    assert len(answer) == 1, "one answer: the figures and the tier changes together"
    assert "新增 1 单" in answer[0]["text"] and "新晋 VIP 1 位" in answer[0]["text"]
    assert "· 小王：近90天消费¥620.00" in answer[0]["text"]
    assert bot.sent("tier_change") == []


def test_a_file_that_is_no_export_gets_what_is_needed(shop_bot):
    bot = shop_bot()
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")
    wrong_columns = "订单编号,时间,买家昵称,金额\nA1,2026-11-20,小王,99\n".encode("utf-8")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as photos:
        photos.writestr("photos/cup.png", png)
    answers = [sends(bot.owner, data)[0]["text"]
               for data in (pdf, png, wrong_columns, old_excel, archive.getvalue())]
    assert answers[0].startswith("这是 PDF 文件，不是订单文件") and answers[1].startswith("这是一张图片")
    assert answers[2].startswith("这个表格不是订单导出文件") and "没有“实付金额”或“实付款”或“订单金额”列" in answers[2]
    assert answers[3].startswith("这是旧版 Excel（.xls）文件，没有导入：请另存为 XLSX 或 CSV")
    assert answers[4].startswith("这个文件不是订单文件")
    for text in answers:
        assert "表头要有：订单号、下单时间、买家昵称或买家微信号、实付金额、订单状态" in text
    assert orders_in(bot) == (0, 0)


def test_a_file_over_20_mb_or_200000_rows_is_refused_with_the_limit(shop_bot, monkeypatch):
    bot = shop_bot()
    huge = (HEADER + "A1,2026-11-20 10:00:00,小王,,99,已完成\n" * 600_000).encode("utf-8")
    assert len(huge) > media.MAX_BYTES
    text = sends(bot.owner, huge)[0]["text"]
    assert text.startswith("这个文件超过 20 MB，没有导入") and "20 MB、200,000 行以内" in text
    # 200,001 rows take the import some seconds to reach: the same check, at a limit of 3
    monkeypatch.setattr(order_files, "ROWS_AT_MOST", 3)
    rows = "".join(f"A{n},2026-11-20 10:00:00,小王,,99,已完成\n" for n in range(4))
    text = sends(bot.owner, (HEADER + rows).encode("utf-8"))[0]["text"]
    assert "超过 3 行（聊天里发的订单文件最多 3 行）" in text and orders_in(bot) == (0, 0)


def test_a_members_file_is_answered_in_private_never_imported_and_in_a_group_not_answered(shop_bot):
    bot = shop_bot()
    wang = bot.member("小王")
    answer = sends(wang, fixed_export().encode("utf-8"))
    assert [(m["kind"], m["to"], m["room"]) for m in answer] == [("file_reply", wang.id, None)]
    assert "收不了文件" in answer[0]["text"] and "文字" in answer[0]["text"]
    assert sends(wang, b"%PDF-1.4 another") == [], "told once an hour, not at every file"
    assert sends(bot.member("小李"), fixed_export().encode("utf-8"), room="普通会员群") == []
    assert orders_in(bot) == (0, 0)
    kept = list(media.folder_of(bot.assistant.db).glob("*.csv"))
    assert len(kept) == 1 and oct(kept[0].stat().st_mode & 0o777) == "0o600", "kept once, private"


def test_an_export_the_owner_posts_in_a_group_is_not_imported_and_the_owner_is_told_in_private(shop_bot):
    bot = shop_bot()
    answer = sends(bot.owner, fixed_export().encode("utf-8"), room="普通会员群")
    assert [(m["kind"], m["to"], m["room"]) for m in answer] == [("command_reply", "wxid_owner", None)]
    assert "您在「普通会员群」发的表格没有导入：订单文件请私聊发给我" in answer[0]["text"]
    assert orders_in(bot) == (0, 0)
    assert sends(bot.owner, b"%PDF-1.4 catalogue", room="普通会员群") == [], "a catalogue is the group's"


def test_a_replay_carries_a_file_as_it_carries_a_picture(tmp_path):
    export = tmp_path / "orders.csv"
    export.write_text(fixed_export(), encoding="gbk")
    sent = replay_events(shop() + [
        {"at": at("2026-11-25 10:01"), "type": "message", "from": OWNER, "file": str(export)},
        {"at": at("2026-11-25 10:02"), "type": "message", "from": OWNER, "file": str(export)},
        {"at": at("2026-11-25 10:03"), "type": "message", "from": OWNER, "media": "file"},
        {"at": at("2026-11-25 10:04"), "type": "message", "from": "wxid_a", "file": str(export)},
        {"at": at("2026-11-25 10:05"), "type": "message", "from": "wxid_b", "room": "r1@chatroom", "file": str(export)},
    ], db_path=tmp_path / "store.db")
    assert [(m["kind"], m["to"], m["room"]) for m in sent] == [
        ("command_reply", OWNER, None), ("command_reply", OWNER, None), ("command_reply", OWNER, None),
        ("file_reply", "wxid_a", None)]
    assert figures(sent[0]["text"])["new"] == 300 and figures(sent[1]["text"]) == {"new": 0, "updated": 0, "unchanged": 300}
    assert sent[2]["text"].startswith("这个文件没有收到"), "a bare file message: nothing was handed over"
    kept = tmp_path / "media" / f"{hashlib.sha256(export.read_bytes()).hexdigest()}.csv"
    assert kept.is_file()
    db = open_store(tmp_path / "store.db")
    assert db.execute("SELECT count(*) FROM orders").fetchone()[0] == 300
    assert {row[0] for row in db.execute("SELECT json_extract(data, '$.file') FROM events WHERE type = 'message'"
                                         " AND json_extract(data, '$.media') = 'file'")} == {str(kept), None}


def test_an_xlsx_with_the_order_number_and_amount_typed_as_numbers_reads_them_as_shown(shop_bot):
    book = Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append([20261125001, "2026-11-24 20:00:00", "小王", "wxid_x", 99, "已完成"])
    out = io.BytesIO()
    book.save(out)
    bot = shop_bot()
    assert figures(sends(bot.owner, out.getvalue())[0]["text"])["new"] == 1
    assert bot.assistant.db.execute("SELECT id, amount FROM orders").fetchall() == [("20261125001", 99.0)]


def test_a_members_file_at_night_gets_one_message_that_also_says_when_service_opens(shop_bot):
    bot = shop_bot(start="2026-11-25 23:00")
    wang = bot.member("小王")
    answer = sends(wang, b"%PDF-1.4 receipt")
    assert [(m["kind"], m["to"]) for m in answer] == [("file_reply", wang.id)], "one message, not two"
    assert "收不了文件" in answer[0]["text"] and "非工作时间" in answer[0]["text"] and "明天9:00上线" in answer[0]["text"]
    assert wang.says("我的快递到哪了") + bot.advance(seconds=10) == [], "the night's off-hours line was given with it"


def test_a_plain_text_file_is_said_to_be_no_table_in_a_few_words(shop_bot):
    bot = shop_bot()
    note = "店主您好，\n这是我记的本周要补的货：\n杯子 20 个\n碗 10 个\n".encode("utf-8")
    text = sends(bot.owner, note)[0]["text"]
    assert text.startswith("这个文件不是订单表格"), text
    assert "表头要有：订单号、下单时间、买家昵称或买家微信号、实付金额、订单状态" in text
    assert "没有“" not in text, "no list of the columns a note lacks"
    assert len(text.splitlines()) <= 2 and orders_in(bot) == (0, 0)


def test_members_merely_outside_the_vip_room_are_not_called_tier_changes(shop_bot):
    bot = shop_bot(groups={"普通会员群": ["小王"], "VIP福利群": ["小李"]})
    wang = bot.ids["小王"]
    text = sends(bot.owner, (HEADER + f"B1,2026-11-24 20:00:00,小王,{wang},20.00,已完成\n").encode("utf-8"))[0]["text"]
    assert "会员等级没有变化" in text and "会员等级有变化" not in text, text
    assert "小李" in text and "VIP福利群" in text, "the room mismatch is still said, apart"


def test_a_big_file_is_said_to_have_started_and_a_member_is_answered_while_it_is_saved(shop_bot, monkeypatch):
    # The fixture's 300 orders as a "big" file saved 100 a step: the steps are STEP apart on the virtual clock, and
    # what comes between two of them is answered at once.
    monkeypatch.setattr(order_files, "BIG_FILE_BYTES", 1_000)
    monkeypatch.setattr(order_files, "BATCH_ROWS", 100)
    bot = shop_bot()
    bot.owner.says("/faq add 运费,包邮 满99元包邮，不满99元运费8元")
    bot.advance(minutes=1)
    started = bot.owner.sends_file(fixed_export().encode("utf-8"))
    assert [m["kind"] for m in started] == ["command_reply"]
    assert re.fullmatch(r"订单文件比较大，正在导入…，约需 \d+ 秒。.*", started[0]["text"])
    assert orders_in(bot)[0] == 100, "the first batch is in, the import goes on"
    bot.member("小王").says("你们家包邮吗")  # goes out a few seconds later, at the outbox's pace
    assert queued(bot) == ["faq_answer"] and orders_in(bot)[0] < 300, "answered while the import goes on"
    busy = bot.owner.sends_file(b"\xef\xbb\xbf" + HEADER.encode("utf-8") + "A1,2026-11-20 10:00:00,小王,,99,已完成\n".encode())
    told = bot.assistant.db.execute("SELECT text FROM outbox WHERE status = 'queued' ORDER BY id DESC").fetchone()[0]
    assert busy == [] and told.startswith("上一个订单文件还在导入（约需"), "a second file waits its turn, politely"
    assert queued(bot) == ["faq_answer", "command_reply"] and orders_in(bot)[0] < 300
    done = bot.advance(seconds=30)
    to_owner = [m["text"] for m in done if m["to"] == OWNER]
    assert sorted(m["kind"] for m in done) == ["command_reply", "command_reply", "faq_answer"] and len(to_owner) == 2
    assert to_owner[0].startswith("上一个订单文件还在导入") and to_owner[1].startswith("订单已导入"), "one answer at the end"
    assert figures(to_owner[1]) == {"new": 300, "updated": 0, "unchanged": 0} and orders_in(bot) == (300, 298)
    assert "退款/关闭的 2 单不计入消费" in to_owner[1]


def queued(bot) -> list[str]:
    """The kinds of the messages waiting for the outbox's pace, in the order they were queued."""
    return [row[0] for row in bot.assistant.db.execute("SELECT kind FROM outbox WHERE status = 'queued' ORDER BY id")]


def test_a_restart_in_the_middle_of_a_big_import_goes_on_from_where_it_was(shop_bot, monkeypatch, tmp_path):
    monkeypatch.setattr(order_files, "BIG_FILE_BYTES", 1_000)
    monkeypatch.setattr(order_files, "BATCH_ROWS", 100)
    bot = shop_bot(db_path=tmp_path / "kept.db")
    bot.owner.sends_file(fixed_export().encode("utf-8"))
    assert orders_in(bot)[0] == 100
    again = shop_bot(start="2026-11-25 10:05", db_path=tmp_path / "kept.db")  # the file is read again, in order
    answer = [m["text"] for m in again.advance(seconds=10) if m["text"].startswith("订单已导入")]
    assert len(answer) == 1 and figures(answer[0]) == {"new": 300, "updated": 0, "unchanged": 0}
    assert orders_in(again) == (300, 298)
