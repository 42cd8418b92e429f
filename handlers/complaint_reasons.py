"""Why a member complains (物流, 品控, 发错货, 退款, 服务, 其他), learned from complaints labelled by reason.

The reason heads the owner's alert ("新投诉 #3（品控）") and the weekly sum of reasons. The rules
(handlers/complaint_rules.py) know only their phrases: of the 3,400 complaints members typed in the development
data, they named a reason for fewer than half, and the rest were filed as 其他, which tells the owner nothing. Here a
model per reason learns from those complaints, each labelled by what went wrong by readers who saw no rule or model
(data/reasons/, whose README says how), and a complaint's reason is the one whose model finds it most probable.

The owner's reasons (/reason, and /complaint with one: handlers/complaints.py) are kept here (reason_corrections)
and trained with at the next start and every night (`retrain`).

Each reason's model tells that reason from the others, learned as core/learning.py learns the rest (`OneOf`; kept as
numbers, so a start reads rather than trains them), on the labelled complaints of the train and validation splits:
with no band to choose, the frozen split is left for the test and the bench. The models alone name the reason: on
each writer's complaints scored by models fitted without that writer (five folds), they agreed with the readers on
0.897 of them, the rules on 0.461 (0.856 of those the rules named a reason for, where the models agreed on 0.928).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core import learning
from core.clock import to_db
from core.context import Context
from core.learning import OneOf
from handlers import everyday
from handlers.complaint_model import model_text
from handlers.complaint_rules import REASONS

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data" / "reasons"
DEVELOPMENT = "development.jsonl"  # the complaints of data/traffic/'s development files, labelled
# LogisticRegression's C. Each writer's complaints scored by models fitted without that writer (five folds): 10 and
# 30 both 0.897 of reasons as the readers gave them, 3 0.892.
REGULARISATION = 10.0
# The owner's reasons are the shop's own (plain packaging may be 其他 to one shop where the models say 品控), and a
# correction moves a text or two of the frozen split either way: one (0.18%) for "这个包装太简陋了" filed as 其他, and
# as many for "杯子收到就是碎的" and two like it filed as 物流, against the readers. So models retrained with them are
# used unless they agree with the readers less often by more than this share: a run of corrections, not one.
AGREEMENT_GIVEN_UP = 0.01


def round_file(round_number: int) -> Path:
    """The labelled complaints of a held-out round (handlers/everyday.py): read by the bench until the round is
    spent, then trained on with the rest."""
    return DATA / f"round{round_number}.jsonl"


@functools.cache
def labelled(path: Path) -> tuple[tuple[str, str], ...]:
    """(text, reason) of each complaint in one file. ValueError names a line that cannot be read."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
            if row["reason"] not in REASONS:
                raise ValueError(f"unknown reason {row['reason']!r}")
            found.append((str(row["text"]), row["reason"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}:{number}: not a labelled complaint ({error})") from None
    return tuple(found)


def development() -> list[tuple[str, str]]:
    """The labelled complaints trained on: those of the development files and of the spent rounds."""
    rounds = [round_file(spent) for spent in everyday.SPENT_ROUNDS]
    return [row for path in (DATA / DEVELOPMENT, *rounds) if path.exists() for row in labelled(path)]


@dataclass
class _InUse:
    with_corrections: OneOf | None = None  # trained with the owner's reasons, when the gate took it
    taken: int = 0  # how many of the owner's reasons those were trained with
    tried: tuple[tuple[str, str], ...] = ()  # the corrections last trained with, taken or not
    refused: bool = False  # whether the gate refused the models trained with `tried`


IN_USE = _InUse()


def model() -> OneOf | None:
    """The reasons' models in use: with the owner's corrections when the gate took them, else the base ones."""
    return IN_USE.with_corrections or base()


@functools.cache
def base() -> OneOf | None:
    """The models of the labelled data alone, trained (or read) once a process; None when they cannot be, and the
    rules alone name reasons then, as before."""
    try:
        return _trained()
    except Exception:  # whatever the data or the library do, complaints are still taken, their reasons the rules'
        log.exception("complaint reason models not trained")
        return None


def _trained(corrections: Sequence[tuple[str, str]] = ()) -> OneOf:
    trained_on = [row for row in development() if everyday.split_of(row[0]) != "frozen"]
    return learning.train_one_of(model_text, trained_on, REASONS, REGULARISATION, corrections)


def most_probable(text: str) -> str | None:
    """The reason whose model finds this complaint most probable; None without models."""
    found = model()
    return found.label(model_text(learning.bounded(text))) if found else None


def record(ctx: Context, complaint_id: int, text: str, reason: str) -> None:
    """The owner's reason for a complaint (/reason), with the member's words: the latest per complaint."""
    ctx.db.execute("INSERT OR REPLACE INTO reason_corrections (complaint, at, text, reason) VALUES (?, ?, ?, ?)",
                   [complaint_id, to_db(ctx.now), text, reason])


def corrections(db) -> list[tuple[str, str]]:
    return [(text, reason) for text, reason in
            db.execute("SELECT text, reason FROM reason_corrections ORDER BY complaint").fetchall()]


def reset() -> None:
    """Back to the base models: a store's corrections, never another's, are trained with."""
    IN_USE.with_corrections, IN_USE.taken, IN_USE.tried, IN_USE.refused = None, 0, (), False


def retrain(extra: list[tuple[str, str]]) -> bool:
    """Train with the owner's reasons (`corrections`, at start and every night); the result replaces the models in
    use unless it agrees with the readers on the frozen split less often by more than AGREEMENT_GIVEN_UP, so that
    hasty corrections cannot make the reasons worse (`IN_USE.refused` then). Whether it did (False too without
    anything new)."""
    if base() is None or not extra or tuple(extra) == IN_USE.tried:  # base(): trained at start either way
        return False
    IN_USE.tried, IN_USE.refused = tuple(extra), False
    try:
        candidate = _trained(extra)
    except Exception:
        log.exception("complaint reason models not retrained with %d corrections; those in use stay", len(extra))
        return False
    if agreement(candidate) < agreement(base()) - AGREEMENT_GIVEN_UP:
        log.warning("complaint reason models retrained with %d corrections agree less on the frozen split: not used",
                    len(extra))
        IN_USE.refused = True
        return False
    IN_USE.with_corrections, IN_USE.taken = candidate, len(extra)
    return True


def agreement(models: OneOf) -> float:
    """Of the frozen split's labelled complaints, the share whose reason these models name as the reader did."""
    frozen = [row for row in development() if everyday.split_of(row[0]) == "frozen"]
    return sum(models.label(model_text(learning.bounded(text))) == reason for text, reason in frozen) / len(frozen)
