"""One bot per store: a second `bot.py run` (or `replay --db`) on a store in use is refused at start.

Two bots on one store would each send what the outbox holds: every message twice. The guard is an OS lock
(flock) on a file beside the store, held for the life of the process. The kernel releases it when the process
ends, however it ends, so a crash or a SIGKILL never leaves a stale lock behind, as a pid file would. The file
holds the holder's process id as text, only to name it in the refusal.

`import-orders` takes no lock: it writes its own transaction while the bot runs, which SQLite's WAL allows.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    """Another process holds the store; the message (in Chinese, for the owner) names the store and the process."""

    def __init__(self, store: Path, pid: str):
        # In the owner's words: what is going on (the bot is already running), then what to do; the process id
        # last, for whoever has to find that bot on the machine.
        which = f"（进程号 {pid}）" if pid else ""
        super().__init__(f"机器人已经在运行了，用的是同一个数据库 {store}：两个同时运行，每条消息会发两遍。"
                         f"请直接用正在运行的那个，或先关掉它{which}再启动。")
        self.store = store
        self.pid = pid


class InstanceLock:
    """The held lock; closing it (or the process ending) releases it. The lock file itself stays, harmless."""

    def __init__(self, fd: int):
        self.fd = fd

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def release(self) -> None:
        """Let the store go, so that another bot may take it; a second call does nothing."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def lock_path(store: Path | str) -> Path:
    """The lock file beside the store: one per store, so that bots on different stores never block each other."""
    return Path(f"{store}.lock")


def claim(store: Path | str) -> InstanceLock:
    """Take the store for this process, or raise AlreadyRunning at once (never wait for the other one)."""
    store = Path(store)
    store.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(lock_path(store), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        raise AlreadyRunning(store, holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return InstanceLock(fd)
