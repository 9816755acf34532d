"""The applications import format as data: the single definition of its columns.

Both the Django import validator and the machine-learning code read this module, so a
column is named, typed and bounded in exactly one place
(see /docs/import-format.md, the contract with the agency's registers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lanekassen_ai.languages import in_language_of

ColumnKind = Literal["id", "national_id", "int", "float", "bool", "date", "enum", "municipality"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the import format: its kind, bounds and allowed values."""

    name: str
    kind: ColumnKind
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    # Strict bounds: selection_probability must be > 0, not >= 0.
    minimum_exclusive: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    audit_only: bool = False
    description: str = ""


GENDERS = ("F", "M")
BIRTH_COUNTRY_GROUPS = ("NO", "NORDIC", "EU_EEA", "OTHER")
HOUSING_TYPES = ("STUDENT_HOUSING", "RENTED", "OWNED", "PARENTS_PROPERTY", "UNKNOWN")
INSTITUTION_TYPES = ("UNIVERSITY", "UNIVERSITY_COLLEGE", "VOCATIONAL", "FOLK_HIGH_SCHOOL", "PRIVATE_COLLEGE")
STUDY_LEVELS = ("BACHELOR", "MASTER", "PHD", "VOCATIONAL", "OTHER")
APPLICATION_CHANNELS = ("WEB", "APP", "PAPER")
CONTROL_REASONS = ("RANDOM", "RULE", "RISK", "TIP")
CONTROL_OUTCOMES = ("CAUGHT", "CLEARED")

# Regular expression for application_id (customer_id is free text of 1-32 characters).
ID_MAX_LENGTH = 32
APPLICATION_ID_PATTERN = rf"^[A-Za-z0-9_-]{{1,{ID_MAX_LENGTH}}}$"
NATIONAL_ID_LENGTH = 11
MIN_AGE_ON_AUGUST_1 = 15
MAX_AGE_ON_AUGUST_1 = 80


# The fairness audit's groups and its flag rule: the model card (ml/fairness.py) and the
# campaign insight (selectors/casework.py) both read them from here.
@dataclass(frozen=True)
class AgeBand:
    """An audit age band: whole years of age on 1 August, low <= age < high."""

    code: str
    low: int
    high: int
    label_nb: str
    label_nn: str
    label_en: str


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("under_21", 0, 21, "under 21 år", "under 21 år", "under 21"),
    AgeBand("21_24", 21, 25, "21–24 år", "21–24 år", "21 to 24"),
    AgeBand("25_29", 25, 30, "25–29 år", "25–29 år", "25 to 29"),
    AgeBand("30_plus", 30, 200, "30 år eller eldre", "30 år eller eldre", "30 or older"),
)
# Below this ratio between the lowest and the highest group rate a difference is flagged
# (the "four-fifths rule"), and only when the ratio's whole 95 % interval lies below it.
FAIRNESS_FLAG_RATIO = 0.8
GROUP_MIN_SIZE = 30  # applications in a group before its rates count
GROUP_MIN_POSITIVES = 5  # cheaters in a group before its recall counts
# Plain names of the audit groups, (bokmål, nynorsk, English): never show the codes.
GROUP_LABELS: dict[str, dict[str, tuple[str, str, str]]] = {
    "gender": {"F": ("kvinner", "kvinner", "women"), "M": ("menn", "menn", "men")},
    "birth_country_group": {
        "NO": ("født i Norge", "fødd i Noreg", "born in Norway"),
        "NORDIC": (
            "født i et annet nordisk land",
            "fødd i eit anna nordisk land",
            "born in another Nordic country",
        ),
        "EU_EEA": (
            "født i et annet EU/EØS-land",
            "fødd i eit anna EU/EØS-land",
            "born in another EU/EEA country",
        ),
        "OTHER": ("født utenfor EU/EØS", "fødd utanfor EU/EØS", "born outside the EU/EEA"),
    },
    "age_band": {band.code: (band.label_nb, band.label_nn, band.label_en) for band in AGE_BANDS},
}
ATTRIBUTE_LABELS: dict[str, tuple[str, str, str]] = {
    "gender": ("kjønn", "kjønn", "gender"),
    "birth_country_group": ("fødeland", "fødeland", "country of birth"),
    "age_band": ("alder", "alder", "age"),
    "study_region": (
        "fylket der studiestedet ligger",
        "fylket der studiestaden ligg",
        "county of the place of study",
    ),
    "gender_x_birth_country_group": ("kjønn og fødeland", "kjønn og fødeland", "gender and country of birth"),
    "age_band_x_birth_country_group": ("alder og fødeland", "alder og fødeland", "age and country of birth"),
}


