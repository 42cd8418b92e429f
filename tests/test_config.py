"""A broken config.toml stops the bot with the key and the reason, before it can misbehave in a group."""

import datetime as dt

import pytest

from core.config import DEFAULT_CONFIG, ConfigError, load_config
from tests.conftest import run_bot


def write_config(tmp_path, replace: tuple[str, str] | None = None, append: str = ""):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text, "the test edits a line that config.toml no longer has"
        text = text.replace(*replace)
    path = tmp_path / "config.toml"
    path.write_text(text + append, encoding="utf-8")
    return path


def test_shipped_config_loads_with_its_documented_defaults():
    config = load_config()
    assert config.timezone == "Asia/Shanghai"
    assert config.transport.kind == "console"
    assert config.working_hours.monday == (dt.time(9), dt.time(18))
    assert config.working_hours.sunday is None
    assert config.windows.promotion == [(dt.time(8), dt.time(9)), (dt.time(20), dt.time(22))]
    assert config.outbox.account_per_minute == 6


@pytest.mark.parametrize(
    "replace, key, reason",
    [
        (("account_per_minute = 6", 'account_per_minute = "six"'), "outbox.account_per_minute", "integer"),
        (('monday = "09:00-18:00"', 'monday = "9点到6点"'), "working_hours.monday", "time range"),
        (('monday = "09:00-18:00"', 'monday = "18:00-09:00"'), "working_hours.monday", "ends before it starts"),
        (('recompute_time = "03:30"', 'recompute_time = "25:00"'), "tiers.recompute_time", "time of day"),
        (('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'), "timezone", "time zone"),
        (('kind = "console"', 'kind = "telegram"'), "transport.kind", "'console' or 'wechaty'"),
        (("watchdog_seconds = 30", "watchdog_seconds = 0"), "transport.wechaty.watchdog_seconds", "greater than 0"),
        (('ids = ["wxid_owner_placeholder"]', "ids = []"), "owner.ids", "at least 1"),
        (("switch_pause_seconds = [3, 5]", "switch_pause_seconds = [5, 3]"), "outbox.switch_pause_seconds", "shortest"),
    ],
)
def test_a_bad_value_is_named_with_its_key_and_reason(tmp_path, replace, key, reason):
    with pytest.raises(ConfigError) as error:
        load_config(write_config(tmp_path, replace))
    assert f"{key}:" in str(error.value)
    assert reason in str(error.value)


def test_an_unknown_key_is_refused_rather_than_ignored(tmp_path):
    path = write_config(tmp_path, ("account_per_minute = 6", "account_per_minute = 6\naccount_per_minut = 6"))
    with pytest.raises(ConfigError, match=r"outbox\.account_per_minut: unknown key"):
        load_config(path)


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_config(tmp_path, ("retry_seconds = 30", "retry_seconds = -1\nextra = 1"))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "2 problem(s)" in str(error.value)
    assert "outbox.retry_seconds" in str(error.value) and "outbox.extra" in str(error.value)


def test_complaint_reminder_must_come_before_the_deadline(tmp_path):
    path = write_config(tmp_path, ("complaint_reminder_minutes = 45", "complaint_reminder_minutes = 75"))
    with pytest.raises(ConfigError, match="complaint_reminder_minutes must be shorter"):
        load_config(path)


def test_broken_toml_says_where(tmp_path):
    path = write_config(tmp_path, append="\n[outbox\n")
    with pytest.raises(ConfigError, match="not valid TOML.*line"):
        load_config(path)


def test_the_bot_refuses_to_start_on_a_broken_config_and_says_why(tmp_path):
    path = write_config(tmp_path, ('saturday = "10:00-16:00"', 'saturday = "10:00"'))
    result = run_bot("run", "--config", str(path), "--db", str(tmp_path / "store.db"))
    assert result.returncode == 2
    assert "working_hours.saturday" in result.stderr and "time range" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "store.db").exists(), "nothing should be created from a config that was refused"


def test_check_config_command_accepts_the_shipped_config():
    result = run_bot("check-config")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_a_campaign_outside_its_window_is_refused_with_the_next_allowed_time(tmp_path):
    path = write_config(tmp_path, ('time = "20:00"\nduration_hours', 'time = "23:00"\nduration_hours'))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "campaigns.flash_sale.time 23:00 is outside the promotion windows (08:00-09:00, 20:00-22:00)" in str(error.value)
    assert "the next allowed time is 08:00" in str(error.value)
