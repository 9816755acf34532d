"""The intent model's pure parts (chat/ml): normalisation, language, decision rule,
threshold choice, evaluation and persistence. No database."""

import os
from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from chat.ml.evaluation import (
    CrossValidation,
    heldout_evaluate,
    risk_coverage_curve,
    thresholds_choose,
    wilson_lower_bound,
)
from chat.ml.persistence import ArtifactError, pipeline_load, pipeline_save
from chat.ml.pipeline import (
    OUT_OF_SCOPE,
    Decision,
    TextFeatures,
    Thresholds,
    decision_from_probabilities,
    pipeline_build,
    pipeline_decide,
    pipeline_train,
    pipeline_vocabulary,
    vocabulary_coverage,
)
from chat.ml.text import language_detect, text_fold, text_normalise, text_sentences
from tests.chat.conftest import TrainedArtifact


@pytest.mark.parametrize("spelling", ["lån", "laan", "lan", "LÅN"])
def test_folding_makes_the_spellings_of_aa_equal(spelling: str) -> None:
    assert text_fold(spelling) == text_fold("lån")


def test_normalising_stems_bokmal_and_folds_ae_and_oe() -> None:
    assert text_normalise("søknaden") == text_normalise("soeknad")
    assert text_normalise("Stipendet") == text_normalise("stipend")
    assert text_normalise("være") == text_normalise("vaere")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Når kommer pengene?", "nb"),
        ("korleis søkjer eg om stipend", "nn"),
        ("kva er renta no", "nn"),
        ("eg har ikkje fått pengane", "nn"),
        ("studentar med born får ekstra støtte", "nn"),
        ("hvordan kan jeg betale", "nb"),
        ("jeg har ikke fått pengene", "nb"),
        ("when is the money paid out", "en"),
        ("How do I apply for a loan?", "en"),
        ("Hey, good afternoon", "en"),
        ("jeg vil lagre dokumentet i teamet", "nb"),
        ("BankID", None),
    ],
)
def test_language_detection_tells_bokmal_nynorsk_and_english_apart(text: str, language: str | None) -> None:
    assert language_detect(text) == language


def test_a_norwegian_message_that_does_not_tell_the_standard_keeps_the_conversations() -> None:
    assert language_detect("lån?", default="nn") == "nn"
    assert language_detect("lån?", default="en") == "nb"
    assert language_detect("ok", default="nn") == "nn"


def test_a_long_message_is_split_into_its_sentences() -> None:
    text = "Hei, jeg flyttet hjem i januar. Må jeg si fra til dere og mister jeg stipendet?"
    assert text_sentences(text) == [
        "Hei, jeg flyttet hjem i januar.",
        "Må jeg si fra til dere og mister jeg stipendet",
    ]
    assert text_sentences("Hei. Takk!") == []


CLASSES = ["a", "b", "c", OUT_OF_SCOPE]


def test_a_confident_intent_is_answered() -> None:
    decision = decision_from_probabilities(
        classes=CLASSES,
        probabilities=np.array([0.9, 0.05, 0.03, 0.02]),
        thresholds=Thresholds(0.6, 0.7),
        coverage=1.0,
    )
    assert (decision.kind, decision.intent, decision.options) == ("answer", "a", [])


def test_two_close_intents_are_clarified() -> None:
    decision = decision_from_probabilities(
        classes=CLASSES,
        probabilities=np.array([0.45, 0.4, 0.1, 0.05]),
        thresholds=Thresholds(0.6, 0.7),
        coverage=1.0,
    )
    assert decision.kind == "clarify" and decision.options == ["a", "b"]


def test_one_unsure_intent_without_a_close_second_falls_back() -> None:
    decision = decision_from_probabilities(
        classes=CLASSES,
        probabilities=np.array([0.5, 0.1, 0.1, 0.3]),
        thresholds=Thresholds(0.6, 0.7),
        coverage=1.0,
    )
    assert decision.kind == "fallback" and decision.intent is None


def test_out_of_scope_on_top_falls_back_even_when_confident() -> None:
    decision = decision_from_probabilities(
        classes=CLASSES,
        probabilities=np.array([0.05, 0.02, 0.03, 0.9]),
        thresholds=Thresholds(0.6, 0.7),
        coverage=1.0,
    )
    assert decision.kind == "fallback"


def test_a_message_without_known_words_falls_back_however_confident() -> None:
    decision = decision_from_probabilities(
        classes=CLASSES,
        probabilities=np.array([0.97, 0.01, 0.01, 0.01]),
        thresholds=Thresholds(0.6, 0.7),
        coverage=0.0,
    )
    assert decision.kind == "fallback"


def _cv(truth: list[str], first: list[str], p1: list[float]) -> CrossValidation:
    classes = ["a", "b", OUT_OF_SCOPE]
    probabilities = np.zeros((len(truth), 3))
    for i, (guess, p) in enumerate(zip(first, p1, strict=True)):
        probabilities[i, classes.index(guess)] = p
        rest = [c for c in range(3) if c != classes.index(guess)]
        probabilities[i, rest[0]] = (1 - p) * 0.6
        probabilities[i, rest[1]] = (1 - p) * 0.4
    return CrossValidation(
        classes=classes, labels=truth, probabilities=probabilities, coverage=[1.0] * len(truth)
    )


