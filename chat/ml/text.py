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

# Language markers. English words that are not also Norwegian words ("i", "me", "no",
# "for" and "at" are, so they do not count), and the words that tell the two Norwegian
# written standards apart; the shared Norwegian words only say "Norwegian".
_ENGLISH_MARKERS = _words(
    """
    the is are was were what whats what's how when where why who which my me you your can
    could would should does did have has will not please want need get got with and of to
    from this that its hello hi hey thanks thank thx bye cheers good afternoon morning
    evening night there anyone anybody help apply applying application deadline
    money paid pay paying payment payments payout loan loans grant grants students
    study studying studies abroad university uni college school high course courses exam
    exams failed pass passed credits sick ill illness pregnant baby child children kids
    son daughter parents parent home living live lived moved move moving address account
    number change update new log login logging sign signed accept agreement contract
    certificate document documents documentation upload send attach attachment invoice
    bill due postpone delay defer deferral afford interest rate fixed floating owe debt
    balance remaining tax taxes return deduct deduction appeal decision complain complaint
    disagree rejected talk speak person human adviser advisor someone real phone call
    still yet until after before about just only much many more less too also all some
    any every out our us we they them their he she his her him if so do don't doesn't
    didn't can't won't isn't hasn't haven't i'm it's that's i've month week year today
    tomorrow next first time day days enough earn earning income savings work
    working job part full half share becomes turned converted conversion rules counts
    count away allowance support funding finance tuition fees fee hiya goodbye wealth
    limit limits doctor note error reduced lose losing lost signing sent receive
    received arrived approved processed agreement transfer forgive forgiveness
    cancelled disabled died passed late early extra whole once loaned owed repayment
    set up save saving saved keep file files desktop relocate reorganise folder folders
    stop remove sharing share shared version versions history restore compare org chart
    find employee directory contact info post comment notifications email community
    looking search results join meeting room book access denied request permissions
    missing rights service desk open ticket helpdesk button as
    """
)
_BOKMAL_MARKERS = _words(
    """
    jeg ikke hva hvordan hvorfor hvem hvor hvilken hvilke hvis noe noen fra bare dere
    deres hos kommer trenger søke soke begynne mer mye ennå enda vært ble fikk gjør gjore
    gjøre hjemme et en hun syk syke sykdom måned uke nå naa nar også ogsa skylder bor bo
    lager flytter endrer klager laster svarer starter booker kaller henter betaler
    tjene tjener finner seg sier dem hele høy siden regning fradrag morgen flere
    raskere senere samme ligger forrige ansatte gi nyhet lagret virker jobber heter
    """
)
_NYNORSK_MARKERS = _words(
    """
    eg ikkje kva korleis kvifor kven kvar noko nokon frå fra berre dykk dykkar hjå kjem
    kome komme treng søkje søkja byrje byrja meir mykje enno vore vart fekk gjer gjere
    heime eit ein ho sjuk sjukdom månad veke no òg og mi bur budd skuldar lagar flyttar
    endrar klagar lastar svarar startar bookar kallar hentar betalar tene tener finn
    seier dei deira sjølv saman framleis vert born aleine ventar papira heile høg
    morgon sidan strauk rekning rekninga frådrag ei same samstundes fleire førre tilsette
    gje nyheit utgåva ligg lagra verkar jobbar heiter
    """
) - _words("og fra komme")
_NORWEGIAN_MARKERS = (
    _words(
        """
        er det og på paa pa når kan har skal må maa til med om hei takk lån laan lan
        stipend studielån studielan søknad søknaden min mine ha hallo heisann god dag
        morgen kveld kontoen lånet lanet pengar penger vil blir mange
        """
    )
    | _BOKMAL_MARKERS
    | _NYNORSK_MARKERS
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


# Word parts that only one written standard uses: sjuk/syk, skule/skole, heim/hjem,
# bustad/bosted, vidare/videre, haust/høst, leige/leie, omgjering/omgjøring.
_NYNORSK_PARTS = (
    "sjuk",
    "skule",
    "heim",
    "bustad",
    "bustip",
    "vidare",
    "haust",
    "leige",
    "gjering",
    "bortebu",
)
_BOKMAL_PARTS = ("syk", "skole", "hjem", "bosted", "bostip", "videre", "høst", "leie", "gjøring", "borteboe")
_NOT_NYNORSK_AR = _words("januar februar seminar formular kalendar spar svar klar altar")
_NOT_NYNORSK_ARE = _words("forklare erklare")


def _nynorsk_form(word: str) -> bool:
    # -leg (tidlegare, alvorleg), the -ane and -ar plurals (pengane, studentar) and the
    # -ar present tense (flyttar) are nynorsk; -lig and -er are bokmål.
    if len(word) > 4 and (word.endswith("leg") or word.endswith("legare")):
        return True
    if len(word) > 5 and (word.endswith("ane") or (word.endswith("ar") and word not in _NOT_NYNORSK_AR)):
        return True
    if len(word) > 5 and (word.endswith("ande") or (word.endswith("are") and word not in _NOT_NYNORSK_ARE)):
        return True
    if (len(word) > 4 and word[-3:] in ("tje", "kje", "rje", "gje", "lje")) or "tjing" in word:
        return True
    return any(part in word for part in _NYNORSK_PARTS)


def _bokmal_form(word: str) -> bool:
    if len(word) > 4 and (word.endswith("lig") or word.endswith("lige") or word.endswith("ligere")):
        return True
    if len(word) > 5 and word.endswith("ende"):
        return True
    return any(part in word for part in _BOKMAL_PARTS)


# Product names both languages use as they are.
_PRODUCT_NAMES = _words("team teams word powerpoint onedrive outlook yammer delve una pdf excel bankid")


def _english_form(word: str) -> bool:
    # Letters and letter pairs Norwegian words hardly use.
    if word in _PRODUCT_NAMES or word.startswith("team"):
        return False
    return "w" in word or "th" in word or "ou" in word or "ea" in word or word.endswith("tion")


def language_detect(text: str, *, default: str | None = None) -> str | None:
    """The message's written standard: "nb" (bokmål), "nn" (nynorsk) or "en", by the
    words it uses. A Norwegian message that does not tell bokmål from nynorsk ("lån?")
    keeps the conversation's Norwegian standard (`default` when it is nb or nn, else nb);
    a message that says nothing ("ok", "BankID") gives `default`."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    words = re.findall(r"[a-zæøåéèêóòôü']+", lowered)
    english: float = sum(1 for w in words if w in _ENGLISH_MARKERS or _english_form(w))
    if english:
        english += sum(0.5 for w in words if w == "i")  # "i" is English only beside English
    norwegian = sum(1 for w in words if w in _NORWEGIAN_MARKERS or _nynorsk_form(w) or _bokmal_form(w))
    if any(ch in lowered for ch in "æøå"):
        norwegian += 1
    if english > norwegian:
        return "en"
    if norwegian == 0:
        return default
    nynorsk = sum(1 for w in words if w in _NYNORSK_MARKERS or _nynorsk_form(w))
    bokmal = sum(1 for w in words if w in _BOKMAL_MARKERS or _bokmal_form(w))
    if nynorsk > bokmal:
        return "nn"
    if bokmal > nynorsk:
        return "nb"
    return default if default in ("nb", "nn") else "nb"


_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+|[.!?]+$")


def text_sentences(text: str, *, min_words: int = 3) -> list[str]:
    """The sentences of a longer message (split at . ! ? and line breaks), each with at
    least `min_words` words; fewer than two such sentences give an empty list, because
    then the whole message is the only candidate."""
    parts = [p.strip() for p in _SENTENCE_END_RE.split(text) if p and p.strip()]
    sentences = [p for p in parts if len(_WORD_RE.findall(p.lower())) >= min_words]
    return sentences if len(sentences) >= 2 else []
