"""The intent classifier: one scikit-learn Pipeline from raw text to probabilities, and
the decision rule that turns those probabilities into answer / clarify / fallback."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from chat.ml.spelling import SpellingCorrector
from chat.ml.text import text_content_tokens, text_fold, text_normalise, text_sentences, text_split

# The background class: generic and off-topic phrases shipped with the catalogue, so the
# classifier has somewhere to put "what's the weather" other than the nearest intent.
OUT_OF_SCOPE = "out_of_scope"
# Background classes for questions meant for another public body ("agency:nav"): never
# answered as an intent, but the bot can say where to go instead of "did not understand".
AGENCY_PREFIX = "agency:"
# The least probability of an agency class, as the best class, for pointing there.
AGENCY_MIN_PROBABILITY = 0.35


def is_background(label: str) -> bool:
    """True for the classes that are not intents: out of scope and the other agencies."""
    return label == OUT_OF_SCOPE or label.startswith(AGENCY_PREFIX)


class TextFeatures(FeatureUnion):
    """The word and character n-grams side by side. A FeatureUnion whose `transform`
    runs its parts one after the other in the calling thread: scikit-learn's goes through
    joblib even with one job, which cost about a tenth of a reply's CPU for one message.
    Fitting is FeatureUnion's own."""

    def transform(self, X: Sequence[str], **params: object) -> sparse.csr_matrix:
        if params:  # metadata routing: leave it to FeatureUnion
            return super().transform(X, **params)
        parts = []
        for _name, transformer, weight in self._iter():
            part = transformer.transform(X)
            parts.append(part if weight is None else part * weight)
        return sparse.hstack(parts).tocsr()


def pipeline_build(*, random_state: int = 0) -> Pipeline:
    """Spelling correction against the training phrases' own words, then word n-grams
    over stemmed, folded tokens plus character n-grams (robust to the typos left and to
    compound words), into a multinomial logistic regression whose probabilities are well
    calibrated for a linear text model."""
    words = TfidfVectorizer(
        preprocessor=text_normalise,
        tokenizer=text_split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
    )
    chars = TfidfVectorizer(
        preprocessor=text_fold,
        analyzer="char_wb",
        ngram_range=(1, 4),
        sublinear_tf=True,
        min_df=1,
    )
    return Pipeline(
        [
            ("spelling", SpellingCorrector()),
            ("features", TextFeatures([("words", words), ("chars", chars)])),
            ("classifier", LogisticRegression(C=20.0, max_iter=1000, random_state=random_state)),
        ]
    )


def pipeline_train(*, texts: Sequence[str], labels: Sequence[str], random_state: int = 0) -> Pipeline:
    """Fit a fresh pipeline on `texts` labelled with intent slugs (and OUT_OF_SCOPE)."""
    if len(set(labels)) < 2:
        raise ValueError("Training needs at least two intents (or one intent and out-of-scope phrases).")
    pipeline = pipeline_build(random_state=random_state)
    pipeline.fit(list(texts), list(labels))
    return pipeline


def pipeline_vocabulary(*, pipeline: Pipeline) -> frozenset[str]:
    """The unigram tokens the word features were trained on."""
    words: TfidfVectorizer = pipeline.named_steps["features"].transformer_list[0][1]
    return frozenset(term for term in words.vocabulary_ if " " not in term)


def pipeline_correct(*, pipeline: Pipeline, texts: Sequence[str]) -> list[str]:
    """`texts` as the pipeline's features see them after spelling correction (unchanged
    for a model stored before the pipeline had a spelling step)."""
    spelling = pipeline.named_steps.get("spelling")
    return list(texts) if spelling is None else spelling.transform(texts)


def vocabulary_coverage(*, text: str, vocabulary: frozenset[str]) -> float:
    """Share of the message's content words the model has seen in training. A message
    with no known content word at all ("asdf qwerty", "hva blir været") is not answered
    however the probabilities fall."""
    tokens = text_content_tokens(text)
    if not tokens:
        # Only function words ("hva er det"): nothing the model could recognise.
        return 0.0
    return sum(1 for t in tokens if t in vocabulary) / len(tokens)


