"""Numbers as the owner writes them: in commands (a complaint's number, a page, an amount of money) and in the back
office's order export.

Every command reads its numbers here, so that each is refused the same polite way, with its usage line, and none
is ever unbounded: a pasted 99999999999999999999999 overflows SQLite's integers, and float("1e308") is a number
Python accepts and a shop never means.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from core.registry import UsageError
from core.text import quote

# Yuan, at most two decimals, thousand separators only in groups of three ("1,234.50"; "1,2,3,4" is no amount).
AMOUNT = re.compile(r"\s*¥?\s*((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?)\s*元?\s*")
SMALLEST_AMOUNT = Decimal("0.01")
PAGES_AT_MOST = 100_000  # /vip, /skipped, /faq list, /stats 群: more than any shop's list has
NUMBERS_AT_MOST = 999_999_999  # a complaint's number: far beyond any shop's, and well inside SQLite's integers


def parse_amount(text: str) -> Decimal:
    """Yuan with at most two decimals, as people write them: "199.50", "¥1,299", "88元", "１９９．５"; ValueError
    for anything else (1e30, NaN, -5, 1.005, 1,2,3,4). Whether the amount is too large is the caller's to say."""
    written = AMOUNT.fullmatch(unicodedata.normalize("NFKC", text))  # full-width digits, ￥ and ， as well
    if written is None:
        raise ValueError(f"{text!r} is not an amount")
    return Decimal(written[1].replace(",", ""))


def yuan(amount: float) -> str:
    """An amount as the owner reads it in a rule: 100000, 99.50."""
    return f"{amount:.2f}".removesuffix(".00")


def whole_number(typed: str, what: str, *, at_most: int, at_least: int = 1) -> int:
    """A whole number typed in a command (full-width digits too), between the bounds; UsageError naming `what`
    otherwise. Its digits are counted before int() reads them: int() of a pasted wall of digits is slow, or fails."""
    written = unicodedata.normalize("NFKC", typed)
    significant = written.lstrip("0") or "0"
    if not (written.isascii() and written.isdigit() and len(significant) <= len(str(at_most))
            and at_least <= int(significant) <= at_most):
        raise UsageError(f"{what}要写 {at_least} 到 {at_most} 之间的整数，现在是{quote(typed, 12)}")
    return int(significant)


def page_number(args: list[str], position: int = 0) -> int:
    """The page a listing command asks for, as its only argument from `position` on: 1 when none is written."""
    if len(args) > position + 1:
        raise UsageError("只需要写一个页码，例如 2")
    return whole_number(args[position], "页码", at_most=PAGES_AT_MOST) if len(args) > position else 1


def page_count(total: int, per_page: int) -> int:
    """How many pages a listing of `total` rows takes, `per_page` a page: 1 when there are none ("第 1/1 页")."""
    return max(1, -(-total // per_page))


def money(typed: str, what: str, *, at_most: float, example: str) -> Decimal:
    """An amount of money typed in a command: 30, 30元, ¥30, ￥30, ３０, at most two decimals, from 0.01 to at_most
    yuan; UsageError naming `what` otherwise (1e308, nan, -5, 1.005)."""
    try:
        amount = parse_amount(typed)
    except ValueError:
        amount = None
    if amount is None or not SMALLEST_AMOUNT <= amount <= Decimal(str(at_most)):
        raise UsageError(f"{quote(typed, 12)}记不了：{what}请写 0.01 到 {yuan(at_most)} 元之间的数字，最多两位小数，例如 {example}")
    return amount


# A flash sale's discount says a price: 8折, 8.5折, 半价, 满199减30, 立减20元, 买一送一, 第二件0元, ¥59, 免运费.
DISCOUNT_WORDS = ("折", "减", "送", "元", "价", "¥", "￥", "免", "%")


def discount_problem(text: str) -> str | None:
    """Why `text` cannot be a flash sale's discount, or None. It is posted as "…限时{discount}" to every group, and
    a time typed in its place ("本周五晚八点半") made "精选保温杯限时八折限时本周五晚八点半"."""
    if any(word in text for word in DISCOUNT_WORDS):
        return None
    return f"{quote(text)}不像折扣：折扣要写明价钱，例如 8折、8.5折、半价、满199减30、立减20元"
