"""`make run` opens the console transport: a simulated account in the terminal, driven line by line."""

import asyncio
import io
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.context import Context
from core.outbox import Outgoing
from core.runner import drain_seconds, run_live
from core.store import open_store
from tests.conftest import OWNER, ROOT, run_bot
from tests.test_media import png
from transports.console import Console


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


def test_a_line_that_is_not_utf8_is_explained_and_the_rest_of_it_still_reaches_the_bot(tmp_path):
    cut_paste = "@普通会员群 小王: ".encode() + "我".encode()[:2] + "杯子碎了，我要退货\n/complaints\n".encode()
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "run", "--db", str(tmp_path / "store.db")],
                            input=cut_paste, capture_output=True, timeout=60, cwd=ROOT)
    out = result.stdout.decode()
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr.decode()
    assert "! 这一行有些字节不是 UTF-8 文字" in out
    assert "#1 小王（普通会员群） 品控：“�杯子碎了，我要退货”" in out, "the member's complaint is not lost"


def test_a_join_and_a_leave_are_seen(tmp_path):
    result = console(tmp_path, "@普通会员群 +小赵\n@普通会员群 +小 张\n@普通会员群 -小李\n/status\n/tier “小 张”\n")
    assert result.returncode == 0, result.stderr
    # 小王 小李 阿芳 陈姐 in the demo groups (the owner is no member), 小赵 and 小 张 join, 小李 leaves the only group
    # he was in
    assert "成员：5 人" in result.stdout and "小 张（console_小 张）" in result.stdout


def test_replies_still_queued_at_ctrl_d_are_sent_before_exit_and_the_wait_is_announced(tmp_path):
    result = console(tmp_path, "/help\n/status\n")
    assert result.stdout.count("(command_reply)") == 2
    # One reply may go out before the input ends (the other waits 3 s, same chat), or both still wait on a busy
    # machine: the estimate is a few seconds either way.
    notice = re.search(r"还有 [12] 条待发送，约 \d{1,2} 秒；再按一次 Ctrl-D 或 Ctrl-C 立即退出，未发的下次启动再发", result.stdout)
    assert notice and notice.start() < result.stdout.rindex("(command_reply)"), "said before the wait"


class Terminal(io.StringIO):
    """Typed input on a terminal, where Ctrl-D can be pressed again after the first."""

    def isatty(self):
        return True


def test_a_second_ctrl_d_stops_at_once_and_keeps_what_is_unsent(assistant_at, tmp_path):
    assistant = assistant_at("2026-11-25 10:00")
    out = io.StringIO()
    console = Console(assistant.config.with_owners([OWNER]), Terminal("/help\n/status\n/help\n"), out)
    started = time.monotonic()
    asyncio.run(asyncio.wait_for(run_live(assistant, console, drain=console.draining), 20))
    assert time.monotonic() - started < 2, "the second Ctrl-D does not wait for the outbox's pace"
    before, notice, after = re.split(r"(还有 \d 条待发送)", out.getvalue())
    assert "(command_reply)" not in after, "nothing more is sent after the second Ctrl-D"
    sent = before.count("(command_reply)")
    statuses = dict(open_store(tmp_path / "store.db").execute("SELECT status, count(*) FROM outbox GROUP BY status"))
    assert notice == f"还有 {3 - sent} 条待发送" and statuses.get("queued") == 3 - sent, "the unsent stay queued"


def test_the_announced_wait_matches_the_outbox_pace(assistant_at):
    assistant = assistant_at("2026-11-25 10:00")
    ctx = Context(assistant)
    for n in range(12):
        ctx.say("command_reply", "command_error", problem=f"第{n}条", usage="/help", to=f"wxid_{n % 3}")
    announced = drain_seconds(assistant)

    class Sink:
        async def send(self, message):
            pass

    start = assistant.clock.now()
    while (next_send := assistant.outbox.next_send_time(assistant.clock.now())) is not None:
        assistant.clock.set(max(next_send, assistant.clock.now()))
        asyncio.run(assistant.send_due(Sink()))
    taken = (assistant.clock.now() - start).total_seconds()
    assert taken > 60, "12 messages at 6 a minute take more than a minute"
    assert abs(announced - taken) <= 0.15 * taken, (announced, taken)


