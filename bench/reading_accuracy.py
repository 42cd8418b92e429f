"""How well the bot reads members, measured on the traffic it will see (issue #21):

    python bench/reading_accuracy.py [--held-out [ROUND]]

Without --held-out: the development figures, on the frozen split of the everyday messages and the complaint data
(never trained on; the gate for retrained models reads them, so they are not unseen in the strict sense).
With --held-out: a round of held-out sets (handlers/everyday.py HELD_OUT_ROUNDS; the latest by default), written by
people who had read no rule, model or earlier set. Run each round once, on the version it was written for, and
write the figures in the README;
their messages are never printed, only counted: reading them would be tuning on them by eye.

Printed for each set:
- everyday messages (chat and questions to the shop): how many got a public complaint apology (goal: at most 1 in
  500), and how many made the bot ask the owner "可能是投诉";
- complaints reaching the owner (acknowledged in public, or asked): precision and recall (goal on the realistic mix,
  about 2 complaints and 1 advert in 100 messages: 0.90 / 0.95), and of the public ones, precision (goal 0.98);
- questions to the shop that reach the owner (goal at least 0.90) and chat between members taken for a question
  (goal at most 0.10), and of each those told in the group itself off hours (the question model sure), as the bot
  reads a group message: one that @-mentions members and not the shop is for them (handlers/addressing.py);
- complaints labelled by reason (data/reasons/): how often the reason named agrees with the reader's, against the
  rules alone;
then the time one message costs each detector (p50 and p99; goal p99 under 0.3 ms), and the models' time at a
first start (trained) and at a later one (read where they were kept; goal under 2 s together).

With --held-out, the owner's second half-week too: the round's days are a week of one shop's groups, and an owner
answers what reaches them. The first four days' messages that reached the owner are answered as the owner would
(a doubt confirmed, or dismissed or let pass: the same to the bot; a public apology to chat withdrawn), the model
retrained with those answers
through the nightly gate, and the last three days read by the model in use and by the retrained one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TRAFFIC = Path(__file__).resolve().parent.parent / "data" / "traffic"
MIX_COMPLAINTS = 2  # in 100 messages: a realistic day (issue #21)

from bench import add_held_out_option  # noqa: E402


def timed_training() -> dict[str, dict[str, float]]:
    """Seconds each detector takes at a first start (trained; scikit-learn's import counted in the first) and at
    every later one (its kept model read, core/learning.py)."""
    from core import learning
    from handlers import complaint_detection, complaint_reasons, shop_questions, spam

    learners = {"complaints": complaint_detection.LEARNER, "adverts": spam.LEARNER, "questions": shop_questions.LEARNER,
                "complaint reasons": complaint_reasons.LEARNER}
    seconds: dict[str, dict[str, float]] = {"first start": {}, "later start": {}}
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop(learning.MODEL_CACHE, None)
        learning.keep_models(Path(folder), None)
        for start, figures in seconds.items():
            for name, learner in learners.items():
                learner.forget()
                started = time.perf_counter()
                learner.base()
                figures[name] = time.perf_counter() - started
        learning.keep_models(None, None)
    return seconds


def reasons(labelled: list[tuple[str, str]]) -> str:
    """How often the reason named agrees with the reader's, for the models and for the rules alone."""
    from handlers import complaint_detection

    named = [complaint_detection.reason_of(text) for text, _ in labelled]
    by_rules = [complaint_detection.RULES.classify(text) or complaint_detection.OTHER_REASON for text, _ in labelled]
    agree = [sum(one == reason for one, (_, reason) in zip(found, labelled)) for found in (named, by_rules)]
    return (f"complaint reasons ({len(labelled)} complaints labelled by a reader): the reader's reason "
            f"{share(agree[0], len(labelled))}, 其他 {share(named.count('其他'), len(labelled))}; the rules alone "
            f"{share(agree[1], len(labelled))}, 其他 {share(by_rules.count('其他'), len(labelled))}")


def reasons_labelled(round_number: int | None) -> list[tuple[str, str]]:
    """The complaints labelled by reason: of a held-out round, or the frozen split of the development ones."""
    from handlers import complaint_reasons, everyday

    if round_number:
        path = complaint_reasons.round_file(round_number)
        return list(complaint_reasons.labelled(path)) if path.exists() else []
    return [(text, reason) for text, reason in complaint_reasons.development() if everyday.split_of(text) == "frozen"]


def mix_precision(recall: float, false_rate: float) -> float:
    """The precision on a day of MIX_COMPLAINTS complaints in 100 messages, from the recall on complaints and the
    share of other messages taken for one: a set with more complaints than a day has flatters precision."""
    found = recall * MIX_COMPLAINTS
    return found / (found + false_rate * (100 - MIX_COMPLAINTS)) if found else 0.0


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.3f})" if whole else "-"


