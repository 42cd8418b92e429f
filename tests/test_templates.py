"""Every message comes from a template; a template that addresses people as 亲, says what the advertising law
forbids, or needs a variable nobody gives is refused before the bot can speak."""

import datetime as dt
import os
import re
import shutil

import pytest

from core.templates import SAMPLE_NOW, TEMPLATE_DIR, TemplateProblem, Templates
from tests.conftest import run_bot


@pytest.fixture
def template_dir(tmp_path):
    directory = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, directory)
    return directory


def test_every_shipped_template_renders_and_passes_the_lint():
    assert Templates().check() == []


def test_no_template_runs_a_line_into_the_next():
    """trim_blocks eats the newline after a block tag: a line of text that ends in {% endif %} joins the next line
    of text in the message ("…没有下过单）移出群：/remove…"), unless an empty line follows it."""
    joined = []
    for template in sorted(TEMPLATE_DIR.glob("*.j2")):
        lines = template.read_text().split("\n")
        for number, (line, following) in enumerate(zip(lines, lines[1:]), start=1):
            ends_in_block = re.search(r"%}$", line) and not line.lstrip().startswith("{%")
            if ends_in_block and following.strip() and not following.lstrip().startswith("{%"):
                joined.append(f"{template.name}:{number}")
    assert joined == []


@pytest.mark.parametrize(
    "text, problem",
    [
        ("亲，您的快递已发出", "称呼用了“亲”"),
        ("各位亲们，早上好", "亲们"),
        ("全网最低价，只此一家", "最低价"),
        ("本店销量第一", "销量第一"),
        ("手慢无，快来", "手慢无"),
    ],
)
def test_lint_refuses_forbidden_wording(template_dir, text, problem):
    (template_dir / "bad.j2").write_text(text, encoding="utf-8")
    (template_dir / "samples.toml").write_text(
        (template_dir / "samples.toml").read_text(encoding="utf-8") + "\n[bad]\n", encoding="utf-8"
    )
    problems = Templates(template_dir).check()
    assert problems and all("bad.j2" in p for p in problems)
    assert any(problem in p for p in problems)


@pytest.mark.parametrize("text", ["我们会亲自为您核对", "适合亲子出游", "欢迎您的亲友一起来", "父亲节快乐"])
def test_lint_leaves_ordinary_words_with_亲_alone(template_dir, text):
    (template_dir / "fine.j2").write_text(text, encoding="utf-8")
    (template_dir / "samples.toml").write_text(
        (template_dir / "samples.toml").read_text(encoding="utf-8") + "\n[fine]\n", encoding="utf-8"
    )
    assert Templates(template_dir).check() == []


def test_a_missing_variable_is_an_error_not_an_empty_hole(template_dir):
    (template_dir / "command_error.j2").write_text("抱歉，{{ problem }}。用法：{{ usage }}（{{ hint }}）", encoding="utf-8")
    problems = Templates(template_dir).check()
    assert any("command_error.j2" in p and "'hint' is undefined" in p for p in problems)


def test_a_members_words_arriving_through_a_variable_are_rendered_as_they_are():
    text = Templates().render("complaint_alert", SAMPLE_NOW, id=1, who="顶级吃货", where=None, reason="品控", text="绝对是坏的",
                              deadline=SAMPLE_NOW + dt.timedelta(hours=1), follow_ups=0, second_opinion=False)
    assert "顶级吃货" in text and "绝对是坏的" in text


def test_a_sample_standing_for_shop_copy_is_linted(template_dir):
    samples = (template_dir / "samples.toml").read_text(encoding="utf-8")
    (template_dir / "samples.toml").write_text(samples.replace('discount = "8折"', 'discount = "全网最低价"', 1), encoding="utf-8")
    assert any("flash_sale.j2" in p and "最低价" in p for p in Templates(template_dir).check())


def test_templates_are_sandboxed():
    templates = Templates()
    source = "{{ problem.__class__.__mro__[1].__subclasses__() }}"
    template = templates.env.from_string(source)
    with pytest.raises(Exception, match="unsafe|not safely|access"):
        template.render(problem="x")


def test_a_template_edited_after_it_was_first_used_is_read_as_edited(template_dir):
    """The compiled templates are shared within a process (a bot's start, its config's check, the robots): an
    owner's edit still shows, in a bot started afterwards and in one already running."""
    running = Templates(template_dir)
    assert running.render("command_error", SAMPLE_NOW, problem="没有 /staus 这个指令", usage="/help").startswith("抱歉")
    edited = template_dir / "command_error.j2"
    edited.write_text("您好，{{ problem }}，请看 {{ usage }}", encoding="utf-8")
    later = edited.stat().st_mtime + 5  # a later time, whatever the file system's clock grain
    os.utime(edited, (later, later))
    for templates in (Templates(template_dir), running):
        assert templates.render("command_error", SAMPLE_NOW, problem="没有 /staus 这个指令", usage="/help") == \
            "您好，没有 /staus 这个指令，请看 /help"


def test_a_template_without_samples_is_reported(template_dir):
    (template_dir / "orphan.j2").write_text("您好", encoding="utf-8")
    assert Templates(template_dir).check() == ["模板 orphan.j2 在 samples.toml 里没有示例变量"]


def test_the_bot_will_not_start_with_a_broken_template(template_dir, assistant_at):
    (template_dir / "help.j2").write_text("亲，{{ commands }}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="help.j2 称呼用了“亲”"):
        assistant_at("2026-11-25T10:00", templates=Templates(template_dir))
