"""/skipped: every message that did not go out (expired, possibly undelivered, refused), newest first, a page at a
time. The summary the owner gets when they are given up is core/given_up.py's."""

from __future__ import annotations

from core.context import Context
from core.given_up import SHOWN, WHY, describe
from core.numbers import page_count, page_number
from core.registry import command


@command("skipped", usage="/skipped [页码]", summary="查看没有发出的消息（过时、可能未送达、被拒收），新的在前",
         aliases=("未发出",), examples=("/skipped", "/skipped 2"))
def list_skipped(ctx: Context, args: list[str]) -> None:
    page = page_number(args)
    messages, total = ctx.given_up(limit=SHOWN, offset=(page - 1) * SHOWN)
    ctx.reply(
        "command_reply",
        "skipped",
        listed=[dict(describe(ctx, message), why=WHY[why]) for why, message in messages],
        total=total,
        page=page,
        pages=page_count(total, SHOWN),
    )