def figures(rows: list[dict]) -> list[str]:
    from core.learning import mentioned
    from handlers.addressing import calls_the_shop, for_members_only
    from handlers.complaint_detection import read, worth_a_second_opinion
    from handlers.shop_questions import is_shop_question, is_surely_a_shop_question

    def to_members(text: str) -> bool:  # the names a week's members @-mention are theirs
        return for_members_only(mentioned(text), lambda name: True)

    def asks(text: str) -> bool:  # as the bot reads a group message: not one for the members it @-mentions
        return (is_shop_question(text) or calls_the_shop(text)) and not to_members(text)

    def surely_asks(text: str) -> bool:
        return is_surely_a_shop_question(text) and not to_members(text)

    readings = [read(row["text"]) for row in rows]
    verdicts = [v if v.band else None for v in readings]
    only_second = [row["kind"] for row, v in zip(rows, readings) if worth_a_second_opinion(v, row["text"])]
    everyday = [(row, v) for row, v in zip(rows, verdicts) if row["kind"] in ("chat", "question")]
    complaints = sum(row["kind"] == "complaint" for row in rows)
    reached = [(row, v) for row, v in zip(rows, verdicts) if v is not None]
    public = [(row, v) for row, v in reached if v.band == "sure"]
    lines = [
        f"  everyday messages: public apologies {share(sum(v is not None and v.band == 'sure' for _, v in everyday), len(everyday))},"
        f" owner asked {share(sum(v is not None and v.band == 'doubt' for _, v in everyday), len(everyday))}",
    ]
    if complaints:
        hits = sum(row["kind"] == "complaint" for row, _ in reached)
        public_hits = sum(row["kind"] == "complaint" for row, _ in public)
        lines.append(f"  complaints reaching the owner: precision {share(hits, len(reached))}, recall {share(hits, complaints)};"
                     f" in public: precision {share(public_hits, len(public))}, recall {share(public_hits, complaints)}")
        lines.append(f"  on the issue's mix of {MIX_COMPLAINTS} complaints in 100 messages: precision "
                     f"{mix_precision(hits / complaints, (len(reached) - hits) / (len(rows) - complaints)):.3f}")
        lines.append(f"  under the doubtful band, asked of a second opinion alone when there is one: everyday messages "
                     f"{share(sum(kind in ('chat', 'question') for kind in only_second), len(everyday))},"
                     f" complaints {share(only_second.count('complaint'), complaints)}")
    questions = [row for row in rows if row["kind"] == "question"]
    chat = [row for row in rows if row["kind"] == "chat"]
    if questions:
        reached = sum(asks(r["text"]) for r in questions)
        lines.append(f"  questions to the shop reaching the owner {share(reached, len(questions))},"
                     f" chat taken for a question {share(sum(asks(r['text']) for r in chat), len(chat))}")
        lines.append(f"  off hours, told in the group when service opens: questions "
                     f"{share(sum(surely_asks(r['text']) for r in questions), len(questions))},"
                     f" chat {share(sum(surely_asks(r['text']) for r in chat), len(chat))}")
    return lines


