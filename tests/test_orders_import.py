"""`bot.py import-orders`: the back office's export goes in whole or not at all, once, and never guesses a buyer."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from core.config import load_config
from core.store import open_store
from imports.orders import OrderFileError, read_orders
from tests.conftest import OWNER, ROOT, SHANGHAI, at, replay_events, run_bot, say, shop

EXPORT = ROOT / "tests" / "fixtures" / "orders_export.csv"
HEADER = ["订单号", "下单时间", "买家昵称", "买家微信号", "实付金额", "订单状态"]


def fixed_export(tmp_path):
    """The fixture as the owner saves it after correcting the amount the import pointed at."""
    path = tmp_path / "orders.csv"
    path.write_text(EXPORT.read_text(encoding="utf-8-sig").replace("12o.50", "120.50"), encoding="utf-8-sig")
    return path


def import_orders(path, db_path):
    return run_bot("import-orders", str(path), "--db", str(db_path))


def test_a_malformed_amount_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    result = import_orders(EXPORT, tmp_path / "store.db")
    assert result.returncode == 2
    assert "第 58 行：实付金额“12o.50”不是金额，例如 199.50" in result.stderr and "没有导入任何订单" in result.stderr
    assert open_store(tmp_path / "store.db").execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_every_bad_row_is_listed_at_once(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        ",".join(HEADER) + "\nA1,2026-11-20 10:00:00,小王,,99,已完成\n,2026-11-20 10:00:00,小王,,99,已完成\n"
        "A3,昨天,小王,,99,已完成\nA4,2026-11-20 10:00:00,,,99,已完成\n",
        encoding="utf-8",
    )
    result = import_orders(path, tmp_path / "store.db")
    assert result.returncode == 2
    assert [line.split("：")[0].strip(" -") for line in result.stderr.splitlines()[1:]] == ["第 3 行", "第 4 行", "第 5 行"]


def test_the_corrected_export_goes_in_once_and_a_second_import_adds_nothing(tmp_path):
    db_path = tmp_path / "store.db"
    first = import_orders(fixed_export(tmp_path), db_path)
    assert first.returncode == 0, first.stderr
    assert "300 单（重复的行 1 行已合并）：新增 300，更新 0，未变 0；退款/关闭 2 单不计入消费" in first.stdout
    again = import_orders(fixed_export(tmp_path), db_path)
    assert "新增 0，更新 0，未变 300" in again.stdout
    db = open_store(db_path)
    assert db.execute("SELECT count(*), sum(counts) FROM orders").fetchone() == (300, 298)
    assert db.execute("SELECT amount FROM orders WHERE id = 'WX2026000056'").fetchone()[0] == 120.5


def test_an_order_refunded_since_the_last_export_stops_counting(tmp_path):
    db_path = tmp_path / "store.db"
    import_orders(fixed_export(tmp_path), db_path)
    later = tmp_path / "later.csv"
    later.write_text(fixed_export(tmp_path).read_text(encoding="utf-8-sig").replace(
        "WX2026000000,2026-11-09 16:33:00,会员033,wxid_m033,199.90,已完成",
        "WX2026000000,2026-11-09 16:33:00,会员033,wxid_m033,199.90,退款成功"), encoding="utf-8-sig")
    assert "新增 0，更新 1，未变 299" in import_orders(later, db_path).stdout
    assert open_store(db_path).execute("SELECT status, counts FROM orders WHERE id = 'WX2026000000'").fetchone() == ("退款成功", 0)


def test_an_xlsx_export_and_a_gbk_csv_read_the_same(tmp_path):
    rows = list(csv.reader(io.StringIO(fixed_export(tmp_path).read_text(encoding="utf-8-sig"))))
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "orders.xlsx")
    gbk = tmp_path / "orders_gbk.csv"
    gbk.write_text(fixed_export(tmp_path).read_text(encoding="utf-8-sig"), encoding="gbk")
    for path, db in [(tmp_path / "orders.xlsx", "x.db"), (gbk, "g.db")]:
        result = import_orders(path, tmp_path / db)
        assert result.returncode == 0, result.stderr
        assert "新增 300" in result.stdout


def test_a_missing_column_names_the_header_it_looked_for_and_the_config_key(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("订单编号,下单时间,买家昵称,金额,订单状态\nA1,2026-11-20 10:00:00,小王,99,已完成\n", encoding="utf-8")
    result = import_orders(path, tmp_path / "store.db")
    assert result.returncode == 2
    assert "第 1 行：没有“实付金额”或“实付款”或“订单金额”列" in result.stderr and "[orders.headers] amount" in result.stderr


def test_nicknames_are_never_tied_to_a_member_silently_and_link_lists_them_with_suggestions(tmp_path):
    db_path = tmp_path / "store.db"
    result = import_orders(fixed_export(tmp_path), db_path)
    assert "3 个昵称" in result.stdout and "/link" in result.stdout
    events = shop() + [
        {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_c", "name": "小王"},  # a second 小王
        {"at": at("2026-11-25 10:00"), "type": "contact", "id": "wxid_e", "name": "王小二"},
        say("2026-11-25 10:01", OWNER, "/link", room=None),
        say("2026-11-25 10:02", OWNER, "/link 小王 @小王", room=None),
        say("2026-11-25 10:03", OWNER, "/link 小王 wxid_c", room=None),
    ]
    listing, ambiguous, linked = [m["text"] for m in replay_events(events, db_path=db_path) if m["kind"] == "command_reply"]
    assert "王小二" in listing and "/link 王小二 wxid_e" in listing, "one member of that name: suggested, not linked"
    assert "有 2 位成员同名（wxid_a、wxid_c）" in listing and "路人甲" in listing
    assert "有 2 位成员都叫“小王”" in ambiguous
    assert "已把买家昵称“小王”对应到 小王（wxid_c）" in linked
    assert open_store(db_path).execute("SELECT name, contact FROM buyer_links").fetchall() == [("小王", "wxid_c")]


def test_link_pages_through_the_nicknames_waiting_ten_at_a_time(tmp_path):
    db_path = tmp_path / "store.db"
    buyers = [f"买家{n:02d}" for n in range(1, 13)]
    rows = [[f"N{n}", "2026-11-20 10:00:00", name, "", str(100 - n), "已完成"] for n, name in enumerate(buyers)]
    assert import_orders(write_csv(tmp_path, rows), db_path).returncode == 0
    events = shop() + [say(f"2026-11-25 10:0{n}", OWNER, typed, room=None)
                       for n, typed in enumerate(("/link", "/link 2", "/关联 3"), start=1)]
    first, second, past_the_end = [m["text"] for m in replay_events(events, db_path=db_path)
                                   if m["kind"] == "command_reply"]
    assert first.startswith("待对应的买家昵称 12 个（订单里只有昵称，请确认是哪位成员；第 1/2 页）：\n· 买家01")
    assert "买家10" in first and "买家11" not in first and first.endswith("下一页：/link 2")
    assert "买家11" in second and "买家12" in second and "买家10" not in second and "下一页" not in second
    assert past_the_end == "待对应的买家昵称 12 个，没有第 3 页（共 2 页）。"


def write_csv(tmp_path, rows: list[list[str]]):
    path = tmp_path / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADER, *rows])
    return path


def test_amounts_take_thousand_separators_in_threes_only_and_stay_under_the_ceiling(tmp_path):
    fine = [["A1", "2026-11-20 10:00:00", "小王", "", "1,234.50", "已完成"],
            ["A2", "2026-11-20 10:00:00", "小王", "", "¥1,299", "已完成"],
            ["A3", "2026-11-20 10:00:00", "小王", "", "100000", "已完成"]]
    bad = [["B1", "2026-11-20 10:00:00", "小王", "", "1,2,3,4", "已完成"],
           ["B2", "2026-11-20 10:00:00", "小王", "", "100000.01", "已完成"],
           ["B3", "2026-11-20 10:00:00", "小王", "", "1e30", "已完成"]]
    result = import_orders(write_csv(tmp_path, fine + bad), tmp_path / "store.db")
    assert result.returncode == 2
    assert "第 5 行：实付金额“1,2,3,4”不是金额" in result.stderr
    assert "第 6 行：实付金额“100000.01”超过每单上限 100000 元" in result.stderr
    assert "第 7 行：实付金额“1e30”不是金额" in result.stderr
    assert "共 3 个问题" in result.stderr, "the three good rows are no problem"
    assert import_orders(write_csv(tmp_path, fine), tmp_path / "store.db").returncode == 0
    amounts = open_store(tmp_path / "store.db").execute("SELECT amount FROM orders ORDER BY id").fetchall()
    assert amounts == [(1234.5,), (1299.0,), (100000.0,)]


def test_an_unquoted_amount_with_a_comma_is_a_row_with_too_many_fields_and_nothing_is_imported(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("订单号,下单时间,买家昵称,实付金额,订单状态\n"
                    "BOM00,2026-11-20 10:00:00,小李,\"￥1,299.00\",已完成\n"
                    "BOM01,2026-11-20 10:00:00,小王,￥1,299.00,已完成\n", encoding="utf-8")
    result = import_orders(path, tmp_path / "store.db")
    assert result.returncode == 2 and "共 1 个问题" in result.stderr, "the quoted amount is fine"
    assert "第 3 行：有 6 个字段，表头只有 5 个：带逗号的金额（如 1,299.00）要加引号" in result.stderr
    assert open_store(tmp_path / "store.db").execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_order_times_before_2000_or_after_tomorrow_are_errors_never_counted(tmp_path):
    rows = [["A1", "1999-12-31 23:59:00", "小王", "", "99", "已完成"],
            ["A2", "0001-01-01T00:00:00+08:00", "小王", "", "99", "已完成"],
            ["A3", "2099-01-01 10:00:00", "小王", "", "99", "已完成"],
            ["A4", "9999-12-31T23:59:59-08:00", "小王", "", "99", "已完成"]]
    result = import_orders(write_csv(tmp_path, rows), tmp_path / "store.db")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "第 2 行：下单时间“1999-12-31 23:59:00”早于 2000-01-01" in result.stderr
    assert "第 3 行：下单时间“0001-01-01T00:00:00+08:00”早于 2000-01-01" in result.stderr
    assert "第 4 行：下单时间“2099-01-01 10:00:00”晚于明天" in result.stderr
    assert "第 5 行" in result.stderr and "共 4 个问题" in result.stderr


def test_tomorrow_is_the_latest_order_time_by_the_imports_own_clock(tmp_path):
    now = dt.datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)
    tomorrow = [["A1", "2026-11-26 23:59:00", "小王", "", "99", "已完成"]]
    assert len(read_orders(write_csv(tmp_path, tomorrow), load_config(), now=now).orders) == 1
    later = [["A1", "2026-11-27 00:00:00", "小王", "", "99", "已完成"]]
    with pytest.raises(OrderFileError, match="第 2 行：下单时间“2026-11-27 00:00:00”晚于明天（2026-11-26）"):
        read_orders(write_csv(tmp_path, later), load_config(), now=now)


def test_a_hand_typed_date_and_a_formula_amount_in_an_xlsx_are_read(tmp_path):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["A1", "2026/11/2 9:05", "小王", "", 59.900000000000006, "已完成"])  # a text cell, a float
    book.active.append(["A2", dt.datetime(2026, 11, 3, 10, 0), "小李", "", 12, "已完成"])
    book.save(tmp_path / "orders.xlsx")
    result = import_orders(tmp_path / "orders.xlsx", tmp_path / "store.db")
    assert result.returncode == 0, result.stderr
    rows = open_store(tmp_path / "store.db").execute("SELECT id, placed_at, amount FROM orders ORDER BY id").fetchall()
    assert rows == [("A1", "2026-11-02T01:05:00.000000+00:00", 59.9), ("A2", "2026-11-03T02:00:00.000000+00:00", 12.0)]


def test_a_damaged_file_gets_a_reason_per_line_never_a_traceback(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        ",".join(HEADER) + "\nA1,2026-11-20 10:00:00,小王,,99,已完成\n" + "X" * 500 + ",2026-11-20 10:00:00,小王,,99,已完成\n"
        "A3,2026-11-20 10:00:00,小\x00王,,99,已完成\n" + '"' + "长" * 200_000 + '"\n',
        encoding="utf-8",
    )
    result = import_orders(path, tmp_path / "store.db")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    problems = result.stderr.splitlines()[1:]
    assert problems[0].startswith("  - 第 3 行：订单号“XXXX") and "太长（最多 64 个字符）" in problems[0]
    assert max(len(problem) for problem in problems) < 120, "never the whole 500 characters back"
    assert problems[1] == "  - 第 4 行：有空字符（\\0），文件可能没有保存完整：请重新导出"
    assert problems[2].startswith("  - 第 5 行：读不出来")


@pytest.mark.parametrize("typed", ["1e30", "1e400", "NaN", "inf", "-5", "0", "0.001", "19.999", "100000.01", "1,2,3,4", "¥", "9" * 400])
def test_an_amount_that_is_no_sale_gets_what_is_accepted_and_records_nothing(tmp_path, typed):
    db_path = tmp_path / "store.db"
    sent = replay_events(shop() + [say("2026-11-25 10:01", OWNER, f"/order @小王 {typed}", room=None)], db_path=db_path)
    assert [m["kind"] for m in sent] == ["command_reply"]
    assert "金额请写 0.01 到 100000 元之间的数字，最多两位小数，例如 199.5" in sent[0]["text"]
    assert len(sent[0]["text"]) < 150, "never the 400 nines back"
    assert open_store(db_path).execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_amounts_as_people_write_them_are_recorded_and_a_long_order_id_is_refused(tmp_path):
    db_path = tmp_path / "store.db"
    typed = ["¥199.5", "199.5元", "1,234.50", "１９９．５", "￥100000", "88 X" + "9" * 500]
    events = shop() + [say(f"2026-11-25 10:0{n}", OWNER, f"/order 小王 {amount}", room=None) for n, amount in enumerate(typed)]
    replies = [m["text"] for m in replay_events(events, db_path=db_path) if m["kind"] == "command_reply"]
    assert all(reply.startswith("已记下 小王 的一笔群外成交") for reply in replies[:5]), replies
    assert "订单号“X999" in replies[5] and "最多 64 个字符" in replies[5] and len(replies[5]) < 150
    amounts = open_store(db_path).execute("SELECT amount FROM orders ORDER BY placed_at").fetchall()
    assert amounts == [(199.5,), (199.5,), (1234.5,), (199.5,), (100000.0,)]


def test_link_takes_nicknames_with_spaces_emoji_or_invisible_characters(tmp_path):
    db_path = tmp_path / "store.db"
    long_name = "🌸" + "长" * 99
    rows = [["A1", "2026-11-20 10:00:00", "Miki Chen", "", "99", "已完成"],
            ["A2", "2026-11-20 10:00:00", "阿\u200b花", "", "50", "已完成"],
            ["A3", "2026-11-20 10:00:00", long_name, "", "20", "已完成"]]
    assert import_orders(write_csv(tmp_path, rows), db_path).returncode == 0
    events = shop() + [
        say("2026-11-25 10:01", OWNER, "/link Miki Chen @小王", room=None),
        say("2026-11-25 10:02", OWNER, "/link 阿花 @小李", room=None),
        say("2026-11-25 10:03", OWNER, f"/link {long_name} 小李", room=None),
        say("2026-11-25 10:04", OWNER, "/link", room=None),
    ]
    miki, ahua, long_link, listing = [m["text"] for m in replay_events(events, db_path=db_path)]
    assert "已把买家昵称“Miki Chen”对应到 小王（wxid_a）。1 单，共 ¥99.00，计入 小王 的消费" in miki
    assert "已把买家昵称“阿花”对应到 小李（wxid_b）。1 单，共 ¥50.00，计入 小李 的消费" in ahua
    assert "“🌸" + "长" * 29 + "…”" in long_link and "1 单，共 ¥20.00" in long_link
    assert "所有订单都已对应到成员" in listing


def test_a_buyer_nickname_no_order_holds_is_linked_for_later_orders_and_the_owner_told_so(tmp_path):
    """"/link 会员033 @小王" with no order of 会员033 said "0 单，共 ¥0.00，计入 小王 的消费", as if it had worked: a
    nickname mistyped would leave the real one unlinked without a word."""
    events = shop() + [say("2026-11-25 10:01", OWNER, "/link 王小二 @小王", room=None)]
    linked, = [m["text"] for m in replay_events(events, db_path=tmp_path / "store.db")]
    assert linked == ("已把买家昵称“王小二”对应到 小王（wxid_a）。订单里还没有这个买家昵称：以后导入的订单里有它时，计入 小王 的消费；"
                      "如果是写错了，回复 /unlink 王小二，再用 /link 看待对应的昵称。")
    rows = [["A1", "2026-11-26 10:00:00", "王小二", "", "88", "已完成"]]
    assert import_orders(write_csv(tmp_path, rows), tmp_path / "store.db").returncode == 0
    tier, = [m["text"] for m in replay_events([say("2026-11-26 11:00", OWNER, "/tier @小王", room=None)],
                                              db_path=tmp_path / "store.db")]
    assert "消费 ¥88.00，1 单" in tier, "the order imported later counts for the member linked before"


NICKNAMED = [["A1", "2026-11-20 10:00:00", "小王", "", "699", "已完成"], ["A2", "2026-11-21 10:00:00", "小李", "", "59", "已完成"]]


def owner_replies_after_import(tmp_path, rows: list[list[str]], typed: list[str]) -> list[str]:
    db_path = tmp_path / "store.db"
    assert import_orders(write_csv(tmp_path, rows), db_path).returncode == 0
    events = shop() + [say(f"2026-11-25 10:0{n}", OWNER, text, room=None) for n, text in enumerate(typed, start=1)]
    return [m["text"] for m in replay_events(events, db_path=db_path) if m["kind"] == "command_reply"]


def test_an_empty_vip_list_and_a_members_tier_point_to_the_nicknames_waiting_for_a_link(tmp_path):
    """Right after the order file, nobody is VIP because the export names buyers by nickname only: "/vip" told the
    owner to send the order file they had just sent, and "/tier @小王" said ¥0.00 with 小王's ¥699 order beside it."""
    unlinked, tier, _, _, linked_tier, _, listed = owner_replies_after_import(tmp_path, NICKNAMED, [
        "/vip", "/tier @小王", "/link 小王 wxid_a", "/link 小李 @小李", "/tier @小李", "/tiers refresh", "/vip"])
    assert "订单里有 2 个买家昵称还没对应到成员" in unlinked and "/link" in unlinked and "订单文件" not in unlinked
    assert "消费 ¥0.00，0 单" in tier and "订单里同名的买家昵称“小王”（1 单 ¥699.00）还没对应到成员：是这位的话，回复 /link 小王 wxid_a" in tier
    assert "同名的买家昵称" not in linked_tier and "消费 ¥59.00，1 单" in linked_tier
    assert "VIP 共 1 位" in listed and "小王" in listed


