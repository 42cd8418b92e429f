"""Predicates a handler declares with `rule=` (NoneBot2's rules), instead of repeating checks at its top.

    @on_message(priority=60, rule=from_member & ~is_auto_reply)

A rule is called with the context and the event; rules combine with & (both), | (either) and ~ (not). The core
asks a handler's rule before calling it, so a handler's body is about its feature only. A rule only reads
(the core runs it without a savepoint); what a feature records belongs in its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.context import Context
from core.directory import in_shop_group as _in_shop_group
from core.events import Join, Leave, Message


@dataclass(frozen=True)
class Rule:
    """A named predicate on (context, event) that combines with &, | and ~; the name is what a rule shows in
    its repr."""

    check: Callable[[Context, object], bool]
    name: str

    def __call__(self, ctx: Context, event: object) -> bool:
        return self.check(ctx, event)

    def __and__(self, other: Rule) -> Rule:
        return Rule(lambda ctx, event: self(ctx, event) and other(ctx, event), f"({self.name} & {other.name})")

    def __or__(self, other: Rule) -> Rule:
        return Rule(lambda ctx, event: self(ctx, event) or other(ctx, event), f"({self.name} | {other.name})")

    def __invert__(self) -> Rule:
        return Rule(lambda ctx, event: not self(ctx, event), f"~{self.name}")

    def __repr__(self) -> str:
        return self.name


def rule(check: Callable[[Context, object], bool]) -> Rule:
    """Make a rule of a predicate function, named after it."""
    return Rule(check, check.__name__)


def _person(event: object) -> str | None:
    match event:
        case Message(sender=sender):
            return sender
        case Join(contact=contact) | Leave(contact=contact):
            return contact
    return None


@rule
def from_shop(ctx: Context, event: object) -> bool:
    """Said or done by the shop: an owner, or someone on the phone of the account the bot runs on."""
    return (person := _person(event)) is not None and ctx.is_shop(person)


from_member = ~from_shop


@rule
def from_owner(ctx: Context, event: object) -> bool:
    """Sent by one of the owner's WeChat ids (never someone on the shop account's own phone)."""
    return (person := _person(event)) is not None and ctx.is_owner(person)


@rule
def sends_picture(ctx: Context, event: object) -> bool:
    """A picture that was kept (one that could not be read has no image: the owner was told by the core)."""
    return isinstance(event, Message) and event.image is not None


@rule
def in_group(ctx: Context, event: object) -> bool:
    """In a group (any the account is in), not a private chat."""
    return getattr(event, "room", None) is not None


private = ~in_group


@rule
def in_shop_group(ctx: Context, event: object) -> bool:
    """In one of the shop's groups (core/directory.py), not the family group the account also sits in."""
    room = getattr(event, "room", None)
    return room is not None and _in_shop_group(ctx.db, ctx.config, room)


@rule
def mentions_shop(ctx: Context, event: object) -> bool:
    """A message that @-mentions the shop, the bot's account or an owner's: a member addressing the shop in a group.
    "@店长 顺丰显示昨天下午签收 我家里没人" is for the shop whichever of its accounts the members call 店长."""
    return isinstance(event, Message) and any(ctx.is_shop(person) for person in event.mentions)
