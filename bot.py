"""小店群助手: the entry point.

    python bot.py [run] [--config FILE] [--db FILE] [--pretend-time TIME]   run on the transport config.toml names
    python bot.py replay SCRIPT.jsonl [--config FILE] [--db FILE] [--owner WXID]... [--until TIME] [--seed N]
    python bot.py check-config [--config FILE]          check config.toml and templates/, then exit
    python bot.py import-orders FILE.csv|FILE.xlsx [--config FILE] [--db FILE]   the back office's order export
    python bot.py doctor [--config FILE] [--wait SECONDS]   check the puppet service (sending nothing) and the owner's
        WeCom robot (one line, "连接测试")
    python bot.py train-complaints [--config FILE] [--db FILE]   retrain the complaint model with the owner's
        corrections and the reason models with the owner's reasons, and compare them with those in use on the frozen
        test split; reads the store, writes nothing to it (the models trained are kept in models/ beside it)

Options go before or after the command alike, and one that the command does not use is refused by name rather
than ignored. Everything printed here is for the shop owner, so in Chinese, argparse's own wording included. Bad
input (a broken config, a malformed script, a wrong option) ends with a message that says what and where, and exit
status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import features
from core import learning, logs, media
from core.assistant import Assistant
from core.clock import SystemClock
from core.config import DEFAULT_CONFIG, Config, ConfigError, load_config, shown_path
from core.directory import known_topics, shop_topics
from core.instance import AlreadyRunning, InstanceLock, claim
from core.selfcheck import rehearse
from core.runner import run_live
from core.store import MIGRATIONS, StoreError, StoreUnusable, open_store, schema_version, store_problems
from handlers import complaint_detection, complaint_reasons
from core.templates import TemplateProblem, Templates
from handlers.order_book import unlinked_buyers
from imports.orders import OrderFileError, read_orders, save_orders
from schedules.complaint_training import HOUR, MINUTE
from transports import make_transport
from transports.replay import ScriptError, parse_time, read_script, run_script
from transports.wecom_robot import check_owner_robot

BAD_INPUT = 2
INTERRUPTED = 130
ALREADY_RUNNING = 1
STORE_UNUSABLE = 1  # the disk or the store file, not what was typed: a full disk, a read-only or damaged store
CONSOLE_LOG = "console.log"  # beside the store: at the console, the terminal is the conversation (core/logs.py)
MODELS = "models"  # beside the store: the models trained with its owner's corrections (core/learning.py)
NIGHTLY_TRAINING = f"{HOUR}:{MINUTE:02d}"

COMMANDS = {
    "run": "运行机器人（不写命令时就是它）",
    "replay": "按脚本（每行一个 JSON 事件）在虚拟时钟上驱动机器人，发出的消息逐行打印",
    "check-config": "检查配置文件和所有消息模板，然后退出",
    "import-orders": "导入小商店后台导出的订单（CSV 或 XLSX）",
    "doctor": "检查每个连接：微信服务（puppet 服务）登录、列出群，不发消息；店主群机器人发一条“连接测试”",
    "train-complaints": "用您的投诉更正（/complaint、/notcomplaint）和改过的原因（/reason）重新训练投诉识别模型，"
                        "在固定测试集上和现在用的比较；只读数据库，不做改动",
}


@dataclass(frozen=True)
class Option:
    commands: tuple[str, ...]  # the commands it applies to
    default: object
    settings: dict  # add_argument's keywords


OPTIONS = {
    "config": Option(tuple(COMMANDS), DEFAULT_CONFIG, dict(type=Path, metavar="文件", help="配置文件（默认 config.toml）")),
    "db": Option(("run", "replay", "import-orders", "train-complaints"), None, dict(type=Path, metavar="文件", help={
        "run": "数据库文件（默认：配置里 [store] 的 path；加了 --pretend-time 时默认用临时数据库，退出时删除）",
        "replay": "数据库文件（默认用临时数据库，退出时删除，不会动机器人平时用的数据库）",
        "import-orders": "把订单导入这个数据库文件（默认：配置里 [store] 的 path，即机器人平时用的那个）",
        "train-complaints": "从这个数据库文件读取投诉更正（默认：配置里 [store] 的 path）"})),
    "pretend_time": Option(("run",), None, dict(
        metavar="时间", help="假装现在是这个时间，时钟从这里往后走，如 2026-11-25T23:00（不写时区即配置里的时区）")),
    "owner": Option(("replay",), None, dict(
        action="append", metavar="微信号", help="用这个店主微信号代替配置里的（可写多次）")),
    "until": Option(("replay",), None, dict(metavar="时间", help="最后一个事件之后，让时钟继续走到这个时间")),
    "seed": Option(("replay",), 0, dict(type=int, metavar="数字", help="发送间隔随机停顿的种子（默认 0）")),
    "wait": Option(("doctor",), 60.0, dict(type=float, metavar="秒", help="最多等待账号登录的秒数（默认 60）")),
}

# argparse's own English, in the owner's words: (its message, as a pattern) -> the Chinese, from the same groups.
ARGPARSE_ERRORS = {
    r"the following arguments are required: (.+)": "缺少{0}",
    r"unrecognized arguments: (.+)": "不认识的参数：{0}",
    r"argument (.+?): invalid choice: '?(.+?)'? \(choose from (.+)\)": "{0}不能是 {1}，可选：{2}",
    r"argument (.+?): expected one argument": "{0} 后面要写一个值",
    r"argument (.+?): invalid int value: (.+)": "{0} 要写整数，现在是 {1}",
    r"argument (.+?): (?:expected|ignored|invalid).*": "{0} 的写法不对",
    r"ambiguous option: (\S+) could match (.+)": "{0} 不明确，可能是 {1}",
}


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, speaking Chinese: its titles, its help option and its errors (exit status 2, with a hint)."""

    def __init__(self, **kwargs):
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示这段说明，然后退出")

    def error(self, message: str):
        for pattern, chinese in ARGPARSE_ERRORS.items():
            if match := re.fullmatch(pattern, message):
                # 'run', 'replay' -> run、replay
                message = chinese.format(*(re.sub(r"'([^']*)'", r"\1", g).replace(", ", "、") for g in match.groups()))
                break
        self.exit(BAD_INPUT, f"{self.prog}：{message}\n用法见 {self.prog} --help\n")


