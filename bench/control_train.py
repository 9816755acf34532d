"""Benchmark and acceptance run for control.ml: generate, train (with evaluation and
fairness), save/load, and score a million applications with reasons.

    PYTHONPATH=. .venv/bin/python bench/control_train.py --population 100000 --seed 7 \
        --score-rows 1000000

Prints the acceptance figures (recall@25 with its bootstrap interval, against the old rule
and random selection), wall times and peak memory (RSS high-water mark).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import resource
import tempfile
import time

import numpy as np
import pandas as pd

from control.ml.persistence import pipeline_load, pipeline_save
from control.ml.scoring import score_frame
from control.ml.synthetic import generate_population
from control.ml.training import risk_model_train


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--population", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--score-rows", type=int, default=1_000_000)
    args = parser.parse_args()

    started = time.perf_counter()
    applications, truth = generate_population(
        population=args.population, years=range(2014, 2019), seed=args.seed
    )
    print(f"generate: {len(applications)} applications in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = risk_model_train(frame=applications)
    train_seconds = time.perf_counter() - started
    m, ci = result.metrics, result.metrics["ci"]
    rule = result.baselines["old_rule"]["metrics"]
    print(
        f"train+evaluate+fairness: {train_seconds:.1f} s ({result.algorithm}, n_train {result.n_train}, "
        f"n_test {result.n_test} random controls of {result.test_year}, positives {int(m['positives'])})"
    )
    for name in (
        "auc",
        "average_precision",
        "recall_at_10",
        "recall_at_25",
        "recall_at_50",
        "precision_at_25",
        "lift_at_25",
        "brier",
    ):
        low, high = ci[name]
        print(f"  {name}: {m[name]:.3f} [{low:.3f}, {high:.3f}]")
    print(
        f"  old rule: recall_at_25 {rule['recall_at_25']:.3f}, "
        f"precision_at_25 {rule['precision_at_25']:.3f}, "
        f"auc {rule['auc']:.3f}; random: recall_at_25 0.250, precision_at_25 "
        f"{result.baselines['random']['base_rate']:.3f}"
    )
    print(f"  comparison: {result.comparison['why']}")
    for attribute, audit in result.fairness["attributes"].items():
        print(f"  fairness {attribute}: ratios {json.dumps(audit['ratios'])} flags {audit['flags']}")

    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory) / "model.skops"
        started = time.perf_counter()
        digest = pipeline_save(pipeline=result.pipeline, path=path)
        pipeline = pipeline_load(path=path, expected_sha256=digest)
        print(f"save+load: {time.perf_counter() - started:.2f} s, {path.stat().st_size / 1024:.0f} KiB")

    # A million rows of the current year: the last year repeated with fresh ids.
    last = applications[applications["academic_year"] == applications["academic_year"].max()]
    repeats = int(np.ceil(args.score_rows / len(last)))
    big = pd.concat([last] * repeats, ignore_index=True).head(args.score_rows)
    big["application_id"] = "B" + pd.RangeIndex(len(big)).astype(str)
    history = applications[applications["academic_year"] < applications["academic_year"].max()]
    del applications, truth
    started = time.perf_counter()
    scored = score_frame(pipeline=pipeline, frame=big, history=history, top_reasons=3)
    seconds = time.perf_counter() - started
    print(
        f"score_frame: {len(scored)} rows with 3 reasons in {seconds:.1f} s "
        f"({len(scored) / seconds:,.0f} rows/s); peak RSS {peak_gib():.2f} GiB"
    )


if __name__ == "__main__":
    main()
