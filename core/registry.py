"""Where features declare themselves, with small decorators (in the manner of NoneBot2 and python-telegram-bot).

A feature module in handlers/ or schedules/ says which commands, events and jobs it answers; the core only walks
these tables. Adding a feature means adding a module and importing it in its package's __init__.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for type names: the registry must not import the core that reads it
    from apscheduler.triggers.base import BaseTrigger

    from core.config import Config
    from core.context import Context


class UsageError(Exception):
    """Raised by a command whose arguments do not fit: the owner gets the reason and the usage."""


@dataclass(frozen=True)
class Action:
    """One of a command's sub-commands (`/campaign add …`), shown by /help with its own usage and examples."""

    usage: str
    summary: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    summary: str
    run: Callable[[Context, list[str]], None]
    examples: tuple[str, ...]  # what /help shows: an owner copies an example sooner than reads a usage line
    aliases: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Recurring:
    name: str
    trigger: Callable[[Config], BaseTrigger]  # from the config, so that times set there are honoured
    run: Callable[[Context, dt.datetime], None]  # gets the time it was due, which a restart may have passed


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    on_message: list[tuple[int, Callable]] = field(default_factory=list)  # (priority, handler), sorted
    on_join: list[Callable] = field(default_factory=list)
    on_leave: list[Callable] = field(default_factory=list)
    jobs: dict[str, Callable[[Context, dict], None]] = field(default_factory=dict)
    recurring: dict[str, Recurring] = field(default_factory=dict)
    on_start: list[Callable] = field(default_factory=list)

    def find_command(self, word: str) -> Command | None:
        return next((c for c in self.commands.values() if word == c.name or word in c.aliases), None)


REGISTRY = Registry()


def command(name: str, *, usage: str, summary: str, examples: tuple[str, ...], aliases: tuple[str, ...] = (),
            actions: tuple[Action, ...] = ()):
    """An owner-only chat command, `/name args…`; the function gets the context and the words after the name.

    Every command has at least one example, and so has each of its actions: checked here, at import, so that a
    command without one never starts.
    """
    if isinstance(examples, str) or not examples or any(not action.examples for action in actions):
        raise ValueError(f"command /{name} needs at least one example (and one for each of its actions)")

    def register(run):
        if name in REGISTRY.commands:
            raise ValueError(f"command /{name} is declared twice")
        REGISTRY.commands[name] = Command(name, usage, summary, run, tuple(examples), aliases, tuple(actions))
        return run

    return register


def on_message(priority: int = 50):
    """A handler for every message that is not an admin command.

    Handlers run in priority order, lowest first. One that returns True has dealt with the message for good (a
    complaint, say, must not also get the off-hours auto-reply), and the handlers after it are skipped.
    """

    def register(handler):
        REGISTRY.on_message.append((priority, handler))
        REGISTRY.on_message.sort(key=lambda entry: entry[0])
        return handler

    return register


def on_join(handler):
    REGISTRY.on_join.append(handler)
    return handler


def on_leave(handler):
    REGISTRY.on_leave.append(handler)
    return handler


def on_start(handler):
    """Run once each time the bot starts, before any event: to bring the store in line with config.toml."""
    REGISTRY.on_start.append(handler)
    return handler


def job(name: str):
    """A one-shot job, run when a timer scheduled with ctx.schedule(key, name, at, **payload) falls due."""

    def register(run):
        REGISTRY.jobs[name] = run
        return run

    return register


def recurring(name: str, trigger: Callable[[Config], BaseTrigger]):
    """A job that repeats on an APScheduler trigger, e.g. lambda config: CronTrigger(hour=4, timezone=config.tz)."""

    def register(run):
        REGISTRY.recurring[name] = Recurring(name, trigger, run)
        return run

    return register