def test_the_answer_threshold_is_the_lowest_that_reaches_the_target_precision() -> None:
    # 400 right answers at 0.9 and 40 wrong ones at 0.5: answering everything is 91%
    # precise, answering from above 0.5 is 100% precise.
    truth = ["a"] * 400 + ["b"] * 40
    first = ["a"] * 440
    p1 = [0.9] * 400 + [0.5] * 40
    thresholds = thresholds_choose(cv=_cv(truth, first, p1), target_precision=0.97)
    assert 0.5 < thresholds.answer <= 0.9


def test_without_enough_evidence_the_strictest_threshold_is_used() -> None:
    thresholds = thresholds_choose(cv=_cv(["a"] * 5, ["a"] * 5, [0.9] * 5), target_precision=0.97)
    assert thresholds.answer == pytest.approx(0.99)


def test_an_intent_that_pulls_in_other_questions_gets_its_own_stricter_threshold() -> None:
    # "a": 2,000 right answers at 0.9. "b": 200 right at 0.9, and 20 questions of "a" land
    # on "b" with 0.6. All answers together are 99.1% precise, so the global threshold
    # answers everything; "b" alone is 90.9% precise, short of 97% with confidence, so
    # "b" is answered only from the lowest threshold where its own answers reach 97%.
    truth = ["a"] * 2000 + ["b"] * 200 + ["a"] * 20
    first = ["a"] * 2000 + ["b"] * 220
    p1 = [0.9] * 2200 + [0.6] * 20
    thresholds = thresholds_choose(cv=_cv(truth, first, p1), target_precision=0.97)
    assert thresholds.answer == pytest.approx(0.10)
    assert thresholds.intents == {"b": pytest.approx(0.61)}
    assert thresholds.answer_for("a") == pytest.approx(0.10)
    assert thresholds.answer_for("b") == pytest.approx(0.61)


def test_an_intent_short_of_the_target_only_by_chance_keeps_the_global_threshold() -> None:
    # "b": 40 answers, one wrong (97.5%, but 1 of 40 is no evidence against 97%).
    truth = ["a"] * 300 + ["b"] * 39 + ["a"]
    first = ["a"] * 300 + ["b"] * 40
    p1 = [0.9] * 339 + [0.7]
    thresholds = thresholds_choose(cv=_cv(truth, first, p1), target_precision=0.97)
    assert thresholds.intents == {}


def test_an_intent_is_answered_only_at_its_own_threshold() -> None:
    thresholds = Thresholds(answer=0.5, clarify=0.7, intents={"a": 0.8})
    below = decision_from_probabilities(
        classes=CLASSES, probabilities=np.array([0.7, 0.1, 0.1, 0.1]), thresholds=thresholds, coverage=1.0
    )
    above = decision_from_probabilities(
        classes=CLASSES, probabilities=np.array([0.85, 0.05, 0.05, 0.05]), thresholds=thresholds, coverage=1.0
    )
    other = decision_from_probabilities(
        classes=CLASSES, probabilities=np.array([0.1, 0.7, 0.1, 0.1]), thresholds=thresholds, coverage=1.0
    )
    assert below.kind == "fallback"
    assert (above.kind, above.intent) == ("answer", "a")
    assert (other.kind, other.intent) == ("answer", "b")


def test_the_wilson_bound_is_below_the_observed_share_and_rises_with_evidence() -> None:
    assert wilson_lower_bound(successes=10, n=10) < 1.0
    assert wilson_lower_bound(successes=1000, n=1000) > wilson_lower_bound(successes=100, n=100) > 0.9


def test_risk_falls_as_the_threshold_rises() -> None:
    truth = ["a"] * 50 + ["b"] * 50
    first = ["a"] * 100
    p1 = [0.95] * 50 + [0.4] * 50
    curve = risk_coverage_curve(cv=_cv(truth, first, p1))
    assert curve[0]["coverage"] == 1.0 and curve[0]["risk"] == 0.5
    assert curve[-1]["risk"] == 0.0
    assert [p["coverage"] for p in curve] == sorted((p["coverage"] for p in curve), reverse=True)


def test_heldout_evaluation_counts_answers_to_out_of_scope_as_errors() -> None:
    answers = {
        "hei": Decision("answer", "greeting", 0.9, [], [("greeting", 0.9)]),
        "vær": Decision("answer", "greeting", 0.8, [], [("greeting", 0.8)]),
        "tull": Decision("fallback", None, 0.9, [], [(OUT_OF_SCOPE, 0.9), ("greeting", 0.1)]),
    }
    result = heldout_evaluate(
        decide=answers.__getitem__, in_scope=[("hei", "greeting")], out_of_scope=["vær", "tull"]
    )
    assert result.accuracy == 1.0
    assert result.answer_precision == 0.5
    assert result.out_of_scope_not_answered == 0.5
    assert result.errors == [
        {"text": "vær", "intent": OUT_OF_SCOPE, "decision": "answer", "predicted": "greeting"}
    ]