def console_process(tmp_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "run", "--db", str(tmp_path / "store.db")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )


def read_until(process: subprocess.Popen, text: str) -> None:
    while text not in (line := process.stdout.readline()):
        assert line, f"the console ended before printing {text!r}: {process.stderr.read()}"


def test_ctrl_c_while_the_outbox_drains_stops_at_once_and_keeps_what_is_unsent(tmp_path):
    bot = console_process(tmp_path)
    bot.stdin.write("/help\n/status\n/help\n")
    bot.stdin.close()
    read_until(bot, "条待发送")
    bot.send_signal(signal.SIGINT)
    bot.wait(timeout=3)  # the next send would be 3 s away
    err = bot.stderr.read()
    assert bot.returncode == 0 and "Traceback" not in err
    db = open_store(tmp_path / "store.db")
    queued = db.execute("SELECT count(*) FROM outbox WHERE status = 'queued'").fetchone()[0]
    assert queued >= 2 and f"还有 {queued} 条没发，留在 store.db 里，下次启动再发" in err
    assert db.execute("SELECT count(*) FROM outbox WHERE status NOT IN ('queued', 'sent')").fetchone()[0] == 0


def test_ctrl_c_while_waiting_for_input_quits_at_once(tmp_path):
    bot = console_process(tmp_path)
    read_until(bot, "群：普通会员群")
    bot.send_signal(signal.SIGINT)
    try:
        bot.wait(timeout=5)  # with the input still open: it used to hang until Enter
    finally:
        bot.kill()
        bot.stdin.close()
    assert bot.returncode == 0 and "Traceback" not in bot.stderr.read()


def test_pretend_time_shows_the_off_hours_reply_at_any_hour(tmp_path):
    result = run_bot(
        "run", "--db", str(tmp_path / "store.db"), "--pretend-time", "2026-11-25T23:00:00+08:00",
        stdin="@普通会员群 小王: 请问什么时候发货？\n",
    )
    assert result.returncode == 0, result.stderr
    assert "[普通会员群] → 小王 (off_hours_reply)" in result.stdout and "客服明天9:00上线" in result.stdout
    assert "模拟时间 2026-11-25 23:00 运行，使用数据库" in result.stderr, "the owner's own --db is used"
    assert (tmp_path / "store.db").exists()


