"""The everyday messages of shop groups (data/traffic/), which every detector that reads members learns from.

Almost every message in a shop's group is everyday talk: reactions, stickers sent as text, greetings, members
answering each other, photos of what arrived, and questions to the shop. A detector trained only on complaints
and their near misses took a fifth of such messages for complaints; these teach it what it must leave alone.
The files were written for this project without looking at any rule or model (data/traffic/README.md).

The development files are split by a hash of each text, so that a message stays in its split whatever is added
to the files: about 70% train, 15% validation (thresholds), 15% frozen (the gate for retrained models).
The holdout* files are never read by the bot: only the benches read them (HELD_OUT_ROUNDS).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "traffic"
DEVELOPMENT = "everyday_*.jsonl"  # each writer's file; the holdout_* files are the bench's alone
# The held-out sets by round, each written blind for one version of the detectors and run once on it (the benches'
# --held-out N); the bot never reads them.
HELD_OUT_ROUNDS = {
    1: ("holdout_day_a.jsonl", "holdout_day_b.jsonl", "holdout_complaints_hard.jsonl", "holdout_adverts_hard.jsonl"),
    2: ("holdout2_days.jsonl",),
    3: ("holdout3_days.jsonl",),
}
SPLITS = {"train": range(0, 14), "validation": range(14, 17), "frozen": range(17, 20)}  # of 20 hash buckets


@functools.cache
def rows(path: Path) -> tuple[dict, ...]:
    """The labelled messages of one file: {"text", "kind", …} each. ValueError names a line that cannot be read."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or not isinstance(row.get("kind"), str):
                raise TypeError("text and kind must be strings")
        except (json.JSONDecodeError, TypeError, AttributeError) as error:
            raise ValueError(f"{path}:{number}: not a labelled message ({error})") from None
        found.append(row)
    return tuple(found)


def split_of(text: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "big") % 20
    return next(name for name, buckets in SPLITS.items() if bucket in buckets)


def messages(split: str, data: Path = DATA, files: str = DEVELOPMENT) -> list[dict]:
    """The development messages of one split ("train", "validation" or "frozen"), of the everyday files or of
    other development files of data/traffic/ (`files`: a glob)."""
    return [row for path in sorted(data.glob(files)) for row in rows(path) if split_of(row["text"]) == split]