def test_an_empty_vip_list_with_every_order_linked_says_nobody_qualifies_yet(tmp_path):
    *_, none_qualify = owner_replies_after_import(tmp_path, NICKNAMED[1:], ["/link 小李 @小李", "/tiers refresh", "/vip"])
    assert "还没有成员达到 VIP 的条件" in none_qualify and "订单文件" not in none_qualify


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("missing.csv", None, "文件不存在"),
        ("orders.txt", b"x", "不是 .csv 或 .xlsx 文件"),
        ("orders.csv", b"", "文件是空的"),
        ("orders.csv", "订单号,下单时间\n".encode("utf-16"), "既不是 UTF-8 也不是 GBK"),
        ("orders.xlsx", b"not a zip", "不是能读取的 XLSX 文件"),
        ("orders.csv", ",".join(HEADER).encode() + b"\n", "文件只有表头，没有订单"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_says_why_in_chinese(tmp_path, name, content, reason):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = import_orders(tmp_path / name, tmp_path / "store.db")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"没有导入任何订单，共 1 个问题：\n  - {reason}" in result.stderr


def test_a_coupon_column_is_read_when_the_export_has_one_and_a_cell_too_long_is_a_bad_row(tmp_path):
    db_path = tmp_path / "store.db"
    path = tmp_path / "orders.csv"
    path.write_text(",".join([*HEADER, "优惠券"]) + "\nC1,2026-11-18 20:40:00,陈姐,wxid_c,120,已完成,会员日券 K7M2Q9XA\n"
                    "C2,2026-11-18 21:00:00,陈姐,wxid_c,45,已完成,\n", encoding="utf-8")
    assert import_orders(path, db_path).returncode == 0
    db = open_store(db_path)
    assert db.execute("SELECT id, coupon FROM orders ORDER BY id").fetchall() == [("C1", "会员日券 K7M2Q9XA"), ("C2", "")]
    # The same order from an export without the column keeps the coupon it was known to use; a refund still counts.
    plain = tmp_path / "plain.csv"
    plain.write_text(",".join(HEADER) + "\nC1,2026-11-18 20:40:00,陈姐,wxid_c,120,已完成\n"
                     "C2,2026-11-18 21:00:00,陈姐,wxid_c,45,退款成功\n", encoding="utf-8")
    assert "新增 0，更新 1，未变 1" in import_orders(plain, db_path).stdout
    assert db.execute("SELECT id, coupon, counts FROM orders ORDER BY id").fetchall() == [
        ("C1", "会员日券 K7M2Q9XA", 1), ("C2", "", 0)]
    long = tmp_path / "long.csv"
    long.write_text(",".join([*HEADER, "券码"]) + f"\nC3,2026-11-18 20:40:00,陈姐,wxid_c,120,已完成,{'券' * 201}\n",
                    encoding="utf-8")
    result = import_orders(long, db_path)
    assert result.returncode == 2 and "第 2 行：优惠券“" in result.stderr and "太长（最多 200 个字符）" in result.stderr
