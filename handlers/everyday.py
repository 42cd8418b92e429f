"""The everyday messages of shop groups (data/traffic/), which every detector that reads members learns from.

Almost every message in a shop's group is everyday talk: reactions, stickers sent as text, greetings, members
answering each other, photos of what arrived, and questions to the shop. A detector trained only on complaints
and their near misses took a fifth of such messages for complaints; these teach it what it must leave alone.
The files were written for this project without looking at any rule or model (data/traffic/README.md).

The development files are split by a hash of each text, so that a message stays in its split whatever is added
to the files: about 70% train, 15% validation (thresholds), 15% frozen (the gate for retrained models).
A held-out round is read by the benches alone (HELD_OUT_ROUNDS) until it has been run, once, on the version it
was written for; then it joins the development data (SPENT_ROUNDS), by the same hash split: each round's writer
typed differently from the others, and a model that has seen more writers reads a new one better (trained with
rounds 1 and 2 added, round 3's public apologies on everyday messages went from 4 to 3 of 1,130 and its complaints
reaching the owner from recall 0.750 to 0.850). The figures each round gave when it was run stay in the README.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from core.learning import json_lines

DATA = Path(__file__).resolve().parent.parent / "data" / "traffic"
DEVELOPMENT = "everyday_*.jsonl"  # each writer's file (data/traffic/README.md)
# The held-out sets by round, each written blind for one version of the detectors and run once on it (the benches'
# --held-out N); the bot reads a round only once it is spent.
HELD_OUT_ROUNDS = {
    1: ("holdout_day_a.jsonl", "holdout_day_b.jsonl", "holdout_complaints_hard.jsonl", "holdout_adverts_hard.jsonl"),
    2: ("holdout2_days.jsonl",),
    3: ("holdout3_days.jsonl",),
    4: ("holdout4_days.jsonl",),
    5: ("holdout5_days.jsonl",),
    6: ("holdout6_days.jsonl",),
    7: ("holdout7_days.jsonl",),
    8: ("holdout8_days.jsonl",),
    9: ("holdout9_days.jsonl",),
    10: ("holdout10_days.jsonl",),
    11: ("holdout11_days.jsonl",),
    12: ("holdout12_days.jsonl",),
    13: ("holdout13_days.jsonl",),
    14: ("holdout14_days.jsonl",),
    15: ("holdout15_days.jsonl",),
    16: ("holdout16_days.jsonl",),
    17: ("holdout17_days.jsonl",),
    18: ("holdout18_days.jsonl",),
    19: ("holdout19_days.jsonl",),
    20: ("holdout20_days.jsonl",),
    21: ("holdout21_days.jsonl",),
    22: ("holdout22_days.jsonl",),
    23: ("holdout23_days.jsonl",),
    24: ("holdout24_days.jsonl",),
    25: ("holdout25_days.jsonl",),
    26: ("holdout26_days.jsonl",),
    27: ("holdout27_days.jsonl",),
    28: ("holdout28_days.jsonl",),
    29: ("holdout29_days.jsonl",),
    30: ("holdout30_days.jsonl",),
    31: ("holdout31_days.jsonl",),
    32: ("holdout32_days.jsonl",),
    33: ("holdout33_days.jsonl",),
    34: ("holdout34_days.jsonl",),
    35: ("holdout35_days.jsonl",),
    36: ("holdout36_days.jsonl",),
    37: ("holdout37_days.jsonl",),
    38: ("holdout38_days.jsonl",),
    39: ("holdout39_days.jsonl",),
    40: ("holdout40_days.jsonl",),
    41: ("holdout41_days.jsonl",),
    42: ("holdout42_days.jsonl",),
    43: ("holdout43_days.jsonl",),
    44: ("holdout44_days.jsonl",),
    45: ("holdout45_days.jsonl",),
    46: ("holdout46_days.jsonl",),
    47: ("holdout47_days.jsonl",),
    48: ("holdout48_days.jsonl",),
    49: ("holdout49_days.jsonl",),
    50: ("holdout50_days.jsonl",),
    51: ("holdout51_days.jsonl",),
    52: ("holdout52_days.jsonl",),
    53: ("holdout53_days.jsonl",),
    54: ("holdout54_days.jsonl",),
    55: ("holdout55_days.jsonl",),
    56: ("holdout56_days.jsonl",),
    57: ("holdout57_days.jsonl",),
    58: ("holdout58_days.jsonl",),
    59: ("holdout59_days.jsonl",),
    60: ("holdout60_days.jsonl",),
    61: ("holdout61_days.jsonl",),
}
# Run once each, on the versions they were written for: development data now
SPENT_ROUNDS = tuple(range(1, 62))
EVERYDAY_KINDS = ("chat", "question")  # what almost every message in a group is; "complaint" and "advert" are rare
SPLITS = {"train": range(0, 14), "validation": range(14, 17), "frozen": range(17, 20)}  # of 20 hash buckets


@functools.cache
def rows(path: Path) -> tuple[dict, ...]:
    """The labelled messages of one file: {"text", "kind", "writer" (the file's name), …} each. ValueError names a
    line that cannot be read."""
    def labelled(row: dict) -> dict:
        if not isinstance(row.get("text"), str) or not isinstance(row.get("kind"), str):
            raise TypeError("text and kind must be strings")
        return {**row, "writer": path.stem}  # each file is one writer's (data/traffic/README.md)

    return tuple(json_lines(path, labelled, "a labelled message"))


def split_of(text: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "big") % 20
    return next(name for name, buckets in SPLITS.items() if bucket in buckets)


def messages(split: str, kinds: tuple[str, ...] = EVERYDAY_KINDS, data: Path = DATA,
             files: str | None = None) -> list[dict]:
    """The development messages of one split ("train", "validation" or "frozen") and of those kinds: of the
    everyday files and the spent rounds, or of other development files of data/traffic/ (`files`: a glob)."""
    return [row for path in source_files(files, data) for row in splits(path)[split] if row["kind"] in kinds]


def source_files(files: str | None = None, data: Path = DATA) -> list[Path]:
    """The files `messages` reads: the everyday files and the spent rounds, or those of the glob `files`."""
    return sorted(data.glob(files)) if files else development_files(data)


@functools.cache
def splits(path: Path) -> dict[str, tuple[dict, ...]]:
    """The rows of one file by split, worked out once a process: every detector's training reads them all."""
    found: dict[str, list[dict]] = {name: [] for name in SPLITS}
    for row in rows(path):
        found[split_of(row["text"])].append(row)
    return {name: tuple(split) for name, split in found.items()}


def development_files(data: Path = DATA) -> list[Path]:
    return sorted(data.glob(DEVELOPMENT)) + [data / name for spent in SPENT_ROUNDS for name in HELD_OUT_ROUNDS[spent]]


def held_out_files(round_number: int) -> tuple[str, ...]:
    """The files of a held-out round that is not spent yet. ValueError for another: a spent round is training data
    now, and figures on it would flatter the model."""
    if round_number in SPENT_ROUNDS:
        raise ValueError(f"round {round_number} is spent: it was run on the version it was written for (its figures "
                         "are in the README) and is training data now")
    if round_number not in HELD_OUT_ROUNDS:
        raise ValueError(f"no held-out round {round_number}; rounds: {', '.join(map(str, HELD_OUT_ROUNDS))}")
    return HELD_OUT_ROUNDS[round_number]