class _Commands(argparse._SubParsersAction):
    """The command's own options go into the namespace of those written before it.

    argparse parses a command into a fresh namespace and copies it over: a default of the command's would replace
    an option given before the command, and `--owner a replay s --owner b` would lose a.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values[0])
        self.choices[values[0]].parse_args(values[1:], namespace)


def _add_options(parser: _Parser, command: str) -> None:
    """Every option, so that each is accepted anywhere and checked afterwards; shown where it applies only.

    No defaults here (SUPPRESS): an option absent from the namespace was not given, whichever side it was on.
    """
    for dest, option in OPTIONS.items():
        said = option.settings.get("help")
        # An option each command reads its own way (--db) has a help per command: each says what it does there.
        said = said.get(command) if isinstance(said, dict) else said
        shown = {**option.settings, "help": said if command in option.commands else argparse.SUPPRESS}
        parser.add_argument(_flag(dest), dest=dest, default=argparse.SUPPRESS, **shown)


def _parser() -> _Parser:
    parser = _Parser(
        prog="bot.py",
        description="小店群助手：微信小商店的社群助手。",
        epilog="选项写在命令前后都可以，如 bot.py --config 我的配置.toml run。\n每个命令的选项：bot.py 命令 --help",
    )
    _add_options(parser, "run")  # without a command, the bot runs
    commands = parser.add_subparsers(
        action=_Commands, dest="command", title="命令", metavar="命令", help="不写命令时就是 run")
    for name, summary in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary)
        if name == "replay":
            command.add_argument("script", type=Path, metavar="脚本", help="事件脚本（.jsonl：每行一个 JSON 对象）")
        if name == "import-orders":
            command.add_argument("file", type=Path, metavar="订单文件", help="后台导出的订单（.csv 或 .xlsx）")
        _add_options(command, name)
    return parser


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, every option checked against its command, and the defaults of those not given."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.command = args.command or "run"
    for dest, option in OPTIONS.items():
        if hasattr(args, dest) and args.command not in option.commands:
            usable = "、".join(_flag(d) for d, o in OPTIONS.items() if args.command in o.commands)
            _refuse(args.command, f"{_flag(dest)} 不能用于 {args.command}（它的选项：{usable}）")
        if not hasattr(args, dest):
            setattr(args, dest, option.default)
    return args


def _refuse(command: str, message: str) -> NoReturn:
    """An option refused after parsing, in the words and with the exit status of argparse's refusals."""
    _Parser(prog=f"bot.py {command}").error(message)


