"""How long an order export sent in chat holds the bot: the file is read, checked, saved and the tiers recomputed
while the event is handled, so no other message is answered meanwhile.

    python bench/order_file.py [--rows N] [--xlsx]

The owner sends an export of N rows (200,000 by default: the most a file sent in chat may have), as a UTF-8 CSV
(or an XLSX), to a bot on a fresh store; then the same file again (nothing new: every row compared), then a file
one row over the limit (refused at that row). Prints the seconds each holds the bot and the peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import features  # noqa: E402
from bench.tiers import write_export  # noqa: E402
from core import media  # noqa: E402
from core.assistant import Assistant  # noqa: E402
from core.clock import VirtualClock  # noqa: E402
from core.config import load_config  # noqa: E402
from core.events import Login, Message  # noqa: E402
from core.store import open_store  # noqa: E402
from handlers.order_files import ROWS_AT_MOST  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 10, 0)
OWNER = "wxid_owner"


def as_xlsx(csv_path: Path) -> Path:
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with csv_path.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows):
            sheet.append(row)
    path = csv_path.with_suffix(".xlsx")
    book.save(path)
    return path


def run(rows: int = ROWS_AT_MOST, xlsx: bool = False) -> dict:
    config = load_config().with_owners([OWNER])
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        db = open_store(Path(scratch) / "store.db")
        assistant = Assistant(config, db, VirtualClock(NOW.replace(tzinfo=config.tz), config.tz), features.load())
        assistant.handle(Login("wxid_bot", "小店助手"))
        export, over = Path(scratch) / "export.csv", Path(scratch) / "over.csv"
        write_export(export, rows, random.Random(11))
        write_export(over, ROWS_AT_MOST + 1, random.Random(12))
        if xlsx:
            export, over = as_xlsx(export), as_xlsx(over)
        timings = {}
        for label, path in [("first", export), ("again", export), ("over_limit", over)]:
            began = time.perf_counter()
            kept = media.keep_file(media.folder_of(db), path)  # what the transport does before the event
            with db.atomic():
                assistant.handle(Message(OWNER, "", media="file", file=str(kept)))
            timings[label] = time.perf_counter() - began
        answers = [row[0] for row in db.execute("SELECT text FROM outbox ORDER BY id")]
        size = export.stat().st_size
        db.close()
    return {"bench": "order_file", "rows": rows, "format": "xlsx" if xlsx else "csv", "bytes": size,
            **{f"{label}_seconds": seconds for label, seconds in timings.items()},
            "answers": [answer.splitlines()[0] for answer in answers],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def report(result: dict) -> str:
    return "\n".join([
        f"order file in chat: {result['rows']:,} rows, {result['format']}, {result['bytes'] / 1e6:.1f} MB",
        f"  first import   {result['first_seconds']:6.2f} s   ({result['answers'][0]})",
        f"  sent again     {result['again_seconds']:6.2f} s   ({result['answers'][1]})",
        f"  over the limit {result['over_limit_seconds']:6.2f} s   ({result['answers'][2]})",
        f"  peak memory {result['peak_rss_mb']:.0f} MB",
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS_AT_MOST)
    parser.add_argument("--xlsx", action="store_true")
    arguments = parser.parse_args()
    print(report(run(arguments.rows, arguments.xlsx)))
