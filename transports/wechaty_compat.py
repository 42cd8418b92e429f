"""Makes python-wechaty 0.10.7, its last release, importable on Python 3.11, keeps its cache folder private, and
lets its gRPC messages carry any text. Import this before `wechaty`.

wechaty's WechatyOptions dataclass has `puppet_options: PuppetOptions = PuppetOptions()`, a mutable default.
Python 3.11 refuses a dataclass default whose class is unhashable ("mutable default … use default_factory") and
the import fails. Upstream has not released a fix. Giving PuppetOptions an identity hash lets the class be built;
the shared default instance is never mutated by wechaty (options are passed explicitly), so nothing leaks.
tests/test_wechaty_compat.py fails as soon as a wechaty release no longer needs this, so that it can go.

Importing wechaty makes its cache folder (CACHE_DIR, by default .wechaty in the working directory) with the
default mode, readable by every user of the machine. The folder is made first here, private to the bot's user
(0700), and one an earlier version made is closed the same way. The transport itself keeps nothing in it (its
scheduler keeps no jobs on disk), but a job.db an earlier version left there stays out of others' reach.

wechaty-grpc's messages are betterproto 1.2's, which read and write strings as strict UTF-8. Some services write
a lone UTF-16 surrogate (a text cut in the middle of an emoji) as three bytes that are not UTF-8, as protobufjs
does: reading the message failed ("internal error") and the member's message was lost. A Python text with a lone
surrogate failed to be written likewise. Strings are now read with such a surrogate as U+FFFD (a pair written
that way is joined into its character, any other byte that is not UTF-8 is U+FFFD), and written the same way;
the rest of the text is kept, NUL included.

The other incompatibilities are pins in requirements.txt, not code: pyee 8 (wechaty uses its pre-9 API) and
urllib3 1.x (wechaty-puppet-service imports urllib3's removed `get_host`).
"""

import os

import betterproto
from wechaty_puppet import PuppetOptions

if PuppetOptions.__hash__ is None:
    PuppetOptions.__hash__ = object.__hash__

_cache_folder = os.environ.get("CACHE_DIR", ".wechaty")  # where wechaty's config puts it
os.makedirs(_cache_folder, mode=0o700, exist_ok=True)
os.chmod(_cache_folder, 0o700)


def _carried(text: str) -> str:
    """The text as UTF-8 can carry it: surrogate pairs joined into their characters, lone ones made U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _carried(data.decode("utf-8", "surrogatepass"))  # surrogates written as three bytes each
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


_write_one = betterproto._preprocess_single
_read_one = betterproto.Message._postprocess_single


def _preprocess_single(proto_type, wraps, value):
    if proto_type == betterproto.TYPE_STRING:
        return _carried(value).encode("utf-8")
    return _write_one(proto_type, wraps, value)


def _postprocess_single(self, wire_type, meta, field, value):
    if wire_type == betterproto.WIRE_LEN_DELIM and meta.proto_type == betterproto.TYPE_STRING:
        return _decoded(value)
    return _read_one(self, wire_type, meta, field, value)


betterproto._preprocess_single = _preprocess_single
betterproto.Message._postprocess_single = _postprocess_single
