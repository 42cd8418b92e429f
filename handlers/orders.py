"""Orders the owner records in chat, and the owner's links between buyers' nicknames and group members.

`/order @小王 199.5` records a sale made outside the back office (a transfer in WeChat, say). `/link 买家昵称 @小王`
ties an export's nickname to a member: exports often carry only the nickname, which members change and share,
so the bot never ties one by itself; `/link` alone lists the nicknames waiting, with the member to suggest when
exactly one has that name. Relinking a nickname says whom it was tied to before; `/unlink` undoes a link.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.clock import to_db
from core.context import Context
from core.registry import UsageError, command
from handlers.members import UNLINKED_SHOWN, find_member, unlinked_buyers


@command("order", usage="/order @昵称|微信号 金额 [订单号]", summary="记一笔群外成交的订单，计入该成员的消费", aliases=("订单",),
         examples=("/order @小王 199.5", "/order @小王 88 WX20261125001"))
def record_order(ctx: Context, args: list[str]) -> None:
    if len(args) not in (2, 3):
        raise UsageError("请给出成员和金额，例如 /order @小王 199.5")
    contact = find_member(ctx, args[0])
    try:
        amount = Decimal(args[1].lstrip("¥￥").removesuffix("元"))
    except InvalidOperation:
        raise UsageError(f"“{args[1]}”不是金额，例如 199.5") from None
    if not amount.is_finite() or amount <= 0:
        raise UsageError(f"“{args[1]}”不是金额，例如 199.5")
    order_id = args[2] if len(args) == 3 else f"chat-{ctx.now:%Y%m%d%H%M%S}-{contact}"
    if ctx.db.execute("SELECT 1 FROM orders WHERE id = ?", [order_id]).fetchone():
        raise UsageError(f"订单号 {order_id} 已经记过了")
    ctx.db.execute(
        "INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at)"
        " VALUES (?, ?, ?, ?, ?, '已完成', 1, 'chat', ?)",
        [order_id, to_db(ctx.now), contact, ctx.name_of(contact), float(round(amount, 2)), to_db(ctx.now)],
    )
    ctx.reply("command_reply", "order_recorded", name=ctx.name_of(contact), amount=float(amount), order_id=order_id)


@command("link", usage="/link [买家昵称 @昵称|微信号]", summary="把订单里的买家昵称对应到群成员；不带参数则列出待对应的昵称", aliases=("关联",),
         examples=("/link", "/link 王小二 @小王", "/link 王小二 wxid_abc123"))
def link_buyer(ctx: Context, args: list[str]) -> None:
    if not args:
        waiting = unlinked_buyers(ctx.db)
        ctx.reply("command_reply", "buyers_unlinked", buyers=waiting[:UNLINKED_SHOWN], total=len(waiting))
        return
    if len(args) != 2:
        raise UsageError("请给出买家昵称和成员，例如 /link 小王 @小王")
    name, contact = args[0], find_member(ctx, args[1])
    before = _linked_to(ctx, name)
    orders, spend = _orders_of(ctx, name)
    ctx.db.execute(
        "INSERT INTO buyer_links (name, contact, linked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET contact = excluded.contact, linked_at = excluded.linked_at",
        [name, contact, to_db(ctx.now)],
    )
    ctx.reply("command_reply", "buyer_linked", buyer=name, name=ctx.name_of(contact), contact=contact, orders=orders,
              spend=spend, before=ctx.name_of(before) if before else None, unchanged=before == contact)


@command("unlink", usage="/unlink 买家昵称", summary="取消买家昵称与成员的对应（其订单不再计入该成员）", aliases=("取消关联",),
         examples=("/unlink 王小二",))
def unlink_buyer(ctx: Context, args: list[str]) -> None:
    if len(args) != 1:
        raise UsageError("请给出一个买家昵称，例如 /unlink 王小二")
    name = args[0]
    contact = _linked_to(ctx, name)
    if contact is None:
        raise UsageError(f"买家昵称“{name[:20]}”没有对应到成员，/link 可查看待对应的昵称")
    orders, spend = _orders_of(ctx, name)
    ctx.db.execute("DELETE FROM buyer_links WHERE name = ?", [name])
    ctx.reply("command_reply", "buyer_unlinked", buyer=name, name=ctx.name_of(contact), orders=orders, spend=spend)


def _linked_to(ctx: Context, name: str) -> str | None:
    row = ctx.db.execute("SELECT contact FROM buyer_links WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def _orders_of(ctx: Context, name: str) -> tuple[int, float]:
    """The counted orders a buyer nickname carries when the export has no WeChat id: what a link ties to a member."""
    return ctx.db.execute(
        "SELECT count(*), coalesce(sum(amount), 0) FROM orders WHERE buyer_id IS NULL AND buyer_name = ? AND counts = 1",
        [name],
    ).fetchone()