def test_the_trained_pipeline_recognises_its_intents_and_ignores_nonsense(
    mini_artifact: TrainedArtifact,
) -> None:
    pipeline = pipeline_load(path=mini_artifact.path, sha256=mini_artifact.sha256)
    vocabulary = pipeline_vocabulary(pipeline=pipeline)
    thresholds = Thresholds(0.7, 0.6)
    assert (
        pipeline_decide(
            pipeline=pipeline, text="naar kommer pengene mine", thresholds=thresholds, vocabulary=vocabulary
        ).intent
        == "payout_dates"
    )
    assert (
        pipeline_decide(
            pipeline=pipeline, text="asdf qwerty zxcv", thresholds=thresholds, vocabulary=vocabulary
        ).kind
        == "fallback"
    )
    assert vocabulary_coverage(text="zzqx blorf", vocabulary=vocabulary) == 0.0
    assert vocabulary_coverage(text="utbetaling zzqx", vocabulary=vocabulary) == 0.5


def test_training_needs_two_classes() -> None:
    with pytest.raises(ValueError, match="two intents"):
        pipeline_train(texts=["hei", "hallo"], labels=["greeting", "greeting"])


def test_loading_refuses_a_file_whose_checksum_does_not_match(
    mini_artifact: TrainedArtifact, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.skops"
    copy.write_bytes(mini_artifact.path.read_bytes() + b"tampered")
    with pytest.raises(ArtifactError, match="SHA-256"):
        pipeline_load(path=copy, sha256=mini_artifact.sha256)


def test_loading_refuses_untrusted_types(tmp_path: Path) -> None:
    # A pipeline calling an arbitrary function: skops would have to import and run it.
    sneaky = Pipeline([("f", FunctionTransformer(func=os.system))])
    path = tmp_path / "sneaky.skops"
    sha = pipeline_save(pipeline=sneaky, path=path)
    with pytest.raises(ArtifactError, match="untrusted"):
        pipeline_load(path=path, sha256=sha)


def test_loading_a_missing_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot be read"):
        pipeline_load(path=tmp_path / "gone.skops", sha256="0" * 64)


def test_a_confident_other_agency_class_refers_and_is_never_an_answer() -> None:
    classes = ["a", "b", "agency:nav", OUT_OF_SCOPE]
    thresholds = Thresholds(answer=0.5, clarify=0.6)
    refer = decision_from_probabilities(
        classes=classes, probabilities=np.array([0.2, 0.1, 0.6, 0.1]), thresholds=thresholds, coverage=1.0
    )
    assert (refer.kind, refer.intent, refer.agency) == ("refer", None, "nav")
    weak = decision_from_probabilities(
        classes=classes, probabilities=np.array([0.3, 0.2, 0.3, 0.2]), thresholds=thresholds, coverage=1.0
    )
    assert weak.kind == "fallback" and weak.intent is None
    unknown_words = decision_from_probabilities(
        classes=classes, probabilities=np.array([0.1, 0.1, 0.7, 0.1]), thresholds=thresholds, coverage=0.0
    )
    assert unknown_words.kind == "fallback"


def test_the_most_confident_sentence_of_a_long_message_decides(mini_artifact) -> None:
    from chat.ml.persistence import pipeline_load
    from chat.ml.pipeline import pipeline_decide, pipeline_vocabulary

    pipeline = pipeline_load(path=mini_artifact.path, sha256=mini_artifact.sha256)
    vocabulary = pipeline_vocabulary(pipeline=pipeline)
    thresholds = Thresholds(answer=0.5, clarify=0.6)
    text = (
        "Hei, jeg har lurt på dette en stund og spurt venner uten å få noe svar som hjelper meg videre. "
        "Når kommer pengene?"
    )
    whole = pipeline.predict_proba([text])[0]
    decision = pipeline_decide(pipeline=pipeline, text=text, thresholds=thresholds, vocabulary=vocabulary)
    assert decision.kind == "answer" and decision.intent == "payout_dates"
    assert decision.confidence > float(whole[list(pipeline.classes_).index("payout_dates")])


def test_the_text_features_transform_like_scikit_learns_feature_union() -> None:
    from sklearn.pipeline import FeatureUnion

    texts = ["når kommer pengene", "hvordan søker jeg stipend", "når betaler jeg tilbake lånet"]
    features = pipeline_build().named_steps["features"]
    assert isinstance(features, TextFeatures)
    features.fit(texts)
    plain = FeatureUnion(features.transformer_list)
    new = ["når kommer stipendet", "ukjent ord her", ""]
    ours, theirs = features.transform(new), plain.transform(new)
    assert ours.shape == theirs.shape and ours.shape[1] > 0
    assert (ours != theirs).nnz == 0
    features.set_params(transformer_weights={"words": 2.0, "chars": 0.5})
    plain.set_params(transformer_weights={"words": 2.0, "chars": 0.5})
    assert abs(features.transform(new) - plain.transform(new)).max() < 1e-12
