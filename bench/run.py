"""`make bench`: run the benchmarks, print their figures, and keep them as JSON under bench/results/.

    python bench/run.py [throughput] [tiers] [campaigns] [campaign_stats]     (all of them when none is named)

Figures are printed, never asserted: speed and memory goals are read by people, not enforced by flaky tests.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import campaign_stats, campaigns, throughput, tiers  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


BENCHMARKS = {"throughput": throughput, "tiers": tiers, "campaigns": campaigns, "campaign_stats": campaign_stats}


def main(names: list[str]) -> None:
    results = {}
    for name in names or BENCHMARKS:
        results[name] = BENCHMARKS[name].run()
        print(BENCHMARKS[name].report(results[name]) + "\n", flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nsaved {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    unknown = set(sys.argv[1:]) - set(BENCHMARKS)
    if unknown:
        sys.exit(f"unknown benchmark(s) {sorted(unknown)}; known: {', '.join(BENCHMARKS)}")
    main(sys.argv[1:])
