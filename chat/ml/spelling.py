"""Spelling-tolerant normalisation: a word the training phrases never used is rewritten to
the nearest word they did use ("hvordn" → "hvordan", "stpend" → "stipend", "sker" →
"søker"), within one edit for short words and two for long ones; a word typed with
æ/ø/å left out ("sker", "sknad") is first matched to the word with them.

The corrector is the first step of the intent pipeline, so its vocabulary is exactly the
catalogue's (intents, out-of-scope and other-agency phrases) and is stored with the model.
Candidates are found the SymSpell way: every vocabulary word is indexed under its deletes
(the word with up to two letters removed), a typed word is looked up under its own
deletes, and the survivors are checked with the optimal-string-alignment distance
(insert, delete, substitute, swap two neighbours). Among equally near words the most
frequent one wins. The index is built once per fitted model and every corrected word is
cached, so a reply pays a dictionary look-up per word."""

import re
import threading
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from chat.ml.text import text_fold

_WORD_RE = re.compile(r"[a-z0-9æøåéèêóòôü]+")
_SPECIAL_RE = re.compile(r"[æøå]")

# Words shorter than this are not searched for a near word: "jeg"/"eg", "nå"/"no",
# "heim"/"hei" and "lån"/"lag" are one edit apart and all of them real words. A word with
# æ/ø/å left out is matched from SPECIAL_MIN_LENGTH letters ("sker" → "søker").
MIN_LENGTH = 5
SPECIAL_MIN_LENGTH = 4
# Words of this length and longer may be two edits from the word that was meant.
TWO_EDITS_FROM = 8
# The cache of corrected words per model is emptied when it grows past this many words,
# so a stream of random words cannot fill the memory.
CACHE_LIMIT = 50_000
# A training word seen at most this often is taken for a typo of the same word with æ/ø/å
# when that one is at least TYPO_RATIO times as frequent.
TYPO_MAX_COUNT = 2
TYPO_RATIO = 10


def _max_edits(length: int) -> int:
    if length < MIN_LENGTH:
        return 0
    return 2 if length >= TWO_EDITS_FROM else 1


def _deletes(word: str, edits: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))} - found
        found |= frontier
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of `a` and `b`, or `limit + 1` when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class _Index:
    deletes: dict[str, list[str]]
    without_special: dict[str, str]
    known: set[str]  # the words trusted as they are: every word but the training typos
    cache: dict[str, str] = field(default_factory=dict)


_INDEXES: "weakref.WeakKeyDictionary[SpellingCorrector, _Index]" = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


class SpellingCorrector(TransformerMixin, BaseEstimator):
    """Rewrites each unknown word of a text to the nearest word of the training texts
    (see the module's docstring); known words and words with no near neighbour stay as
    they were. Fitted state: `counts_` (folded word → occurrences) and `surface_`
    (folded word → its most common spelling, æ/ø/å kept for the stemmer)."""

    counts_: dict[str, int]
    surface_: dict[str, str]

    def fit(self, X: Iterable[str], y: Any = None) -> "SpellingCorrector":
        counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for text in X:
            for word in _WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()):
                key = text_fold(word)
                counts[key] += 1
                spellings.setdefault(key, Counter())[word] += 1
        self.counts_ = dict(counts)
        self.surface_ = {key: c.most_common(1)[0][0] for key, c in spellings.items()}
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        index = self._index()
        return [self._correct_text(text, index) for text in X]

    def correct(self, word: str) -> str:
        """The word as the corrector rewrites it (for tests and the review pages)."""
        return self._correct_word(word.lower(), self._index())

    def _index(self) -> _Index:
        index = _INDEXES.get(self)
        if index is None:
            with _INDEX_LOCK:
                index = _INDEXES.get(self)
                if index is None:
                    index = self._index_build()
                    _INDEXES[self] = index
        return index

    def _index_build(self) -> _Index:
        deletes: dict[str, list[str]] = {}
        for key in self.counts_:
            if len(key) >= MIN_LENGTH - 2:
                for d in _deletes(key, 2):
                    deletes.setdefault(d, []).append(key)
        # "sker", "mnd": the word with æ/ø/å left out, as typed on a keyboard without
        # them; the most frequent word wins a shared form.
        without_special: dict[str, str] = {}
        for key in sorted(self.counts_, key=lambda k: -self.counts_[k]):
            stripped = _SPECIAL_RE.sub("", self.surface_[key])
            if stripped != self.surface_[key] and len(stripped) >= SPECIAL_MIN_LENGTH:
                without_special.setdefault(stripped, key)
        index = _Index(deletes=deletes, without_special=without_special, known=set(self.counts_))
        # The training phrases carry typos too: a rare word that is a much more frequent
        # word with its æ/ø/å left out ("sker" beside "søker") is corrected like a typed
        # one rather than trusted as a word of its own. Other rare words stay as they
        # are: "heltid" beside "deltid" and "snakkes" beside "snakke" are real words.
        typos = {
            key
            for key, count in self.counts_.items()
            if count <= TYPO_MAX_COUNT
            and (special := without_special.get(self.surface_[key])) is not None
            and self.counts_[special] >= TYPO_RATIO * count
        }
        index.known -= typos
        return index

    def _search(self, key: str, index: _Index) -> str | None:
        """The known folded word nearest to `key` (an unknown folded word), or None."""
        edits = _max_edits(len(key))
        if not edits:
            return None
        best: tuple[int, int, str] | None = None
        for d in _deletes(key, edits):
            for candidate in index.deletes.get(d, ()):
                if candidate == key or candidate not in index.known:
                    continue
                distance = edit_distance(key, candidate, edits)
                if distance > edits:
                    continue
                rank = (distance, -self.counts_[candidate], candidate)
                if best is None or rank < best:
                    best = rank
        return None if best is None else best[2]

    def _correct_text(self, text: str, index: _Index) -> str:
        lowered = unicodedata.normalize("NFKC", text).lower()
        return _WORD_RE.sub(lambda m: self._correct_word(m.group(0), index), lowered)

    def _correct_word(self, word: str, index: _Index) -> str:
        cached = index.cache.get(word)
        if cached is not None:
            return cached
        corrected = self._nearest(word, index)
        if len(index.cache) >= CACHE_LIMIT:
            index.cache.clear()
        index.cache[word] = corrected
        return corrected

    def _nearest(self, word: str, index: _Index) -> str:
        key = text_fold(word)
        if key in index.known or len(key) < SPECIAL_MIN_LENGTH or key.isdigit():
            return word
        if word in index.without_special:
            return self.surface_[index.without_special[word]]
        nearest = self._search(key, index)
        return word if nearest is None else self.surface_[nearest]
