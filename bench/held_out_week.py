"""A held-out round's week as the bot lives it, through `bot.py replay` (the public interface), for a round whose
writer gave each message its sender (`member`). `bench/reading_accuracy.py --held-out N` judges each message
alone; here the bot also knows who wrote what: a member's follow-ups go to their open complaint rather than open
another, a member's doubtful messages within the hour are one question to the owner, and the owner, who answers
nothing, lets every doubt pass, so that from the night three days after the first ones the model learns from that
silence (handlers/complaints.py `SILENCE_MEANS_NO`).

    .venv/bin/python bench/held_out_week.py N        (or --file WEEK.jsonl, or --readers N: see bench/readers.py)

The week: each shop's messages (members a… and b…) spread evenly over Monday 2026-11-23 to Sunday, 09:30 to 20:30,
in the order written, in the config's two groups; a newcomer joins an hour before their first message; the bot runs
on to the next Monday's close (the weekend's questions listed at opening, its possible adverts summarised). Printed:
what reached the owner (public apologies, questions "可能是投诉", nudges, advert alerts and summaries), which
messages they were, and how often the owner was asked in the first four days and in the last three.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import readers  # noqa: E402
from bench.reading_accuracy import share  # noqa: E402
from handlers.everyday import DATA, held_out_files, rows  # noqa: E402

OWNER, BOT = "wxid_owner", "wxid_bot"
ROOMS = {"a": ("a@chatroom", "普通会员群"), "b": ("b@chatroom", "VIP福利群")}
MONDAY = dt.datetime(2026, 11, 23, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAY_FROM, DAY_MINUTES = dt.timedelta(hours=9, minutes=30), 11 * 60
EVERYDAY = ("chat", "question")
LAST_DAYS_FROM = 4  # Friday on: what the owner's silence on the first days' doubts has taught
WEEK_SEEN_TO = dt.timedelta(days=7, hours=19)  # from the first Monday: the next one's close (see the top)


def week(messages: list[dict]) -> list[dict]:
    """The messages with their times: each shop's spread evenly over the week's days, in the order written."""
    timed = []
    for shop in ROOMS:
        theirs = [row for row in messages if row["member"].startswith(shop)]
        for i, row in enumerate(theirs):
            day, place = divmod(i * 7, len(theirs))
            minute = place * DAY_MINUTES // len(theirs)
            timed.append({**row, "at": MONDAY + dt.timedelta(days=day) + DAY_FROM + dt.timedelta(minutes=minute, seconds=i % 60)})
    return sorted(timed, key=lambda row: row["at"])


def script(timed: list[dict]) -> list[dict]:
    """The replay's events: the bot's login, the members, the two groups, newcomers joining, the messages."""
    start = MONDAY + dt.timedelta(hours=8)
    members = sorted({row["member"] for row in timed})
    newcomers = {}
    for row in timed:
        if row["newcomer"]:
            newcomers.setdefault(row["member"], max(start, row["at"] - dt.timedelta(hours=1)))
    events = [{"at": start, "type": "login", "id": BOT, "name": "小店助手"}]
    events += [{"at": start, "type": "contact", "id": f"wxid_{m}", "name": m} for m in members]
    events += [{"at": start, "type": "room", "id": room, "topic": topic,
                "members": [f"wxid_{m}" for m in members if m.startswith(shop) and m not in newcomers]}
               for shop, (room, topic) in ROOMS.items()]
    events += [{"at": at, "type": "join", "room": ROOMS[m[0]][0], "contact": f"wxid_{m}"} for m, at in newcomers.items()]
    events += [{"at": row["at"], "type": "message", "from": f"wxid_{row['member']}", "room": ROOMS[row["member"][0]][0],
                "text": row["text"]} for row in timed]
    events.sort(key=lambda event: event["at"])
    return [{**event, "at": event["at"].isoformat()} for event in events]


def replayed(events: list[dict], until: dt.datetime, trained_before: int | None = None) -> list[dict]:
    """What `bot.py replay` sends for these events; with `trained_before`, its models trained on the held-out rounds
    before that one alone, as when that round was run."""
    bot = [str(ROOT / "bot.py")] if trained_before is None else ["-c", (
        "import sys; from handlers import everyday; import bot; everyday.SPENT_ROUNDS = tuple(r for r in "
        f"everyday.SPENT_ROUNDS if r < {int(trained_before)}); sys.exit(bot.main())")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "week.jsonl"
        path.write_text("".join(json.dumps(event, ensure_ascii=False) + "\n" for event in events), encoding="utf-8")
        done = subprocess.run([sys.executable, *bot, "replay", str(path), "--owner", OWNER, "--until", until.isoformat()],
                              capture_output=True, text=True, cwd=ROOT, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def source(sent: dict, timed: list[dict]) -> dict | None:
    """The member's message an alert, a question or a nudge quotes: "…：{who}在「{group}」…“{text}”…", the text
    cut short."""
    who, line = _quoting(sent)
    return _quoted(who, line, dt.datetime.fromisoformat(sent["at"]), timed)


def shown_before(sent: dict, timed: list[dict]) -> list[dict]:
    """The member's lines an alert or a question shows under its quote as written just before it ("（之前：“…”、“…”）")."""
    who, _ = _quoting(sent)
    at = dt.datetime.fromisoformat(sent["at"])
    lines = [line for line in sent["text"].splitlines() if line.startswith("（之前：")]
    return [row for line in lines for piece in re.findall("“[^”]*”", line)
            if (row := _quoted(who, piece, at, timed)) is not None]


