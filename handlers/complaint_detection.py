"""Is a member's message a complaint, and how sure is the bot: acknowledged in public, asked of the owner, or left.

The model (handlers/complaint_model.py, learning as core/learning.py does) reads the message as the member typed
it and gives the probability whose band decides; the reason of a message in a band is learned too
(handlers/complaint_reasons.py). When training fails (data missing or unreadable, scikit-learn missing) the bot
keeps taking complaints on the rules (handlers/complaint_rules.py) alone, reasons and all, and says so to the owner
at every start (`complaint_model_missing`), rather than stop or fall silent.

The owner's corrections (/complaint for a complaint the bot missed, /notcomplaint or /不是 for a false alarm, in
handlers/complaints.py) are kept here with the member's text (complaint_corrections) and are extra training data
the next time the model is trained: at start, and every night after the tiers (schedules/complaint_training.py).
A model retrained with them replaces the one in use only when it is not worse on the frozen test split
(`not_worse`), so that a hasty or mistaken correction cannot make the bot miss more. The model trained on the
data alone is trained once per process (`base_model`); a store without corrections uses it as it is.

`trial` is the same training and the same gate for `bot.py train-complaints`, from another process and on a store
opened read-only: it reports, and puts nothing in use. The model it trains is kept as numbers beside the store
(core/learning.py), and the bot's own next training (04:30, or its next start) reads it rather than training it
again, and puts it through the same gate with the same verdict.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from core import learning
from core.clock import from_db, to_db
from core.context import Context
from core.learning import Detector, Example, Figures
from core.memo import Memo
from core.registry import on_start
from handlers import complaint_model, complaint_reasons
from handlers.complaint_model import DATA, Verdict, judge
from handlers.complaint_rules import ComplaintRules, load_rules

log = logging.getLogger(__name__)
MEMO = "complaint_model"  # the namespace of the notes on the model in use: when trained, on how many corrections

RULES = load_rules()
TRAINING_RULES = RULES.remembering()  # the same rules, for the gate: each retraining reads the frozen split again
OTHER_REASON = "其他"  # a complaint nothing names a reason for
CORRECTION = "correction"  # the category of a correction as a training example


def _task() -> learning.Task:
    return complaint_model.task(DATA)


def _reaches_owner(model: Detector | None):
    """The verdict the gate compares: the owner hears of it, in public or asked."""
    return lambda text: _judged(model, text, TRAINING_RULES).band is not None


LEARNER = learning.Learner("complaint", _task, _reaches_owner)


def base_model() -> Detector | None:
    return LEARNER.base()


def current_model() -> Detector | None:
    return LEARNER.current()


def detect(text: str) -> Verdict | None:
    """The verdict on a complaint ("sure" or "doubt", and its reason), or None when the message is not one."""
    verdict = read(text)
    return verdict if verdict.band else None


def read(text: str) -> Verdict:
    """The verdict on a message, band None included: its probability says whether a second opinion is worth it."""
    return _named(_judged(current_model(), text, RULES), text)


def band_in_thread(text: str, before: Sequence[str]) -> str | None:
    """The model's band for a message read after the member's lines just before it (`before`, oldest first, in the
    same chat), the lines read together: "还在揽件" after "下单五天了" is a complaint, and "就是回来衣服上一股硫磺味 洗了
    两遍还有" after "周末带爸妈去泡温泉" is not. None without a model.

    handlers/complaints.py asks it twice. A line in no band alone that is in one after those lines joins the member's
    open complaint, but opens no question of its own: on held-out rounds 26 to 30 as the bot lived them
    (`bench/held_out_week.py --readers N`), asking about such lines too made 11 more questions "可能是投诉", 3 of them
    about a complaint, for 7 more of the readers' 760 complaint messages heard of. And a line sure alone that is not
    sure after those lines is asked of the owner rather than acknowledged in the group: on rounds 26 to 31 the
    public acknowledgements went from 54 (one of them round 31's hot spring) to 47, all complaints, each of the
    seven asked of the owner instead as "很可能是投诉"."""
    if not learning.without_mentions(text) or (model := current_model()) is None:
        return None
    thread = " ".join(learning.bounded(line) for line in [*before, text])
    return model.bands.of(model.scorer.probability(complaint_model.model_text(thread)))


def surely_one(verdict: Verdict) -> bool:
    """Whether the model alone would have acknowledged this doubtful message in public, had the rules named a problem
    in it (complaint_model.judge): "很可能是投诉" to the owner, who may answer those first. On rounds 17 to 25, each
    read by a model trained on the rounds before it, 136 of the 158 such messages among their everyday messages and
    complaints were complaints, against 194 of the other 592 doubts."""
    model = current_model()
    return model is not None and verdict.probability >= model.bands.sure


def worth_a_second_opinion(verdict: Verdict, text: str) -> Verdict | None:
    """For a message the model alone puts in no band (`verdict`, read from `text`), the verdict "consult" when it is
    near enough for the owner's second opinion, when there is one, to be asked (complaint_model.EVERYDAY_CONSULTED);
    None for another. The probability read once is used again: no second scoring."""
    model = current_model()
    if verdict.band or model is None or not model.bands.consulted(verdict.probability):
        return None
    return _named(Verdict(None, "consult", verdict.probability), text)


def reason_of(text: str) -> str:
    """Why a member complains: the reason the reason models find most probable (handlers/complaint_reasons.py);
    without them the rules', and 其他 when they name none."""
    return complaint_reasons.most_probable(text) or complaint_model.rules_reason(RULES, text) or OTHER_REASON


def _judged(model: Detector | None, text: str, rules: ComplaintRules) -> Verdict:
    # Mentions go first, for the rules as for the model (which was trained without them): a nickname is no
    # complaint ("@退款小能手"), and "@小店助手 说一下运费" is a question however the bot is addressed.
    if not learning.without_mentions(text):
        return Verdict(None, None, 0.0)  # a picture, or a mention alone: the model's prior is no verdict
    return judge(rules, model.scorer if model else None, model.bands if model else None, text)


def _named(verdict: Verdict, text: str) -> Verdict:
    """A message in a band, with its reason named: only those, as naming one costs the reason models a reading."""
    if not verdict.band or verdict.reason:  # no complaint, or the rules decided alone (no model), reason and all
        return verdict
    return Verdict(reason_of(text), verdict.band, verdict.probability)


def record_correction(ctx: Context, complaint_id: int | None, text: str, *, is_complaint: bool,
                      doubt: int | None = None) -> None:
    """Keep the owner's verdict on a member's message, for the next training: on a complaint, or on a doubtful
    message the owner said was none (`doubt`, no complaint)."""
    ctx.db.execute(
        "INSERT INTO complaint_corrections (at, complaint, doubt, text, is_complaint) VALUES (?, ?, ?, ?, ?)",
        [to_db(ctx.now), complaint_id, doubt, text, int(is_complaint)],
    )


def take_back_dismissal(ctx: Context, doubt: int) -> None:
    """The owner's "not a complaint" on a doubtful message, taken back: they have confirmed it since."""
    ctx.db.execute("DELETE FROM complaint_corrections WHERE doubt = ?", [doubt])


def corrections(db, until: str | None = None) -> list[Example]:
    """The owner's verdicts as training examples: the latest per complaint (or per doubtful message the owner
    dismissed), since one opened by /complaint and then withdrawn by /notcomplaint is the owner changing their
    mind, not two examples that cancel out.
    `until` (a stored time): the verdicts as they stood then, those a model trained then was given."""
    rows = db.execute(
        "SELECT text, is_complaint FROM complaint_corrections WHERE id IN"
        " (SELECT max(id) FROM complaint_corrections WHERE at <= coalesce(?, at) GROUP BY complaint, doubt)"
        " ORDER BY id",
        [until],
    ).fetchall()
    return [Example(text, bool(is_complaint), CORRECTION) for text, is_complaint in rows]


def frozen_figures(model: Detector | None) -> Figures:
    """Precision and recall of the complaints that reach the owner (in public or asked), on the frozen split."""
    return learning.frozen_figures(_task(), _reaches_owner(model))


def not_worse(candidate: Detector, in_use: Detector | None) -> bool:
    return learning.not_worse(_task(), _reaches_owner(candidate), _reaches_owner(in_use) if in_use else None)


def retrain(ctx: Context) -> bool:
    """Train with the store's corrections; the new model replaces the one in use if it is not worse on the frozen
    split. Whether it did (False too when there is no new correction to train with)."""
    extra = corrections(ctx.db)
    if LEARNER.retrain(extra):
        _note_training(ctx, len(extra))
        return True
    if LEARNER.refused:
        _tell_not_taken(ctx, "not_taken", [(e.text, e.label) for e in extra])
    return False


def retrain_reasons(ctx: Context) -> None:
    """Train the reason models with the owner's /reason (handlers/complaint_reasons.py), at start and every night."""
    extra = complaint_reasons.corrections(ctx.db)
    if not complaint_reasons.LEARNER.retrain(extra) and complaint_reasons.LEARNER.refused:
        _tell_not_taken(ctx, "reasons_not_taken", extra, reasons=True)


def _tell_not_taken(ctx: Context, key: str, extra: list[tuple[str, object]], reasons: bool = False) -> None:
    """The owner's corrections made the models worse on the frozen split, so they were not used: say so, once for
    these corrections (every start and night trains with them again), or the owner believes the bot learned them."""
    notes = ctx.memo(MEMO)
    these = hashlib.sha256(json.dumps(extra).encode()).hexdigest()
    if notes.get(key) == these:
        return
    notes.set(key, these)
    ctx.tell_owner("correction_not_taken", "correction_not_taken", corrections=len(extra), reasons=reasons)


def _note_training(ctx: Context, corrected: int) -> None:
    """When the model in use was trained and on how many corrections, for /status and `train-complaints`."""
    notes = ctx.memo(MEMO)
    notes.set("trained_at", to_db(ctx.now))
    notes.set("corrections", str(corrected))


def training_facts(ctx: Context) -> dict | None:
    """When the model in use was trained and on how many corrections, and on how many of the owner's reasons the
    reason models in use were; None when the bot runs on the rules alone."""
    notes = ctx.memo(MEMO)
    if current_model() is None or notes.get("trained_at") is None:
        return None
    return {"at": from_db(notes.get("trained_at"), ctx.config.tz), "corrections": int(notes.get("corrections") or 0),
            "reasons": complaint_reasons.LEARNER.taken}


@dataclass(frozen=True)
class Trial:
    """What training with a store's corrections gives, beside the model the bot on that store runs."""

    corrections: int  # the owner's verdicts the new model was trained with
    in_use_corrections: int  # and those the model in use was
    before: Figures
    after: Figures
    taken: bool  # whether the gate lets the new model replace the one in use


def trial(db) -> Trial:
    """Train with all of `db`'s corrections and judge the result against the model in use, without putting it in
    use or writing to `db`. The model in use is rebuilt from the corrections as they stood when it was trained
    (the notes `_note_training` keeps); training is deterministic, so it is the one the bot runs. OSError or ValueError
    when the data cannot be read, ImportError without scikit-learn."""
    notes = Memo(db, MEMO)
    trained_at, in_use_count = notes.get("trained_at"), int(notes.get("corrections") or 0)
    in_use = LEARNER.trained_with(corrections(db, trained_at) if in_use_count else [])
    extra = corrections(db)
    candidate = LEARNER.trained_with(extra) if extra else in_use
    return Trial(len(extra), in_use_count, frozen_figures(in_use), frozen_figures(candidate),
                 not_worse(candidate, in_use))


@on_start
def train_complaint_model(ctx: Context) -> None:
    LEARNER.reset()  # this store's corrections, never another's: the base models are the ones to beat
    complaint_reasons.LEARNER.reset()
    _note_training(ctx, 0)
    if current_model() is None:
        ctx.tell_owner("complaint_model_missing", "complaint_model_missing")
        return
    retrain(ctx)
    retrain_reasons(ctx)  # at start, not at the first complaint: a first start trains them
