"""Training, evaluating, storing and loading the assistants' intent models.

The model itself (features, classifier, thresholds, evaluation) is in `chat.ml`; this
module feeds it the database's phrases and keeps the versions."""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sklearn
import skops
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.pipeline import Pipeline

from chat.ml.evaluation import BlindCase, HeldoutResult, blind_evaluate, evaluation_report, heldout_evaluate
from chat.ml.persistence import pipeline_load, pipeline_save
from chat.ml.pipeline import (
    AGENCY_PREFIX,
    OUT_OF_SCOPE,
    Decision,
    Thresholds,
    pipeline_decide,
    pipeline_train,
    pipeline_vocabulary,
)
from chat.ml.text import language_detect, text_normalise
from chat.models import Assistant, IntentModelVersion, TrainingPhrase
from chat.services.knowledge import (
    blind_load,
    heldout_load,
    heldout_texts,
    other_agencies,
    out_of_scope_phrases,
)
from lanekassen_ai.services.audit import AuditContext, audit_record

Progress = Callable[[str, float], None]


class TrainingError(ValueError):
    """Training cannot run (too little data, unknown assistant); the message says why."""


@dataclass(frozen=True)
class TrainingData:
    texts: list[str]
    labels: list[str]
    n_intents: int
    excluded_heldout: int


def training_data(*, assistant: Assistant) -> TrainingData:
    """Phrases of the assistant's active intents plus the out-of-scope background, with
    every phrase that matches a held-out sentence (older file or blind set) removed: the
    held-out sets must never enter training, even when someone types one of their
    sentences in review."""
    heldout = {text_normalise(t) for t in heldout_texts(assistant_slug=assistant.slug)}
    texts: list[str] = []
    labels: list[str] = []
    excluded = 0
    # In the order the phrases were added, so that the cross-validation folds, and with
    # them the thresholds, do not depend on the order the database happens to return.
    rows = (
        TrainingPhrase.objects.filter(intent__assistant=assistant, intent__active=True)
        .order_by("pk")
        .values_list("text", "intent__slug")
    )
    for text, slug in rows.iterator():
        if text_normalise(text) in heldout:
            excluded += 1
            continue
        texts.append(text)
        labels.append(slug)
    n_intents = len(set(labels))
    for text in out_of_scope_phrases():
        if text_normalise(text) not in heldout:
            texts.append(text)
            labels.append(OUT_OF_SCOPE)
    for agency in other_agencies(assistant_slug=assistant.slug).values():
        for text in agency.phrases:
            if text_normalise(text) not in heldout:
                texts.append(text)
                labels.append(AGENCY_PREFIX + agency.slug)
    if n_intents < 2:
        raise TrainingError(
            _("Assistenten %(slug)s har %(n_intents)s intensjon(er) med fraser; treningen trenger 2.")
            % {"slug": assistant.slug, "n_intents": n_intents}
        )
    return TrainingData(texts=texts, labels=labels, n_intents=n_intents, excluded_heldout=excluded)


def training_data_fingerprint(*, data: TrainingData) -> str:
    """SHA-256 over the sorted (label, text) pairs: equal when the training data is."""
    digest = hashlib.sha256()
    for label, text in sorted(zip(data.labels, data.texts, strict=True)):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def _artifact_path(*, assistant: Assistant, version: str) -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "intent_models" / assistant.slug / f"{version}.skops"


def intent_model_train(
    *,
    assistant: Assistant,
    context: AuditContext,
    activate: bool = True,
    target_precision: float = 0.97,
    progress: Progress | None = None,
) -> IntentModelVersion:
    """Cross-validate, choose thresholds for `target_precision`, fit on all phrases, test
    on the held-out paraphrases, store the pipeline with skops and record the version
    (activated unless `activate` is False), audited with `context` (its actor is the
    version's `trained_by`)."""
    if not 0.5 <= target_precision < 1.0:
        raise TrainingError(
            _("Målpresisjonen %(target_precision)s må være minst 0,5 og under 1.")
            % {"target_precision": target_precision}
        )

    def say(step: str, share: float) -> None:
        if progress is not None:
            progress(step, share)

    actor = context.actor
    trained_by = actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
    started = time.monotonic()
    data = training_data(assistant=assistant)
    say(f"{len(data.texts)} phrases, {data.n_intents} intents", 0.0)
    report = evaluation_report(
        texts=data.texts,
        labels=data.labels,
        target_precision=target_precision,
        progress=lambda step, share: say(step, 0.8 * share),
    )
    thresholds = Thresholds(**report["thresholds"])
    say("fitting on all phrases", 0.8)
    pipeline = pipeline_train(texts=data.texts, labels=data.labels)
    heldout = _heldout(assistant=assistant, pipeline=pipeline, thresholds=thresholds)
    report["heldout"] = asdict(heldout) if heldout else None
    report["blind"] = _blind(assistant=assistant, pipeline=pipeline, thresholds=thresholds)
    report["excluded_heldout_phrases"] = data.excluded_heldout
    report["data_sha256"] = training_data_fingerprint(data=data)
    report["train_seconds"] = round(time.monotonic() - started, 2)
    version = timezone.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
    path = _artifact_path(assistant=assistant, version=version)
    sha = pipeline_save(pipeline=pipeline, path=path)
    say("saved", 0.95)
    with transaction.atomic():
        model_version = IntentModelVersion.objects.create(
            assistant=assistant,
            version=version,
            artifact_path=str(path.relative_to(settings.PRIVATE_STORAGE_ROOT)),
            artifact_sha256=sha,
            n_intents=data.n_intents,
            n_phrases=len(data.texts),
            answer_threshold=thresholds.answer,
            clarify_threshold=thresholds.clarify,
            intent_thresholds=dict(thresholds.intents),
            target_precision=target_precision,
            metrics=report,
            library_versions={"scikit-learn": sklearn.__version__, "skops": skops.__version__},
            trained_by=trained_by,  # type: ignore[misc]
        )
        audit_record(
            action="chat.intent_model.train",
            context=context,
            obj=model_version,
            details={"n_phrases": len(data.texts), "cv_accuracy": report["cv_accuracy"]},
        )
        if activate:
            intent_model_activate(version=model_version, context=context)
    say("done", 1.0)
    return model_version