def group_label(*, attribute: str, code: str, language: str = "nb") -> str:
    """The plain name of an audit group in `language` (nb, nn or en; others fall back to
    bokmål): "født utenfor EU/EØS", never "OTHER". Intersectional codes are "a|b"; study
    regions are county numbers ("03") or "other"."""
    if "|" in code:
        return ", ".join(
            group_label(attribute=part_attribute, code=part, language=language)
            for part_attribute, part in zip(attribute.split("_x_"), code.split("|"), strict=True)
        )
    if attribute == "study_region":
        if code == "other":
            return in_language_of(("andre fylker", "andre fylke", "other counties"), language)
        return in_language_of(("fylke {code}", "fylke {code}", "county {code}"), language).format(code=code)
    labels = GROUP_LABELS.get(attribute, {}).get(code)
    return in_language_of(labels, language) if labels else code


def attribute_label(*, attribute: str, language: str = "nb") -> str:
    """The plain name of an audit attribute in `language`."""
    labels = ATTRIBUTE_LABELS.get(attribute)
    return in_language_of(labels, language) if labels else attribute


_SPECS: tuple[ColumnSpec, ...] = (
    # Identity and audit-only attributes
    ColumnSpec("application_id", "id", max_length=ID_MAX_LENGTH, description="unique id of the application"),
    ColumnSpec(
        "customer_id", "id", max_length=ID_MAX_LENGTH, description="stable pseudonymous id of the student"
    ),
    ColumnSpec("national_id", "national_id", description="fødselsnummer or D-number, 11 digits"),
    ColumnSpec("academic_year", "int", minimum=2000, maximum=2100),
    ColumnSpec("birth_date", "date"),
    ColumnSpec("gender", "enum", choices=GENDERS, audit_only=True),
    ColumnSpec("birth_country_group", "enum", choices=BIRTH_COUNTRY_GROUPS, audit_only=True),
    # Address and household
    ColumnSpec("student_municipality", "municipality"),
    ColumnSpec("parent_municipality", "municipality", optional=True),
    ColumnSpec("registered_same_address_as_parent", "bool"),
    ColumnSpec("distance_parent_km", "float", optional=True, minimum=0),
    ColumnSpec("distance_study_km", "float", minimum=0),
    ColumnSpec("persons_at_address", "int", minimum=1, maximum=50),
    ColumnSpec("address_changes_3y", "int", minimum=0, maximum=30),
    ColumnSpec("months_at_address", "int", minimum=0, maximum=600),
    ColumnSpec("moved_within_90d_before_start", "bool"),
    ColumnSpec("housing_type", "enum", choices=HOUSING_TYPES),
    ColumnSpec("married_or_partner", "bool"),
    ColumnSpec("children", "int", minimum=0, maximum=15),
    # Study
    ColumnSpec("institution_type", "enum", choices=INSTITUTION_TYPES),
    ColumnSpec("study_municipality", "municipality"),
    ColumnSpec("study_level", "enum", choices=STUDY_LEVELS),
    ColumnSpec("study_percent", "int", minimum=50, maximum=100),
    ColumnSpec("online_program", "bool"),
    ColumnSpec("credits_prev_year", "float", minimum=0, maximum=120),
    ColumnSpec("years_in_higher_ed", "int", minimum=0, maximum=20),
    # Money
    ColumnSpec("student_income_prev_year", "int", minimum=0),
    ColumnSpec("wealth", "int", minimum=0),
    ColumnSpec("grant_amount", "int", minimum=0),
    ColumnSpec("loan_amount", "int", minimum=0),
    # Application behaviour
    ColumnSpec("application_channel", "enum", choices=APPLICATION_CHANNELS),
    ColumnSpec("days_before_deadline", "int", minimum=-365, maximum=365),
    ColumnSpec("phone_shared_with_parent", "bool"),
    ColumnSpec("bank_account_shared_with_parent", "bool"),
    # Control history and outcome
    ColumnSpec("previous_controls", "int", minimum=0, maximum=20),
    ColumnSpec("previous_control_caught", "bool"),
    ColumnSpec("controlled", "bool"),
    ColumnSpec("control_reason", "enum", optional=True, choices=CONTROL_REASONS),
    ColumnSpec("selection_probability", "float", optional=True, minimum=0, maximum=1, minimum_exclusive=True),
    ColumnSpec("control_outcome", "enum", optional=True, choices=CONTROL_OUTCOMES),
)

