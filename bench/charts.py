"""What a chart costs (handlers/charts.py): matplotlib's first import, the first chart (the font read), and the
charts after it, for a week and for 30 days; measured in a fresh process, as the bot would pay them.

The bot imports matplotlib only when it draws a chart, so that its start does not pay for the import.

    python bench/charts.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: what it prints is one JSON object of timings in seconds.
CHILD = """
import datetime as dt, json, random, resource, sys, time
from collections import Counter
began = time.perf_counter()
from handlers import charts
figures = {"import_handlers_charts": time.perf_counter() - began}
began = time.perf_counter()
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
figures["import_matplotlib"] = time.perf_counter() - began

def sample(days):
    rng = random.Random(3)
    dates = [dt.date(2026, 11, 23) - dt.timedelta(days=days - 1 - n) for n in range(days)]
    return charts.ChartData(
        days=dates, messages=[rng.randint(80, 600) for _ in dates], orders=[rng.randint(0, 40) for _ in dates],
        complaints=[Counter({r: rng.choice([0, 0, 0, 1, 2]) for r in charts.REASONS}) for _ in dates],
        tiers={"vip": 86, "regular": 1240})

def timed(data):
    began = time.perf_counter()
    png = charts.render(data)
    return time.perf_counter() - began, len(png)

figures["first_chart"], _ = timed(sample(7))
for days in (7, 30):
    runs = [timed(sample(days)) for _ in range(REPEAT)]
    figures[f"chart_{days}d"] = [seconds for seconds, _ in runs]
    figures[f"png_bytes_{days}d"] = runs[0][1]
figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def run(repeat: int = 5) -> dict:
    child = subprocess.run([sys.executable, "-c", CHILD.replace("REPEAT", str(repeat))], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    figures = json.loads(child.stdout)
    for days in (7, 30):
        figures[f"chart_{days}d_median"] = statistics.median(figures.pop(f"chart_{days}d"))
    return figures


def report(result: dict) -> str:
    ms = {key: value * 1000 for key, value in result.items() if isinstance(value, float) and key != "peak_rss_mb"}
    return "\n".join([
        f"charts: import handlers.charts {ms['import_handlers_charts']:.0f} ms (matplotlib not loaded),"
        f" then matplotlib {ms['import_matplotlib']:.0f} ms at the first chart",
        f"  first chart {ms['first_chart']:.0f} ms (the font read); then a week {ms['chart_7d_median']:.0f} ms"
        f" ({result['png_bytes_7d'] / 1000:.0f} kB), 30 days {ms['chart_30d_median']:.0f} ms"
        f" ({result['png_bytes_30d'] / 1000:.0f} kB), medians",
        f"  peak memory {result['peak_rss_mb']:.0f} MB",
    ])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    print(report(run(parser.parse_args().repeat)))