def _quoting(sent: dict) -> tuple[str, str]:
    """Whom a message to the owner quotes, and its first line from the name on: "…：{who}在「{group}」…"."""
    line = sent["text"].splitlines()[0].split("：", 1)[1]
    return line.split("在「", 1)[0], line


def _quoted(who: str, line: str, at: dt.datetime, timed: list[dict]) -> dict | None:
    """The latest message of `who` by `at` that begins with what `line` quotes (“…”, cut short)."""
    quoted = line.split("“", 1)[1].rsplit("”", 1)[0].removesuffix("...").removesuffix("…")
    candidates = [row for row in timed if row["member"] == who and row["at"] <= at and row["text"].startswith(quoted)]
    return candidates[-1] if candidates else None


def _listed(sent: dict, timed: list[dict]) -> list[dict | None]:
    """The members' messages a numbered list quotes, a line each ("1. {who}在「{group}」…“{text}”")."""
    at = dt.datetime.fromisoformat(sent["at"])
    return [_quoted(line.split(". ", 1)[1].split("在「", 1)[0], line, at, timed)
            for line in sent["text"].splitlines() if line[:1].isdigit() and "“" in line]


def waiting(sent: list[dict], timed: list[dict]) -> list[dict]:
    """The members' messages the owner was told wait for an answer: a nudge's in working hours, a member's asking
    again ("{who}又在「{group}」问了…：“{text}”"), each line of the list at opening of what waited overnight
    ("1. {who}在「{group}」…问：“{text}”"), and what the same member wrote in between, which the owner finds under
    it."""
    told = []
    for m in (m for m in sent if m["to"] == OWNER):
        at = dt.datetime.fromisoformat(m["at"])
        if m["kind"] == "response_nudge":
            told.append((source(m, timed), at))
        elif m["kind"] == "response_chased":
            told.append((_quoted(m["text"].split("又", 1)[0], m["text"], at, timed), at))
        elif m["kind"] == "night_questions":
            told += [(row, at) for row in _listed(m, timed)]
    return [row for first, at in told if first for row in timed
            if row["member"] == first["member"] and first["at"] <= row["at"] <= at]


def _after_one_heard(row: dict, reached: dict[str, list]) -> bool:
    """Whether a member's message came after one of theirs that opened a complaint (the owner, answering nothing,
    leaves it open: the bot gathers what they say next into it) or that the owner was asked about within the hour."""
    return any(found and found["member"] == row["member"] and found["at"] <= row["at"]
               and (kind == "complaint_alert" or row["at"] - found["at"] <= dt.timedelta(hours=1))
               for kind, pairs in reached.items() for _, found in pairs)


def advert_alerts(sent: list[dict]) -> list[dict]:
    """The owner's alerts about a member's advert ("广告提醒：{who}在「{group}」发了：“{text}”")."""
    return [m for m in sent if m["to"] == OWNER and m["kind"] == "spam_alert" and m["text"].startswith("广告提醒：")]


def adverts_told(sent: list[dict], timed: list[dict]) -> tuple[list[dict], list[dict]]:
    """The members' messages the owner was alerted about and those listed in a day's summary of possible adverts
    ("1. {who}在「{group}」：“{text}”")."""
    alerted = [source(m, timed) for m in advert_alerts(sent)]
    listed = [row for m in sent if m["to"] == OWNER and m["kind"] == "spam_alert"
              and m["text"].startswith("今天可能的广告") for row in _listed(m, timed)]
    return [row for row in alerted if row], [row for row in listed if row]