def _heldout(*, assistant: Assistant, pipeline: Pipeline, thresholds: Thresholds) -> HeldoutResult | None:
    in_scope, out_of_scope = heldout_load(assistant_slug=assistant.slug)
    if not in_scope and not out_of_scope:
        return None
    vocabulary = pipeline_vocabulary(pipeline=pipeline)
    return heldout_evaluate(
        decide=lambda text: pipeline_decide(
            pipeline=pipeline, text=text, thresholds=thresholds, vocabulary=vocabulary
        ),
        in_scope=in_scope,
        out_of_scope=out_of_scope,
    )


# The page a conversation is opened on when nothing else is known: the Norwegian one.
PAGE_LANGUAGE = "nb"


def _blind(*, assistant: Assistant, pipeline: Pipeline, thresholds: Thresholds) -> dict[str, Any] | None:
    items = blind_load(assistant_slug=assistant.slug)
    if not items:
        return None
    vocabulary = pipeline_vocabulary(pipeline=pipeline)
    return blind_evaluate(
        decide=lambda text: pipeline_decide(
            pipeline=pipeline, text=text, thresholds=thresholds, vocabulary=vocabulary
        ),
        answer_language=lambda text: language_detect(text) or PAGE_LANGUAGE,
        cases=[BlindCase(i.text, i.intent, i.language) for i in items],
    )


@transaction.atomic
def intent_model_activate(*, version: IntentModelVersion, context: AuditContext) -> None:
    """Make `version` the one the assistant answers with; the previous one retires."""
    IntentModelVersion.objects.select_for_update().filter(assistant_id=version.assistant_id)
    IntentModelVersion.objects.filter(
        assistant_id=version.assistant_id, status=IntentModelVersion.Status.ACTIVE
    ).exclude(pk=version.pk).update(status=IntentModelVersion.Status.RETIRED)
    if version.status != IntentModelVersion.Status.ACTIVE:
        version.status = IntentModelVersion.Status.ACTIVE
        version.save(update_fields=["status"])
    audit_record(action="chat.intent_model.activate", context=context, obj=version)


@dataclass(frozen=True)
class LoadedModel:
    version_id: int
    version: str
    pipeline: Pipeline
    thresholds: Thresholds
    vocabulary: frozenset[str]

    def decide(self, text: str) -> Decision:
        # One short text from our own fitted pipeline: scikit-learn's input and parameter
        # checks cannot fail here and cost about a fifth of the model's time per reply.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return pipeline_decide(
                pipeline=self.pipeline, text=text, thresholds=self.thresholds, vocabulary=self.vocabulary
            )


# One loaded pipeline per (version id, SHA-256) per process: loading takes tens of
# milliseconds, a reply must not.
_LOADED: dict[tuple[int, str], LoadedModel] = {}
_LOAD_LOCK = threading.Lock()


def intent_model_load(*, version: IntentModelVersion) -> LoadedModel:
    """The version's pipeline, loaded (and checksum-checked) once per process."""
    key = (version.pk, version.artifact_sha256)
    loaded = _LOADED.get(key)
    if loaded is not None:
        return loaded
    with _LOAD_LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            pipeline = pipeline_load(
                path=Path(settings.PRIVATE_STORAGE_ROOT) / version.artifact_path,
                sha256=version.artifact_sha256,
            )
            loaded = LoadedModel(
                version_id=version.pk,
                version=version.version,
                pipeline=pipeline,
                thresholds=Thresholds(
                    answer=version.answer_threshold,
                    clarify=version.clarify_threshold,
                    intents=version.intent_thresholds or {},
                ),
                vocabulary=pipeline_vocabulary(pipeline=pipeline),
            )
            _LOADED[key] = loaded
    return loaded


def intent_model_evaluate(
    *, assistant: Assistant, target_precision: float = 0.97, progress: Progress | None = None
) -> dict[str, Any]:
    """Evaluate the assistant's current phrases without storing anything: cross-validated
    metrics and thresholds, then a model fitted on all phrases tested on the held-out
    paraphrases."""
    data = training_data(assistant=assistant)
    report = evaluation_report(
        texts=data.texts, labels=data.labels, target_precision=target_precision, progress=progress
    )
    pipeline = pipeline_train(texts=data.texts, labels=data.labels)
    heldout = _heldout(assistant=assistant, pipeline=pipeline, thresholds=Thresholds(**report["thresholds"]))
    report["heldout"] = asdict(heldout) if heldout else None
    report["blind"] = _blind(
        assistant=assistant, pipeline=pipeline, thresholds=Thresholds(**report["thresholds"])
    )
    report["assistant"] = assistant.slug
    return report
