"""Small notes a feature keeps between events (a campaign waiting for the owner's confirm, a warning already
given), in the store's `meta` table, each owner in its own namespace: a key is stored as "namespace:key", so that
two features can never read or overwrite each other's notes. The core's own two keys, `bot_id` and `connection`,
have no namespace: they predate this, tests and tools read them by name, and no namespaced key can take them
(a namespaced key always holds a colon).
"""

from __future__ import annotations


class Memo:
    """One owner's notes: get, set and forget by key."""

    def __init__(self, db, namespace: str):
        if not namespace or ":" in namespace:
            raise ValueError(f"a memo namespace is a plain name, not {namespace!r}")
        self._db = db
        self._prefix = namespace + ":"

    def get(self, key: str) -> str | None:
        """The note under `key`, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", [self._prefix + key]).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str) -> None:
        """Keep `value` under `key`, replacing what was there."""
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [self._prefix + key, value])

    def forget(self, key: str) -> bool:
        """Drop the note under `key`; whether there was one."""
        return self._db.execute("DELETE FROM meta WHERE key = ?", [self._prefix + key]).rowcount > 0
