"""Content written in the three written standards (bokmål, nynorsk, English): the one place
that picks the right one, with bokmål where the others are missing."""

from collections.abc import Sequence

WRITTEN_STANDARDS = ("nb", "nn", "en")


def written_standard(language: str | None) -> str:
    """nb, nn or en for a language code ("nn", "en-gb", ...); bokmål for any other."""
    code = (language or "").lower()[:2]
    return code if code in WRITTEN_STANDARDS else "nb"


def in_language(language: str | None, *, nb: str, nn: str = "", en: str = "") -> str:
    """The text for `language`, or the bokmål one when that written standard has none."""
    return {"nb": nb, "nn": nn, "en": en}[written_standard(language)] or nb


def in_language_of(texts: Sequence[str], language: str | None) -> str:
    """Like `in_language` for an (nb, nn, en) triple."""
    nb, nn, en = texts
    return in_language(language, nb=nb, nn=nn, en=en)
