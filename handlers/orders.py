"""Orders the owner records in chat, and the owner's links between buyers' nicknames and group members.

`/order @小王 199.5` records a sale made outside the back office (a transfer in WeChat, say). `/link 买家昵称 @小王`
ties an export's nickname to a member: exports often carry only the nickname, which members change and share,
so the bot never ties one by itself; `/link` alone lists the nicknames waiting, with the member to suggest when
exactly one has that name. Relinking a nickname says whom it was tied to before; `/unlink` undoes a link.
"""

from __future__ import annotations

from core.text import excerpt, quote
from core.context import Context
from core.numbers import money, page_count, page_number
from core.registry import command, Refused, UsageError
from handlers import order_book
from handlers.members import CLOSING_QUOTES, named_member
from handlers.tiers import recompute, tell_changes, tier_of
from imports.orders import ORDER_ID_AT_MOST

UNLINKED_SHOWN = 10


@command("order", usage="/order @昵称|微信号 金额 [订单号]", summary="记一笔群外成交的订单，计入该成员的消费", aliases=("订单",),
         examples=("/order @小王 199.5", "/order @小王 88 WX20261125001"))
def record_order(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请给出成员和金额，例如 /order @小王 199.5")
    contact, rest = named_member(ctx, args)
    if len(rest) not in (1, 2):
        raise UsageError("请给出成员和金额，例如 /order @小王 199.5（昵称有空格请加引号，例如 “小 张”）")
    amount = money(rest[0], "金额", at_most=ctx.config.orders.max_order_amount, example="199.5")
    order_id = _order_id(rest[1]) if len(rest) == 2 else f"chat-{ctx.now:%Y%m%d%H%M%S}-{contact}"
    if order_book.has_order(ctx.db, order_id):
        raise Refused(f"订单号{quote(order_id)}已经记过了")
    order_book.add_chat_order(ctx, order_id, contact, float(amount))
    # The tier follows the order at once, so that /tier never contradicts the spend it shows; the owner's answer
    # comes first, then the tier_change it caused.
    changes = recompute(ctx)
    tier = tier_of(ctx, contact)
    ctx.reply("command_reply", "order_recorded", name=ctx.name_of(contact), amount=float(amount),
              order_id=excerpt(order_id) if len(rest) == 2 else None,  # a made-up key means nothing to the owner
              tier=tier.tier if tier else None, reason=tier.reason if tier else None)
    tell_changes(ctx, changes)


def _order_id(typed: str) -> str:
    if len(typed) > ORDER_ID_AT_MOST or not typed.isprintable():
        raise UsageError(f"订单号{quote(typed)}不行：最多 {ORDER_ID_AT_MOST} 个字符，不含控制字符")
    return typed


@command("link", usage="/link [买家昵称 @昵称|微信号] 或 /link [页码]",
         summary="把订单里的买家昵称对应到群成员；不带参数（或只写页码）则列出待对应的昵称", aliases=("关联",),
         examples=("/link", "/link 2", "/link 王小二 @小王", "/link 王小二 wxid_abc123"))
def link_buyer(ctx: Context, args: list[str]) -> None:
    if not args or (len(args) == 1 and args[0].isdigit()):  # a nickname alone links nobody: a page number
        page = page_number(args)
        waiting = order_book.unlinked_buyers(ctx.db)
        start = (page - 1) * UNLINKED_SHOWN
        ctx.reply("command_reply", "buyers_unlinked", buyers=waiting[start:start + UNLINKED_SHOWN], total=len(waiting),
                  page=page, pages=page_count(len(waiting), UNLINKED_SHOWN))
        return
    if len(args) < 2:
        raise UsageError("请给出买家昵称和成员，例如 /link 小王 @小王")
    # Both may have spaces ("Miki Chen"): the member is named from the last @ or opening quote, else the last word.
    starts = [n for n, word in enumerate(args[1:], start=1) if word.startswith(("@", "＠", *CLOSING_QUOTES))]
    start = starts[-1] if starts else len(args) - 1
    contact, rest = named_member(ctx, args[start:])
    if rest:
        raise UsageError("成员要写在最后，例如 /link 王小二 @小王")
    typed = " ".join(args[:start])
    names = order_book.buyer_spellings(ctx.db, typed)
    before = order_book.linked_to(ctx.db, names)
    orders, spend = order_book.nickname_orders(ctx.db, names)
    order_book.link(ctx.db, names, contact, ctx.now)
    ctx.reply("command_reply", "buyer_linked", buyer=excerpt(typed), name=ctx.name_of(contact), contact=contact,
              orders=orders, spend=spend, before=ctx.name_of(before) if before else None, unchanged=before == contact)
    tell_changes(ctx, recompute(ctx))  # the linked orders count for the member from now on, as /order's do


@command("unlink", usage="/unlink 买家昵称", summary="取消买家昵称与成员的对应（其订单不再计入该成员）", aliases=("取消关联",),
         examples=("/unlink 王小二",))
def unlink_buyer(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请给出一个买家昵称，例如 /unlink 王小二")
    typed = " ".join(args)
    names = order_book.buyer_spellings(ctx.db, typed)
    contact = order_book.linked_to(ctx.db, names)
    if contact is None:
        raise UsageError(f"买家昵称{quote(typed)}没有对应到成员，/link 可查看待对应的昵称")
    orders, spend = order_book.nickname_orders(ctx.db, names)
    order_book.unlink(ctx.db, names)
    ctx.reply("command_reply", "buyer_unlinked", buyer=excerpt(typed), name=ctx.name_of(contact), orders=orders, spend=spend)
    tell_changes(ctx, recompute(ctx))
