"""Complaints as three readers label them, and the bot measured against their majority (issue #21):

    .venv/bin/python bench/readers.py ROUND

A held-out round's labels are its writer's alone. For the rounds of data/readers/ two more readers, blind as the
writer was, read the same week in order (that folder's README says how): a second labelled every message, and a
third decided, in the week's context, each message the writer and the second disagreed on (complaint or not),
mixed with messages they agreed on as a check. A message is a complaint when two of the three say so.

Printed: how far the readers agree; each of the first two taken as a detector and measured against the majority,
as the bot is; and the bot, read by models trained on the rounds before ROUND alone (as when the round was run, the
code as it is now), against the writer's labels and against the majority. The messages are counted, never printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reading_accuracy import figures, mix_precision, share  # noqa: E402
from core.learning import json_lines  # noqa: E402
from handlers import everyday  # noqa: E402

READERS = ROOT / "data" / "readers"
COMPLAINT, EVERYDAY = "complaint", ("chat", "question")


def rounds_read() -> list[int]:
    return sorted(int(path.name.removeprefix("round").removesuffix("_second.jsonl"))
                  for path in READERS.glob("round*_second.jsonl"))


def labels(round_number: int) -> tuple[list[dict], list[str], dict[str, bool]]:
    """The round's messages as its writer labelled them, the second reader's kind of each, and the third reader's
    word (complaint or not) on the messages put to them. ValueError when the files do not line up."""
    week = [row for name in everyday.HELD_OUT_ROUNDS[round_number] for row in everyday.rows(everyday.DATA / name)]
    second = json_lines(READERS / f"round{round_number}_second.jsonl", lambda row: (row["text"], row["kind"]),
                        "a labelled message")
    third = dict(json_lines(READERS / f"round{round_number}_third.jsonl", lambda row: (row["text"], row["complaint"]),
                            "a decided message"))
    if [text for text, _ in second] != [row["text"] for row in week]:
        raise ValueError(f"round {round_number}: the second reader's messages are not the week's, in its order")
    return week, [kind for _, kind in second], third


def majority(week: list[dict], second: list[str], third: dict[str, bool]) -> list[dict]:
    """The week with each message's kind as two readers of three have it: a complaint when the writer and the
    second agree it is one, or the third says so where they disagree; else the writer's kind (the second's when
    only the writer called it a complaint)."""
    voted = []
    for row, kind in zip(week, second):
        writer_says, second_says = row["kind"] == COMPLAINT, kind == COMPLAINT
        if writer_says != second_says and row["text"] not in third:
            raise ValueError("a message the writer and the second reader disagree on has no third word: "
                             f"{row['text'][:10]}…")
        complaint = writer_says if writer_says == second_says else third[row["text"]]
        voted.append({**row, "kind": COMPLAINT if complaint else (kind if writer_says else row["kind"])})
    return voted


def agreement(week: list[dict], second: list[str], third: dict[str, bool]) -> list[str]:
    writer = [row["kind"] == COMPLAINT for row in week]
    seconds = [kind == COMPLAINT for kind in second]
    disputed = [(w, row["text"]) for w, s, row in zip(writer, seconds, week) if w != s]
    agreed = [(w, row["text"]) for w, s, row in zip(writer, seconds, week) if w == s and row["text"] in third]

    def third_says(pairs: list[tuple[bool, str]], writer_said: bool) -> str:
        put = [text for w, text in pairs if w == writer_said]
        return f"{sum(third[text] for text in put)} of {len(put)}"

    return [
        f"  complaints: the writer's {sum(writer)}, the second reader's {sum(seconds)},"
        f" both {sum(w and s for w, s in zip(writer, seconds))}",
        f"  disputed {len(disputed)}: the third reader called complaints {third_says(disputed, True)} of the writer's"
        f" alone and {third_says(disputed, False)} of the second's alone",
        f"  the third reader on messages the two agreed on: complaints {third_says(agreed, True)},"
        f" other messages {third_says(agreed, False)}",
    ]


def as_a_detector(name: str, says: list[bool], voted: list[dict]) -> str:
    """A reader's complaints measured against the majority as the bot's are: precision, recall, the everyday
    messages taken for one, and the precision on a day of 2 complaints in 100."""
    complaints = [row["kind"] == COMPLAINT for row in voted]
    ordinary = [row["kind"] in EVERYDAY for row in voted]
    hits = sum(s and c for s, c in zip(says, complaints))
    flagged = sum(s and (c or o) for s, c, o in zip(says, complaints, ordinary))
    taken = sum(s and o for s, o in zip(says, ordinary))
    recall, false_rate = hits / sum(complaints), taken / sum(ordinary)
    return (f"  {name} as a detector: precision {share(hits, flagged)}, recall {share(hits, sum(complaints))},"
            f" everyday messages taken for a complaint {share(taken, sum(ordinary))}; on a day of 2 complaints in 100:"
            f" precision {mix_precision(recall, false_rate):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round", type=int, choices=rounds_read(), help="a round the second and third readers read")
    round_number = parser.parse_args().round
    # The models of the round's run: trained on the rounds before it alone (read at training, not at import)
    everyday.SPENT_ROUNDS = tuple(spent for spent in everyday.SPENT_ROUNDS if spent < round_number)
    import features

    features.load()
    week, second, third = labels(round_number)
    voted = majority(week, second, third)
    print(f"round {round_number}: {len(week)} messages, read by three readers")
    print("\n".join(agreement(week, second, third)))
    print(f"the majority of three: {sum(row['kind'] == COMPLAINT for row in voted)} complaints")
    print(as_a_detector("the writer", [row["kind"] == COMPLAINT for row in week], voted))
    print(as_a_detector("the second reader", [kind == COMPLAINT for kind in second], voted))
    print(f"the bot, models trained on rounds 1 to {round_number - 1}: against the writer's labels")
    print("\n".join(figures(week)))
    print("  against the majority of three")
    print("\n".join(figures(voted)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
