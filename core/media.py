"""Pictures: members' photos coming in, product photos and charts going out, kept in media/ beside the store; and
the files people send (an order export), kept the same way (keep_file), unchecked but for their size.

A picture is kept under its content's sha256 with the extension of its real format (never the name it came with):
the same photo sent twice is one file, and a file name tells nothing of who sent it. The folder is private to the
bot's user (0700, made by core/store.py's open_store), and each picture 0600, like the store: members' photos are
as private as their messages.

What is kept is checked first: at most 20 MB, a PNG, JPEG, GIF or WEBP by its first bytes, and whole by its
structure (PNG's chunks and their CRCs up to IEND, JPEG's segments up to the scan and its end marker, GIF's
trailer, WEBP's RIFF size), reading at most PARTS_AT_MOST chunks or markers: the check runs while the bot handles
the event, and an 18 MB PNG of 1.5 million empty chunks would hold it for seconds. Pixels are not decoded: a picture damaged inside its compressed data passes, and shows
as damaged in WeChat as it would on the member's phone. A picture that fails is PictureUnreadable with a reason;
the transport hands the core a Message saying so, and the owner is told in Chinese (report_unreadable): nothing is
kept, nothing is forwarded, the bot runs on.

The store's retention applies to pictures too (core/history.py): the nightly job deletes those older than
[store] retention_days, going by the file's time (refreshed when the same picture comes in again), unless one is
still used. A feature that keeps using a picture for longer (a campaign's product photo) holds it: hold(db,
holder, path), one picture per holder, released with hold(db, holder, None). The holds live in the table
picture_holds, which this module owns; pictures of messages still queued are kept as well (asked of the outbox).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from core.clock import from_db, to_db

if TYPE_CHECKING:  # a type name only: the context imports the outbox, which knows nothing of pictures' checks
    from core.context import Context
    from core.events import Message

log = logging.getLogger(__name__)

FOLDER = "media"
MAX_BYTES = 20 * 1024 * 1024
# PNG chunks or JPEG markers a picture may have: encoders write chunks of 8 KB or more (2,560 for 20 MB of pixels)
# and a JPEG has a few dozen markers before its scan; more is made to stall the check, and is refused.
PARTS_AT_MOST = 10_000
# Why a picture was not kept: what PictureUnreadable.reason and Message.unreadable say (templates/picture_unreadable.j2)
REASONS = ("too_large", "not_image", "corrupt", "too_complex", "unavailable")
UNREADABLE_REPORTS = "picture_unreadable"  # memo namespace: when the owner was last told of a member's picture
UNREADABLE_REPORT_EVERY = dt.timedelta(hours=1)


class PictureUnreadable(Exception):
    """A picture that cannot be kept: over MAX_BYTES, not an image, corrupt, in too many parts, or not obtainable (the backend failed
    to hand it over, or the file is not there)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}{': ' + detail if detail else ''}")
        self.reason = reason


def folder_for(store: Path | str) -> Path:
    """The media folder beside a store file."""
    return Path(store).parent / FOLDER


def folder_of(db: Database) -> Path | None:
    """The media folder beside the store `db` was opened on; None for a store in memory, which keeps none."""
    main = next((row for row in db.execute("PRAGMA database_list").fetchall() if row[1] == "main"), None)
    return folder_for(main[2]) if main and main[2] else None


def keep(folder: Path, source: bytes | Path) -> Path:
    """Check a picture (bytes, or a file) and keep it in `folder` under its hash; the path kept is returned.

    Raises PictureUnreadable. A picture already kept is not written again, only its time refreshed, so that the
    nightly pruning counts its age from its latest use."""
    data = _read(source)
    return _kept(folder, data, _checked(data))


def keep_file(folder: Path, source: bytes | Path) -> Path:
    """Keep a file someone sent (an order export, a PDF, a photo sent as a file) like a picture: at most MAX_BYTES,
    under its hash, private, pruned with the pictures. Its extension says what it really is (file_format), never
    what its name claimed. Raises PictureUnreadable ("too_large", "unavailable")."""
    data = _read(source)
    return _kept(folder, data, file_format(data))


