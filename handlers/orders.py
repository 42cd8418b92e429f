"""Orders the owner records in chat, and the owner's links between buyers' nicknames and group members.

`/order @小王 199.5` records a sale made outside the back office (a transfer in WeChat, say). `/link 买家昵称 @小王`
ties an export's nickname to a member: exports often carry only the nickname, which members change and share,
so the bot never ties one by itself; `/link` alone lists the nicknames waiting, with the member to suggest when
exactly one has that name.
"""

from __future__ import annotations

from decimal import Decimal

from core.clock import to_db
from core.commands import plain, quote, shorten
from core.context import Context
from core.registry import UsageError, command
from handlers.members import UNLINKED_SHOWN, find_member, unlinked_buyers, with_plain
from handlers.tiers import recompute, tell_changes
from imports.orders import ORDER_ID_AT_MOST, parse_amount, yuan

SMALLEST_AMOUNT = Decimal("0.01")


@command("order", usage="/order @昵称|微信号 金额 [订单号]", summary="记一笔群外成交的订单，计入该成员的消费", aliases=("订单",))
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
              order_id=shorten(order_id), tier=tier[0] if tier else None, reason=tier[1] if tier else None)
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


@command("link", usage="/link [买家昵称 @昵称|微信号]", summary="把订单里的买家昵称对应到群成员；不带参数则列出待对应的昵称", aliases=("关联",))
def link_buyer(ctx: Context, args: list[str]) -> None:
    if not args:
        waiting = unlinked_buyers(ctx.db)
        ctx.reply("command_reply", "buyers_unlinked", buyers=waiting[:UNLINKED_SHOWN], total=len(waiting))
        return
    if len(args) < 2:
        raise UsageError("请给出买家昵称和成员，例如 /link 小王 @小王")
    typed, contact = " ".join(args[:-1]), find_member(ctx, args[-1])  # a nickname may have spaces: "Miki Chen"
    names = _buyer_names(ctx, typed)
    orders, spend = ctx.db.execute(
        f"SELECT count(*), coalesce(sum(amount), 0) FROM orders WHERE buyer_id IS NULL AND counts = 1"
        f" AND buyer_name IN ({', '.join('?' * len(names))})", names
    ).fetchone()
    ctx.db.conn.executemany(
        "INSERT INTO buyer_links (name, contact, linked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET contact = excluded.contact, linked_at = excluded.linked_at",
        [(name, contact, to_db(ctx.now)) for name in names],
    )
    ctx.reply("command_reply", "buyer_linked", buyer=shorten(typed), name=ctx.name_of(contact), contact=contact,
              orders=orders, spend=spend)


def _buyer_names(ctx: Context, typed: str) -> list[str]:
    """How the exports spell the nickname the owner typed: the same as it reads, though an invisible character or
    a full-width letter in it could not be typed; just as typed when no order carries it (yet)."""
    rows = with_plain(ctx.db).execute(
        "SELECT DISTINCT buyer_name FROM orders WHERE buyer_id IS NULL AND plain(buyer_name) = ?", [plain(typed)]
    )
    return [row[0] for row in rows] or [typed]
