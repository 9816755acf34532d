"""Text normalisation for Norwegian (and English) chat messages, and language detection."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD_RE = re.compile(r"[a-z0-9æøåéèêóòôü]+")

# People type æ/ø/å, their ASCII spellings (ae/oe/aa) or just drop the ring and the
# stroke; folding all three spellings to one letter makes "lån", "laan" and "lan" equal.
_FOLDS = (("aa", "a"), ("å", "a"), ("ae", "e"), ("æ", "e"), ("oe", "o"), ("ø", "o"))

_STEMMER = snowballstemmer.stemmer("norwegian")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words that say nothing about an intent; used only by the coverage check.
STOPWORDS = _words(
    """
    jeg eg du han hun ho vi me dere de dei den det denne dette er var vert blir ble bli
    har hadde ha kan kunne skal skulle vil ville må maa matte mitt min mine mi sitt sin
    og eller men som at om for fra til på paa pa i av med uten hva kva hvor kor hvordan
    korleis når naar nar hvorfor kvifor hvem kven ikke ikkje ei en et ein eit noe noko
    seg meg deg oss dykk dem the a an i you he she we they it is are was were be been
    have has had do does did can could will would shall should may might must my your
    our their of to in on at for from by with without what where when how why who which
    and or but not no this that these those me him her us them so if any some
    """
)

_ENGLISH_MARKERS = _words(
    """
    the is are was were what how when where why who which my me you your can could
    would should do does did have has will not please want need get with and of to
    from this that it hello hi thanks thank bye
    """
)
_NORWEGIAN_MARKERS = _words(
    """
    jeg eg er det og på paa hva kva hvordan korleis når naar kan ikke ikkje meg
    min mitt mine har skal vil må maa til fra med om hei takk hvor kor hvorfor kvifor
    blir vert søke soke lån laan stipend en ei et ein eit jeg du dere dykk seg
    """
)


def text_fold(text: str) -> str:
    """Lower-case, Unicode-normalised, with æ/ø/å and their ASCII spellings folded."""
    text = unicodedata.normalize("NFKC", text).lower()
    for source, target in _FOLDS:
        text = text.replace(source, target)
    return text


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def text_tokens(text: str) -> list[str]:
    """Stemmed, folded word tokens. Stemming runs before folding, because the bokmål
    stemmer knows the suffixes in their æ/ø/å spelling."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    return [text_fold(_stem(word)) for word in _WORD_RE.findall(lowered)]


def text_normalise(text: str) -> str:
    """The form every feature sees: stemmed, folded tokens joined by single spaces."""
    return " ".join(text_tokens(text))


def text_split(text: str) -> list[str]:
    """Tokenizer for an already normalised text (the word vectorizer's analyzer input)."""
    return text.split()


def text_content_tokens(text: str) -> list[str]:
    """The tokens that carry meaning (stopwords removed), for the vocabulary check."""
    stop = _stopword_stems()
    return [t for t in text_tokens(text) if t not in stop and not t.isdigit()]


@lru_cache(maxsize=1)
def _stopword_stems() -> frozenset[str]:
    return frozenset(text_fold(_stem(w)) for w in STOPWORDS)


def language_detect(text: str) -> str | None:
    """ "nb" (bokmål or nynorsk) or "en" when the message says so, else None, in which
    case the conversation's language applies. Short messages ("ok", "BankID") say
    nothing, which is why None is a real answer."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    if any(ch in lowered for ch in "æøå"):
        return "nb"
    words = _WORD_RE.findall(lowered)
    english = sum(1 for w in words if w in _ENGLISH_MARKERS)
    norwegian = sum(1 for w in words if w in _NORWEGIAN_MARKERS)
    if english > norwegian:
        return "en"
    if norwegian > english:
        return "nb"
    return None
