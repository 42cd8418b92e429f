"""Orders the owner records in chat, and the owner's links between buyers' nicknames and group members.

`/order @小王 199.5` records a sale made outside the back office (a transfer in WeChat, say). `/link 买家昵称 @小王`
ties an export's nickname to a member: exports often carry only the nickname, which members change and share,
so the bot never ties one by itself; `/link` alone lists the nicknames waiting, with the member to suggest when
exactly one has that name. Relinking a nickname says whom it was tied to before; `/unlink` undoes a link.
"""

from __future__ import annotations

from decimal import Decimal

from core.clock import to_db
from core.commands import plain
from core.text import excerpt, quote
from core.context import Context
from core.registry import UsageError, command
from handlers.members import UNLINKED_SHOWN, find_member, unlinked_buyers, with_plain
from handlers.tiers import recompute, tell_changes
from imports.orders import ORDER_ID_AT_MOST, parse_amount, yuan

SMALLEST_AMOUNT = Decimal("0.01")


@command("order", usage="/order @昵称|微信号 金额 [订单号]", summary="记一笔群外成交的订单，计入该成员的消费", aliases=("订单",),
         examples=("/order @小王 199.5", "/order @小王 88 WX20261125001"))
def record_order(ctx: Context, args: list[str]) -> None:
    if len(args) not in (2, 3):
        raise UsageError("请给出成员和金额，例如 /order @小王 199.5")
    contact = find_member(ctx, args[0])
    amount = _amount(ctx, args[1])
    order_id = _order_id(args[2]) if len(args) == 3 else f"chat-{ctx.now:%Y%m%d%H%M%S}-{contact}"
    if ctx.db.execute("SELECT 1 FROM orders WHERE id = ?", [order_id]).fetchone():
        raise UsageError(f"订单号{quote(order_id)}已经记过了")
    ctx.db.execute(
        "INSERT INTO orders (id, placed_at, buyer_id, buyer_name, amount, status, counts, source, saved_at)"
        " VALUES (?, ?, ?, ?, ?, '已完成', 1, 'chat', ?)",
        [order_id, to_db(ctx.now), contact, ctx.name_of(contact), float(amount), to_db(ctx.now)],
    )
    # The tier follows the order at once, so that /tier never contradicts the spend it shows; the owner's answer
    # comes first, then the tier_change it caused.
    changes = recompute(ctx)
    tier = ctx.db.execute("SELECT tier, reason FROM member_tiers WHERE contact = ?", [contact]).fetchone()
    ctx.reply("command_reply", "order_recorded", name=ctx.name_of(contact), amount=float(amount),
              order_id=excerpt(order_id) if len(args) == 3 else None,  # a made-up key means nothing to the owner
              tier=tier[0] if tier else None, reason=tier[1] if tier else None)
    tell_changes(ctx, changes)


def _amount(ctx: Context, typed: str) -> Decimal:
    ceiling = ctx.config.orders.max_order_amount
    try:
        amount = parse_amount(typed)
    except ValueError:
        amount = None
    if amount is None or not SMALLEST_AMOUNT <= amount <= ceiling:
        raise UsageError(f"{quote(typed)}记不了：金额请写 0.01 到 {yuan(ceiling)} 元之间的数字，最多两位小数，例如 199.5")
    return amount


def _order_id(typed: str) -> str:
    if len(typed) > ORDER_ID_AT_MOST or not typed.isprintable():
        raise UsageError(f"订单号{quote(typed)}不行：最多 {ORDER_ID_AT_MOST} 个字符，不含控制字符")
    return typed


@command("link", usage="/link [买家昵称 @昵称|微信号]", summary="把订单里的买家昵称对应到群成员；不带参数则列出待对应的昵称", aliases=("关联",),
         examples=("/link", "/link 王小二 @小王", "/link 王小二 wxid_abc123"))
def link_buyer(ctx: Context, args: list[str]) -> None:
    if not args:
        waiting = unlinked_buyers(ctx.db)
        ctx.reply("command_reply", "buyers_unlinked", buyers=waiting[:UNLINKED_SHOWN], total=len(waiting))
        return
    if len(args) < 2:
        raise UsageError("请给出买家昵称和成员，例如 /link 小王 @小王")
    typed, contact = " ".join(args[:-1]), find_member(ctx, args[-1])  # a nickname may have spaces: "Miki Chen"
    names = _buyer_names(ctx, typed)
    before = _linked_to(ctx, names)
    orders, spend = _orders_of(ctx, names)
    ctx.db.conn.executemany(
        "INSERT INTO buyer_links (name, contact, linked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET contact = excluded.contact, linked_at = excluded.linked_at",
        [(name, contact, to_db(ctx.now)) for name in names],
    )
    ctx.reply("command_reply", "buyer_linked", buyer=excerpt(typed), name=ctx.name_of(contact), contact=contact,
              orders=orders, spend=spend, before=ctx.name_of(before) if before else None, unchanged=before == contact)
    tell_changes(ctx, recompute(ctx))  # the linked orders count for the member from now on, as /order's do


@command("unlink", usage="/unlink 买家昵称", summary="取消买家昵称与成员的对应（其订单不再计入该成员）", aliases=("取消关联",),
         examples=("/unlink 王小二",))
def unlink_buyer(ctx: Context, args: list[str]) -> None:
    if not args:
        raise UsageError("请给出一个买家昵称，例如 /unlink 王小二")
    typed = " ".join(args)
    names = _buyer_names(ctx, typed)
    contact = _linked_to(ctx, names)
    if contact is None:
        raise UsageError(f"买家昵称{quote(typed)}没有对应到成员，/link 可查看待对应的昵称")
    orders, spend = _orders_of(ctx, names)
    ctx.db.conn.executemany("DELETE FROM buyer_links WHERE name = ?", [(name,) for name in names])
    ctx.reply("command_reply", "buyer_unlinked", buyer=excerpt(typed), name=ctx.name_of(contact), orders=orders, spend=spend)
    tell_changes(ctx, recompute(ctx))


def _buyer_names(ctx: Context, typed: str) -> list[str]:
    """How the exports spell the nickname the owner typed: the same as it reads, though an invisible character or
    a full-width letter in it could not be typed; just as typed when no order carries it (yet)."""
    rows = with_plain(ctx.db).execute(
        "SELECT DISTINCT buyer_name FROM orders WHERE buyer_id IS NULL AND plain(buyer_name) = ?", [plain(typed)]
    )
    return [row[0] for row in rows] or [typed]


def _linked_to(ctx: Context, names: list[str]) -> str | None:
    """The member these spellings of a buyer nickname are linked to, if any."""
    row = ctx.db.execute(
        f"SELECT contact FROM buyer_links WHERE name IN ({', '.join('?' * len(names))}) LIMIT 1", names
    ).fetchone()
    return row[0] if row else None


def _orders_of(ctx: Context, names: list[str]) -> tuple[int, float]:
    """The counted orders a buyer nickname carries when the export has no WeChat id: what a link ties to a member."""
    return ctx.db.execute(
        f"SELECT count(*), coalesce(sum(amount), 0) FROM orders WHERE buyer_id IS NULL AND counts = 1"
        f" AND buyer_name IN ({', '.join('?' * len(names))})", names
    ).fetchone()
