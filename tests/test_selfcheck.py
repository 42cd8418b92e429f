"""check-config rehearses a month of a small shop: a command whose template lacks a variable, which rendering the
templates with their samples cannot see, is caught there and named, before an owner meets it."""

from __future__ import annotations

import datetime as dt
import types

import features
from core.config import load_config
from core.registry import Registry, command
from core.selfcheck import rehearse
from tests.conftest import SHANGHAI


def test_every_shipped_command_and_job_holds_through_the_rehearsed_month():
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    assert rehearse(load_config(), features.load(), start) == []


def test_a_command_that_gives_its_template_too_little_is_named():
    def summary(ctx, args):
        ctx.reply("command_reply", "complaints_week", since="11月18日")  # the rest of the figures forgotten

    broken = types.ModuleType("broken")
    broken.summary = command("summary", usage="/summary", summary="汇总", examples=("/summary week",))(summary)
    summary.__module__ = "broken"
    registry = Registry.collect([*features.MODULES, broken])
    problems = rehearse(load_config(), registry, dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    assert problems == [
        "店主私聊发“/summary week”时出错：模板 complaints_week.j2：'until' is undefined",
        "店主在群里发“/summary week”时出错：模板 complaints_week.j2：'until' is undefined",
    ]
