"""Evaluation of an intent classifier: cross-validated per-intent metrics, the most
confused pairs, a risk-coverage curve, thresholds chosen from a target answer precision,
and the held-out paraphrase test."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from chat.ml.pipeline import (
    OUT_OF_SCOPE,
    Decision,
    Thresholds,
    decision_from_probabilities,
    is_background,
    pipeline_correct,
    pipeline_train,
    pipeline_vocabulary,
    vocabulary_coverage,
)

Progress = Callable[[str, float], None]

THRESHOLD_GRID = [round(float(x), 3) for x in np.arange(0.10, 0.991, 0.01)]


@dataclass(frozen=True)
class CrossValidation:
    classes: list[str]
    labels: list[str]
    probabilities: np.ndarray  # out-of-fold, one row per phrase
    coverage: list[float]


def _fold(
    texts: list[str], labels: list[str], train_idx: np.ndarray, test_idx: np.ndarray
) -> tuple[np.ndarray, list[str], np.ndarray, list[float]]:
    model = pipeline_train(texts=[texts[i] for i in train_idx], labels=[labels[i] for i in train_idx])
    vocabulary = pipeline_vocabulary(pipeline=model)
    test_texts = [texts[i] for i in test_idx]
    return (
        test_idx,
        [str(c) for c in model.classes_],
        model.predict_proba(test_texts),
        [
            vocabulary_coverage(text=t, vocabulary=vocabulary)
            for t in pipeline_correct(pipeline=model, texts=test_texts)
        ],
    )


def cross_validate(
    *,
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    n_jobs: int = 2,
    progress: Progress | None = None,
) -> CrossValidation:
    """Out-of-fold probabilities for every phrase. Intents with fewer phrases than folds
    take part with as many folds as they have (StratifiedKFold needs that)."""
    texts, labels = list(texts), list(labels)
    classes = sorted(set(labels))
    smallest = min(Counter(labels).values())
    n_splits = max(2, min(folds, smallest))
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
    probabilities = np.zeros((len(texts), len(classes)))
    coverage = [0.0] * len(texts)
    # Folds are independent: fit them in parallel on the machine's cores (two in CI).
    jobs = Parallel(n_jobs=min(n_jobs, n_splits), return_as="generator_unordered")(
        delayed(_fold)(texts, labels, train_idx, test_idx)
        for train_idx, test_idx in splitter.split(texts, labels)
    )
    for done, (test_idx, fold_classes, fold_probabilities, fold_coverage) in enumerate(jobs, start=1):
        if progress:
            progress(f"cross-validation fold {done}/{n_splits}", done / n_splits)
        column = [classes.index(c) for c in fold_classes]
        probabilities[np.ix_(test_idx, column)] = fold_probabilities
        for i, value in zip(test_idx, fold_coverage, strict=True):
            coverage[i] = value
    return CrossValidation(classes=classes, labels=labels, probabilities=probabilities, coverage=coverage)


def _decisions(cv: CrossValidation, thresholds: Thresholds) -> list[Decision]:
    return [
        decision_from_probabilities(
            classes=cv.classes,
            probabilities=cv.probabilities[i],
            thresholds=thresholds,
            coverage=cv.coverage[i],
        )
        for i in range(len(cv.labels))
    ]


def answer_precision(*, decisions: Sequence[Decision], labels: Sequence[str]) -> tuple[float, float]:
    """(precision, coverage) of the automatic answers: the share of answered messages
    whose intent was right (an answered out-of-scope message is wrong), and the share
    of all messages answered."""
    answered = [(d, y) for d, y in zip(decisions, labels, strict=True) if d.kind == "answer"]
    if not answered:
        return 1.0, 0.0
    correct = sum(1 for d, y in answered if d.intent == y)
    return correct / len(answered), len(answered) / len(labels)


def wilson_lower_bound(*, successes: int, n: int, z: float = 1.645) -> float:
    """One-sided 95% lower confidence bound of a proportion: the precision we can
    vouch for, not just the one we happened to observe on a few hundred phrases."""
    if n == 0:
        return 0.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float((centre - margin) / denominator)


@dataclass(frozen=True)
class _Ranked:
    """Per phrase, what the decision rule looks at, so thresholds can be scanned with
    array operations instead of re-ranking every phrase for every threshold."""

    answerable: np.ndarray  # bool: best class is in scope and the vocabulary check passed
    first: np.ndarray  # best in-scope class
    p1: np.ndarray
    second: np.ndarray
    p2: np.ndarray
    truth: np.ndarray


def _ranked(cv: CrossValidation) -> _Ranked:
    classes = np.array(cv.classes)
    probabilities = cv.probabilities.copy()
    background = [k for k, c in enumerate(cv.classes) if is_background(c)]
    top = probabilities.argmax(axis=1)
    probabilities[:, background] = -1.0
    order = np.argsort(-probabilities, axis=1)
    rows = np.arange(len(cv.labels))
    answerable = (np.array(cv.coverage) > 0) & ~np.isin(top, background)
    return _Ranked(
        answerable=answerable,
        first=classes[order[:, 0]],
        p1=probabilities[rows, order[:, 0]],
        second=classes[order[:, 1]],
        p2=probabilities[rows, order[:, 1]],
        truth=np.array(cv.labels),
    )


def _intent_thresholds(*, r: _Ranked, answer: float, target_precision: float) -> dict[str, float]:
    """Own answer thresholds for the intents that pull in other questions. The global
    threshold holds the target on all answers together; an intent whose own answers at
    that threshold fall short of the target with 95% confidence (the upper confidence
    bound of its precision is below it) gets the lowest threshold at which its own
    cross-validated answers reach the target. An intent merely short of the target by
    chance, on a few dozen answers, keeps the global threshold."""
    raised: dict[str, float] = {}
    for intent in sorted({str(c) for c in r.first[r.answerable]}):
        mine = r.answerable & (r.first == intent)
        answered = mine & (r.p1 >= answer)
        n = int(answered.sum())
        wrong = n - int((answered & (r.truth == intent)).sum())
        if n == 0 or 1.0 - wilson_lower_bound(successes=wrong, n=n) >= target_precision:
            continue
        own = THRESHOLD_GRID[-1]
        for t in THRESHOLD_GRID:
            if t <= answer:
                continue
            answered = mine & (r.p1 >= t)
            n = int(answered.sum())
            if n == 0 or int((answered & (r.truth == intent)).sum()) / n >= target_precision:
                own = t
                break
        raised[intent] = own
    return raised


def thresholds_choose(*, cv: CrossValidation, target_precision: float = 0.97) -> Thresholds:
    """The lowest answer threshold at which the automatic answers on the cross-validated
    predictions reach `target_precision` (by the lower confidence bound, so the target
    holds on new questions too); lowest, because it answers the most questions. Then the
    intents' own stricter thresholds (`_intent_thresholds`), so that no single intent's
    answers stay below the target behind the average of the others. Then the lowest
    clarify threshold whose two options hold the right intent at that rate. If no
    threshold reaches the target, the strictest one is used."""
    r = _ranked(cv)
    answer = THRESHOLD_GRID[-1]
    for t in THRESHOLD_GRID:
        answered = r.answerable & (r.p1 >= t)
        n = int(answered.sum())
        correct = int((answered & (r.first == r.truth)).sum())
        if n and wilson_lower_bound(successes=correct, n=n) >= target_precision:
            answer = t
            break
    # The clarify threshold is chosen below, among the phrases these do not answer.
    answering = Thresholds(
        answer=answer,
        clarify=1.0,
        intents=_intent_thresholds(r=r, answer=answer, target_precision=target_precision),
    )
    own = np.array([answering.answer_for(str(c)) for c in r.first])
    clarify = 1.0
    close = r.answerable & (r.p1 < own) & (r.p2 >= 0.5 * r.p1) & (r.p2 >= 0.1)
    hit = (r.first == r.truth) | (r.second == r.truth)
    for t in THRESHOLD_GRID:
        asked = close & (r.p1 + r.p2 >= t)
        n = int(asked.sum())
        if n == 0 or wilson_lower_bound(successes=int((asked & hit).sum()), n=n) >= target_precision - 0.1:
            clarify = t
            break
    return replace(answering, clarify=clarify)


def risk_coverage_curve(*, cv: CrossValidation) -> list[dict[str, float]]:
    """For each answer threshold: the share of messages answered (coverage) and the share
    of those answers that were wrong (risk)."""
    r = _ranked(cv)
    points = []
    for t in [*THRESHOLD_GRID[::5], THRESHOLD_GRID[-1]]:
        answered = r.answerable & (r.p1 >= t)
        n = int(answered.sum())
        wrong = int((answered & (r.first != r.truth)).sum())
        points.append(
            {
                "threshold": t,
                "coverage": round(n / len(r.truth), 4),
                "risk": round(wrong / n, 4) if n else 0.0,
            }
        )
    return points


def per_intent_metrics(*, cv: CrossValidation) -> list[dict[str, float | str | int]]:
    """Precision, recall, F1 and support per class, from the top-1 out-of-fold guess."""
    predicted = [cv.classes[i] for i in cv.probabilities.argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        cv.labels, predicted, labels=cv.classes, zero_division=0
    )
    return [
        {
            "intent": c,
            "precision": round(float(precision[k]), 4),
            "recall": round(float(recall[k]), 4),
            "f1": round(float(f1[k]), 4),
            "support": int(support[k]),
        }
        for k, c in enumerate(cv.classes)
    ]


def confused_pairs(*, cv: CrossValidation, limit: int = 10) -> list[dict[str, str | int]]:
    """The (true, predicted) pairs the classifier mixes up most often."""
    predicted = [cv.classes[i] for i in cv.probabilities.argmax(axis=1)]
    counts = Counter((y, p) for y, p in zip(cv.labels, predicted, strict=True) if y != p)
    return [{"intent": y, "predicted": p, "count": n} for (y, p), n in counts.most_common(limit)]


def evaluation_report(
    *, texts: Sequence[str], labels: Sequence[str], target_precision: float, progress: Progress | None = None
) -> dict:
    """Everything the evaluation page and command show, as plain JSON-able data."""
    cv = cross_validate(texts=texts, labels=labels, progress=progress)
    thresholds = thresholds_choose(cv=cv, target_precision=target_precision)
    decisions = _decisions(cv, thresholds)
    precision, coverage = answer_precision(decisions=decisions, labels=cv.labels)
    predicted = [cv.classes[i] for i in cv.probabilities.argmax(axis=1)]
    accuracy = sum(1 for y, p in zip(cv.labels, predicted, strict=True) if y == p) / len(cv.labels)
    return {
        "n_phrases": len(cv.labels),
        "n_classes": len(cv.classes),
        "cv_accuracy": round(accuracy, 4),
        "cv_answer_precision": round(precision, 4),
        "cv_answer_coverage": round(coverage, 4),
        "thresholds": asdict(thresholds),
        "target_precision": target_precision,
        "per_intent": per_intent_metrics(cv=cv),
        "confused_pairs": confused_pairs(cv=cv),
        "risk_coverage": risk_coverage_curve(cv=cv),
    }


@dataclass(frozen=True)
class HeldoutResult:
    n_in_scope: int
    n_out_of_scope: int
    accuracy: float  # best in-scope guess right, on in-scope paraphrases
    answer_precision: float  # share of automatic answers (over all messages) that were right
    answer_coverage: float  # share of in-scope paraphrases answered automatically
    out_of_scope_not_answered: float  # share of out-of-scope messages not answered
    errors: list[dict[str, str]]


def heldout_evaluate(
    *,
    decide: Callable[[str], Decision],
    in_scope: Sequence[tuple[str, str]],
    out_of_scope: Sequence[str],
) -> HeldoutResult:
    """Run held-out paraphrases through `decide` (the production decision rule)."""
    decisions_in = [decide(text) for text, _ in in_scope]
    decisions_out = [decide(text) for text in out_of_scope]
    labels_in = [intent for _, intent in in_scope]
    # Accuracy asks only whether the model's best in-scope guess is right, whatever the
    # thresholds then decide; the precision figure covers what is actually answered.
    top_right = sum(1 for d, y in zip(decisions_in, labels_in, strict=True) if _first_in_scope(d) == y)
    all_decisions = decisions_in + decisions_out
    all_labels = labels_in + [OUT_OF_SCOPE] * len(decisions_out)
    precision, _ = answer_precision(decisions=all_decisions, labels=all_labels)
    answered_in = sum(1 for d in decisions_in if d.kind == "answer")
    not_answered_out = sum(1 for d in decisions_out if d.kind != "answer")
    errors = [
        {"text": text, "intent": y, "decision": d.kind, "predicted": d.intent or ""}
        for (text, y), d in zip(in_scope, decisions_in, strict=True)
        if d.kind == "answer" and d.intent != y
    ] + [
        {"text": text, "intent": OUT_OF_SCOPE, "decision": d.kind, "predicted": d.intent or ""}
        for text, d in zip(out_of_scope, decisions_out, strict=True)
        if d.kind == "answer"
    ]
    return HeldoutResult(
        n_in_scope=len(in_scope),
        n_out_of_scope=len(out_of_scope),
        accuracy=round(top_right / len(in_scope), 4) if in_scope else 0.0,
        answer_precision=round(precision, 4),
        answer_coverage=round(answered_in / len(in_scope), 4) if in_scope else 0.0,
        out_of_scope_not_answered=round(not_answered_out / len(out_of_scope), 4) if out_of_scope else 1.0,
        errors=errors,
    )


def _first_in_scope(decision: Decision) -> str | None:
    for cls, _ in decision.ranking:
        if not is_background(cls):
            return cls
    return None


@dataclass(frozen=True)
class BlindCase:
    text: str
    intent: str | None  # None: out of scope
    language: str  # the customer's written standard, which the answer must use


def _blind_figures(rows: list[tuple[BlindCase, Decision, str]]) -> dict[str, float | int]:
    inside = [(c, d) for c, d, _ in rows if c.intent is not None]
    outside = [(c, d) for c, d, _ in rows if c.intent is None]
    answered = [(c, d) for c, d, _ in rows if d.kind == "answer"]
    return {
        "n_in_scope": len(inside),
        "n_out_of_scope": len(outside),
        "accuracy": round(sum(1 for c, d in inside if _first_in_scope(d) == c.intent) / len(inside), 4)
        if inside
        else 0.0,
        "answer_precision": round(sum(1 for c, d in answered if d.intent == c.intent) / len(answered), 4)
        if answered
        else 1.0,
        "answer_coverage": round(sum(1 for _, d in inside if d.kind == "answer") / len(inside), 4)
        if inside
        else 0.0,
        "out_of_scope_not_answered": round(sum(1 for _, d in outside if d.kind != "answer") / len(outside), 4)
        if outside
        else 1.0,
        "answer_in_customer_language": round(
            sum(1 for c, _, lang in rows if lang == c.language) / len(rows), 4
        )
        if rows
        else 0.0,
    }


def blind_evaluate(
    *,
    decide: Callable[[str], Decision],
    answer_language: Callable[[str], str],
    cases: Sequence[BlindCase],
) -> dict:
    """The blind held-out set through the production decision rule: the held-out figures
    overall and per written standard, plus the share of messages the bot would answer in
    the customer's own standard (`answer_language` gives the standard it would use)."""
    rows = [(c, decide(c.text), answer_language(c.text)) for c in cases]
    languages = sorted({c.language for c in cases})
    return {
        **_blind_figures(rows),
        "per_language": {
            lang: _blind_figures([r for r in rows if r[0].language == lang]) for lang in languages
        },
        "errors": [
            {
                "text": c.text,
                "intent": c.intent or OUT_OF_SCOPE,
                "language": c.language,
                "decision": d.kind,
                "predicted": d.intent or "",
                "answer_language": lang,
            }
            for c, d, lang in rows
            if (d.kind == "answer" and d.intent != c.intent) or lang != c.language
        ],
    }
