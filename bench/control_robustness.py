"""The candidate table: every candidate's recall at 25 % against a plain
HistGradientBoostingClassifier on the raw columns, judged against the generator's truth
for every application of the held-out year, on the demo population and on the frozen
robustness populations of the CI test (control/ml/robustness.py).

    PYTHONPATH=. .venv/bin/python bench/control_robustness.py

Prints one JSON line per population and a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import time

from control.ml.robustness import ROBUSTNESS_POPULATIONS, RobustnessPopulation, robustness_population_judge
from control.ml.training import CANDIDATES

DEMO = RobustnessPopulation("demo (default shape)", 100_000, 7)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    populations = ([] if args.skip_demo else [DEMO]) + list(ROBUSTNESS_POPULATIONS)
    rows = []
    for population in populations:
        started = time.perf_counter()
        judged = robustness_population_judge(population=population, every_candidate=True)
        judged["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(judged), flush=True)
        rows.append(judged)
    names = list(CANDIDATES)
    print("| population | cheaters judged | " + " | ".join(names) + " | plain HGB | chosen | margin |")
    print("|---|---:|" + "---:|" * len(names) + "---:|---|---:|")
    for judged in rows:
        cells = " | ".join(f"{judged['candidates'][n]['recall_at_25']:.3f}" for n in names)
        print(
            f"| {judged['population']} | {judged['cheaters_judged']} | {cells} | "
            f"{judged['plain_hgb']['recall_at_25']:.3f} | {judged['chosen']} | {judged['margin']:+.3f} |"
        )


if __name__ == "__main__":
    main()