def _time_option(args: argparse.Namespace, dest: str, config: Config) -> dt.datetime | None:
    """An ISO time given on the command line; one without an offset is in the config's time zone."""
    text = getattr(args, dest)
    if text is None:
        return None
    try:
        return parse_time(text, _flag(dest), default_tz=config.tz)
    except ValueError as error:
        _refuse(args.command, str(error))


@contextlib.contextmanager
def _store(config: Config, db_path: Path | None, pretend_time: dt.datetime | None) -> Iterator[tuple[Path, bool]]:
    """The store to run on, and whether it is a temporary one.

    A pretend time writes messages and sends dated in the future: in the real store they would hold back every
    send of the next real run. So a pretend run gets a fresh store of its own, deleted at exit, unless the owner
    names one with --db.
    """
    if pretend_time is None:
        yield db_path or Path(config.store.path), False
        return
    moment = f"{pretend_time.astimezone(config.tz):%Y-%m-%d %H:%M}"
    if db_path:
        print(f"模拟时间 {moment} 运行，使用数据库 {shown_path(db_path)}", file=sys.stderr)
        yield db_path, False
        return
    with tempfile.TemporaryDirectory(prefix="xiaodian-") as directory:
        path = Path(directory) / "store.db"
        print(f"模拟时间 {moment} 运行，使用临时数据库 {path}（退出时删除），不会写入 {shown_path(config.store.path)}",
              file=sys.stderr)
        yield path, True


def _console_log(config: Config, db_path: Path | None) -> Path:
    """Where the console's log goes (the terminal is the conversation): beside the store it runs on, or beside
    config's store for a pretend run on a temporary one, which is deleted at exit with anything beside it."""
    return Path(db_path or config.store.path).with_name(CONSOLE_LOG)


def _claim(store: Path | str) -> InstanceLock:
    """The store for this process alone, held until it exits; or exit 1 naming the process that has it."""
    try:
        return claim(store)
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
        sys.exit(ALREADY_RUNNING)


