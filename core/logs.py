"""Where the bot's logs go (stderr, or a file at the console) and what they must never hold.

At the console (`make run`) the terminal is the owner's conversation with the bot: a log line in English with the
real wall-clock time, among chat lines on a pretend clock, is noise the owner cannot act on. There the records go
to a file beside the store instead (set_up's `file`), readable by the bot's user only, like the store.

The puppet token is the key to the shop's WeChat account: whoever reads it from a log can act as the shop. Every
record that reaches the root logger's handlers passes a filter that masks the token and anything shaped like a
puppet-service token (`puppet_…`), in the message, the exception and the stack alike. That covers what wechaty,
grpclib and urllib3 log through Python logging; python-wechaty, though, gives each of its loggers a stderr
handler of its own and stops them propagating (wechaty_puppet.logger.get_logger), and wechaty-puppet-service logs
the token at WARNING whenever both a token and an endpoint are set. adopt_library_loggers() routes those loggers
through the root's handlers, and so through the filter.

Privacy: at INFO the bot's own lines hold ids, never what members wrote or their nicknames in full. python-wechaty
logs both at INFO (every text it says, every contact it loads), so its loggers are held at WARNING unless the bot
runs at DEBUG, where anything goes.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

LEVEL_VARIABLE = "BOT_LOG_LEVEL"  # DEBUG, INFO or WARNING: overrides the level the command would choose
MASK = "[secret]"
# A puppet-service token, and a WeCom robot's key in its webhook address (…/webhook/send?key=…)
TOKEN_SHAPE = re.compile(r"puppet_[A-Za-z0-9_\-]+|(?<=key=)[A-Za-z0-9\-]+")
SHORTEST_SECRET = 6  # a shorter "token" would mask common words everywhere; no real token is that short


class Redactor(logging.Filter):
    """The filter every root handler carries: masks the puppet token, and anything shaped like one, in
    every record."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        """Text with every known secret and token-shaped word masked: for records, and for an error shown to the
        owner outside the log (transports/wechaty.py)."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the secrets in the record's message, exception and stack before any handler formats them; a
        record is never dropped."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: the handler reports it (without its arguments) when it emits
            return True
        record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()
_ADOPTED: set[str] = set()  # loggers taken over: they propagate like any other from then on, so known by name


def keep_secret(secret: str) -> None:
    """Mask this text in every log record from now on (the puppet token, once the transport knows it)."""
    if len(secret) >= SHORTEST_SECRET:
        REDACTOR.secrets.add(secret)


class PrivateFile(logging.FileHandler):
    """A log file opened at its first record (a run that logs nothing leaves none behind), created readable by the
    bot's user only: it holds ids, as the store does."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)

    def _open(self):
        return open(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a", encoding="utf-8")


def set_up(level: int, file: Path | None = None) -> None:
    """Log to stderr, or appending to `file`, at level (BOT_LOG_LEVEL overrides it), every record through the
    redacting filter."""
    chosen = os.environ.get(LEVEL_VARIABLE, "").upper()
    logging.basicConfig(
        level=chosen if chosen in ("DEBUG", "INFO", "WARNING") else level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[PrivateFile(file) if file is not None else logging.StreamHandler(sys.stderr)],
    )
    for handler in logging.root.handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
    adopt_library_loggers()


def adopt_library_loggers() -> None:
    """Send the records of loggers that write on their own (python-wechaty's) through the root's handlers, at
    WARNING unless the bot logs at DEBUG. Called again after importing such a library, since its loggers are
    made at import."""
    level = logging.NOTSET if logging.root.level <= logging.DEBUG else logging.WARNING
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and not logger.propagate:
            logger.handlers.clear()
            logger.propagate = True
            _ADOPTED.add(name)
    for name in _ADOPTED:
        logging.getLogger(name).setLevel(level)
