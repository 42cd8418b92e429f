"""`make run` opens the console transport: a simulated account in the terminal, driven line by line."""

from tests.conftest import run_bot


def console(tmp_path, typed: str):
    return run_bot("run", "--db", str(tmp_path / "store.db"), stdin=typed)


def test_owner_help_member_chat_and_ctrl_d_exit_cleanly(tmp_path):
    result = console(tmp_path, "/help\n@普通会员群 小王: 什么时候发货？\n@VIP福利群 店主: /status\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "模拟微信" in out and "普通会员群、VIP福利群" in out, "the syntax and the demo groups are shown"
    assert "[私聊] → 店主 (command_reply)" in out and "/status　查看机器人运行状态" in out
    assert "[VIP福利群] → 店主 (command_reply)" in out and "群：2 个" in out
    assert "Traceback" not in result.stderr
    assert (tmp_path / "store.db").exists()


def test_a_member_typing_a_command_is_refused_and_a_bad_line_is_explained(tmp_path):
    result = console(tmp_path, "小王: /status\n这一行没有说话人\n@不存在的群 小王: 你好\n")
    assert result.returncode == 0, result.stderr
    assert "[私聊] → 小王 (command_reply)" in result.stdout and "仅限店主" in result.stdout
    assert "! 看不懂这一行" in result.stdout
    assert "! 没有叫 不存在的群 的群" in result.stdout


def test_a_join_and_a_leave_are_seen(tmp_path):
    result = console(tmp_path, "@普通会员群 +小赵\n@普通会员群 -小李\n/status\n")
    assert result.returncode == 0, result.stderr
    # 小王 小李 阿芳 陈姐 in the demo groups (the owner is no member), 小赵 joins, 小李 leaves the only group he was in
    assert "成员：4 人" in result.stdout


def test_replies_still_queued_at_ctrl_d_are_sent_before_exit(tmp_path):
    result = console(tmp_path, "/help\n/status\n")
    assert result.stdout.count("(command_reply)") == 2


def test_pretend_time_shows_the_off_hours_reply_at_any_hour(tmp_path):
    result = run_bot(
        "run", "--db", str(tmp_path / "store.db"), "--pretend-time", "2026-11-25T23:00:00+08:00",
        stdin="@普通会员群 小王: 请问什么时候发货？\n",
    )
    assert result.returncode == 0, result.stderr
    assert "[普通会员群] → 小王 (off_hours_reply)" in result.stdout and "客服明天9:00上线" in result.stdout


def test_a_bad_pretend_time_is_a_clear_error(tmp_path):
    result = run_bot("run", "--db", str(tmp_path / "store.db"), "--pretend-time", "tonight")
    assert result.returncode == 2 and "--pretend-time" in result.stderr and "Traceback" not in result.stderr
