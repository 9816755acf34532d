"""One helper picks bokmål, nynorsk or English content (lanekassen_ai/languages.py)."""

import pytest

from lanekassen_ai.languages import in_language, in_language_of, written_standard


@pytest.mark.parametrize(
    ("code", "standard"),
    [
        ("nb", "nb"),
        ("nn", "nn"),
        ("en", "en"),
        ("en-gb", "en"),
        ("NN", "nn"),
        ("de", "nb"),
        ("", "nb"),
        (None, "nb"),
    ],
)
def test_a_language_code_maps_to_a_written_standard(code: str | None, standard: str) -> None:
    assert written_standard(code) == standard


def test_the_text_in_the_language_or_bokmal_when_it_is_missing() -> None:
    assert in_language("nn", nb="Hei", nn="Hei du", en="Hello") == "Hei du"
    assert in_language("en", nb="Hei", nn="Hei du", en="Hello") == "Hello"
    assert in_language("en", nb="Hei", nn="Hei du") == "Hei"
    assert in_language("se", nb="Hei", nn="Hei du", en="Hello") == "Hei"
    assert in_language_of(("andre fylker", "andre fylke", "other counties"), "nn") == "andre fylke"
