"""How far a careful reader of one message at a time gets, against what the complaint model gets (issue #21):

    python bench/second_reader.py

data/second_reader/labels.jsonl holds 891 messages of the development data read again, blind, by a second reader
who saw neither the writers' labels nor the rules nor the model (data/second_reader/README.md): a random sample of
everyday messages and of complaints, and a sample of the everyday messages the model took for complaints most
surely, each of those scored by a model that had not trained on its writer. Printed:
- how often the second reader agrees with the writers: the everyday messages it would bring to the owner as a
  complaint, and the complaints it would find; on a day of 2 complaints in 100 messages, the precision a reader
  that good would have (the issue's goal is 0.90 at recall 0.95);
- of the model's worst false alarms, the share the second reader calls a complaint: were they wrong labels, or
  the model's mistakes? Multiplying the everyday messages the bot asks the owner about by it estimates what an
  equally good second opinion on the doubtful band ([second_opinion] in config.toml) would leave.

data/second_reader/rounds_13_14.jsonl holds every message of held-out rounds 13 and 14 that the complaint model
put in a band (each round scored by a model that had not seen it), and for the doubtful band and the one under it
another blind reader's answer to the second opinion's own question. Printed, for each round: what reaches the
owner with no second opinion, with one asked about the doubtful band, and with one asked about both.
data/second_reader/adverts_13_14.jsonl is the same for the advert detector (a doubtful advert reaches the owner in
the day's summary; one the second opinion calls an advert is alerted).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reading_accuracy import MIX_COMPLAINTS, TRAFFIC, share  # noqa: E402

LABELS = ROOT / "data" / "second_reader" / "labels.jsonl"
ROUNDS = ROOT / "data" / "second_reader" / "rounds_13_14.jsonl"
ADVERTS = ROOT / "data" / "second_reader" / "adverts_13_14.jsonl"


def rows(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    found = rows()
    by_sample: dict[str, list[dict]] = {}
    for row in found:
        by_sample.setdefault(row["sample"], []).append(row)
    for sample, group in sorted(by_sample.items()):
        called = Counter(row["second_reader"] for row in group)
        unsure = sum(not row["sure"] for row in group)
        print(f"{sample}: {len(group)} messages; the second reader says {dict(called)}; not sure of {unsure}")
    everyday = [r for r in by_sample.get("random_everyday", []) if r["kind"] in ("chat", "question")]
    complaints = [r for r in by_sample.get("random_complaint", []) if r["kind"] == "complaint"]
    false_alarms = sum(r["second_reader"] == "complaint" for r in everyday)
    found_complaints = sum(r["second_reader"] == "complaint" for r in complaints)
    print(f"everyday messages the second reader takes for a complaint: {share(false_alarms, len(everyday))}")
    print(f"complaints the second reader finds: {share(found_complaints, len(complaints))}")
    if everyday and complaints:
        recall, alarms = found_complaints / len(complaints), false_alarms / len(everyday)
        hits, wrong = MIX_COMPLAINTS * recall, (100 - MIX_COMPLAINTS) * alarms
        print(f"  a reader that good, on a day of {MIX_COMPLAINTS} complaints in 100 messages: precision "
              f"{hits / (hits + wrong):.2f} at recall {recall:.2f} (goal 0.90 / 0.95)")
    worst = by_sample.get("top_everyday", [])
    kept = sum(r["second_reader"] == "complaint" for r in worst)
    print(f"the model's surest false alarms the second reader calls a complaint: {share(kept, len(worst))}")
    as_second_opinion()


def as_second_opinion() -> None:
    for path, kind, others in ((ROUNDS, "complaint", ("chat", "question")),
                               (ADVERTS, "advert", ("chat", "question", "complaint"))):
        for round_number in (13, 14):
            banded = [row for row in rows(path) if row["round"] == round_number]
            traffic = rows(TRAFFIC / f"holdout{round_number}_days.jsonl")
            wanted, unwanted = sum(r["kind"] == kind for r in traffic), sum(r["kind"] in others for r in traffic)
            print(f"round {round_number}, {kind}s reaching the owner:")
            for name, asked in (("the bot alone", ()), ("second opinion on the doubtful band", ("doubt",)),
                                ("... and on the band under it", ("doubt", "consult"))):
                reach = [r for r in banded if r["band"] == "sure" or (r["band"] == "doubt" and "doubt" not in asked)
                         or (r["band"] in asked and r["second_reader"] == kind)]
                hits = sum(r["kind"] == kind for r in reach)
                wrong = sum(r["kind"] in others for r in reach)
                line = f"  {name}: {share(hits, wanted)}, other messages {share(wrong, unwanted)}"
                if kind == "complaint":
                    found, alarms = MIX_COMPLAINTS * hits / wanted, (100 - MIX_COMPLAINTS) * wrong / unwanted
                    line += f"; on a day of {MIX_COMPLAINTS} complaints in 100, precision {found / (found + alarms):.2f}"
                print(f"{line}; questions to the service {sum(r['band'] in asked for r in banded)}")


if __name__ == "__main__":
    main()
