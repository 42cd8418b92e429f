"""Where the advert alert band should lie, measured on writers the model has not seen:

    python bench/advert_bands.py

The alert band is chosen on the validation split for a precision (handlers/advert_model.py ALERT_PRECISION). The
validation split holds the same writers as the training split, so this leaves out, in turn, each writer of
data/traffic/ with established members' adverts, trains and chooses the band without them as the bot does, and
prints the alerts' precision and recall on that writer's messages for several precisions asked on validation, then
pooled over the writers. Goal on unseen data: precision at least 0.95 and recall at least 0.90.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import learning  # noqa: E402
from core.learning import Example, threshold_for_precision  # noqa: E402
from handlers import advert_model, everyday  # noqa: E402

ASKED = (0.97, 0.95, 0.93, 0.90)  # precisions asked on validation
AT_LEAST = 10  # established members' adverts a writer must have to be left out


def examples(split: str) -> list[Example]:
    """The advert task's examples of a split, each with its writer (the labelled CSV files are one writer)."""
    labelled = [Example(e.text, e.label, e.category, "fixtures") for e in advert_model.split(advert_model.labelled(), split)]
    rows = everyday.messages(split, (*everyday.EVERYDAY_KINDS, "complaint", "advert"))
    traffic = advert_model.traffic_examples(split)
    return labelled + [Example(e.text, e.label, e.category, row["writer"]) for e, row in zip(traffic, rows)]


def main() -> None:
    train, validation = examples("train"), examples("validation")
    established = {}
    for e in train + validation:
        if e.label and not e.text.startswith(advert_model.NEWCOMER):
            established[e.writer] = established.get(e.writer, 0) + 1
    writers = sorted(w for w, count in established.items() if count >= AT_LEAST and w != "fixtures")
    pooled = {asked: [0] * 6 for asked in ASKED}
    everyday_messages = 0
    for writer in writers:
        fitted_on = [e for e in train if e.writer != writer]
        judged = [e for e in validation if e.writer != writer]
        theirs = [e for e in train + validation if e.writer == writer]
        everyday_messages += sum(e.category == "everyday" for e in theirs)
        counted = learning.Counted.of([advert_model.prepare(learning.bounded(e.text)) for e in fitted_on])
        fitted = counted.fit(range(len(counted)), [e.label for e in fitted_on], advert_model.REGULARISATION)
        on_validation = fitted.probabilities(counted.transform([advert_model.prepare(learning.bounded(e.text))
                                                                for e in judged]))
        on_theirs = fitted.probabilities(counted.transform([advert_model.prepare(learning.bounded(e.text))
                                                            for e in theirs]))
        line = [writer]
        for asked in ASKED:
            sure = threshold_for_precision(on_validation, [e.label for e in judged], asked)
            alerted = [p > sure for p in on_theirs]
            counts = [sum(a and e.label for a, e in zip(alerted, theirs)), sum(alerted), sum(e.label for e in theirs),
                      sum(a and e.label and not e.text.startswith(advert_model.NEWCOMER) for a, e in zip(alerted, theirs)),
                      sum(e.label and not e.text.startswith(advert_model.NEWCOMER) for e in theirs),
                      sum(a and e.category == "everyday" for a, e in zip(alerted, theirs))]
            pooled[asked] = [total + count for total, count in zip(pooled[asked], counts)]
            line.append(f"{asked}: P {counts[0] / max(counts[1], 1):.3f} R {counts[0] / counts[2]:.3f}")
        print("  ".join(line), flush=True)
    for asked, (hits, alerted, adverts, established_hits, established_adverts, everyday_alerted) in pooled.items():
        print(f"asked {asked} on validation, over {len(writers)} writers left out: precision {hits / alerted:.3f}, "
              f"recall {hits / adverts:.3f}, established members' recall {established_hits / established_adverts:.3f},"
              f" everyday messages alerted {everyday_alerted} of {everyday_messages}")


if __name__ == "__main__":
    main()
