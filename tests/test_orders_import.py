"""`bot.py import-orders`: the back office's export goes in whole or not at all, once, and never guesses a buyer."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from core.store import open_store
from tests.conftest import OWNER, ROOT, at, replay_events, run_bot, say, shop

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
    assert "line 58" in result.stderr and "12o.50" in result.stderr and "nothing was imported" in result.stderr
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
    assert [line.split(":")[0].strip(" -") for line in result.stderr.splitlines()[1:]] == ["line 3", "line 4", "line 5"]


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
    assert "line 1: no column 实付金额 or 实付款 or 订单金额" in result.stderr and "[orders.headers] amount" in result.stderr


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
    listing, ambiguous, linked = [m["text"] for m in replay_events(events, db_path=db_path)]
    assert "王小二" in listing and "/link 王小二 wxid_e" in listing, "one member of that name: suggested, not linked"
    assert "有 2 位成员同名（wxid_a、wxid_c）" in listing and "路人甲" in listing
    assert "有 2 位成员都叫“小王”" in ambiguous
    assert "已把买家昵称“小王”对应到 小王（wxid_c）" in linked
    assert open_store(db_path).execute("SELECT name, contact FROM buyer_links").fetchall() == [("小王", "wxid_c")]
