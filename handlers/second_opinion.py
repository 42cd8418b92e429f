"""An optional second opinion on the messages a detector is in doubt about, from a language model the owner
configures ([second_opinion] in config.toml: any OpenAI-compatible service, a local Ollama included).

Off by default, and when on the README says plainly that the doubtful members' words leave the machine. Only the
doubtful band is asked, and the band under it (for complaints about one everyday message in ten, for adverts one
in a hundred: not the traffic), without the member's name or @-mentions, at most `daily_calls` times a day, and
never longer than `timeout_seconds`: on a timeout, an error or an answer that is neither yes nor no, the local
decision stands, so a slow or absent service changes nothing but the wait.
The question goes out away from the bot's loop (Context.off_loop), and a job looks for the answer: a service that
takes three seconds once held every group's messages for those three seconds. The answer is acted on by the
detector's own job, named when asking. Plain urllib: one POST of JSON needs no client library.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import urllib.error
import urllib.request
import uuid
from concurrent.futures import Future

from core.clock import from_db, to_db
from core.config import SecondOpinionConfig
from core.context import Context
from core.learning import bounded, without_mentions
from core.registry import Job, job

log = logging.getLogger(__name__)
MEMO = "second_opinion"  # calls made, by local day
ASKED_AT_MOST = 500  # characters of the message sent: what it means is said at its start
QUESTIONS = {
    "complaint": "下面是微信小店顾客群里一位成员发的一条消息。它是不是在投诉本店的商品、物流或服务？只回答“是”或“否”。",
    "advert": "下面是微信小店顾客群里一位成员发的一条消息。它是不是广告、拉人、引流或诈骗信息？只回答“是”或“否”。",
}
# The messages under the doubtful band may spend this share of the day's calls, and no more: the rest is kept for the
# doubtful ones, likelier to be complaints, each of which costs the owner a question when it cannot be asked.
WIDER_SHARE = 0.75
LOOK_EVERY = dt.timedelta(milliseconds=250)  # how often the answer is looked for: at most this added to its wait
# urllib's timeout holds for connecting and for each read, not for the whole call: an answer that is not in by the
# timeout and this much more is not waited for.
LATE_AFTER_TIMEOUT = dt.timedelta(seconds=1)


def ask(ctx: Context, detector: str, text: str, then: Job, /, *, wider: bool = False, **payload) -> bool:
    """Ask the owner's model whether a doubtful message is a complaint (an advert), away from the loop. Once it has
    answered, `then` runs with `payload` and `second`: True, False, or None (no answer in time, an error, neither
    yes nor no). False when nothing is asked: the second opinion is off, or today's calls are spent. `wider`: a
    message under the doubtful band (learning.Bands.consult), asked about only while WIDER_SHARE of the day's calls
    is left unspent."""
    settings = ctx.config.second_opinion
    if not settings.enabled or not _within_budget(ctx, int(settings.daily_calls * (WIDER_SHARE if wider else 1))):
        return False
    step = {"asking": f"second_opinion:{uuid.uuid4().hex}", "detector": detector, "text": text,
            "asked_at": to_db(ctx.now), "then": then.name, "payload": payload}
    _asking(ctx, step)
    await_answer.schedule(ctx, ctx.now, key=step["asking"], **step)
    return True


@job("second_opinion")
def await_answer(ctx: Context, step: dict) -> None:
    """Look for the answer; once it is in, or late, hand it to the detector's job. After a restart within the
    timeout the question is asked again (the timer is kept, the thread that asked is not); after a later one it is
    late, and the local decision stands."""
    late = ctx.now >= from_db(step["asked_at"], ctx.config.tz) + dt.timedelta(
        seconds=ctx.config.second_opinion.timeout_seconds) + LATE_AFTER_TIMEOUT
    if not late and not _asking(ctx, step).done():
        await_answer.schedule(ctx, ctx.now + LOOK_EVERY, key=step["asking"], **step)
        return
    asking = ctx.forget_off_loop(step["asking"])
    second = asking.result() if asking is not None and asking.done() else None
    ctx.schedule(f"{step['asking']}:answered", step["then"], ctx.now, **step["payload"], second=second)


def _asking(ctx: Context, step: dict) -> Future:
    return ctx.off_loop(step["asking"], _answer_of, ctx.config.second_opinion, step["detector"], step["text"])


def _answer_of(settings: SecondOpinionConfig, detector: str, text: str) -> bool | None:
    """The model's yes or no on one doubtful message; None when it is slow, failing or unclear. Run in a worker
    thread: it touches nothing of the bot's."""
    body = {
        "model": settings.model,
        "temperature": 0,
        "messages": [{"role": "system", "content": QUESTIONS[detector]},
                     {"role": "user", "content": without_mentions(bounded(text))[:ASKED_AT_MOST]}],
    }
    headers = {"Content-Type": "application/json"}
    if key := os.environ.get(settings.api_key_env):
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(f"{settings.base_url}/chat/completions", json.dumps(body).encode("utf-8"),
                                     headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
            answer = json.loads(response.read(64_000))["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:  # timeouts and HTTP errors are OSError
        log.warning("second opinion on a doubtful %s not had (%s); the local decision stands", detector,
                    type(error).__name__)
        return None
    return _yes_or_no(str(answer))


def _yes_or_no(answer: str) -> bool | None:
    said = answer.strip().strip("“”\"'。.！!").lower()
    if said.startswith(("是", "yes")):
        return True
    if said.startswith(("否", "不是", "no")):
        return False
    return None


def status(ctx: Context) -> dict | None:
    """What /status says of it when it is on: the model asked, and today's questions against the day's budget."""
    settings = ctx.config.second_opinion
    if not settings.enabled:
        return None
    return {"model": settings.model, "asked": _calls_today(ctx), "daily": settings.daily_calls}


def _calls_today(ctx: Context) -> int:
    return int(ctx.memo(MEMO).get(_today(ctx)) or 0)


def _within_budget(ctx: Context, at_most: int) -> bool:
    """Count one call against today's budget; False once `at_most` calls were made today."""
    made = _calls_today(ctx)
    if made >= at_most:
        return False
    ctx.memo(MEMO).set(_today(ctx), str(made + 1))
    return True


def _today(ctx: Context) -> str:
    return ctx.now.astimezone(ctx.config.tz).date().isoformat()
