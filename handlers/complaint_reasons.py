"""Why a member complains (物流, 品控, 发错货, 退款, 服务, 其他), learned from complaints labelled by reason.

The reason heads the owner's alert ("新投诉 #3（品控）") and the weekly sum of reasons. The rules
(handlers/complaint_rules.py) know only their phrases: of the 3,400 complaints members typed in the development
data, they named a reason for fewer than half, and the rest were filed as 其他, which tells the owner nothing. Here a
model per reason learns from those complaints, each labelled by what went wrong by readers who saw no rule or model
(data/reasons/, whose README says how), and a complaint's reason is the one whose model finds it most probable.

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
from pathlib import Path

from core import learning
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


@functools.cache
def model() -> OneOf | None:
    """The reasons' models, trained (or read) once a process; None when they cannot be, and the rules alone name
    reasons then, as before."""
    try:
        trained_on = [row for row in development() if everyday.split_of(row[0]) != "frozen"]
        return learning.train_one_of(model_text, trained_on, REASONS, REGULARISATION)
    except Exception:  # whatever the data or the library do, complaints are still taken, their reasons the rules'
        log.exception("complaint reason models not trained")
        return None


def most_probable(text: str) -> str | None:
    """The reason whose model finds this complaint most probable; None without models."""
    found = model()
    return found.label(model_text(learning.bounded(text))) if found else None
