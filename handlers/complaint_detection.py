"""Is a member's message a complaint: the rules first, then the model for what the rules let pass.

The rules (handlers/complaint_rules.py) give the reason and know negations and settled problems; the model
(handlers/complaint_model.py) catches complaints said without the rules' words, and those are filed as 其他.
The model is trained from its data once per process, at the first start. When that fails (data missing or
unreadable, scikit-learn missing) the bot keeps taking complaints on the rules alone and says so to the owner
at every start (`complaint_model_missing`), rather than stop or fall silent.
"""

from __future__ import annotations

import functools
import logging

from core.context import Context
from core.registry import on_start
from handlers.complaint_model import DATA, ComplaintModel, train
from handlers.complaint_rules import load_rules

log = logging.getLogger(__name__)

RULES = load_rules()
MODEL_ONLY_REASON = "其他"  # the model says "a complaint", not what about


@functools.cache
def current_model() -> ComplaintModel | None:
    try:
        return train(RULES.spelling.normalise, RULES.classify, DATA)
    except Exception:  # whatever the data or the library do, complaints are still taken: on the rules alone
        log.exception("complaint model not trained from %s; detecting complaints with the rules alone", DATA)
        return None


def detect(text: str) -> str | None:
    """The reason of a complaint, or None when the message is not one."""
    if reason := RULES.classify(text):
        return reason
    model = current_model()
    return MODEL_ONLY_REASON if model is not None and model.is_complaint(text) else None


@on_start
def train_complaint_model(ctx: Context) -> None:
    if current_model() is None:
        ctx.tell_owner("complaint_model_missing", "complaint_model_missing")