def owner_answered(rows: list[dict]) -> list[str]:
    """The last three sevenths of `rows` (a week in order) read by the model in use, and by the one retrained with
    the owner's answer to each of the first four sevenths' messages that reached them, as the bot trains at 04:30.
    The owner answers only what reached them: a complaint the bot missed stays missed."""
    from core.learning import Example
    from handlers import complaint_detection

    first, later = rows[:len(rows) * 4 // 7], rows[len(rows) * 4 // 7:]
    reached = [(row, band) for row in first if (band := complaint_detection.read(row["text"]).band)]
    answers = [Example(row["text"], row["kind"] == "complaint") for row, band in reached
               if band == "doubt" or row["kind"] != "complaint"]
    learner = complaint_detection.LEARNER
    retrained = learner.trained_with(answers)
    taken = complaint_detection.not_worse(retrained, learner.base())
    lines = [f"the owner's answers to the first {len(first)} messages' {len(reached)} that reached them: "
             f"{sum(not e.label for e in answers)} not a complaint, {sum(e.label for e in answers)} confirmed; "
             f"retrained with them, {'taken' if taken else 'refused'} by the gate; the last {len(later)} messages:",
             "  read by the model in use", *figures(later)]
    learner.model = retrained  # as if taken, to show what it reads either way
    try:
        lines += ["  read by the model retrained with the owner's answers", *figures(later)]
    finally:
        learner.reset()
    return lines


def development_rows() -> dict[str, list[dict]]:
    from handlers import complaint_detection, everyday

    frozen = complaint_detection._task().frozen()
    return {
        "everyday, frozen split": everyday.messages("frozen"),
        "complaint data, frozen split": [{"text": e.text, "kind": "complaint" if e.label else "chat"}
                                         for e in frozen if e.category != "everyday"],
    }


def held_out_rows(round_number: int) -> dict[str, list[dict]]:
    """The round's sets that hold complaints or questions, and the realistic days together as one mix."""
    from handlers.everyday import held_out_files, rows

    sets = {name: list(rows(TRAFFIC / name)) for name in held_out_files(round_number) if "adverts" not in name}
    days = [row for name, found in sets.items() if "day" in name for row in found]
    if len(days) > max(map(len, sets.values())):
        sets["realistic mix (the days together)"] = days
    return sets


def timings() -> list[str]:
    from handlers.complaint_detection import detect
    from handlers.everyday import messages
    from handlers.shop_questions import is_shop_question

    texts = [row["text"] for row in messages("frozen")] * 5
    lines = []
    for name, judge in (("complaint detect()", detect), ("is_shop_question()", is_shop_question)):
        costs = []
        for text in texts:
            started = time.perf_counter()
            judge(text)
            costs.append((time.perf_counter() - started) * 1000)
        p99 = statistics.quantiles(costs, n=100)[98]
        lines.append(f"  {name}: p50 {statistics.median(costs):.3f} ms, p99 {p99:.3f} ms")
    for name, text in (("100,000 × 碎了", "碎了" * 50_000), ("100,000 × 1", "1" * 100_000)):
        started = time.perf_counter()
        detect(text), is_shop_question(text)
        lines.append(f"  {name}: {(time.perf_counter() - started) * 1000:.2f} ms for both")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_held_out_option(parser)
    args = parser.parse_args()
    for start, trained in timed_training().items():
        print(f"models at a {start}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in trained.items())
              + f"; together {sum(trained.values()):.2f} s (goal: under 2 s)")
    sets = held_out_rows(args.held_out) if args.held_out else development_rows()
    for name, rows in sets.items():
        print(f"{name} ({len(rows)} messages)")
        print("\n".join(figures(rows)))
    if args.held_out:
        days = max((rows for name, rows in sets.items() if "days" in name), key=len, default=[])
        print("\n".join(owner_answered(days)) if days else "no week of days in this round")
    if labelled := reasons_labelled(args.held_out):
        print(reasons(labelled))
    print("time one message costs")
    print("\n".join(timings()))


if __name__ == "__main__":
    main()
