"""A fake of WeCom's group robot webhook API on 127.0.0.1, keeping its documented limits (群机器人配置说明).

POST {base}/cgi-bin/webhook/send?key=KEY with JSON: msgtype text (content at most 2,048 bytes), markdown (at most
4,096), image (base64 of a JPG or PNG of at most 2 MB, and the md5 of the raw bytes) or news; at most 20 messages a
minute per robot. Answers {"errcode": 0, "errmsg": "ok"} or an error code: 45009 over the rate limit, 93000 an
invalid or removed key, 40008 a wrong message type, others for a bad body. It records what it took, and can be told
to fail: over the rate limit, a key removed, no answer (the message taken, the connection cut), a timeout (the
message taken, the answer held past the client's patience), HTTP 500.

Its minute is read from `clock` (seconds), so that a test on a virtual clock is held to the limit in virtual time.
"""

from __future__ import annotations

import base64
import binascii
import collections
import hashlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PATH = "/cgi-bin/webhook/send"
PER_MINUTE = 20
TEXT_BYTES, MARKDOWN_BYTES, IMAGE_BYTES = 2048, 4096, 2 * 1024 * 1024
OK, RATE_LIMITED, KEY_GONE, WRONG_TYPE = 0, 45009, 93000, 40008
TOO_LONG, BAD_IMAGE, BAD_MD5, BAD_JSON = 40058, 40009, 301019, 40035
FAILURES = ("rate_limit", "removed", "no_answer", "timeout", "http_500")
TIMEOUT_SECONDS = 3  # how long "timeout" holds its answer: longer than the client waits in the tests


class FakeWecom:
    """The webhook API for the robots `keys` (key -> a name for the test's reading)."""

    def __init__(self, keys: dict[str, str], clock: Callable[[], float] = time.monotonic):
        self.keys = dict(keys)
        self.clock = clock
        self.answer_after = 0.0  # seconds between taking a message and answering: a window to be killed in
        self.taken: list[dict] = []  # {"key", "robot", "body", "at"}: every message the API took, in order
        self.answers: list = []  # every errcode answered (-1: no answer, 500: HTTP 500, "timeout": answered late)
        self._sent_at: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._failures: list[tuple[str | None, str]] = []  # (key or None for any, failure), used once each
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                try:
                    fake._handle(self)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: as WeCom, carry on
                    pass

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self, failure: str, key: str | None = None, times: int = 1) -> None:
        """The next `times` calls (for `key`, or any) fail so: one of FAILURES. "removed" removes the key for good."""
        assert failure in FAILURES
        with self._lock:
            self._failures += [(key, failure)] * times

    def remove(self, key: str) -> None:
        with self._lock:
            self.keys.pop(key, None)

    def taken_by(self, robot: str) -> list[dict]:
        return [entry for entry in self.taken if entry["robot"] == robot]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        key = parse_qs(url.query).get("key", [""])[0]
        with self._lock:
            failure = next((f for f in self._failures if f[0] in (None, key)), None)
            if failure:
                self._failures.remove(failure)
                if failure[1] == "removed":
                    self.keys.pop(key, None)
            outcome = self._judge(url.path, key, raw, failure[1] if failure else None)
            self.answers.append(outcome)
        time.sleep(TIMEOUT_SECONDS if outcome == "timeout" else self.answer_after)
        if outcome == "timeout":
            outcome = OK
        if outcome == -1:  # taken, and the connection cut before any answer
            request.close_connection = True
            request.connection.close()
            return
        if outcome == 500:
            request.send_response(500)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = json.dumps({"errcode": outcome, "errmsg": "ok" if outcome == OK else f"error {outcome}"}).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _judge(self, path: str, key: str, raw: bytes, failure: str | None) -> int:
        """The errcode the real API would answer, the message recorded when it is taken."""
        if path != PATH or key not in self.keys:
            return KEY_GONE
        if failure == "http_500":
            return 500
        if failure == "rate_limit":
            return RATE_LIMITED
        try:
            body = json.loads(raw)
        except ValueError:
            return BAD_JSON
        if (problem := _body_problem(body)) is not None:
            return problem
        now = self.clock()
        recent = self._sent_at[key]
        while recent and recent[0] <= now - 60:
            recent.popleft()
        if len(recent) >= PER_MINUTE:
            return RATE_LIMITED
        recent.append(now)
        self.taken.append({"key": key, "robot": self.keys[key], "body": body, "at": now})
        return -1 if failure == "no_answer" else "timeout" if failure == "timeout" else OK


def _body_problem(body: object) -> int | None:
    if not isinstance(body, dict):
        return BAD_JSON
    kind = body.get("msgtype")
    if kind not in ("text", "markdown", "image", "news") or not isinstance(body.get(kind), dict):
        return WRONG_TYPE
    part = body[kind]
    if kind == "text":
        content = part.get("content")
        return None if isinstance(content, str) and 0 < len(content.encode()) <= TEXT_BYTES else TOO_LONG
    if kind == "markdown":
        content = part.get("content")
        return None if isinstance(content, str) and 0 < len(content.encode()) <= MARKDOWN_BYTES else TOO_LONG
    if kind == "image":
        try:
            raw = base64.b64decode(part.get("base64", ""), validate=True)
        except (binascii.Error, TypeError):
            return BAD_IMAGE
        if len(raw) > IMAGE_BYTES or not raw.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
            return BAD_IMAGE
        return None if hashlib.md5(raw).hexdigest() == part.get("md5") else BAD_MD5
    return None if isinstance(part.get("articles"), list) and part["articles"] else WRONG_TYPE


def picture_of(entry: dict) -> bytes:
    """The raw bytes of an image message the fake took."""
    return base64.b64decode(entry["body"]["image"]["base64"])
