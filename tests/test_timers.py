"""Jobs fire at their own time on the virtual clock, survive a restart, and a missed one fires once, not per miss."""

import asyncio
import datetime as dt
import io

from core.context import Context
from core.registry import Job, Recurring, Registry
from schedules.maintenance import maintain_store
from transports.replay import replay
from tests.conftest import SHANGHAI


def jobs(**runs) -> Registry:
    """A bot with just these one-shot jobs, by name."""
    registry = Registry()
    for name, run in runs.items():
        registry.add(Job(name, run))
    return registry


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def run_to(assistant, until: str) -> None:
    asyncio.run(replay(assistant, assistant.clock, [], moment(until), io.StringIO()))


def test_a_job_fires_at_its_own_time_between_events(assistant_at):
    fired = []
    remember = Job("remember", lambda ctx, payload: fired.append((ctx.now, payload)))
    registry = Registry()
    registry.add(remember)
    assistant = assistant_at("2026-11-25T10:00", features=registry)
    remember.schedule(Context(assistant), moment("2026-11-25T10:45"), complaint=1)
    run_to(assistant, "2026-11-25T12:00")
    assert fired == [(moment("2026-11-25T10:45"), {"complaint": 1})]


def test_scheduling_the_same_key_again_moves_the_job_instead_of_doubling_it(assistant_at):
    fired = []
    assistant = assistant_at("2026-11-25T10:00", features=jobs(remember=lambda ctx, payload: fired.append(ctx.now)))
    ctx = Context(assistant)
    ctx.schedule("reminder:1", "remember", moment("2026-11-25T10:45"))
    ctx.schedule("reminder:1", "remember", moment("2026-11-25T11:00"))
    run_to(assistant, "2026-11-25T12:00")
    assert fired == [moment("2026-11-25T11:00")]


def test_a_job_scheduled_before_a_restart_still_fires(assistant_at, tmp_path):
    fired = []
    registry = jobs(remember=lambda ctx, payload: fired.append(ctx.now))
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T10:00", db_path=db_path, features=registry)
    Context(before).schedule("reminder:1", "remember", moment("2026-11-25T10:45"))
    before.db.close()
    after = assistant_at("2026-11-25T10:30", db_path=db_path, features=registry)
    run_to(after, "2026-11-25T12:00")
    assert fired == [moment("2026-11-25T10:45")]


def test_a_failing_job_is_logged_and_does_not_stop_the_others(assistant_at, caplog):
    fired = []

    def broken(ctx, payload):
        raise RuntimeError("boom")

    assistant = assistant_at("2026-11-25T10:00",
                             features=jobs(broken=broken, remember=lambda ctx, payload: fired.append(ctx.now)))
    Context(assistant).schedule("a", "broken", moment("2026-11-25T10:10"))
    Context(assistant).schedule("b", "remember", moment("2026-11-25T10:20"))
    run_to(assistant, "2026-11-25T11:00")
    assert fired == [moment("2026-11-25T10:20")]
    assert "boom" in caplog.text
    assert assistant.timers.get("a") is None, "the broken job does not fire again"


def test_a_recurring_job_missed_while_down_runs_once_then_keeps_its_rhythm(assistant_at, tmp_path):
    runs = []
    nightly = maintain_store.__bot_feature__
    registry = Registry()
    registry.add(Recurring(nightly.name, nightly.trigger, lambda ctx, due: runs.append((ctx.now, due))))
    db_path = tmp_path / "store.db"
    before = assistant_at("2026-11-25T10:00", db_path=db_path, features=registry)
    before.db.close()  # down for three nights
    after = assistant_at("2026-11-28T12:00", db_path=db_path, features=registry)
    run_to(after, "2026-11-29T05:00")
    assert runs == [
        (moment("2026-11-28T12:00"), moment("2026-11-26T04:00")),
        (moment("2026-11-29T04:00"), moment("2026-11-29T04:00")),
    ]
