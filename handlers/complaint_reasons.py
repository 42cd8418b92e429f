"""Why a member complains (物流, 品控, 发错货, 退款, 服务, 其他), learned from complaints labelled by reason.

The reason heads the owner's alert ("新投诉 #3（品控）") and the weekly sum of reasons. The rules
(handlers/complaint_rules.py) know only their phrases: of the 3,400 complaints members typed in the development
data, they named a reason for fewer than half, and the rest were filed as 其他, which tells the owner nothing. Here a
model per reason learns from those complaints, each labelled by what went wrong by readers who saw no rule or model
(data/reasons/, whose README says how), and a complaint's reason is the one whose model finds it most probable.

The owner's reasons (/reason, and /complaint with one: handlers/complaints.py) are kept here (reason_corrections)
and trained with at the next start and every night (`LEARNER`, as core/learning.py's `ModelInUse`).

Each reason's model tells that reason from the others, learned as core/learning.py learns the rest (`OneOf`; kept as
numbers, so a start reads rather than trains them), on the labelled complaints of the train and validation splits:
with no band to choose, the frozen split is left for the test and the bench. The models alone name the reason: on
each writer's complaints scored by models fitted without that writer (five folds), they agreed with the readers on
0.897 of them, the rules on 0.461 (0.856 of those the rules named a reason for, where the models agreed on 0.928).
"""

from __future__ import annotations

import functools
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
    def reasoned(row: dict) -> tuple[str, str]:
        if row["reason"] not in REASONS:
            raise ValueError(f"unknown reason {row['reason']!r}")
        return str(row["text"]), row["reason"]

    return tuple(learning.json_lines(path, reasoned, "a labelled complaint"))


def development() -> list[tuple[str, str]]:
    """The labelled complaints trained on: those of the development files and of the spent rounds."""
    rounds = [round_file(spent) for spent in everyday.SPENT_ROUNDS]
    return [row for path in (DATA / DEVELOPMENT, *rounds) if path.exists() for row in labelled(path)]


class _ReasonModels(learning.ModelInUse):
    """The reason models in use: retrained with the owner's reasons unless they then agree with the readers on the
    frozen split less often than the base models by more than AGREEMENT_GIVEN_UP."""

    def fit(self, extra: Sequence[tuple[str, str]], base: OneOf | None) -> OneOf:
        trained_on = [row for row in development() if everyday.split_of(row[0]) != "frozen"]
        return learning.train_one_of(model_text, trained_on, REASONS, REGULARISATION, extra)

    def accepts(self, candidate: OneOf, in_use: OneOf | None) -> bool:
        return agreement(candidate) >= agreement(self.base()) - AGREEMENT_GIVEN_UP


LEARNER = _ReasonModels("complaint reason")


def model() -> OneOf | None:
    """The reason models in use; None when they cannot be trained, and the rules alone name reasons then."""
    return LEARNER.current()


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


@dataclass(frozen=True)
class Trial:
    """What training the reason models with a store's reasons gives, beside the base models the gate holds it to."""

    corrections: int  # the owner's reasons trained with
    base: float  # `agreement` of the models of the shipped data alone
    after: float  # and of those trained with the owner's reasons
    taken: bool  # whether the gate lets them replace the base models


def trial(db) -> Trial | None:
    """Train with all of `db`'s reasons and judge the result as the nightly gate does, without putting it in use;
    None when the reason models cannot be trained (the rules name reasons then)."""
    base = LEARNER.base()
    if base is None:
        return None
    extra = corrections(db)
    candidate = LEARNER.trained_with(extra)
    return Trial(len(extra), agreement(base), agreement(candidate), LEARNER.accepts(candidate, base))


def agreement(models: OneOf) -> float:
    """Of the frozen split's labelled complaints, the share whose reason these models name as the reader did."""
    frozen = [row for row in development() if everyday.split_of(row[0]) == "frozen"]
    return sum(models.label(model_text(learning.bounded(text))) == reason for text, reason in frozen) / len(frozen)
