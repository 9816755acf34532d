"""Spelling-tolerant normalisation (chat/ml/spelling.py)."""

import skops.io as sio

from chat.ml.persistence import TRUSTED_TYPES
from chat.ml.spelling import SpellingCorrector, edit_distance

PHRASES = [
    "hvordan søker jeg om stipend",
    "hvordan søker jeg om lån",
    "søker om stipend og lån",
    "når kommer stipendet",
    "jeg jobber deltid",
    "jeg studerer heltid",
    "snakkes",
    "snakke med en person",
    "snakke med noen",
]


def corrector() -> SpellingCorrector:
    return SpellingCorrector().fit(PHRASES)


def test_an_unknown_word_becomes_the_nearest_catalogue_word() -> None:
    sp = corrector()
    assert sp.transform(["hvordn sker jeg stpend"]) == ["hvordan søker jeg stipend"]


def test_a_word_typed_without_its_special_letter_is_matched_first() -> None:
    # "sker" is one edit from several words; with ø left out it is "søker".
    assert corrector().correct("sker") == "søker"


def test_known_words_short_words_numbers_and_unreachable_words_stay() -> None:
    sp = corrector()
    assert sp.transform(["heltid deltid snakkes"]) == ["heltid deltid snakkes"]
    assert sp.correct("lan") == "lan"  # three letters: too short to search
    assert sp.correct("12345") == "12345"
    assert sp.correct("pizza") == "pizza"


def test_long_words_may_be_two_edits_away_short_ones_only_one() -> None:
    sp = corrector()
    assert sp.correct("stipndett") == "stipendet"  # 9 letters, two edits
    assert sp.correct("stpnd") == "stpnd"  # 5 letters, two edits: left alone


def test_edit_distance_counts_a_swap_as_one_and_stops_at_the_limit() -> None:
    assert edit_distance("stipend", "sitpend", 2) == 1
    assert edit_distance("hvordan", "hvordn", 1) == 1
    assert edit_distance("abc", "xyzuvw", 2) == 3


def test_the_fitted_corrector_round_trips_through_skops_with_the_trusted_types() -> None:
    data = sio.dumps(corrector())
    assert set(sio.get_untrusted_types(data=data)) <= set(TRUSTED_TYPES)
    loaded = sio.loads(data, trusted=TRUSTED_TYPES)
    assert loaded.transform(["hvordn sker jeg stpend"]) == ["hvordan søker jeg stipend"]
