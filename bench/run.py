"""`make bench`: run the benchmarks, print their figures, and keep them as JSON under bench/results/.

Figures are printed, never asserted: speed and memory goals are read by people, not enforced by flaky tests.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import throughput  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    result = throughput.run()
    print(throughput.report(result))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps({"throughput": result}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nsaved {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
