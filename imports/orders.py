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
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from tqdm import tqdm

from core.clock import to_db
from core.config import Config

REQUIRED = ("order_id", "placed_at", "amount", "status")
AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$")
AMOUNT_DECORATION = re.compile(r"[¥￥,元\s]")
PROBLEMS_SHOWN = 50


class OrderFileError(Exception):
    """A file that cannot be imported; the message lists every reason, each with its line where there is one."""

    def __init__(self, problems: list[str]):
        shown = "\n".join(f"  - {problem}" for problem in problems[:PROBLEMS_SHOWN])
        more = f"\n  … and {len(problems) - PROBLEMS_SHOWN} more" if len(problems) > PROBLEMS_SHOWN else ""
        super().__init__(f"nothing was imported, {len(problems)} problem(s):\n{shown}{more}")
        self.problems = problems


@dataclass(frozen=True)
class Order:
    id: str
    placed_at: dt.datetime
    buyer_id: str | None
    buyer_name: str | None
    amount: float
    status: str


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


def read_orders(path: Path, config: Config) -> OrderFile:
    """Every order of the file, checked; OrderFileError lists all the bad rows at once."""
    header, rows = _rows(Path(path))
    columns, problems = _columns(header, config)
    if problems:
        raise OrderFileError(problems)
    orders: dict[str, Order] = {}
    rows_read = 0
    for line, cells in tqdm(rows, desc="读取订单", unit="行", disable=not sys.stderr.isatty(), leave=False):
        if not "".join(str(cell) for cell in cells if cell is not None).strip():
            continue  # blank rows, often at the end of an export
        rows_read += 1
        try:
            order = _order(cells, columns, config)
        except ValueError as error:
            problems.append(f"line {line}: {error}")
            continue
        orders[order.id] = order
    if problems:
        raise OrderFileError(problems)
    if not orders:
        raise OrderFileError(["the file has a header but no order rows"])
    return OrderFile(list(orders.values()), rows_read - len(orders))


def save_orders(db: Database, orders: list[Order], config: Config, now: dt.datetime) -> ImportSummary:
    """Write the orders in one transaction: new ones added, changed ones updated, the same ones left alone."""
    not_counted, saved_at = config.orders.not_counted_statuses, to_db(now)
    rows = [
        (o.id, to_db(o.placed_at), o.buyer_id, o.buyer_name, o.amount, o.status,
         0 if any(word in o.status for word in not_counted) else 1, "import", saved_at)
        for o in orders
    ]
    fields = "id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at"
    changed = "(o.placed_at, o.buyer_id, o.buyer_name, o.amount, o.status) IS NOT (i.placed_at, i.buyer_id, i.buyer_name, i.amount, i.status)"
    with db.atomic():
        db.execute("CREATE TEMP TABLE incoming AS SELECT * FROM orders WHERE 0")
        try:
            db.conn.executemany(f"INSERT INTO incoming ({fields}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            new = db.execute("SELECT count(*) FROM incoming WHERE id NOT IN (SELECT id FROM orders)").fetchone()[0]
            updated = db.execute(f"SELECT count(*) FROM incoming i JOIN orders o USING (id) WHERE {changed}").fetchone()[0]
            db.execute(
                f"""INSERT INTO orders ({fields}) SELECT {fields} FROM incoming WHERE true
                ON CONFLICT (id) DO UPDATE SET placed_at = excluded.placed_at, buyer_id = excluded.buyer_id,
                buyer_name = excluded.buyer_name, amount = excluded.amount, status = excluded.status,
                counts = excluded.counts, saved_at = excluded.saved_at
                WHERE (placed_at, buyer_id, buyer_name, amount, status)
                IS NOT (excluded.placed_at, excluded.buyer_id, excluded.buyer_name, excluded.amount, excluded.status)"""
            )
        finally:
            db.execute("DROP TABLE temp.incoming")
    return ImportSummary(new, updated, len(rows) - new - updated, sum(1 for row in rows if not row[6]))


def _rows(path: Path) -> tuple[list[str], Iterable[tuple[int, list]]]:
    """The header and the (line number, cells) of each row, as the owner sees them in a spreadsheet."""
    if not path.exists():
        raise OrderFileError([f"{path}: no such file"])
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    if path.suffix.lower() != ".csv":
        raise OrderFileError([f"{path}: not a .csv or .xlsx file (export the orders as one of them)"])
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # back offices export UTF-8 (often with a BOM) or GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise OrderFileError([f"{path}: neither UTF-8 nor GBK text; save it again as CSV (UTF-8)"])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise OrderFileError([f"{path}: the file is empty"])
    return header, ((reader.line_num, row) for row in reader)


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list]]]:
    from openpyxl import load_workbook  # only XLSX needs it, and it takes a moment to import

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise OrderFileError([f"{path}: not a readable XLSX file ({error})"]) from None
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    _, header = next(rows, (1, None))
    if header is None:
        raise OrderFileError([f"{path}: the first sheet is empty"])
    return [_text(cell) for cell in header], ((line, list(cells)) for line, cells in rows)


def _columns(header: list[str], config: Config) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field, by the header names config.toml lists; a missing required one is a problem."""
    names = [_text(name) for name in header]
    columns, problems = {}, []
    for field, candidates in config.orders.headers:
        found = next((names.index(c) for c in candidates if c in names), None)
        if found is not None:
            columns[field] = found
        elif field in REQUIRED:
            problems.append(f"line 1: no column {' or '.join(candidates)} (other names go in [orders.headers] {field})")
    if "buyer_id" not in columns and "buyer_name" not in columns:
        buyer = config.orders.headers.buyer_id + config.orders.headers.buyer_name
        problems.append(f"line 1: no buyer column ({' or '.join(buyer)})")
    return columns, problems


def _order(cells: list, columns: dict[str, int], config: Config) -> Order:
    values = {field: _text(cells[index]) if index < len(cells) else "" for field, index in columns.items()}
    order_id = values["order_id"]
    if not order_id:
        raise ValueError("订单号 is empty")
    buyer_id, buyer_name = values.get("buyer_id") or None, values.get("buyer_name") or None
    if not buyer_id and not buyer_name:
        raise ValueError(f"order {order_id} has neither 买家微信号 nor 买家昵称")
    placed_at = cells[columns["placed_at"]] if columns["placed_at"] < len(cells) else None
    return Order(order_id, _time(placed_at, values["placed_at"], config), buyer_id, buyer_name,
                 _amount(values["amount"]), values["status"])


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _time(cell, text: str, config: Config) -> dt.datetime:
    if isinstance(cell, dt.datetime):  # XLSX keeps times as times
        moment = cell
    else:
        try:
            moment = dt.datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValueError(f"下单时间 {text!r} is not a time like 2026-11-20 14:30:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.tz)


def _amount(text: str) -> float:
    """Yuan with at most two decimals, as exports write them: "199.50", "¥1,299", "88元"."""
    plain = AMOUNT_DECORATION.sub("", text)
    if not AMOUNT.match(plain):
        raise ValueError(f"实付金额 {text!r} is not an amount like 199.50")
    return float(plain)
