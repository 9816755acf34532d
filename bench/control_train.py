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
import os
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


def _descendants_cpu() -> float:
    """CPU seconds of this process's live descendants (the GA2M's joblib workers), from /proc."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    me, total = os.getpid(), 0.0
    for pid in used:
        parent = parents.get(pid)
        while parent and parent != me:
            parent = parents.get(parent)
        if parent == me:
            total += used[pid]
    return total


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its children so far (the machine is
    shared: wall time is the load's, CPU time the code's)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system + _descendants_cpu()


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def ceiling_report(*, applications: pd.DataFrame, truth: pd.DataFrame) -> None:
    """How hard is the data? Recall at 25% on the last year for (a) the generator's own
    probability (knows the hidden propensity: an upper bound no model can reach) and (b) a
    deeper LightGBM on the raw columns trained on the hidden truth of every earlier row
    (labels no agency has). The task asks that (b) stays under 0.9."""
    import lightgbm as lgb

    from control.ml.evaluation import metrics_compute
    from control.ml.schema import NON_FEATURE_COLUMNS

    merged = applications.merge(truth, on="application_id")
    last_year = merged["academic_year"].max()
    raw = merged.drop(columns=[*NON_FEATURE_COLUMNS, "cheater", "probability"], errors="ignore")
    raw = raw.drop(columns=["academic_year"])
    for column in raw.columns:
        if raw[column].dtype.kind not in "if":
            raw[column] = raw[column].astype("category")
    train = (merged["academic_year"] < last_year).to_numpy()
    model = lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, n_jobs=1, verbose=-1)
    model.fit(raw[train], merged.loc[train, "cheater"])
    test = ~train
    y = merged.loc[test, "cheater"].to_numpy()
    oracle = metrics_compute(y=y, scores=merged.loc[test, "probability"].to_numpy())
    raw_model = metrics_compute(y=y, scores=model.predict_proba(raw[test])[:, 1])
    print(
        f"ceiling on all {int(test.sum())} applications of {last_year} (hidden truth): generator probability "
        f"recall_at_25 {oracle['recall_at_25']:.3f} auc {oracle['auc']:.3f}; raw-column LightGBM trained on "
        f"the truth recall_at_25 {raw_model['recall_at_25']:.3f} auc {raw_model['auc']:.3f}"
    )


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

    started, cpu_started, load_before = time.perf_counter(), cpu_seconds(), load_average()
    result = risk_model_train(frame=applications)
    train_seconds = time.perf_counter() - started
    m, ci = result.metrics, result.metrics["ci"]
    rule = result.baselines["old_rule"]["metrics"]
    labelled = int(pd.to_numeric(applications["controlled"], errors="coerce").fillna(0).sum())
    print(
        f"train+evaluate+fairness+justification: {train_seconds:.1f} s wall, "
        f"{cpu_seconds() - cpu_started:.1f} s CPU, load {load_before} -> {load_average()} "
        f"({len(applications)} applications, {labelled} controlled)"
    )
    for row in result.comparison["candidates"].values():
        low, high = row["recall_at_25_ci"]
        print(
            f"  candidate {row['name']}: recall_at_25 {row['recall_at_25']:.3f} [{low:.3f}, {high:.3f}] "
            f"auc {row['auc']:.3f} fit {row['fit_seconds']} s "
            f"reasons {row['reasons_seconds_per_100k']} s/100k"
            f"{' (chosen)' if row['chosen'] else ''}"
        )
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

    ceiling_report(applications=applications, truth=truth)

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
    started, cpu_started, load_before = time.perf_counter(), cpu_seconds(), load_average()
    scored = score_frame(pipeline=pipeline, frame=big, history=history, top_reasons=3)
    seconds = time.perf_counter() - started
    print(
        f"score_frame: {seconds:.1f} s wall, {cpu_seconds() - cpu_started:.1f} s CPU, "
        f"load {load_before} -> {load_average()}"
    )
    print(
        f"score_frame: {len(scored)} rows with 3 reasons in {seconds:.1f} s "
        f"({len(scored) / seconds:,.0f} rows/s); peak RSS {peak_gib():.2f} GiB"
    )


if __name__ == "__main__":
    main()
