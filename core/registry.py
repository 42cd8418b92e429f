"""How features declare themselves, with small decorators (in the manner of NoneBot2 and python-telegram-bot).

A feature module in handlers/ or schedules/ marks the functions that answer commands, messages, joins and jobs.
The decorators only mark: nothing is registered by importing a module. The entry point gathers the modules it
wants into a Registry (features.py) and hands it to the core, so that the core knows no feature and a test can
run a bot with just the features it needs. Two commands or jobs of one name are an error when the Registry is
built, before the bot starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for type names: the registry must not import the core that reads it
    from apscheduler.triggers.base import BaseTrigger

    from core.config import Config
    from core.context import Context
    from core.rules import Rule
    from core.timers import Timer

MARK = "__bot_feature__"  # the attribute a decorator leaves on what it declares


class UsageError(Exception):
    """Raised by a command whose arguments do not fit: the owner gets the reason and the usage."""


class Refused(UsageError):
    """Raised by a command typed as it should be that cannot be done as things stand (待确认 3 is complaint #5
    already, the campaign is cancelled, the picture is too old): the owner gets the reason alone, since the usage
    would only repeat what they typed right."""


@dataclass(frozen=True)
class Action:
    """One of a command's sub-commands (`/campaign add …`), shown by /help with its own usage and examples."""

    usage: str
    summary: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    """An owner's chat command, `/name args…`, declared with @command; /help lists it with usage and examples."""

    name: str
    usage: str
    summary: str
    run: Callable[[Context, list[str]], None]
    examples: tuple[str, ...]  # what /help shows: an owner copies an example sooner than reads a usage line
    aliases: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Handler:
    """A function called for every event of one kind (message, join, leave, start) that its rule accepts."""

    on: str
    run: Callable
    priority: int = 50
    rule: Rule | None = None


@dataclass(frozen=True)
class Job:
    """A one-shot job: a timer in the store that runs `run(ctx, payload)` when it falls due.

    The decorated name is the handle other code schedules it by (`remind_owner.schedule(ctx, at, …)`), so that a
    job is linked to its function and never to a string that may be misspelt.
    """

    name: str
    run: Callable[[Context, dict], None]

    def __call__(self, ctx: Context, payload: dict) -> None:
        self.run(ctx, payload)

    def schedule(self, ctx: Context, at: dt.datetime, /, *, key: str | None = None, **payload: Any) -> None:
        """Run this job at `at` with `payload`. Scheduling the same key again moves the timer (default key: the
        job's name and payload) instead of adding a twin."""
        ctx.schedule(key or f"{self.name}:{sorted(payload.items())}", self.name, at, **payload)

    def amend(self, ctx: Context, timer: Timer, /, **changes: Any) -> None:
        """Change what a pending timer of this job runs with, not when: a burst gathered into the first one's
        timer (askers of one FAQ answer, a member's later questions) keeps the first one's time."""
        self.schedule(ctx, timer.due_at, key=timer.key, **{**timer.payload, **changes})


@dataclass(frozen=True)
class Recurring:
    """A job that repeats on a calendar trigger (@recurring); a due time missed while the bot was down still
    fires, once, at the next start."""

    name: str
    trigger: Callable[[Config], BaseTrigger]  # from the config, so that times set there are honoured
    run: Callable[[Context, dt.datetime], None]  # gets the time it was due, which a restart may have passed


