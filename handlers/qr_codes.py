"""The QR codes in a member's picture, for the advertising alerts (handlers/spam.py): what each one holds, as text.

Advertisers post a poster with a QR code to scan (a WeChat group to join, a contact to add, a page) where a text
filter cannot read it. zxing-cpp decodes it (a maintained C++ reader, one wheel with no system libraries); Pillow
opens the picture. Both are imported only when a group picture arrives, so the bot's start does not pay for them.

A member's picture is untrusted input, and this runs while the bot handles the event, so the work is bounded: a
JPEG is decoded straight at a reduced size (Pillow's draft), nothing over MAX_PIXELS is decoded at all (a
decompression bomb: a small file that unpacks to gigabytes), and what is decoded is scaled down to MAX_SIDE, a
phone screen's height, before the reader scans it, for QR codes only. bench/spam_accuracy.py measures the cost: about
25 ms for a 1080p photo, with a code or without. A picture that cannot be read is no QR code: it is logged, never
an error (core/media.py has checked its structure already; its pixels may still be damaged).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

MAX_PIXELS = 25_000_000  # decoded, after a JPEG's draft: a long screenshot is 20 million; a phone photo drafts below
MAX_SIDE = 2000  # px: a QR code a phone can scan off a screenshot is still a hundred pixels or more at this size


def qr_texts(path: str | Path) -> list[str]:
    """What each QR code in the picture at `path` holds; [] when it has none or cannot be read."""
    from PIL import Image  # imported here: only a group picture needs them (see the top)
    import zxingcpp

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # past Pillow's own limit: not opened
            with Image.open(path) as picture:
                scale = max(picture.size) / MAX_SIDE
                if scale > 1:  # a JPEG decodes at 1/2, 1/4 or 1/8 of its size; other formats ignore this
                    picture.draft("L", (int(picture.width / scale), int(picture.height / scale)))
                if picture.width * picture.height > MAX_PIXELS:
                    log.info("picture %s not read for QR codes: %dx%d pixels", Path(path).name, *picture.size)
                    return []
                grey = picture.convert("L")
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many kinds on a damaged file
        log.info("picture %s not read for QR codes (%s)", Path(path).name, type(error).__name__)
        return []
    grey.thumbnail((MAX_SIDE, MAX_SIDE))
    return [code.text for code in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode) if code.text]
