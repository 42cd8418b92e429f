"""Drives the core in real time, for the console and the WeChat transports.

One loop, one thread for the core: it handles an event as soon as the transport delivers it, and otherwise sleeps
until the next job or the next send the outbox's pacing allows.
"""

from __future__ import annotations

import asyncio

from core.assistant import Assistant
from core.transport import Transport

END_OF_INPUT = object()


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
        if event is END_OF_INPUT:
            break
        assistant.handle(event)
    await feeding  # a transport that failed raises here
    while drain_on_exit and (next_send := assistant.outbox.next_send_time()) is not None:
        await asyncio.sleep(_seconds_until(assistant, next_send))
        await assistant.send_due(transport)
