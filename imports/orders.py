"""`python bot.py import-orders FILE`: the back office's order export (CSV or XLSX) into the store.

All or nothing: every row is checked first, every bad one is reported with its line number, and only a file
without any is written, in one transaction. 订单号 is the key: importing the same file again adds nothing, and an
order whose status changed since (refunded later, say) is updated. Orders are tied to members by WeChat id when
the export has one; a nickname alone is never matched to a member here: the owner confirms it with /link.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from tqdm import tqdm

from core.clock import SystemClock, to_db
from core.text import quote
from core.config import Config
from core.numbers import parse_amount, yuan
from handlers import order_book

REQUIRED = ("order_id", "placed_at", "amount", "status")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")  # also unpadded: "2026-11-2 9:05"
EARLIEST_ORDER = dt.date(2000, 1, 1)
ORDER_ID_AT_MOST = 64
COUPON_AT_MOST = 200  # characters of the coupon column: a code, or a code with the coupon's name
PROBLEMS_SHOWN = 50


class OrderFileError(Exception):
    """A file that cannot be imported; the message lists every reason, each with its line where there is one."""

    def __init__(self, problems: list[str]):
        shown = "\n".join(f"  - {problem}" for problem in problems[:PROBLEMS_SHOWN])
        more = f"\n  ……另有 {len(problems) - PROBLEMS_SHOWN} 个" if len(problems) > PROBLEMS_SHOWN else ""
        super().__init__(f"没有导入任何订单，共 {len(problems)} 个问题：\n{shown}{more}")
        self.problems = problems


class NotAnOrderExport(OrderFileError):
    """A file that is no order export at all (another format, or a table without the export's columns): what the
    bot answers in chat with what it needs, rather than with lines to fix."""


class NotATable(NotAnOrderExport):
    """Text without columns (a note, a list): said in plain words, not as the columns a table lacks."""


@dataclass(frozen=True)
class Order:
    id: str
    placed_at: dt.datetime
    buyer_id: str | None
    buyer_name: str | None
    amount: float
    status: str
    # The coupon the order used, as the export's 优惠券 column writes it ("" for none); None when the file has no
    # such column, so that "no coupon used" and "coupons not exported" stay apart (handlers/campaign_results.py).
    coupon: str | None = None


@dataclass(frozen=True)
class OrderFile:
    orders: list[Order]
    repeated_rows: int  # the same 订单号 on two rows: the later row is kept (exports list an order again on a change)


@dataclass(frozen=True)
class ImportSummary:
    new: int
    updated: int
    unchanged: int
    not_counted: int  # refunded, closed or cancelled, among the file's orders


def read_orders(path: Path, config: Config, now: dt.datetime | None = None, rows_at_most: int | None = None) -> OrderFile:
    """Every order of the file, checked; OrderFileError lists all the bad rows at once. `now` (the system clock
    by default) bounds the order times: none can be placed after tomorrow. A file of more than `rows_at_most`
    rows (a file sent in chat) is refused at the first row past it, with the limit."""
    header, rows = _rows(Path(path))
    if sum(1 for cell in header if _text(cell)) <= 1:  # every export has several columns: this is text
        raise NotATable(["是文字，不是表格（没有分开的列）：请在后台把订单导出为 CSV 或 XLSX"])
    columns, problems = _columns(header, config)
    if problems:
        raise NotAnOrderExport(problems)
    latest = (now or SystemClock(config.tz).now()).astimezone(config.tz).date() + dt.timedelta(days=1)
    orders: dict[str, Order] = {}
    rows_read = 0
    try:
        for line, cells in tqdm(rows, desc="读取订单", unit="行", disable=not sys.stderr.isatty(), leave=False):
            written = "".join(str(cell) for cell in cells if cell is not None)
            if not written.strip():
                continue  # blank rows, often at the end of an export
            rows_read += 1
            if rows_at_most is not None and rows_read > rows_at_most:
                raise OrderFileError([f"超过 {rows_at_most:,} 行（聊天里发的订单文件最多 {rows_at_most:,} 行）："
                                      "请按下单时间分几次导出，或在电脑上用 bot.py import-orders 导入"])
            try:
                if "\x00" in written:  # a file cut short by a crash is padded with NUL bytes
                    raise ValueError("有空字符（\\0），文件可能没有保存完整：请重新导出")
                _fits(cells, len(header))
                order = _order(cells, columns, config, latest)
            except ValueError as error:
                problems.append(f"第 {line} 行：{error}")
                continue
            orders[order.id] = order
    except _UnreadableLine as unreadable:
        problems.append(str(unreadable))
    if problems:
        raise OrderFileError(problems)
    if not orders:
        raise OrderFileError(["文件只有表头，没有订单"])
    return OrderFile(list(orders.values()), rows_read - len(orders))


def save_orders(db: Database, orders: list[Order], config: Config, now: dt.datetime) -> ImportSummary:
    """Write the orders in one transaction (handlers/order_book.py): new ones added, changed ones updated, the same
    ones left alone. Whether an order counts is decided here, from the statuses config does not count."""
    not_counted, saved_at = config.orders.not_counted_statuses, to_db(now)
    rows = [
        (o.id, to_db(o.placed_at), o.buyer_id, o.buyer_name, o.amount, o.status,
         0 if any(word in o.status for word in not_counted) else 1, "import", saved_at, o.coupon)
        for o in orders
    ]
    new, updated = order_book.save_import(db, rows)
    return ImportSummary(new, updated, len(rows) - new - updated, sum(1 for row in rows if not row[6]))


class _UnreadableLine(Exception):
    """A line the CSV reader gives up on (a field over its size limit): the file is damaged from there on."""


def _rows(path: Path) -> tuple[list[str], Iterable[tuple[int, list]]]:
    """The header and the (line number, cells) of each row, as the owner sees them in a spreadsheet."""
    if not path.exists():
        raise OrderFileError(["文件不存在：请检查路径和文件名"])
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    if path.suffix.lower() != ".csv":
        raise NotAnOrderExport(["不是 .csv 或 .xlsx 文件：请在后台把订单导出为其中一种"])
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # back offices export UTF-8 (often with a BOM) or GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NotAnOrderExport(["既不是 UTF-8 也不是 GBK 编码的文本：请另存为“CSV UTF-8”"])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise NotAnOrderExport(["文件是空的"])
    return header, _csv_rows(reader)


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _UnreadableLine(f"第 {reader.line_num} 行：读不出来（文件可能已损坏），之后的行没有检查：请重新导出") from None
        yield reader.line_num, row


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The first sheet's rows, read by calamine (Rust): some 30,000 rows a second where openpyxl read 2,500, which
    held the bot for minutes on an export of 200,000 rows sent in chat."""
    from python_calamine import CalamineWorkbook  # only XLSX needs it

    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = enumerate(book.get_sheet_by_index(0).iter_rows(), start=1)
    except Exception:  # calamine raises several kinds for a damaged file
        raise NotAnOrderExport(["不是能读取的 XLSX 文件（可能已损坏）：请重新导出，或另存为 CSV"]) from None
    _, header = next(rows, (1, None))
    if header is None:
        raise NotAnOrderExport(["第一个工作表是空的"])
    return [_text(cell) for cell in header], ((line, [_whole(cell) for cell in cells]) for line, cells in rows)


def _whole(cell):
    """XLSX keeps every number as a float: a whole one (an order number typed as a number) is read as the integer
    it shows, never "20261125001.0"."""
    return int(cell) if isinstance(cell, float) and cell.is_integer() else cell


def _columns(header: list[str], config: Config) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, by the header names config.toml lists; a missing required one is a problem."""
    names = [_text(name) for name in header]
    columns, problems = {}, []
    for field, candidates in config.orders.headers:
        found = next((names.index(c) for c in candidates if c in names), None)
        if found is not None:
            columns[field] = found
        elif field in REQUIRED:
            problems.append(f"第 1 行：没有“{'”或“'.join(candidates)}”列（别的列名请写进 config.toml 的 [orders.headers] {field}）")
    if "buyer_id" not in columns and "buyer_name" not in columns:
        buyer = config.orders.headers.buyer_id + config.orders.headers.buyer_name
        problems.append(f"第 1 行：没有买家列（“{'”或“'.join(buyer)}”）")
    return columns, problems


def _fits(cells: list, header_fields: int) -> None:
    """A row with more filled fields than the header has shifted its cells: an unquoted "1,299.00" splits in two,
    and every column after it would be read from its neighbour (the status taken for the amount's decimals)."""
    if any(_text(cell) for cell in cells[header_fields:]):
        raise ValueError(f"有 {len(cells)} 个字段，表头只有 {header_fields} 个：带逗号的金额（如 1,299.00）要加引号，"
                         "或导出时去掉千位分隔符")


def _order(cells: list, columns: dict[str, int], config: Config, latest: dt.date) -> Order:
    cell = {field: cells[index] if index < len(cells) else None for field, index in columns.items()}
    values = {field: _text(value) for field, value in cell.items()}
    order_id = values["order_id"]
    if not order_id:
        raise ValueError("订单号是空的")
    if len(order_id) > ORDER_ID_AT_MOST:
        raise ValueError(f"订单号{quote(order_id)}太长（最多 {ORDER_ID_AT_MOST} 个字符）：是不是选错了列？")
    buyer_id, buyer_name = values.get("buyer_id") or None, values.get("buyer_name") or None
    if not buyer_id and not buyer_name:
        raise ValueError(f"订单{quote(order_id)}既没有买家微信号，也没有买家昵称")
    return Order(order_id, _time(cell["placed_at"], values["placed_at"], config, latest), buyer_id, buyer_name,
                 _amount(_amount_text(cell["amount"]), config.orders.max_order_amount), values["status"],
                 _coupon(values["coupon"]) if "coupon" in values else None)


def _coupon(text: str) -> str:
    if len(text) > COUPON_AT_MOST:
        raise ValueError(f"优惠券{quote(text)}太长（最多 {COUPON_AT_MOST} 个字符）：是不是选错了列？")
    return text


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _time(cell, text: str, config: Config, latest: dt.date) -> dt.datetime:
    if isinstance(cell, dt.datetime):  # XLSX keeps times as times (or as text, when typed in by hand)
        moment = cell
    else:
        moment = _written_time(text.replace("/", "-"))
        if moment is None:
            raise ValueError(f"下单时间{quote(text)}不是时间，例如 2026-11-20 14:30:00")
    if moment.date() < EARLIEST_ORDER:
        raise ValueError(f"下单时间{quote(text)}早于 {EARLIEST_ORDER}，不会是本店的订单")
    if moment.date() > latest:
        raise ValueError(f"下单时间{quote(text)}晚于明天（{latest}）：请检查日期")
    return moment if moment.tzinfo else moment.replace(tzinfo=config.tz)


def _written_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for layout in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def _amount_text(cell) -> str:
    """XLSX keeps amounts as numbers, and a formula's 59.9 can come out as 59.900000000000006: read to the fen."""
    if isinstance(cell, float) and math.isfinite(cell) and abs(cell * 100 - round(cell * 100)) < 1e-6:
        return f"{cell:.2f}"
    return _text(cell)


def _amount(text: str, ceiling: float) -> float:
    try:
        amount = parse_amount(text)
    except ValueError:
        raise ValueError(f"实付金额{quote(text)}不是金额，例如 199.50") from None
    if amount > ceiling:
        raise ValueError(f"实付金额{quote(text)}超过每单上限 {yuan(ceiling)} 元（config.toml 的 [orders] max_order_amount）")
    return float(amount)