COLUMN_SPECS: dict[str, ColumnSpec] = {spec.name: spec for spec in _SPECS}
IMPORT_COLUMNS: list[str] = [spec.name for spec in _SPECS]
OPTIONAL_COLUMNS: frozenset[str] = frozenset(spec.name for spec in _SPECS if spec.optional)
BOOLEAN_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in _SPECS if spec.kind == "bool")
INTEGER_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in _SPECS if spec.kind == "int")
FLOAT_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in _SPECS if spec.kind == "float")
ENUM_COLUMNS: tuple[str, ...] = tuple(spec.name for spec in _SPECS if spec.kind == "enum")

# Stored for the fairness audit only; never model features.
AUDIT_ONLY_COLUMNS: frozenset[str] = frozenset({"gender", "birth_country_group"})
# Who the person is. Identity is not evidence of where someone lives, and birth_date would
# carry age straight into the model: age enters only as an explicit, justified feature.
IDENTITY_COLUMNS: frozenset[str] = frozenset({"application_id", "customer_id", "national_id", "birth_date"})
# What happened in this year's control: the label and how it was picked. Known only after
# the selection the model is meant to make, so never a feature (that would leak the label).
OUTCOME_COLUMNS: frozenset[str] = frozenset(
    {"controlled", "control_reason", "selection_probability", "control_outcome"}
)
# Columns the model may never read directly (features.py proves it with a test).
NON_FEATURE_COLUMNS: frozenset[str] = AUDIT_ONLY_COLUMNS | IDENTITY_COLUMNS | OUTCOME_COLUMNS


def national_id_mask(*, national_id: str) -> str:
    """`01020312345` → `010203*****`: the birth-date part with the personal number hidden,
    enough to tell two students apart in a list or an error message, never the whole
    identity number. Values of any length are masked the same way (bad input included)."""
    return national_id[:6] + "*" * max(len(national_id) - 6, 0)


NATIONAL_ID_WEIGHTS_1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
NATIONAL_ID_WEIGHTS_2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])


@dataclass(frozen=True)
class NationalIdCheck:
    """The vectorised fødselsnummer check of a column of 11-digit strings (the one rule:
    the import, the generator and the scalar helpers all use it)."""

    checksum_ok: np.ndarray  # both mod-11 control digits right
    birth_date: np.ndarray  # datetime64[ns] encoded in the number, NaT when there is none
    date_invalid: np.ndarray  # no valid date, or an individual number outside every century


def national_ids_digits(*, values: np.ndarray) -> np.ndarray:
    """(n, 11) digit matrix of 11-digit strings (callers check the shape first)."""
    joined = "".join(np.asarray(values, dtype=str).tolist()).encode("ascii")
    return (np.frombuffer(joined, dtype=np.uint8).reshape(-1, NATIONAL_ID_LENGTH) - ord("0")).astype(np.int64)


