"""Benchmark: retraining an assistant with 50 intents x 30 phrases (target: under 30 s).

    .venv/bin/python bench/chat_train.py --intents 50 --phrases 30

Generates a synthetic catalogue (each intent has its own topic words mixed with shared
Norwegian filler, so the classes overlap like real ones), adds the shipped out-of-scope
phrases, and times exactly what `intent_model_train` does with them: 5-fold
cross-validation, threshold choice, evaluation report, the final fit and the skops save.
No database: the ML package is Django-free.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chat.ml.evaluation import evaluation_report
from chat.ml.persistence import pipeline_save
from chat.ml.pipeline import OUT_OF_SCOPE, pipeline_train

FILLER = "jeg hvordan kan når hva skal må om min mitt for til på er det vil gjerne lurer"
TOPIC = (
    "stipend lån søknad utbetaling faktura renter gjeld bolig foreldre eksamen skole utland barn syk "
    "permisjon konto adresse innlogging dokument frist klage skatt betaling avtale kontrakt studie "
    "semester termin bankid vedlegg omgjøring inntekt formue"
)


def synthetic(intents: int, phrases: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(intents):
        own = [*rng.sample(TOPIC.split(), 3), f"emne{i}", f"sak{i}"]
        for _ in range(phrases):
            words = rng.sample(FILLER.split(), rng.randint(2, 5)) + rng.sample(own, rng.randint(1, 3))
            rng.shuffle(words)
            texts.append(" ".join(words))
            labels.append(f"intent_{i:02d}")
    oos = json.loads(
        (Path(__file__).resolve().parent.parent / "chat/data/catalogue/out_of_scope.json").read_text()
    )
    for group in oos["phrases"].values():
        texts.extend(group)
        labels.extend([OUT_OF_SCOPE] * len(group))
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--intents", type=int, default=50)
    parser.add_argument("--phrases", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    texts, labels = synthetic(args.intents, args.phrases, args.seed)
    started = time.perf_counter()
    report = evaluation_report(
        texts=texts,
        labels=labels,
        target_precision=0.97,
        progress=lambda step, share: print(f"  [{time.perf_counter() - started:6.1f} s] {step}", flush=True),
    )
    cv_done = time.perf_counter()
    pipeline = pipeline_train(texts=texts, labels=labels)
    with tempfile.TemporaryDirectory() as tmp:
        pipeline_save(pipeline=pipeline, path=Path(tmp) / "bench.skops")
    done = time.perf_counter()
    print(
        f"| {args.intents} x {args.phrases} (+{labels.count(OUT_OF_SCOPE)} out-of-scope) | {len(texts)} | "
        f"{cv_done - started:.1f} | {done - cv_done:.1f} | {done - started:.1f} | "
        f"{report['cv_accuracy']:.3f} | {report['thresholds']['answer']:.2f} |"
    )


if __name__ == "__main__":
    main()