def keep_models(store: Path | None, say_when_training: bool = False) -> None:
    """Where trained models are kept as numbers, so that a start reads them rather than trains (core/learning.py):
    those of the shipped data alone in the user's cache, those with a store's corrections beside that store. A
    running bot (`say_when_training`) has them trained in a child process and reads them."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xiaodian" / "models"
    learning.keep_models(cache, Path(store).parent / MODELS if store else None,
                         _before_training if say_when_training else None,
                         _train_apart if say_when_training else None)


def _before_training(corrections: int) -> None:
    """Said before the first model this start trains; at a first start, all of them are trained apart."""
    _say_training(corrections)
    if not corrections and learning.kept_folder(0):
        _train_apart()


def _say_training(corrections: int) -> None:
    if corrections:  # the base models were read: only those with corrections not yet trained with (at 04:30)
        print("正在用您的新纠正重新学习识别投诉，约需几秒……", file=sys.stderr, flush=True)
        return
    print("第一次启动（或更新后）：正在学习读懂群消息（投诉、广告、顾客提问），约需半分钟，以后启动不用等……",
          file=sys.stderr, flush=True)


def _train_apart(name: str | None = None, corrections: Sequence = ()) -> None:
    """Models trained and kept by a child process, for this one to read: every feature's base model (`name` None),
    or one model with the owner's corrections. Training holds count matrices and scikit-learn: a bot that trained
    its base models itself held about 290 MB until it was restarted, against 130 MB for one that read them, and one
    that trained a night's model with corrections 267 MB rather than 160. Should the child fail, this process trains
    what it finds missing, as before."""
    import multiprocessing

    folders = (learning.FOLDERS.shipped_data, learning.FOLDERS.with_corrections)
    child = multiprocessing.get_context("spawn").Process(target=_train_in_child, args=(*folders, name, corrections),
                                                         daemon=True)
    child.start()
    child.join()
    if child.exitcode:
        logging.getLogger(__name__).warning("%s not trained apart (exit code %s): training here",
                                            name or "models", child.exitcode)


def _train_in_child(shipped_data: Path | None, with_corrections: Path | None, name: str | None,
                    corrections: Sequence) -> None:
    """In the child of `_train_apart`: the models trained and kept where the bot reads them."""
    learning.keep_models(shipped_data, with_corrections)
    features.load()
    for model in learning.IN_USE:
        if name is None:
            model.base()
        elif model.name == name:
            model.trained_with(corrections)


def _run(config: Config, db_path: Path | None, pretend_time: dt.datetime | None) -> None:
    with _store(config, db_path, pretend_time) as (path, temporary), store_problems(path), _claim(path):
        keep_models(None if temporary else path, say_when_training=True)
        transport = make_transport(config, media.folder_for(path))
        assistant = Assistant(config, open_store(path), SystemClock(config.tz, pretend_time), features.load())
        # At the console, a closed input means "I am done typing", not "stop now": let the answers out first,
        # unless the owner asks again.
        drain = functools.partial(transport.draining, kept=not temporary) if config.transport.kind == "console" else None
        try:
            asyncio.run(run_live(assistant, transport, drain=drain))
        except KeyboardInterrupt:
            pass  # Ctrl-C: whatever is still queued stays in the store and goes out at the next start
        if waiting := assistant.outbox.queued_count():
            where = "临时数据库已删除，不会再发" if temporary else f"留在 {shown_path(path)} 里，下次启动再发"
            print(f"已退出。还有 {waiting} 条没发，{where}。", file=sys.stderr)


def _replay(config: Config, args: argparse.Namespace) -> int:
    try:
        with args.script.open(encoding="utf-8") as source:
            timeline = read_script(source)
    except FileNotFoundError:
        print(f"找不到回放脚本 {args.script}", file=sys.stderr)
        return BAD_INPUT
    except (OSError, UnicodeDecodeError) as error:
        print(f"读不了回放脚本 {args.script}（{error.__class__.__name__}），它要是 UTF-8 编码的文本", file=sys.stderr)
        return BAD_INPUT
    except ScriptError as error:
        print(f"回放脚本 {args.script} 有误，什么都没有发送：{error}", file=sys.stderr)
        return BAD_INPUT
    if args.until and timeline and args.until < timeline[-1][0]:
        print(f"--until {args.until.isoformat()} 早于脚本的最后一个事件（{timeline[-1][0].isoformat()}）", file=sys.stderr)
        return BAD_INPUT
    if args.owner:
        config = config.with_owners(args.owner)
    keep_models(args.db)
    with _claim(args.db) if args.db else contextlib.nullcontext():  # a fresh temporary store is ours alone
        run_script(config, features.load(), timeline, until=args.until, db_path=args.db, seed=args.seed)
    return 0


def _import_orders(config: Config, args: argparse.Namespace) -> int:
    try:
        export = read_orders(args.file, config)
    except OrderFileError as error:
        print(f"订单文件 {args.file} 没有导入：{error}", file=sys.stderr)
        return BAD_INPUT
    path = args.db or config.store.path
    with store_problems(path):
        db = open_store(path)
        summary = save_orders(db, export.orders, config, SystemClock(config.tz).now())
    merged = f"（重复的行 {export.repeated_rows} 行已合并）" if export.repeated_rows else ""
    print(
        f"{args.file}：{len(export.orders)} 单{merged}：新增 {summary.new}，更新 {summary.updated}，"
        f"未变 {summary.unchanged}；退款/关闭 {summary.not_counted} 单不计入消费。"
    )
    if waiting := unlinked_buyers(db):
        print(f"只有买家昵称、还未对应到成员的：{len(waiting)} 个昵称，{sum(b['orders'] for b in waiting)} 单。"
              "在微信里给机器人发 /link 查看并确认（同名的成员不会被自动对应）。")
    print("会员等级在今晚重算，或在微信里发 /tiers refresh 立即重算。")
    return 0


def _read_only_store(path: Path) -> sqlite3.Connection:
    """The store at path opened read-only: one that is missing is not created, and a running bot is not disturbed
    (SQLite's WAL lets one read while it writes, so no instance lock is needed). StoreError says what is wrong."""
    if not path.is_file():
        raise StoreError(f"找不到数据库 {shown_path(path)}（用 --db 指定，或配置里 [store] 的 path）")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        version = schema_version(db)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a file that is not SQLite fails here
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{shown_path(path)} 不是机器人的数据库，读不出来") from None
    if version < len(MIGRATIONS):
        raise StoreError(f"{shown_path(path)} 是旧版本的数据库（或不是机器人的）：先用这个版本运行一次机器人，"
                         "启动时会升级它")
    return db


def _train_complaints(config: Config, args: argparse.Namespace) -> int:
    keep_models(args.db or Path(config.store.path))
    db = _read_only_store(args.db or Path(config.store.path))
    try:
        trial, reasons = complaint_detection.trial(db), complaint_reasons.trial(db)
    except (OSError, ValueError, ImportError) as error:
        print(f"投诉识别模型没有训练成功，机器人仍用现在的模型（或关键词规则）：{error}", file=sys.stderr)
        return BAD_INPUT
    finally:
        db.close()
    print(f"在固定测试集上（看\u201c关键词规则或模型\u201d，和机器人判断投诉的方式一样）：\n"
          f"{'':<12}{'精确率':>6}{'召回率':>6}{'F1':>8}")
    for name, figures, used in (("现在用的", trial.before, trial.in_use_corrections),
                                ("新训练的", trial.after, trial.corrections)):
        print(f"{name:<8}{figures.precision:>9.3f}{figures.recall:>9.3f}{figures.f1:>8.3f}   含您的 {used} 条更正")
    if not trial.corrections:
        print("数据库里还没有您的更正，新模型和现在用的一样。用 /complaint、/notcomplaint 更正后再训练。")
    elif trial.taken:
        print(f"结论：采用。新模型不比现在的差。这里不改动正在运行的机器人：新模型存在数据库旁的 {MODELS}/ 里，"
              f"机器人今晚 {NIGHTLY_TRAINING} 或下次启动时直接读它用上。")
    else:
        print(f"结论：不采用。新模型在固定测试集上比现在的差（F1 {trial.after.f1:.3f}，现在 {trial.before.f1:.3f}），"
              f"今晚 {NIGHTLY_TRAINING} 的训练也不会换。请看看最近的 /complaint、/notcomplaint 有没有弄错的。")
    _report_reasons(reasons)
    return 0


def _report_reasons(trial: complaint_reasons.Trial | None) -> None:
    """The reason models' part of `train-complaints`: the owner's /reason, trained with as the nightly job does."""
    if trial is None:
        print("\n投诉原因模型没有训练成功，原因暂由关键词规则判断。")
        return
    print(f"\n投诉原因（固定测试集上，和人工标注的原因一致的比例）：\n"
          f"{'只用自带数据':<14}{trial.base:>7.3f}\n{f'含您改过的 {trial.corrections} 条原因':<12}{trial.after:>7.3f}")
    if not trial.corrections:
        print("数据库里还没有您改过的原因。用 /reason 编号 原因 改过后再训练。")
    elif trial.taken:
        print(f"结论：采用。机器人今晚 {NIGHTLY_TRAINING} 或下次启动时用上。")
    else:
        print(f"结论：不采用。和人工标注一致的比例降了 {trial.base - trial.after:.1%}，超过允许的 "
              f"{complaint_reasons.AGREEMENT_GIVEN_UP:.0%}。请看看最近的 /reason 有没有改错的。")


def _unknown_robot_groups(config: Config) -> list[str]:
    """Groups of [wecom.group_robots] the account has never been seen in, when [tiers] lists no groups to check them
    against (core/config.py checks them against the lists): read from the store, if there is one yet."""
    if shop_topics(config) or not config.wecom.group_robots or not Path(config.store.path).is_file():
        return []
    db = _read_only_store(Path(config.store.path))
    try:
        known = known_topics(db)
    finally:
        db.close()
    return [group for group in config.wecom.group_robots if group not in known]


def _check_config(config: Config, config_path: Path) -> int:
    if problems := Templates().check():
        raise TemplateProblem("\n".join(problems))
    if unknown := _unknown_robot_groups(config):
        print(f"{shown_path(config_path)} 的 [wecom.group_robots] 里有机器人不认识的群：{'、'.join(unknown)}。"
              "账号从没在这些群里出现过，请核对群名（要和微信里的群名完全一样）", file=sys.stderr)
        return BAD_INPUT
    # A month of a small shop on a throwaway store, every command's examples typed: the templates with the
    # variables the code really gives them, and every job on its way (core/selfcheck.py).
    today = SystemClock(config.tz).now().replace(hour=9, minute=0, second=0, microsecond=0)
    keep_models(None)  # the models the bot reads at start, not trained again: 20 s of the check's 24 were training
    if failures := rehearse(config, features.load(), today):
        print(f"用 {shown_path(config_path)} 试运行一个月时出了 {len(failures)} 个问题：", file=sys.stderr)
        print("\n".join(f"  - {failure}" for failure in failures), file=sys.stderr)
        return BAD_INPUT
    print(f"{shown_path(config_path)} 没有问题，所有消息模板都能正常生成，试运行一个月（每个指令、每个定时任务）也都正常")
    return 0


async def _doctor(config: Config, wait: float) -> int:
    """Every channel configured: the puppet (unless the bot runs on robots alone), then the owner robot, sent one
    line; the groups' robots are listed, never tried: a test line in a customer group would be read by customers."""
    failed = 0
    if config.transport.kind == "wecom":
        print("微信（puppet）：没有使用（[transport] kind = \"wecom\"，只用企业微信群机器人）。")
    else:
        from transports.wechaty import doctor  # wechaty is slow to import: only when used

        failed |= await doctor(config, wait)
    failed |= await check_owner_robot(config)
    if groups := list(config.wecom.group_robots):
        print(f"群机器人：{len(groups)} 个群（{'、'.join(groups)}），为了不打扰顾客，不在顾客群里发测试消息。")
    return failed


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        config = load_config(args.config)
        # Routine events are logged only for a bot left running against WeChat; at the console or in a replay
        # they would interleave with the conversation itself.
        quiet = args.command in ("replay", "check-config", "import-orders", "doctor", "train-complaints")
        at_console = args.command == "run" and config.transport.kind == "console"
        logs.set_up(logging.WARNING if quiet or at_console else logging.INFO,
                    file=_console_log(config, args.db) if at_console else None)
        if args.command == "replay":
            args.until = _time_option(args, "until", config)
            return _replay(config, args)
        if args.command == "import-orders":
            return _import_orders(config, args)
        if args.command == "check-config":
            return _check_config(config, args.config)
        if args.command == "train-complaints":
            return _train_complaints(config, args)
        if args.command == "doctor":
            return asyncio.run(_doctor(config, args.wait))
        _run(config, args.db, _time_option(args, "pretend_time", config))
        return 0
    except ConfigError as error:
        print(error, file=sys.stderr)  # it names the file, and each problem's line and key
        return BAD_INPUT
    except TemplateProblem as error:
        print(f"templates/ 里的消息模板有问题，改好再启动：\n{error}", file=sys.stderr)
        return BAD_INPUT
    except StoreUnusable as error:
        print(error, file=sys.stderr)  # one line: what, which file, what to do
        return STORE_UNUSABLE
    except StoreError as error:
        print(f"数据库用不了：{error}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
