"""A broken config.toml stops the bot before it can misbehave in a group, telling the owner, in Chinese, one line
per problem: the line of the file, the key in plain words, what is expected and what was found."""

import datetime as dt

import pytest

from core.config import DEFAULT_CONFIG, ConfigError, load_config
from tests.conftest import run_bot

ENGLISH = ("Input should", "Field required", "Extra inputs", "Value error", "problem(s)", "not valid TOML", "got ")


def write_config(tmp_path, replace: tuple[str, str] | None = None, append: str = ""):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text, "the test edits a line that config.toml no longer has"
        text = text.replace(*replace, 1)
    path = tmp_path / "config.toml"
    path.write_text(text + append, encoding="utf-8")
    return path


def line_of(path, text: str) -> int:
    """The number of the file's first line holding text (the shipped file's lines move as keys are added)."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def problems(path) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert not any(english in message for english in ENGLISH), message
    return message.splitlines()[1:]


def test_shipped_config_loads_with_its_documented_defaults():
    config = load_config()
    assert config.timezone == "Asia/Shanghai"
    assert config.transport.kind == "console"
    assert config.working_hours.monday == (dt.time(9), dt.time(18))
    assert config.working_hours.sunday is None
    assert config.windows.promotion == [(dt.time(8), dt.time(9)), (dt.time(20), dt.time(22))]
    assert config.outbox.account_per_minute == 6


@pytest.mark.parametrize(
    "replace, problem",
    [
        (("account_per_minute = 6", 'account_per_minute = "six"'),
         'outbox.account_per_minute（每分钟最多发送条数）：要写整数，现在是 "six"'),
        (('monday = "09:00-18:00"', 'monday = "9点到6点"'),
         'working_hours.monday（周一营业时间）：要写成 "09:00-18:00" 这样的时段（加引号），现在是 "9点到6点"'),
        (('monday = "09:00-18:00"', 'monday = "18:00-09:00"'), 'working_hours.monday（周一营业时间）："18:00-09:00" 结束得比开始早'),
        (('recompute_time = "03:30"', 'recompute_time = "25:00"'),
         'tiers.recompute_time（每晚重算时间）：要写成 "09:00" 这样的时刻'),
        (('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'), 'timezone（时区）："Mars/Olympus" 不是时区名'),
        (('kind = "console"', 'kind = "telegram"'), 'transport.kind（连接方式）：只能是 console、wechaty、wecom 之一，现在是 "telegram"'),
        (('weekday = "friday"', 'weekday = "Friday"'), '现在是 "Friday"。是不是 "friday"？'),
        (("watchdog_seconds = 30", "watchdog_seconds = 0"), "transport.wechaty.watchdog_seconds（连接检查间隔秒数）：要大于 0，现在是 0"),
        (('ids = ["wxid_owner_placeholder"]', "ids = []"), "owner.ids（店主微信号）：至少要写 1 项，现在是 []"),
        (("switch_pause_seconds = [3, 5]", "switch_pause_seconds = [5, 3]"), "要写成 [最短, 最长]，且 0 ≤ 最短 ≤ 最长，现在是 [5.0, 3.0]"),
        (("holidays = []", 'holidays = ["2027-13-01"]'), 'working_hours.holidays[1]（店休日）：要写日期，如 2027-01-01，现在是 "2027-13-01"'),
    ],
)
def test_a_bad_value_is_named_with_its_line_key_and_what_is_expected(tmp_path, replace, problem):
    path = write_config(tmp_path, replace)
    assert len(lines := problems(path)) == 1
    assert lines[0].startswith(f"第 {line_of(path, replace[1].splitlines()[0])} 行 ") and problem in lines[0], lines[0]


@pytest.mark.parametrize(
    "replace, problem",
    [
        (("per_chat_interval_seconds = 3 ", "per_chat_interval_seconds = inf "),
         "outbox.per_chat_interval_seconds（同一聊天的发送间隔秒数）：要写普通的数字（不能是 inf 或 nan），现在是 inf"),
        (("retry_seconds = 30", "retry_seconds = 100000000000000000000"),
         "outbox.retry_seconds（发送失败后的重试等待秒数）：最多 600，现在是 100000000000000000000"),
        (("switch_pause_seconds = [3, 5]", "switch_pause_seconds = [3, 1e20]"), "最长最多 600 秒，现在是 [3.0, 1e+20]"),
        (("switch_pause_seconds = [3, 5]", "switch_pause_seconds = [3, nan]"),
         "outbox.switch_pause_seconds[2]（换聊天时的停顿秒数）：要写普通的数字（不能是 inf 或 nan），现在是 nan"),
        (("response_nudge_minutes = 15", "response_nudge_minutes = 9000000000000"),
         "service.response_nudge_minutes（提醒回复前等待的分钟数）：最多 1440，现在是 9000000000000"),
        (("account_per_minute = 6", "account_per_minute = 600"), "outbox.account_per_minute（每分钟最多发送条数）：最多 60，现在是 600"),
        (("retention_days = 90", "retention_days = 1000000"), "store.retention_days（历史记录保留天数）：最多 3650，现在是 1000000"),
        (("coupon_value = 10", "coupon_value = 1e308"), "campaigns.member_day.coupon_value（会员日券面额）：最多 10000，现在是 1e+308"),
        (('ids = ["wxid_owner_placeholder"]', 'ids = [""]'), 'owner.ids[1]（店主微信号）：不能是空的，要写店主的微信号，如 "wxid_abc123"'),
        (('ids = ["wxid_owner_placeholder"]', 'ids = ["wxid_owner_placeholder", "  "]'), "owner.ids[2]（店主微信号）：不能是空的"),
        (('discount = "8折"', 'discount = "本周五晚上"'),
         "campaigns.flash_sale.discount（闪购折扣）：“本周五晚上”不像折扣：折扣要写明价钱，例如 8折"),
    ],
)
def test_a_number_out_of_its_sane_range_or_an_empty_owner_id_is_refused_at_load(tmp_path, replace, problem):
    path = write_config(tmp_path, replace)
    assert len(lines := problems(path)) == 1
    assert lines[0].startswith(f"第 {line_of(path, replace[1])} 行 ") and problem in lines[0], lines[0]


def test_every_number_in_config_has_an_upper_bound():
    """A number without one passes check-config and fails later: inf seconds overflow the first send."""
    from pydantic import BaseModel

    from core.config import Config

    def numbers(model: type[BaseModel], prefix: str = ""):
        for name, field in model.model_fields.items():
            kind = getattr(field.annotation, "__args__", (field.annotation,))[0]
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                yield from numbers(kind, f"{prefix}{name}.")
            elif field.annotation in (int, float):
                yield f"{prefix}{name}", field

    unbounded = [key for key, field in numbers(Config) if not any(hasattr(m, "le") or hasattr(m, "lt") for m in field.metadata)]
    assert unbounded == []


def test_an_unknown_key_is_refused_with_the_closest_known_one(tmp_path):
    path = write_config(tmp_path, ("account_per_minute = 6", "account_per_minute = 6\naccount_per_minut = 6"))
    assert problems(path) == [
        f"第 {line_of(path, 'account_per_minut =')} 行 outbox.account_per_minut：没有这个设置（拼写或所在的段不对）。"
        "是不是 account_per_minute？"
    ]


def test_an_unknown_section_and_a_key_of_the_second_demo_group_are_found(tmp_path):
    path = write_config(tmp_path, ("[outbox]", "[outbx]"))
    assert problems(path) == [f"第 {line_of(path, '[outbx]')} 行 outbx：没有这个设置（拼写或所在的段不对）。是不是 outbox？"]
    path = write_config(tmp_path, ('topic = "VIP福利群"', 'topc = "VIP福利群"'))
    assert problems(path)[1] == (
        f"第 {line_of(path, 'topc =')} 行 console.rooms[2].topc：没有这个设置（拼写或所在的段不对）。是不是 topic？"
    )


def test_a_missing_owner_id_points_at_its_section(tmp_path):
    path = write_config(tmp_path, ('ids = ["wxid_owner_placeholder"]', ""))
    assert problems(path) == [f"第 {line_of(path, '[owner]')} 行 owner.ids（店主微信号）：缺少这个设置，它必须填写"]
    path = write_config(tmp_path, ("[owner]", "[ownr]"))
    assert "owner（店主）：缺少这个设置，它必须填写" in problems(path), "no line: the section is missing too"


def test_every_problem_is_reported_at_once_one_line_each(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the file is named as the owner would type it
    path = write_config(tmp_path, ("retry_seconds = 30", "retry_seconds = -1\nextra = 1"))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    first, *lines = str(error.value).splitlines()
    assert first == "config.toml 有 2 处问题，改好再启动："
    assert lines == [
        f"第 {line_of(path, 'retry_seconds')} 行 outbox.retry_seconds（发送失败后的重试等待秒数）：要大于 0，现在是 -1",
        f"第 {line_of(path, 'extra = 1')} 行 outbox.extra：没有这个设置（拼写或所在的段不对）。"
        "这里可用的有：per_chat_interval_seconds、switch_pause_seconds、account_per_minute、retry_seconds",
    ]


def test_complaint_reminder_must_come_before_the_deadline(tmp_path):
    path = write_config(tmp_path, ("complaint_reminder_minutes = 45", "complaint_reminder_minutes = 75"))
    assert problems(path) == [
        f"第 {line_of(path, 'complaint_reminder_minutes')} 行 service.complaint_reminder_minutes（投诉提醒分钟数）："
        "要比投诉处理时限（60 分钟）短，现在是 75"
    ]


@pytest.mark.parametrize(
    "broken, where, reason",
    [
        ("\n[shop\n", "第 {last} 行第 6 列", "段名缺少结尾的 ]。这一行是：[shop"),
        ("\n[outbox]\n", "第 {last} 行第 8 列", "同一段写了两次"),
        ('\n[extra]\nwords = 8折\n', "第 {last} 行第 10 列", "一行只能写一个设置（值要加引号吗？）。这一行是：words = 8折"),
        ('\n[extra]\nname = "小店\n', "第 {last} 行第 8 列", '" 没有配对，请在文字末尾补上 "。这一行是：name = "小店'),
        ("\n[extra]\nname = '小店", "第 {last} 行第 8 列", "' 没有配对，请在文字末尾补上 '。这一行是：name = '小店"),
    ],
)
def test_broken_toml_says_where_in_chinese(tmp_path, monkeypatch, broken, where, reason):
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path, append=broken)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert str(error.value).startswith(f"config.toml {where.format(last=last)}："), str(error.value)
    assert reason in str(error.value) and "Expected" not in str(error.value)


def test_the_bot_refuses_to_start_on_a_broken_config_and_says_why(tmp_path):
    path = write_config(tmp_path, ('saturday = "10:00-16:00"', 'saturday = "10:00"'))
    result = run_bot("run", "--config", str(path), "--db", str(tmp_path / "store.db"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "config.toml 有 1 处问题，改好再启动：",
        f'第 {line_of(path, "saturday")} 行 working_hours.saturday（周六营业时间）：要写成 "09:00-18:00" 这样的时段（加引号），'
        '现在是 "10:00"（不营业写 "closed"）',
    ]
    assert not (tmp_path / "store.db").exists(), "nothing should be created from a config that was refused"


def test_check_config_command_accepts_the_shipped_config():
    # It rehearses a month of every command and job, charts included: 9-15 s of CPU alone, which a machine busy
    # with the rest of the suite and more stretches past run_bot's usual minute.
    result = run_bot("check-config", timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "config.toml 没有问题，所有消息模板都能正常生成，试运行一个月（每个指令、每个定时任务）也都正常\n"


@pytest.mark.parametrize(
    "key, old, new, advice",
    [
        ("flash_sale", 'time = "20:00"\nduration_hours', 'time = "23:00"\nduration_hours',
         'campaigns.flash_sale.time（闪购时间）：23:00 不在促销时段内（08:00-09:00、20:00-22:00）。'
         '可改为 weekday = "friday" 且 time = "20:00"，即周五 20:00-22:00 内'),
        ("member_day", 'time = "20:00"\ncoupon_value', 'time = "07:30"\ncoupon_value',
         'campaigns.member_day.time（会员日时间）：07:30 不在促销时段内（08:00-09:00、20:00-22:00）。'
         '可改为 day_of_month = 18 且 time = "08:00"，即每月 18 日 08:00-09:00 内'),
    ],
)
def test_a_campaign_outside_its_window_is_refused_with_a_whole_fix(tmp_path, key, old, new, advice):
    path = write_config(tmp_path, (old, new))
    section_start = line_of(path, f"[campaigns.{key}]")
    line = section_start + next(n for n, text in enumerate(path.read_text().splitlines()[section_start:], 1)
                                if text.startswith("time ="))
    assert problems(path) == [f"第 {line} 行 {advice}"]
