"""Drives the core in real time, for the console and the WeChat transports.

One loop, one thread for the core: it handles an event as soon as the transport delivers it, and otherwise sleeps
until the next job or the next send the outbox's pacing allows.
"""

from __future__ import annotations

import asyncio

from core.assistant import Assistant
from core.transport import Transport

END_OF_INPUT = object()
# Events waiting together are handled in one transaction (group commit): a burst in a flash sale costs one disk
# sync per batch instead of one per message. Bounded, so that the first reply of a long burst is not held back.
MAX_BURST = 16


def _seconds_until(assistant: Assistant, moment) -> float | None:
    return None if moment is None else max(0.0, (moment - assistant.clock.now()).total_seconds())


async def run_live(assistant: Assistant, transport: Transport, *, drain_on_exit: bool = False) -> None:
    """Run until the transport ends; with drain_on_exit, then send what is still queued, at the outbox's pace.

    Without it, queued messages stay in the store and go out at the next start.
    """
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
        burst = [event]
        while burst[-1] is not END_OF_INPUT and not inbox.empty() and len(burst) < MAX_BURST:
            burst.append(inbox.get_nowait())
        ended = burst[-1] is END_OF_INPUT
        assistant.handle_many([e for e in burst if e is not END_OF_INPUT])
        if ended:
            break
    await feeding  # a transport that failed raises here
    while drain_on_exit and (next_send := assistant.outbox.next_send_time()) is not None:
        await asyncio.sleep(_seconds_until(assistant, next_send))
        await assistant.send_due(transport)
