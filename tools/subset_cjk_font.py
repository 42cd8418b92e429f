"""Make assets/fonts/NotoSansSC-Regular.otf: Noto Sans CJK SC Regular cut down to the characters a chart can hold.

The charts (handlers/charts.py) need a Chinese font on machines that have none, and the full font is 16 MB of
glyphs a chart never draws. This keeps ASCII and GB2312: its 6,763 hanzi (level 1, the 3,755 common ones, alone
would be 0.8 MB; level 2 adds the rarer characters of names for 0.7 MB more), its punctuation, number and
full-width rows, and a few marks of our own (¥, ·, –, the minus sign): about 7,000 glyphs, 1.5 MB.

    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb deb
    python tools/subset_cjk_font.py deb/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The collection's third font (index 2) is the Simplified Chinese one. Needs fontTools (requirements-dev.txt);
the bot itself never runs this.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "NotoSansSC-Regular.otf"
SIMPLIFIED_CHINESE = 2  # the face of NotoSansCJK-Regular.ttc: JP, KR, SC, TC, HK, then the Mono ones
EXTRA = "¥·–—…“”‘’−×÷°‰"


def gb2312_rows(first: int, last: int) -> str:
    """The characters of GB2312 rows first … last (row 1 is 0xA1xx; level 1 hanzi are rows 16-55)."""
    characters = []
    for row in range(first, last + 1):
        for cell in range(0xA1, 0xFF):
            try:
                characters.append(bytes([0xA0 + row, cell]).decode("gb2312"))
            except UnicodeDecodeError:  # unassigned cells, e.g. the end of row 55
                pass
    return "".join(characters)


def characters() -> str:
    ascii_printable = "".join(chr(code) for code in range(0x20, 0x7F))
    # Rows 1-3: punctuation and symbols, numbered lists, full-width ASCII; rows 16-87: all 6,763 hanzi.
    return ascii_printable + gb2312_rows(1, 3) + gb2312_rows(16, 87) + EXTRA


def main(source: str) -> None:
    font = TTFont(source, fontNumber=SIMPLIFIED_CHINESE, recalcTimestamp=False)  # same input, same bytes
    options = subset.Options()
    options.hinting = False  # a chart is drawn at 20 px and up, where hints change nothing visible
    options.layout_features = ["kern"]  # matplotlib shapes no text: other features only pull in glyphs it never uses
    options.name_IDs = ["*"]  # keep the copyright, licence and designer records
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    print(f"{OUT}: {len(font.getGlyphOrder())} glyphs, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