def national_ids_control_digits(*, digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two control digits for each row of the first nine digits; 10 means the
    individual number is never issued."""
    k1 = 11 - (digits[:, :9] @ NATIONAL_ID_WEIGHTS_1) % 11
    k1 = np.where(k1 == 11, 0, k1)
    k2 = 11 - (np.column_stack([digits[:, :9], k1]) @ NATIONAL_ID_WEIGHTS_2) % 11
    return k1, np.where(k2 == 11, 0, k2)


def national_ids_check(*, values: np.ndarray) -> NationalIdCheck:
    """Control digits and the encoded birth date of 11-digit strings (fødselsnummer,
    D-number: day + 40, synthetic test numbers: month + 40 or + 80). The century follows
    the individual-number ranges: 000-499 → 1900-1999, 500-749 → 1854-1899, 500-999 →
    2000-2039, 900-999 → 1940-1999."""
    digits = national_ids_digits(values=values)
    k1, k2 = national_ids_control_digits(digits=digits)
    checksum_ok = (k1 != 10) & (k2 != 10) & (k1 == digits[:, 9]) & (k2 == digits[:, 10])
    day = digits[:, 0] * 10 + digits[:, 1]
    day = np.where(day > 40, day - 40, day)  # D-number
    month = digits[:, 2] * 10 + digits[:, 3]
    month = np.where(month > 80, month - 80, np.where(month > 40, month - 40, month))  # synthetic
    yy = digits[:, 4] * 10 + digits[:, 5]
    individual = digits[:, 6] * 100 + digits[:, 7] * 10 + digits[:, 8]
    century = np.select(
        [
            individual <= 499,
            (individual <= 749) & (yy >= 54),
            (individual >= 500) & (yy <= 39),
            (individual >= 900) & (yy >= 40),
        ],
        [1900, 1800, 2000, 1900],
        default=0,
    )
    encoded = pd.to_datetime(
        pd.DataFrame({"year": century + yy, "month": month, "day": day}), errors="coerce"
    ).to_numpy()
    return NationalIdCheck(
        checksum_ok=checksum_ok, birth_date=encoded, date_invalid=np.isnat(encoded) | (century == 0)
    )


def ages_on_august_1(*, academic_year: np.ndarray, birth: pd.Series) -> np.ndarray:
    """Whole years of age on 1 August of the academic year (NaN where unknown)."""
    by = birth.dt.year.to_numpy(dtype=float, na_value=np.nan)
    bm = birth.dt.month.to_numpy(dtype=float, na_value=np.nan)
    bd = birth.dt.day.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(academic_year, dtype=float) - by - ((bm > 8) | ((bm == 8) & (bd > 1)))


def national_id_control_digits(*, first_nine: str) -> str | None:
    """The two mod-11 control digits of a fødselsnummer/D-number, or None when the nine
    digits admit none (a remainder giving 10 means that individual number is never issued)."""
    k1, k2 = national_ids_control_digits(digits=national_ids_digits(values=np.array([first_nine + "00"])))
    if k1[0] == 10 or k2[0] == 10:
        return None
    return f"{k1[0]}{k2[0]}"


def national_id_is_valid(*, national_id: str) -> bool:
    """True when `national_id` is 11 digits with correct control digits and a possible date
    (fødselsnummer, D-number: day + 40, synthetic test numbers: month + 40 or + 80)."""
    if len(national_id) != NATIONAL_ID_LENGTH or not national_id.isdigit():
        return False
    day, month, _year2 = national_id_birth_date_parts(national_id=national_id)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    return bool(national_ids_check(values=np.array([national_id])).checksum_ok[0])


def national_id_birth_date_parts(*, national_id: str) -> tuple[int, int, int]:
    """(day, month, two-digit year) encoded in a valid national id, undoing the D-number and
    synthetic offsets; the century follows from the individual number (see birth_year)."""
    day, month, year2 = int(national_id[0:2]), int(national_id[2:4]), int(national_id[4:6])
    if day > 40:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    return day, month, year2


def national_id_agrees_with_birth_date(*, national_id: str, year: int, month: int, day: int) -> bool:
    """True when the date in `national_id` is the given birth date (the century checked
    against the individual-number ranges, as national_ids_check does)."""
    check = national_ids_check(values=np.array([national_id]))
    if check.date_invalid[0]:
        return False
    return bool(check.birth_date[0] == np.datetime64(f"{year:04d}-{month:02d}-{day:02d}"))
