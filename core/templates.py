"""Every text the bot sends is rendered here, from templates/, and the shop's own copy is checked before it ships.

Rendering is sandboxed (a template is data an owner may edit) and strict (a missing variable is an error, never an
empty hole in a message to a hundred members). The lint keeps the shop's voice: people are addressed as 您, never
as 亲, and nothing says what China's advertising law forbids or reads as hard selling. The word lists live in
templates/lint.toml so that they can grow without touching code.

The lint is for the shop's own copy, checked when it is written: the templates (at start-up and by check-config)
and the campaign texts (when config.toml loads, and when /campaign add takes one). Never on send: a rendered message
quotes members and names them, and their words are theirs. A complaint that says 绝对, or a member called 顶级吃货,
must still be answered. What a variable prints is made visible (core/text.py): a template an owner edits that
prints a member's words whole still never carries a control character or a direction override to anyone.

A message that waits in the outbox must still be true when read, so a template never gets a moment already put in
words: it gets the moment, and says it with a filter, `{{ asked_at | moment }}` (今天10:44), `{{ asked_at | since }}`
(15分钟), `{{ queued_at | ago }}` (3天前) or `{{ deadline | left }}` (还剩20分钟, 已超时1小时), against NOW, the moment
of rendering. The outbox renders such a message again as it goes out (core/outbox.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.sandbox import SandboxedEnvironment

from core.text import visible
from core.timewords import ago_words, duration_words, moment_words, remaining_words

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
SUFFIX = ".j2"
NOW = "_now"  # the variable every render is given: the moment its time words are said at
# The moment the check renders samples.toml at: its moments are near it, as a queued message's are near its send.
SAMPLE_NOW = dt.datetime(2026, 11, 25, 10, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))

# The time filters (see the top): a moment in words as of the moment of rendering.
TIME_FILTERS = {
    "moment": pass_context(lambda context, moment: moment_words(moment, context[NOW])),
    "since": pass_context(lambda context, moment: duration_words(context[NOW] - moment)),
    "ago": pass_context(lambda context, moment: ago_words(moment, context[NOW])),
    "left": pass_context(lambda context, deadline: remaining_words(deadline, context[NOW])),
}


class TemplateProblem(Exception):
    """A template that cannot be rendered or would say something the shop must not say."""


@dataclass(frozen=True)
class LintRules:
    """The word lists of a lint.toml: what the shop's copy must not say, and how it must not address people."""

    banned_words: tuple[str, ...]
    forbidden_address: tuple[re.Pattern, ...]

    @classmethod
    def load(cls, path: Path) -> LintRules:
        """Read the rules from a lint.toml, where the word lists grow without touching code."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            banned_words=tuple(data["advertising_law"] + data["hard_sell"]),
            forbidden_address=tuple(re.compile(pattern) for pattern in data["forbidden_address"]),
        )

    def problems(self, text: str) -> list[str]:
        """What is wrong with a text, one line per problem in the owner's words; empty when it may ship."""
        found = [f"用了禁用词“{word}”（广告法或硬广用语）" for word in self.banned_words if word in text]
        found += [
            f"称呼用了“{match.group(0).strip(' ，。！？、,.!?~～:：')}”（请用“您”）"
            for pattern in self.forbidden_address
            if (match := pattern.search(text))
        ]
        return found


@functools.cache
def _shop_rules() -> LintRules:
    return LintRules.load(TEMPLATE_DIR / "lint.toml")


def copy_problems(text: str) -> list[str]:
    """What is wrong with a piece of the shop's own copy (a campaign's discount, products, coupon condition, text),
    checked where the owner writes it: config.toml and /campaign add."""
    return _shop_rules().problems(text)


def _printed(value):
    """What a template's {{ … }} prints: text visible, anything else as it is."""
    return visible(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=8)
def _environment(directory: Path) -> SandboxedEnvironment:
    """One Jinja environment per folder and process, shared by every Templates of it: compiling the templates is
    most of a bot's start-up check, and config loading, the robots and every bot of a test process would compile
    them again. Never stale: Jinja recompiles a template whose file has changed since (auto_reload)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printed,
        auto_reload=True,
    )
    env.filters.update(TIME_FILTERS)
    return env


class Templates:
    """The templates/ folder: renders every message the bot sends, and checks every template before the bot
    starts."""

    def __init__(self, directory: Path = TEMPLATE_DIR):
        self.directory = directory
        self.rules = LintRules.load(directory / "lint.toml")
        self.samples = tomllib.loads((directory / "samples.toml").read_text(encoding="utf-8"))
        self.env = _environment(Path(directory).resolve())

    def names(self) -> list[str]:
        """Every template's name (its file without .j2): what the start-up check goes through."""
        return sorted(path.name.removesuffix(SUFFIX) for path in self.directory.glob(f"*{SUFFIX}"))

    def render(self, template: str, now: dt.datetime, /, **variables) -> str:
        """Render a template as of `now` (its time words). Not linted here: the variables carry members' words and
        names (see the top)."""
        try:
            return self.env.get_template(template + SUFFIX).render(variables, **{NOW: now}).strip()
        except TemplateError as error:
            raise TemplateProblem(f"模板 {template}{SUFFIX}：{error}") from error

    def check(self) -> list[str]:
        """Render every template with its sample variables from samples.toml; return what is wrong.

        Run at start-up, so that a broken or non-compliant template stops the bot before it speaks.
        """
        errors = []
        for name in self.names():
            source = (self.directory / f"{name}{SUFFIX}").read_text(encoding="utf-8")
            # The source is linted as well as the sample, because a branch the sample does not take still ships.
            if source_problems := self.rules.problems(source):
                errors += [f"模板 {name}{SUFFIX} {problem}" for problem in source_problems]
            elif name not in self.samples:
                errors.append(f"模板 {name}{SUFFIX} 在 samples.toml 里没有示例变量")
            else:
                try:
                    sample = self.render(name, SAMPLE_NOW, **self.samples[name])
                except TemplateProblem as problem:
                    errors.append(str(problem))
                    continue
                # The samples stand for the shop's copy that reaches the template (campaign texts and the like).
                errors += [f"模板 {name}{SUFFIX} 的示例 {problem}" for problem in self.rules.problems(sample)]
        return errors