def print_adverts(sent: list[dict], timed: list[dict]) -> None:
    """Which adverts the owner heard of: alerted, listed in the day's summary, shown as written just before an
    alert's line ("（之前：…）": a pitch told over a thread), or written within the hour after one of the member's
    that was (the owner hears of a member in a group once an hour: those lines are under it)."""
    alerted, listed = adverts_told(sent, timed)
    alerted_ids, listed_ids = {id(row) for row in alerted}, {id(row) for row in listed}
    told = alerted_ids | listed_ids
    adverts = [row for row in timed if row["kind"] == "advert"]
    shown = {id(row) for m in advert_alerts(sent) for row in shown_before(m, timed)} - told
    after_one = [row for row in adverts if id(row) not in told | shown and any(
        first["member"] == row["member"] and dt.timedelta(0) <= row["at"] - first["at"] <= dt.timedelta(hours=1)
        for first in alerted + listed)]
    heard = told | shown | {id(row) for row in after_one}
    unheard = [row for row in adverts if id(row) not in heard]
    print(f"  adverts the owner heard of: {sum(id(r) in alerted_ids for r in adverts)} alerted, "
          f"{sum(id(r) in listed_ids for r in adverts)} in a day's summary, {sum(id(r) in shown for r in adverts)} "
          f"shown as written just before an alert's, {len(after_one)} more by a member told of within the hour "
          f"before; {len(unheard)} not")
    for row in unheard:
        print(f"    not heard ({'newcomer' if row['newcomer'] else 'member'}): {row['text'][:60]}")
    for row in alerted + listed:
        if row["kind"] != "advert":
            print(f"    {'alerted' if id(row) in alerted_ids else 'in a summary'}: {row['kind']}: {row['text'][:60]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("round", type=int, nargs="?", help="a held-out round not run yet")
    parser.add_argument("--file", type=Path, help="or any week of labelled messages with their senders")
    parser.add_argument("--readers", type=int, choices=readers.rounds_read(), metavar="ROUND",
                        help="or a round read again by two more readers (data/readers/), labelled by the majority of "
                             "three, the bot trained on the rounds before it")
    args = parser.parse_args()
    number = args.round or args.file or args.readers
    if args.readers:
        messages = readers.majority(*readers.labels(args.readers))
    else:
        messages = list(rows(args.file.resolve())) if args.file else [
            row for name in held_out_files(args.round) for row in rows(DATA / name)]
    if not all("member" in row for row in messages):
        print(f"round {number} does not say who wrote each message: nothing to replay")
        return 2
    timed = week(messages)
    sent = replayed(script(timed), MONDAY + WEEK_SEEN_TO, trained_before=args.readers)
    reached = {kind: [(m, source(m, timed)) for m in sent if m["kind"] == kind and m["to"] == OWNER]
               for kind in ("complaint_alert", "complaint_doubt")}
    everyday = [row for row in timed if row["kind"] in EVERYDAY]
    complaints = [row for row in timed if row["kind"] == "complaint"]
    print(f"round {number}, a week through bot.py replay: {len(timed)} messages, {len(everyday)} everyday, "
          f"{len(complaints)} complaints; the owner answers nothing")
    unmatched = sum(found is None for pairs in reached.values() for _, found in pairs)
    for kind, pairs in reached.items():
        kinds = Counter(found["kind"] if found else "?" for _, found in pairs)
        print(f"  {kind}: {len(pairs)} ({', '.join(f'{k} {n}' for k, n in kinds.most_common())})")
    heard = {id(found) for pairs in reached.values() for _, found in pairs if found}
    quoted = sum(id(row) in heard for row in complaints)
    heard |= {id(row) for pairs in reached.values() for m, _ in pairs for row in shown_before(m, timed)}
    before = sum(id(row) in heard for row in complaints) - quoted
    followed = [row for row in complaints if id(row) not in heard and _after_one_heard(row, reached)]
    told_waiting = {id(row) for row in waiting(sent, timed)}
    unheard = [row for row in complaints if id(row) not in heard and not any(row is f for f in followed)]
    as_questions = [row for row in unheard if id(row) in told_waiting]
    print(f"  complaint messages the owner heard of: {quoted} quoted, {before} shown as written just before one, "
          f"{len(followed)} more by a member whose complaint "
          f"was open or who had been asked about within the hour; {len(as_questions)} more only as a question waiting "
          f"for an answer (a nudge, or the list at opening); {len(unheard) - len(as_questions)} not")
    for row in unheard:
        print(f"    {'waiting' if id(row) in told_waiting else 'not heard'}: {row['text'][:60]}")
    for label, days in (("Monday to Thursday", range(0, LAST_DAYS_FROM)), ("Friday to Sunday", range(LAST_DAYS_FROM, 7))):
        theirs = [row for row in everyday if (row["at"] - MONDAY).days in days]
        ids = {id(row) for row in theirs}
        asked = sum(found is not None and id(found) in ids for _, found in reached["complaint_doubt"])
        apologised = sum(found is not None and id(found) in ids for _, found in reached["complaint_alert"])
        print(f"  {label}: everyday messages apologised to in public {share(apologised, len(theirs))}, "
              f"asked about {share(asked, len(theirs))}")
    for kind, pairs in reached.items():
        for m, found in pairs:
            if found is None or found["kind"] != "complaint":
                print(f"    {kind}: {found['kind'] if found else '?'}: {(found or m)['text'][:60]}")
    if unmatched:
        print(f"  ({unmatched} messages to the owner whose source was not found)")
    print_adverts(sent, timed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
