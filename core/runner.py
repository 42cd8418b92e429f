"""Drives the core in real time, for the console and the WeChat transports.

One loop, one thread for the core: it handles an event as soon as the transport delivers it, and otherwise sleeps
until the next job or the next send the outbox's pacing allows.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable

from core.assistant import Assistant
from core.transport import Transport

END_OF_INPUT = object()
# Events waiting together are handled in one transaction (group commit): a burst in a flash sale costs one disk
# sync per batch instead of one per message. Bounded, so that the first reply of a long burst is not held back.
MAX_BURST = 16

# Told how many messages wait and about how many seconds they take; returns when the owner wants to stop at once.
Drain = Callable[[int, float], Awaitable[None]]


def _seconds_until(assistant: Assistant, moment) -> float | None:
    return None if moment is None else max(0.0, (moment - assistant.clock.now()).total_seconds())


def drain_seconds(assistant: Assistant) -> float:
    """About how long the queued messages take to go out at the outbox's pace: a figure for the owner to decide
    whether to wait (Outbox.estimated_sends)."""
    now = assistant.clock.now()
    sends = assistant.outbox.estimated_sends(assistant.outbox.queued_count(), now)
    return _seconds_until(assistant, sends[-1]) if sends else 0.0


async def run_live(assistant: Assistant, transport: Transport, *, drain: Drain | None = None) -> None:
    """Run until the transport ends; with drain, then send what is still queued, at the outbox's pace.

    Without it, or when drain returns early, queued messages stay in the store and go out at the next start.
    """
    # Worker threads for what must not hold the loop (Context.off_loop): a big order file's reading, and second
    # opinions waiting on a service (handlers/second_opinion.py), which should not wait behind the file or each other
    assistant.off_loop = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="off-loop")
    try:
        await _run(assistant, transport, drain)
    finally:
        assistant.off_loop.shutdown(wait=False, cancel_futures=True)
        assistant.off_loop, assistant.off_loop_work = None, {}  # a job still waiting starts its work afresh


async def _run(assistant: Assistant, transport: Transport, drain: Drain | None) -> None:
    inbox: asyncio.Queue = asyncio.Queue()
    feeding = asyncio.create_task(transport.run(inbox.put_nowait))
    feeding.add_done_callback(lambda _: inbox.put_nowait(END_OF_INPUT))
    while True:
        assistant.fire_due_timers()
        while await assistant.send_due(transport):
            pass
        try:
            event = await asyncio.wait_for(inbox.get(), _seconds_until(assistant, assistant.next_wakeup()))
        except TimeoutError:
            continue
        if asyncio.current_task().cancelling():
            # Python 3.11's wait_for swallows a cancellation (Ctrl-C) that comes just as an event arrives
            raise asyncio.CancelledError
        burst = [event]
        while burst[-1] is not END_OF_INPUT and not inbox.empty() and len(burst) < MAX_BURST:
            burst.append(inbox.get_nowait())
        ended = burst[-1] is END_OF_INPUT
        assistant.handle_many([e for e in burst if e is not END_OF_INPUT])
        if ended:
            break
    await feeding  # a transport that failed raises here
    if drain and (waiting := assistant.outbox.queued_count()):
        await _drain(assistant, transport, drain(waiting, drain_seconds(assistant)))


async def _drain(assistant: Assistant, transport: Transport, stop_asked: Awaitable[None]) -> None:
    """Send what is queued, one message at a time as the pacing allows, until none is left or stop_asked ends.

    Stopping between two sends is safe: a message is either sent and marked so, or still queued in the store.
    """
    stop = asyncio.ensure_future(stop_asked)
    try:
        while (next_send := assistant.outbox.next_send_time(assistant.clock.now())) is not None:
            await asyncio.wait({stop}, timeout=_seconds_until(assistant, next_send))
            if stop.done():
                stop.result()  # the owner asked to stop (or the transport failed: that is raised)
                return
            await assistant.send_due(transport)
    finally:
        stop.cancel()
