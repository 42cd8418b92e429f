"""小店群助手: the entry point.

    python bot.py [run] [--config FILE] [--db FILE]     run on the transport config.toml names (console by default)
    python bot.py replay SCRIPT.jsonl [--config FILE] [--db FILE] [--owner WXID]... [--until ISO-TIME] [--seed N]
    python bot.py check-config [--config FILE]          check config.toml and templates/, then exit
    python bot.py import-orders FILE.csv|FILE.xlsx [--config FILE] [--db FILE]   the back office's order export
    python bot.py doctor [--config FILE] [--wait SECONDS]   check the connection to the puppet service, send nothing

Bad input (a broken config, a malformed script) ends with a message that says what and where, and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import sys
from pathlib import Path

import features
from core import logs
from core.assistant import Assistant
from core.clock import SystemClock
from core.config import DEFAULT_CONFIG, Config, ConfigError, load_config
from core.instance import AlreadyRunning, InstanceLock, claim
from core.runner import run_live
from core.store import StoreError, open_store
from core.templates import TemplateProblem, Templates
from handlers.members import unlinked_buyers
from imports.orders import OrderFileError, read_orders, save_orders
from transports import make_transport
from transports.replay import ScriptError, parse_time, read_script, run_script

BAD_INPUT = 2
ALREADY_RUNNING = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="小店群助手：微信小商店的社群助手")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run the bot (the default)")
    replay = commands.add_parser("replay", help="drive the bot from a JSON-lines script on a virtual clock")
    replay.add_argument("script", type=Path)
    replay.add_argument("--owner", action="append", metavar="WXID", help="owner id replacing config's (repeatable)")
    replay.add_argument("--until", metavar="ISO-TIME", help="let the clock run on to this time after the last event")
    replay.add_argument("--seed", type=int, default=0, help="seed for the outbox's random pauses (default 0)")
    check = commands.add_parser("check-config", help="check config.toml and the templates, then exit")
    orders = commands.add_parser("import-orders", help="import the shop's order export (CSV or XLSX)")
    orders.add_argument("file", type=Path)
    doctor = commands.add_parser("doctor", help="检查与 puppet 服务的连接（不发送任何消息）")
    doctor.add_argument("--wait", type=float, default=60, metavar="SECONDS", help="最多等待账号登录的秒数（默认 60）")
    for sub in (parser, run, replay, check, orders, doctor):
        sub.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (default: config.toml)")
    for sub in (parser, run, replay, orders):
        sub.add_argument("--db", type=Path, help="store file (default: [store] path; replay: a fresh temporary one)")
    for sub in (parser, run):
        sub.add_argument("--pretend-time", metavar="ISO-TIME", help="start the clock at this time and run on from there")
    return parser


def _claim(store: Path | str) -> InstanceLock:
    """The store for this process alone, held until it exits; or exit 1 naming the process that has it."""
    try:
        return claim(store)
    except AlreadyRunning as error:
        print(f"bot.py: {error}", file=sys.stderr)
        sys.exit(ALREADY_RUNNING)


def _run(config: Config, db_path: Path | None, pretend_time: dt.datetime | None) -> None:
    store = db_path or config.store.path
    with _claim(store):
        transport = make_transport(config)
        assistant = Assistant(config, open_store(store), SystemClock(config.tz, pretend_time), features.load())
        try:
            # At the console, a closed input means "I am done typing", not "stop now": let the answers out first.
            asyncio.run(run_live(assistant, transport, drain_on_exit=config.transport.kind == "console"))
        except KeyboardInterrupt:
            pass  # Ctrl-C: whatever is still queued stays in the store and goes out at the next start


def _replay(config: Config, args: argparse.Namespace) -> int:
    try:
        with args.script.open(encoding="utf-8") as source:
            timeline = read_script(source)
        until = parse_time(args.until, "--until") if args.until else None
    except (OSError, ScriptError, ValueError) as error:
        print(f"replay: {args.script}: {error}", file=sys.stderr)
        return BAD_INPUT
    if until and timeline and until < timeline[-1][0]:
        print(f"replay: --until {args.until} is before the script's last event", file=sys.stderr)
        return BAD_INPUT
    if args.owner:
        config = config.with_owners(args.owner)
    with _claim(args.db) if args.db else contextlib.nullcontext():  # a fresh temporary store is ours alone
        run_script(config, features.load(), timeline, until=until, db_path=args.db, seed=args.seed)
    return 0


def _import_orders(config: Config, args: argparse.Namespace) -> int:
    try:
        export = read_orders(args.file, config)
    except OrderFileError as error:
        print(f"import-orders: {args.file}: {error}", file=sys.stderr)
        return BAD_INPUT
    db = open_store(args.db or config.store.path)
    summary = save_orders(db, export.orders, config, SystemClock(config.tz).now())
    print(
        f"{args.file}: {len(export.orders)} 单（重复的行 {export.repeated_rows} 行已合并）："
        f"新增 {summary.new}，更新 {summary.updated}，未变 {summary.unchanged}；退款/关闭 {summary.not_counted} 单不计入消费。"
    )
    if waiting := unlinked_buyers(db):
        print(f"只有买家昵称、还未对应到成员的：{len(waiting)} 个昵称，{sum(b['orders'] for b in waiting)} 单。"
              "在微信里给机器人发 /link 查看并确认（同名的成员不会被自动对应）。")
    print("会员等级在今晚重算，或在微信里发 /tiers refresh 立即重算。")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        # Routine events are logged only for a bot left running against WeChat; at the console or in a replay
        # they would interleave with the conversation itself.
        quiet = args.command in ("replay", "check-config", "import-orders", "doctor")
        quiet = quiet or config.transport.kind == "console"
        logs.set_up(logging.WARNING if quiet else logging.INFO)
        if args.command == "replay":
            return _replay(config, args)
        if args.command == "import-orders":
            return _import_orders(config, args)
        if args.command == "doctor":
            from transports.wechaty import doctor  # wechaty is slow to import: only when used

            return asyncio.run(doctor(config, args.wait))
        if args.command == "check-config":
            if problems := Templates().check():
                raise TemplateProblem("\n".join(problems))
            print(f"{args.config}: OK, and every template renders and passes the lint")
            return 0
        try:
            pretend_time = parse_time(args.pretend_time, "--pretend-time") if args.pretend_time else None
        except ValueError as error:
            raise ConfigError(str(error)) from None
        _run(config, args.db, pretend_time)
        return 0
    except (ConfigError, TemplateProblem, StoreError) as error:
        print(f"bot.py: {error}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