def file_format(data: bytes) -> str:
    """What a file is, by its content, as an extension: a picture's, "xlsx" (a zip holding a workbook), "xls" (the
    old binary Excel), "pdf", "zip", "csv" (no NUL in its first 4 KB: text), else "bin"."""
    if picture := _format(data):
        return picture
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "xlsx" if "xl/workbook.xml" in archive.namelist() else "zip"
        except (zipfile.BadZipFile, ValueError):
            return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .xls, .doc
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    if b"\0" not in data[:4096]:  # text: the order import reads it as UTF-8 or GBK, or says it is neither
        return "csv"
    return "bin"


def _kept(folder: Path, data: bytes, extension: str) -> Path:
    kept = folder / f"{hashlib.sha256(data).hexdigest()}.{extension}"
    if kept.exists():
        os.utime(kept)
        return kept
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written aside, then renamed: a crash never leaves half a picture under a name that claims the whole one.
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".incoming-")  # mkstemp makes it 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, kept)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return kept


ROBOT_PICTURE_BYTES = 2 * 1024 * 1024  # what a WeCom group robot takes: a JPG or PNG of at most 2 MB
ROBOT_PICTURE_FORMATS = ("png", "jpg")


def fit_for_robots(folder: Path | None, picture: str) -> str:
    """A picture a WeCom group robot takes (transports/wecom_robot.py): itself when it is a JPG or PNG of at most
    2 MB, else re-encoded once as a JPEG that fits, smaller each try until it does, and kept in `folder`."""
    data = _read(Path(picture))
    if _format(data) in ROBOT_PICTURE_FORMATS and len(data) <= ROBOT_PICTURE_BYTES:
        return picture
    from PIL import Image  # only here: most pictures never need it

    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    quality = 85
    while True:
        encoded = io.BytesIO()
        image.save(encoded, "JPEG", quality=quality, optimize=True)
        if encoded.tell() <= ROBOT_PICTURE_BYTES:
            break
        if quality > 60:
            quality -= 10
        else:  # a huge photo: fewer pixels, which a phone screen never showed anyway
            image = image.resize((max(1, image.width * 4 // 5), max(1, image.height * 4 // 5)))
    return str(keep(folder, encoded.getvalue())) if folder else picture


def check(source: bytes | Path) -> None:
    """Raise PictureUnreadable, as keep would, if the picture cannot be kept: for a file named in config.toml,
    checked when the config loads."""
    _checked(_read(source))


def _checked(data: bytes) -> str:
    extension = _format(data)
    if extension is None:
        raise PictureUnreadable("not_image")
    if not _WHOLE[extension](data):
        raise PictureUnreadable("corrupt")
    return extension


def _parts(count: int) -> None:
    """Count one more chunk or marker read; past PARTS_AT_MOST the picture is refused."""
    if count > PARTS_AT_MOST:
        raise PictureUnreadable("too_complex", f"over {PARTS_AT_MOST} parts")


def _read(source: bytes | Path) -> bytes:
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise PictureUnreadable("too_large")
        return source
    try:
        with Path(source).open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # never more than that in memory, however big the file
    except OSError as error:
        raise PictureUnreadable("unavailable", type(error).__name__) from None
    if len(data) > MAX_BYTES:
        raise PictureUnreadable("too_large")
    return data


def _format(data: bytes) -> str | None:
    """The extension of the picture's real format, by its first bytes; None when it is no picture we send."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _png_whole(data: bytes) -> bool:
    """Chunks one after another, each with its CRC, IHDR first with a size, IEND last: a cut file has no IEND."""
    at, count = 8, 0
    while at + 12 <= len(data):
        count += 1
        _parts(count)
        length = int.from_bytes(data[at:at + 4], "big")
        kind, end = data[at + 4:at + 8], at + 12 + length
        if end > len(data) or zlib.crc32(data[at + 4:end - 4]) != int.from_bytes(data[end - 4:end], "big"):
            return False
        if at == 8 and (kind != b"IHDR" or length != 13 or not int.from_bytes(data[16:20], "big")
                        or not int.from_bytes(data[20:24], "big")):
            return False
        if kind == b"IEND":
            return True
        at = end
    return False


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}  # SOF markers


def _jpeg_whole(data: bytes) -> bool:
    """Segments chained by their lengths up to the scan, a frame with a size before it, and the end marker after:
    in the scan's data 0xFF is always followed by 0 or a restart marker, so FF D9 there is the end."""
    at, framed, count = 2, False, 0
    while at + 4 <= len(data):
        count += 1
        _parts(count)
        if data[at] != 0xFF:
            return False
        marker = data[at + 1]
        if marker == 0xFF or marker == 0x01 or 0xD0 <= marker <= 0xD7:  # fill byte, or a marker without length
            at += 1 if marker == 0xFF else 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if length < 2 or at + 2 + length > len(data):
            return False
        if marker in _JPEG_FRAMES:
            framed = length >= 7 and bool(int.from_bytes(data[at + 5:at + 7], "big")) and bool(
                int.from_bytes(data[at + 7:at + 9], "big"))
        if marker == 0xDA:  # start of scan
            return framed and data.find(b"\xff\xd9", at + 2 + length) != -1
        at += 2 + length
    return False


def _gif_whole(data: bytes) -> bool:
    width, height = int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return len(data) > 13 and width > 0 and height > 0 and data.rstrip(b"\0").endswith(b";")


def _webp_whole(data: bytes) -> bool:
    size = int.from_bytes(data[4:8], "little")
    return len(data) >= 20 and 8 + size <= len(data) and data[12:16] in (b"VP8 ", b"VP8L", b"VP8X")


_WHOLE = {"png": _png_whole, "jpg": _jpeg_whole, "gif": _gif_whole, "webp": _webp_whole}


# Holding and pruning


def hold(db: Database, holder: str, path: str | Path | None, now: dt.datetime) -> None:
    """Keep the picture at `path` from the nightly pruning for as long as `holder` (e.g. "campaign:闪购日") uses
    it; a holder holds one picture, and None releases it."""
    if path is None:
        db.execute("DELETE FROM picture_holds WHERE holder = ?", [holder])
        return
    db.execute("INSERT OR REPLACE INTO picture_holds (holder, path, held_at) VALUES (?, ?, ?)",
               [holder, str(path), to_db(now)])


def held(db: Database) -> set[str]:
    """Every picture some holder still uses."""
    return {row[0] for row in db.execute("SELECT DISTINCT path FROM picture_holds")}


def prune(folder: Path, before: dt.datetime, in_use: Iterable[str]) -> int:
    """Delete the pictures of `folder` last kept before `before` and not in use; return how many went. A picture
    half written by a crash (".incoming-…") goes the same way."""
    if not folder.is_dir():
        return 0
    keep_names = {Path(path).name for path in in_use}
    cut_off = before.timestamp()
    deleted = 0
    for picture in folder.iterdir():
        try:
            if picture.name not in keep_names and picture.is_file() and picture.stat().st_mtime < cut_off:
                picture.unlink()
                deleted += 1
        except OSError as error:  # gone meanwhile, or not ours to delete: the next night tries again
            log.warning("could not prune picture %s (%s)", picture.name, type(error).__name__)
    return deleted


# Telling the owner


def report_unreadable(ctx: Context, message: Message) -> None:
    """A picture that came in and could not be kept: the owner's own is answered at once (they are waiting to use
    it); a member's is told to the owner at most once an hour (a backend that fails every picture would
    otherwise flood them; the log has each one)."""
    log.warning("picture from %s not kept (%s)", message.sender, message.unreadable)
    if ctx.is_owner(message.sender):
        ctx.in_private().reply("picture_unreadable", "picture_unreadable", own=True, why=message.unreadable,
                               who=None, where=None)
        return
    reported = ctx.memo(UNREADABLE_REPORTS)
    told = reported.get("member")
    if told and from_db(told, ctx.config.tz) > ctx.now - UNREADABLE_REPORT_EVERY:
        return
    reported.set("member", to_db(ctx.now))
    ctx.tell_owner("picture_unreadable", "picture_unreadable", own=False, why=message.unreadable,
                   who=ctx.name_of(message.sender), where=ctx.topic_of(message.room) if message.room else None)