@dataclass(frozen=True)
class Thresholds:
    answer: float  # top probability at or above which the bot answers on its own
    clarify: float  # top-two probability mass at or above which it asks "did you mean"
    # Stricter answer thresholds of the intents whose cross-validated answers fell short of
    # the target precision at `answer` (slug -> threshold); the others use `answer`.
    intents: Mapping[str, float] = field(default_factory=dict)

    def answer_for(self, intent: str) -> float:
        """The probability at or above which `intent` is answered on its own."""
        return max(self.answer, self.intents.get(intent, 0.0))


@dataclass(frozen=True)
class Decision:
    kind: str  # "answer" | "clarify" | "fallback" | "refer" (to another agency)
    intent: str | None
    confidence: float
    options: list[str] = field(default_factory=list)
    ranking: list[tuple[str, float]] = field(default_factory=list)
    agency: str = ""  # for "refer": the agency's slug


def decision_from_probabilities(
    *, classes: Sequence[str], probabilities: np.ndarray, thresholds: Thresholds, coverage: float
) -> Decision:
    """Apply the rule to one message's class probabilities.

    answer: the best in-scope intent has probability >= its answer threshold
    (thresholds.answer, or the intent's own stricter one);
    clarify: not sure, but the two best in-scope intents together reach
    thresholds.clarify and each has a real share, so asking "did you mean" is useful;
    refer: the best class is another agency's, with a real share: not answered, but
    pointed to that agency;
    fallback: everything else, including a best guess of OUT_OF_SCOPE and messages
    without a single known content word.
    """
    order = np.argsort(probabilities)[::-1]
    ranking = [(str(classes[i]), float(probabilities[i])) for i in order]
    in_scope = [(c, p) for c, p in ranking if not is_background(c)]
    top_class, top_p = ranking[0]
    if coverage > 0.0 and top_class.startswith(AGENCY_PREFIX) and top_p >= AGENCY_MIN_PROBABILITY:
        agency = top_class.removeprefix(AGENCY_PREFIX)
        return Decision("refer", None, round(top_p, 4), [], ranking[:5], agency=agency)
    if coverage <= 0.0 or is_background(top_class) or not in_scope:
        return Decision("fallback", None, round(top_p, 4), [], ranking[:5])
    (first, p1) = in_scope[0]
    if p1 >= thresholds.answer_for(first):
        return Decision("answer", first, round(p1, 4), [], ranking[:5])
    if len(in_scope) > 1:
        (second, p2) = in_scope[1]
        if p1 + p2 >= thresholds.clarify and p2 >= 0.5 * p1 and p2 >= 0.1:
            return Decision("clarify", first, round(p1, 4), [first, second], ranking[:5])
    return Decision("fallback", None, round(p1, 4), [], ranking[:5])


# Which decision wins when a long message's sentences disagree: an answer before a
# question back, before a pointer to another agency, before "did not understand".
_KIND_RANK = {"answer": 3, "clarify": 2, "refer": 1, "fallback": 0}


def pipeline_decide(
    *, pipeline: Pipeline, text: str, thresholds: Thresholds, vocabulary: frozenset[str]
) -> Decision:
    """Classify one message and decide what to do with it. A long message is also
    classified sentence by sentence (one batch), and the most confident decision of the
    whole message and its sentences is taken: "Hi, I moved home in January ... Do I lose
    the grant?" is about the grant, not a greeting."""
    candidates = [text, *text_sentences(text)]
    classes = list(pipeline.classes_)
    corrected = pipeline_correct(pipeline=pipeline, texts=candidates)
    decisions = [
        decision_from_probabilities(
            classes=classes,
            probabilities=row,
            thresholds=thresholds,
            coverage=vocabulary_coverage(text=candidate, vocabulary=vocabulary),
        )
        for candidate, row in zip(corrected, pipeline.predict_proba(candidates), strict=True)
    ]
    # max() keeps the first of equals, so the whole message wins a tie.
    return max(decisions, key=lambda d: (_KIND_RANK[d.kind], d.confidence))
