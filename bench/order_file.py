"""How long an order export sent in chat takes, and how long it holds the bot's loop meanwhile.

    python bench/order_file.py [--rows N] [--xlsx]

The owner sends an export of N rows (200,000 by default: the most a file sent in chat may have), as a UTF-8 CSV
(or an XLSX), to a bot on a fresh store running its live loop (core/runner.py, the real clock); then the same file
again (nothing new: every row compared), then a file one row over the limit (refused at that row). Each time, a
heartbeat task beside the bot wakes every 10 ms: the longest it waited past its 10 ms is the longest the loop was
held (no message could be answered then). Prints, for each, the seconds until the answer was queued, that longest
hold, and the peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
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
from core.clock import SystemClock  # noqa: E402
from core.config import load_config  # noqa: E402
from core.events import Login, Message  # noqa: E402
from core.runner import run_live  # noqa: E402
from core.store import open_store  # noqa: E402
from handlers.order_files import ROWS_AT_MOST  # noqa: E402

OWNER = "wxid_owner"
BEAT = 0.01  # seconds between two heartbeats
ANSWERS = ("订单已导入", "订单文件没有导入")  # how the import's one answer starts


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


class OneFile:
    """A transport that delivers the owner's file, then ends once the import's answer is queued (the outbox's
    pacing would add its seconds to the figure); what the bot sends is kept."""

    def __init__(self, db, file: Path):
        self.db, self.file, self.sent = db, file, []
        self.answers_before = self._answers()
        self.began = self.answered = None

    def _answers(self) -> int:
        return sum(self.db.execute("SELECT count(*) FROM outbox WHERE text LIKE ?", [f"{start}%"]).fetchone()[0]
                   for start in ANSWERS)

    async def run(self, deliver) -> None:
        self.began = time.perf_counter()
        deliver(Message(OWNER, "", media="file", file=str(self.file)))
        while self._answers() == self.answers_before:
            await asyncio.sleep(BEAT)
        self.answered = time.perf_counter()

    async def send(self, message) -> None:
        self.sent.append(message.text)


async def _import(assistant: Assistant, transport: OneFile) -> float:
    """Run the bot's loop until the answer is queued; the longest the heartbeat waited past its beat."""
    longest = 0.0

    async def heartbeat():
        nonlocal longest
        while True:
            began = time.perf_counter()
            await asyncio.sleep(BEAT)
            longest = max(longest, time.perf_counter() - began - BEAT)

    beating = asyncio.create_task(heartbeat())
    await run_live(assistant, transport)
    beating.cancel()
    return longest


def run(rows: int = ROWS_AT_MOST, xlsx: bool = False) -> dict:
    config = load_config().with_owners([OWNER])
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        db = open_store(Path(scratch) / "store.db")
        assistant = Assistant(config, db, SystemClock(config.tz), features.load())
        with db.atomic():
            assistant.handle(Login("wxid_bot", "小店助手"))
        export, over = Path(scratch) / "export.csv", Path(scratch) / "over.csv"
        write_export(export, rows, random.Random(11))
        write_export(over, ROWS_AT_MOST + 1, random.Random(12))
        if xlsx:
            export, over = as_xlsx(export), as_xlsx(over)
        timings, answers = {}, []
        for label, path in [("first", export), ("again", export), ("over_limit", over)]:
            kept = media.keep_file(media.folder_of(db), path)  # what the transport does before the event
            transport = OneFile(db, kept)
            held = asyncio.run(_import(assistant, transport))
            timings[label] = {"seconds": transport.answered - transport.began, "held": held}
            answers.append(db.execute("SELECT text FROM outbox WHERE text LIKE ? OR text LIKE ? ORDER BY id DESC",
                                      [f"{start}%" for start in ANSWERS]).fetchone()[0])
        started = db.execute("SELECT text FROM outbox WHERE text LIKE '订单文件比较大%' ORDER BY id").fetchone()
        size = export.stat().st_size
        db.close()
    return {"bench": "order_file", "rows": rows, "format": "xlsx" if xlsx else "csv", "bytes": size,
            **{f"{label}_seconds": t["seconds"] for label, t in timings.items()},
            **{f"{label}_held_seconds": t["held"] for label, t in timings.items()},
            "started": started[0] if started else None,
            "answers": [answer.splitlines()[0] for answer in answers],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def report(result: dict) -> str:
    lines = [f"order file in chat: {result['rows']:,} rows, {result['format']}, {result['bytes'] / 1e6:.1f} MB"]
    for label, name in [("first", "first import  "), ("again", "sent again    "), ("over_limit", "over the limit")]:
        lines.append(f"  {name} {result[f'{label}_seconds']:6.2f} s, loop held at most"
                     f" {result[f'{label}_held_seconds'] * 1000:5.0f} ms   ({result['answers'][len(lines) - 1]})")
    lines.append(f"  told at once: {result['started']}")
    lines.append(f"  peak memory {result['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS_AT_MOST)
    parser.add_argument("--xlsx", action="store_true")
    arguments = parser.parse_args()
    print(report(run(arguments.rows, arguments.xlsx)))