@dataclass
class Registry:
    """The features one bot runs, by what they answer."""

    commands: dict[str, Command] = field(default_factory=dict)
    on_message: list[Handler] = field(default_factory=list)  # sorted by priority, lowest first
    on_join: list[Handler] = field(default_factory=list)
    on_leave: list[Handler] = field(default_factory=list)
    on_connection: list[Handler] = field(default_factory=list)  # the account online (Login) or not (Logout)
    on_start: list[Handler] = field(default_factory=list)
    jobs: dict[str, Job] = field(default_factory=dict)
    recurring: dict[str, Recurring] = field(default_factory=dict)

    @classmethod
    def collect(cls, modules: Iterable[ModuleType]) -> Registry:
        """Every feature declared in these modules; ValueError for a command or job name declared twice."""
        registry = cls()
        for module in modules:
            for value in vars(module).values():
                declared = getattr(value, MARK, None)
                if declared is not None and _declared_in(value, module):
                    registry.add(declared)
        registry.on_message.sort(key=lambda handler: handler.priority)
        return registry

    def add(self, declared: Command | Handler | Job | Recurring) -> None:
        """File a declared feature where the core looks for it; ValueError for a second command or job of its name."""
        match declared:
            case Command(name=name):
                _unique(self.commands, name, declared, "command /")
                self.commands[name] = declared
            case Job(name=name):
                _unique(self.jobs, name, declared, "job ")
                self.jobs[name] = declared
            case Recurring(name=name):
                _unique(self.recurring, name, declared, "recurring job ")
                self.recurring[name] = declared
            case Handler(on=on):
                getattr(self, on).append(declared)

    def find_command(self, word: str) -> Command | None:
        """The command `/word` runs, by name or alias; None when no feature declares it."""
        return next((c for c in self.commands.values() if word == c.name or word in c.aliases), None)


def _declared_in(value, module: ModuleType) -> bool:
    """True where the module declares the feature itself, not where it imports another module's."""
    function = getattr(value, "run", value)
    return getattr(function, "__module__", None) == module.__name__


def _unique(table: dict, name: str, declared, what: str) -> None:
    if name in table and table[name] is not declared:
        raise ValueError(f"{what}{name} is declared twice")


def _mark(function: Callable, declared) -> Callable:
    setattr(function, MARK, declared)
    return function


def command(name: str, *, usage: str, summary: str, examples: tuple[str, ...], aliases: tuple[str, ...] = (),
            actions: tuple[Action, ...] = ()):
    """An owner-only chat command, `/name args…`; the function gets the context and the words after the name.

    Every command has at least one example, and so has each of its actions: checked here, at import, so that a
    command without one never starts.
    """
    if isinstance(examples, str) or not examples or any(not action.examples for action in actions):
        raise ValueError(f"command /{name} needs at least one example (and one for each of its actions)")
    return lambda run: _mark(run, Command(name, usage, summary, run, tuple(examples), aliases, tuple(actions)))


def on_message(priority: int = 50, *, rule: Rule | None = None):
    """A handler for every message that is not an admin command and that `rule` (core/rules.py) accepts.

    Handlers run in priority order, lowest first. One that returns True has dealt with the message for good (a
    complaint, say, must not also get the off-hours auto-reply), and the handlers after it are skipped.
    """
    return lambda run: _mark(run, Handler("on_message", run, priority, rule))


def on_join(run=None, *, rule: Rule | None = None):
    """A handler for a member joining a group: `@on_join` or `@on_join(rule=…)`."""
    mark = lambda function: _mark(function, Handler("on_join", function, rule=rule))  # noqa: E731
    return mark(run) if run else mark


def on_leave(run=None, *, rule: Rule | None = None):
    """A handler for a member leaving a group: `@on_leave` or `@on_leave(rule=…)`."""
    mark = lambda function: _mark(function, Handler("on_leave", function, rule=rule))  # noqa: E731
    return mark(run) if run else mark


def on_connection(run):
    """A handler for the account coming online (Login) or going offline (Logout), once the core has noted it."""
    return _mark(run, Handler("on_connection", run))


def on_start(run):
    """Run once each time the bot starts, before any event: to bring the store in line with config.toml."""
    return _mark(run, Handler("on_start", run))


def job(name: str):
    """A one-shot job; the decorated name becomes its handle: `that_job.schedule(ctx, at, key=…, **payload)`."""

    def declare(run) -> Job:
        """Wrap the function in its Job handle, marked so that Registry.collect finds it."""
        handle = Job(name, run)
        object.__setattr__(handle, MARK, handle)  # a frozen dataclass: the mark goes past its __setattr__
        return handle

    return declare


def recurring(name: str, trigger: Callable[[Config], BaseTrigger]):
    """A job that repeats on an APScheduler trigger, e.g. lambda config: CronTrigger(hour=4, timezone=config.tz)."""
    return lambda run: _mark(run, Recurring(name, trigger, run))
