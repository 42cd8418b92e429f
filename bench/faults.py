"""Faults a developer can rerun: each one is made to happen to the real bot, and one line says what was checked
and what came of it.

    .venv/bin/python bench/faults.py [silent_before_login] [silent_mid_reconnect] [killed_in_a_send_burst]
                                     [store_fills_up] [corrupt_store_at_start] [flood]     (all when none is named)

The faults on the connection run the bot process against the node puppet-service gateway of the end-to-end tests
(tests/gateway, listening on 127.0.0.1 only; `make test` installs its packages), through the same helpers as
tests/test_wechaty_e2e.py. Each fault has FAULT_SECONDS at most: one that hangs is reported as such and the next
one runs. Outcomes are printed, never asserted: the tests assert; this shows a person what happens, end to end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import logging
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402  the e2e helpers report a wait that timed out with pytest.fail

from core.assistant import Assistant  # noqa: E402
from core.clock import VirtualClock  # noqa: E402
from core.config import load_config  # noqa: E402
from core.events import ContactSeen, Login, Message, RoomSeen  # noqa: E402
from core.store import open_store  # noqa: E402
from tests.conftest import BOT as REPLAY_BOT, FEATURES, OWNER, SHANGHAI, run_bot  # noqa: E402
from tests.test_cli import a_store_with_history  # noqa: E402
from tests.test_wechaty_e2e import BOT, MEMBER, ROOM, Shop  # noqa: E402
from transports.replay import ReplayOutput, run_until  # noqa: E402

FAULT_SECONDS = 300
STORE_BYTES = 2 * 1024 * 1024
BURST = ("/help", "/status", "/help status", "/help faq", "/help tier", "/help vip")  # each answered differently
FLOOD = 2000


class Hung(Exception):
    """A fault that took longer than FAULT_SECONDS."""


def _hung(signum, frame):
    raise Hung(f"still running after {FAULT_SECONDS} s")


def _help_answered(shop: Shop) -> bool:
    shop.gateway.do("say", **{"from": OWNER, "to": BOT, "text": "/help"})
    return "以下是可用的管理指令" in shop.gateway.bot_said(to=OWNER, timeout=60)["text"]


def silent_before_login(tmp: Path) -> tuple[bool, str]:
    shop = Shop(tmp, through_proxy=True, answering=False)  # accepts the connection, never answers
    try:
        given_up = len(shop.log_lines("no answer", at_least=2, timeout=120))
        shop.proxy.answering = True
        shop.account_online()
        answered = _help_answered(shop)
        return answered, (f"service accepting and never answering before login: {given_up} attempts given up at "
                          f"their deadline, then logged in once it answered; /help answered: {answered}")
    finally:
        shop.close()


def silent_mid_reconnect(tmp: Path) -> tuple[bool, str]:
    shop = Shop(tmp, through_proxy=True)
    try:
        logins = shop.logins_seen()
        shop.proxy.answering = False  # reconnections meet the same silence
        shop.proxy.fall_silent()  # the open connection stays open, and nothing gets through
        shop.log_lines("stopped answering", at_least=1, timeout=120)
        given_up = len(shop.log_lines("no answer", at_least=1, timeout=120))
        shop.proxy.answering = True
        shop.until("SELECT 1 FROM events WHERE type = 'login' GROUP BY type HAVING count(*) > ?", (logins,), timeout=120)
        answered = _help_answered(shop)
        return answered, (f"connection silent, then its reconnection silent: the silence noticed, {given_up} "
                          f"reconnection(s) given up, logged in again once it answered; /help answered: {answered}")
    finally:
        shop.close()


def killed_in_a_send_burst(tmp: Path) -> tuple[bool, str]:
    shop = Shop(tmp, per_chat_seconds=1)  # the replies leave a second apart: a burst of several seconds
    try:
        for text in BURST:
            shop.gateway.do("say", **{"from": OWNER, "to": BOT, "text": text})
        said = [shop.gateway.bot_said(to=OWNER)["text"]]
        shop.bot.send_signal(signal.SIGKILL)  # in the burst: the first reply out, the others queued
        shop.bot.wait(timeout=20)
        logins = shop.logins_seen()
        shop.start_bot()
        shop.bot_connected()  # the service tells the new bot at once that the account is logged in
        shop.until("SELECT 1 FROM events WHERE type = 'login' GROUP BY type HAVING count(*) > ?", (logins,), timeout=120)
        shop.until("SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE status IN ('queued', 'sending'))", timeout=120)
        said += [event["text"] for event in shop.gateway.silent_for(5) if event.get("to") == OWNER]
        statuses = dict(shop.query("SELECT status, count(*) FROM outbox WHERE kind = 'command_reply' GROUP BY status"))
        sent, uncertain = statuses.get("sent", 0), statuses.get("uncertain", 0)
        reports = shop.query("SELECT count(*) FROM outbox WHERE kind = 'outbox_report' AND status = 'sent'")[0][0]
        stored = shop.query("SELECT count(*) FROM events WHERE type = 'message' AND contact = ?", (OWNER,))[0][0]
        twice = sum(n - 1 for n in Counter(said).values())  # the same text reaching the owner again
        lost = len(BURST) - sent - uncertain
        # An uncertain reply may have reached WeChat just before the kill: seen then, never sent again
        ok = twice == 0 and lost == 0 and stored == len(BURST) and reports == min(uncertain, 1) and \
            sent + reports <= len(said) <= sent + uncertain + reports
        return ok, (f"kill -9 after the first of {len(BURST)} replies, then restart: commands stored {stored}, "
                    f"replies sent {sent}, uncertain {uncertain} (owner asked to check: {reports} report), "
                    f"messages seen by the owner {len(said)}, duplicated {twice}, lost {lost}")
    finally:
        shop.close()


def store_fills_up(tmp: Path) -> tuple[bool, str]:
    """In process, on a virtual clock: the store capped at STORE_BYTES by max_page_count, as a full 2 MB disk."""
    config = load_config().with_owners([OWNER])
    db = open_store(tmp / "store.db")
    clock = VirtualClock(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI), config.tz)
    assistant = Assistant(config, db, clock, FEATURES, seed=1)
    out = io.StringIO()
    output = ReplayOutput(clock, out)

    async def send_then_wait(seconds: float) -> None:
        await assistant.send_due(output)  # as core/runner.py after each burst: what may go now goes now
        await run_until(assistant, clock, clock.now() + dt.timedelta(seconds=seconds), output)

    def advance(seconds: float) -> list[dict]:
        before = len(out.getvalue().splitlines())
        asyncio.run(send_then_wait(seconds))
        return [json.loads(line) for line in out.getvalue().splitlines()[before:]]

    assistant.handle_many([Login(REPLAY_BOT, "小店助手"), ContactSeen(OWNER, "店主"), ContactSeen("wxid_a", "小王"),
                           RoomSeen("r1@chatroom", "普通会员群", (OWNER, REPLAY_BOT, "wxid_a"))])
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {STORE_BYTES // page_size}")
    sent, handled = [], 0
    while not assistant.unstored and handled < 100_000:
        handled += 1
        assistant.handle_many([Message("wxid_a", f"今天第{handled}条闲聊，" + "说说笑笑" * 20, "r1@chatroom")])
        sent += advance(1)
    full_at = handled
    for _ in range(20):  # more come while it is full
        handled += 1
        assistant.handle_many([Message("wxid_a", f"今天第{handled}条闲聊", "r1@chatroom")])
        sent += advance(1)
    told_full = sum(m["kind"] == "store_full" for m in sent)
    waiting = len(assistant.unstored)
    db.execute("PRAGMA max_page_count = 1000000")  # room again
    caught_up = advance(120)
    stored = db.execute("SELECT count(*) FROM events WHERE type = 'message'").fetchone()[0]
    told_back = sum(m["kind"] == "store_notice" for m in caught_up)
    db.close()
    ok = told_full == 1 and stored == handled and told_back == 1 and not assistant.unstored
    return ok, (f"store capped at {STORE_BYTES // 1024} KB: full at message {full_at}, owner told {told_full}x "
                f"(store_full), {waiting} kept in memory; with room again {stored} of {handled} stored, owner told "
                f"{told_back}x it caught up")


def corrupt_store_at_start(tmp: Path) -> tuple[bool, str]:
    store = a_store_with_history(tmp / "store.db")
    data = bytearray(store.read_bytes())
    data[3 * 4096:5 * 4096] = os.urandom(2 * 4096)  # garbage over two pages in its middle
    store.write_bytes(bytes(data))
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    result = run_bot("run", "--db", str(store), timeout=120)
    untouched = hashlib.sha256(store.read_bytes()).hexdigest() == before
    said = result.stderr.strip().splitlines()
    ok = result.returncode == 1 and len(said) == 1 and "Traceback" not in result.stderr and untouched
    return ok, (f"two pages of garbage in the store: exit status {result.returncode}, {len(said)} line(s) said "
                f"({said[0][:60] if said else ''}…), store left byte for byte: {untouched}")


def flood(tmp: Path) -> tuple[bool, str]:
    shop = Shop(tmp)
    try:
        started = time.monotonic()
        for n in range(FLOOD):
            shop.gateway.do("say", **{"from": MEMBER, "room": ROOM, "text": f"哈哈哈 第{n}条"})
        typed = time.monotonic() - started
        shop.until("SELECT 1 FROM events WHERE type = 'message' AND contact = ? GROUP BY contact HAVING count(*) = ?",
                   (MEMBER, FLOOD), timeout=120)
        stored = time.monotonic() - started
        asked = time.monotonic()
        answered = _help_answered(shop)
        waited = time.monotonic() - asked
        kinds = dict(shop.query("SELECT kind, count(*) FROM outbox GROUP BY kind"))
        return answered, (f"{FLOOD} messages from one member in {typed:.1f} s: all stored after {stored:.1f} s, "
                          f"the owner's /help answered {waited:.1f} s after; the bot queued {kinds or 'nothing'}")
    finally:
        shop.close()


FAULTS = {fault.__name__: fault for fault in (silent_before_login, silent_mid_reconnect, killed_in_a_send_burst,
                                              store_fills_up, corrupt_store_at_start, flood)}


def main(names: list[str]) -> int:
    logging.disable(logging.WARNING)  # the in-process bot's warnings are the fault itself; its errors still show
    signal.signal(signal.SIGALRM, _hung)
    failed = 0
    for name in names or FAULTS:
        started = time.monotonic()
        signal.alarm(FAULT_SECONDS)
        try:
            with tempfile.TemporaryDirectory(prefix=f"fault-{name}-") as tmp:
                ok, said = FAULTS[name](Path(tmp))
        except (Exception, pytest.fail.Exception) as error:  # a wait of the e2e helpers that timed out, or Hung
            ok, said = False, f"{type(error).__name__}: {str(error).strip().splitlines()[0][:200]}"
        finally:
            signal.alarm(0)
        failed += not ok
        print(f"{'OK  ' if ok else 'FAIL'} {name}: {said} [{time.monotonic() - started:.0f} s]", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    unknown = set(sys.argv[1:]) - set(FAULTS)
    if unknown:
        sys.exit(f"unknown fault(s) {sorted(unknown)}; known: {', '.join(FAULTS)}")
    sys.exit(main(sys.argv[1:]))