def test_pretend_time_without_db_never_touches_the_real_store(tmp_path):
    result = run_bot("run", "--pretend-time", "2026-11-25T23:00", stdin="/status\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "运行状态（2026-11-25 23:00）" in result.stdout, "a time without an offset is the config's time zone"
    notice = result.stderr.splitlines()[0]
    assert notice.startswith("模拟时间 2026-11-25 23:00 运行，使用临时数据库 ") and notice.endswith(f"不会写入 {ROOT / 'store.db'}")
    assert not (tmp_path / "store.db").exists()
    temporary = notice.split("使用临时数据库 ")[1].split("（")[0]
    assert temporary.endswith("store.db") and not Path(temporary).exists(), "deleted at exit"


def test_a_bad_pretend_time_is_a_clear_error(tmp_path):
    result = run_bot("run", "--db", str(tmp_path / "store.db"), "--pretend-time", "明天")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ("--pretend-time 的时间“明天”看不懂：请写日期和钟点，中间用 T 连接，例如 2026-11-25T23:00"
            "（2026 年 11 月 25 日晚上 11 点）") in result.stderr
    assert "bot.py run --help" in result.stderr


def test_image_sends_a_picture_as_the_lines_speaker_and_a_bad_one_is_explained(tmp_path):
    good, broken = tmp_path / "杯子.png", tmp_path / "broken.jpg"
    good.write_bytes(png())
    broken.write_bytes(b"not a picture at all")
    typed = f"@普通会员群 小王: /image {good}\n/image {tmp_path}/nowhere.png\n/image {broken}\n"
    result = console(tmp_path, typed)
    assert result.returncode == 0, result.stderr
    assert "! 找不到图片文件" in result.stdout and "nowhere.png" in result.stdout
    assert "[私聊] → 店主 (picture_unreadable)" in result.stdout and "不是图片文件" in result.stdout
    assert [p.suffix for p in (tmp_path / "media").iterdir()] == [".png"], "小王's picture, kept by its hash"
    assert "Traceback" not in result.stderr


def test_a_picture_the_bot_sends_prints_after_its_text(assistant_at):
    out = io.StringIO()
    console = Console(assistant_at("2026-11-25 10:00").config, io.StringIO(), out)
    asyncio.run(console.send(Outgoing(1, None, OWNER, "flash_sale", "新品到店", image="/srv/media/ab12.png")))
    asyncio.run(console.send(Outgoing(2, None, OWNER, "flash_sale", "", image="/srv/media/cd34.png")))
    assert out.getvalue() == ("[私聊] → 店主 (flash_sale)\n    新品到店\n    [图片 /srv/media/ab12.png]\n"
                              "[私聊] → 店主 (flash_sale)\n    [图片 /srv/media/cd34.png]\n")


def test_a_warning_goes_to_console_log_beside_the_store_never_among_the_chat_lines(tmp_path):
    # 2027's public holidays are not known to the calendar package: the bot logs a warning in English
    result = run_bot(
        "run", "--db", str(tmp_path / "store.db"), "--pretend-time", "2027-11-24T23:00",
        stdin="@普通会员群 小王: 请问什么时候发货？\n",
    )
    assert result.returncode == 0, result.stderr
    assert "客服明天9:00上线" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr and "chinesecalendar" not in result.stdout + result.stderr
    log = tmp_path / "console.log"
    assert "public holidays of 2027 are not known" in log.read_text(encoding="utf-8")
    assert log.stat().st_mode & 0o777 == 0o600


def test_file_sends_the_owners_order_export_which_is_imported_and_a_missing_path_is_explained(tmp_path):
    export = tmp_path / "订单.csv"
    export.write_text("订单号,下单时间,买家昵称,买家微信号,实付金额,订单状态\n"
                      "C1,2024-01-05 10:00:00,小王,console_小王,88.00,已完成\n"
                      "C2,2024-01-06 11:00:00,小李,,99.50,退款成功\n", encoding="gbk")
    typed = f"/file {export}\n/file {tmp_path}/nowhere.csv\n@普通会员群 小王: /file {export}\n"
    result = console(tmp_path, typed)
    assert result.returncode == 0, result.stderr
    assert "[私聊] → 店主 (command_reply)\n    订单已导入：2 单。\n    新增 2 单" in result.stdout
    assert "! 找不到文件“nowhere.csv”" in result.stdout
    assert "[普通会员群]" not in result.stdout, "a member's file in a group is answered nowhere"
    orders = open_store(tmp_path / "store.db").execute("SELECT id, counts FROM orders ORDER BY id").fetchall()
    assert orders == [("C1", 1), ("C2", 0)]
    assert [p.suffix for p in (tmp_path / "media").iterdir()] == [".csv"], "kept once, by its hash"


def test_at_the_owners_name_in_a_members_line_is_an_at_mention_of_the_owner_as_at_the_bots_is_of_the_bot():
    from core.config import load_config

    console_transport = Console(load_config(), stdin=io.StringIO(), stdout=io.StringIO())
    owner, bot = console_transport.owner_id, console_transport.parse("@普通会员群 小王: @小店助手 在吗").mentions[0]
    assert console_transport.parse("@普通会员群 小王: @店主 我下午三点到店里取货").mentions == (owner,)
    assert console_transport.parse("@普通会员群 小王: @店主 @小店助手 在吗").mentions == (bot, owner)
    assert console_transport.parse("@普通会员群 小王: 我下午三点到店里取货").mentions == ()
