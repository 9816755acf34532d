"""A synthetic population of students applying as borteboere, with past controls.

The generative story (docs/control-model.md tells it in full):

1. Customers are drawn once: birth date, gender, birth-country group, the parents'
   municipality (none in Norway for some born abroad), a hidden "attachment to home"
   propensity, when they start studying and for how many years (1-6), where and what.
2. Each academic year every active customer applies, claiming to live away from home.
   The hidden truth is whether the student in fact lives at the parents' home (a
   "cheater"). Its probability rises with a short commute, young age and last year's
   state, and falls with a partner, children and boarding schools; the propensity and
   the previous year carry it across years. Gender and birth-country group play no part
   in it (only having no parent in Norway does: then there is no home to live in).
3. Every register column is then a noisy consequence of that hidden state: cheaters are
   more often registered at the parents' address, but so are many honest first-year
   students; they share phone and bank account more often, declare student housing less,
   register "mailbox" moves just before the start of term, and so on. No column is the
   label in disguise, so even a perfect model cannot find every cheater.
4. Each past year the agency controls ~14% of applications: a random share (4.2% of all,
   ~30% of controls, with selection_probability), an old rule (young and close to home,
   or registered with the parents near the place of study) and a few tips. A control
   finds a cheater 93% of the time; 0.5% of honest students fail to document and are
   counted as caught too. Being caught deters the next year.

Everything is vectorised over customers, one academic year at a time (230,000
applications in 3-5 s on the shared bench machine), and the same seed always gives the
same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from control.ml import geography
from control.ml.schema import (
    BIRTH_COUNTRY_GROUPS,
    HOUSING_TYPES,
    IMPORT_COLUMNS,
    INSTITUTION_TYPES,
    MAX_AGE_ON_AUGUST_1,
    MIN_AGE_ON_AUGUST_1,
    NATIONAL_ID_LENGTH,
    national_id_control_digits,
)

RANDOM_CONTROL_SHARE = 0.042  # of all applications: ~30% of the ~14% controlled
RULE_CONTROL_SHARE = 0.095
CONTROL_DETECTION = 0.93  # a control finds a cheater this often
HONEST_FAILS_TO_DOCUMENT = 0.005
PENDING_SHARE_LAST_YEAR = 0.01
BASIC_SUPPORT_NOK = 110_000
OldRule = Literal["young_or_registered", "registered_only", "distance_only"]


@dataclass(frozen=True)
class PopulationShape:
    """Knobs that change the population's shape, so a model choice can be tested on
    populations we did not tune for. The defaults are the story told in the docs; every
    knob at its default gives exactly the same data as before the knobs existed.

    - interactions: strength (0 = none, 1 = strong) of effects that depend on two traits at
      once: a short commute matters more for the young and for part-timers, history matters
      less for older students, an online programme matters only without a partner;
    - base_rate_shift: added to the log-odds of living at home (-1 ≈ half the cheaters);
    - drift: per year after the first output year, the distance effect weakens by this
      share and the log-odds rise by half of it (the world moves between years);
    - label_noise: controls miss this much more of the cheaters, and a fifth of it more of
      the honest fail to document;
    - random_share: share of all applications controlled at random;
    - rule_share: share of all applications controlled by the old rule;
    - old_rule: how the old rule picked: young or registered near home (default), only
      registered with the parents, or only distance to the place of study."""

    interactions: float = 0.0
    base_rate_shift: float = 0.0
    drift: float = 0.0
    label_noise: float = 0.0
    random_share: float = RANDOM_CONTROL_SHARE
    rule_share: float = RULE_CONTROL_SHARE
    old_rule: OldRule = "young_or_registered"


DEFAULT_SHAPE = PopulationShape()
# An empty cell in object columns (np.where needs an array, not a bare None).
_EMPTY: np.ndarray = np.array(None, dtype=object)

_INSTITUTIONS = np.array(INSTITUTION_TYPES)
_INSTITUTION_P = np.array([0.46, 0.34, 0.08, 0.05, 0.07])
_HOUSING = np.array(HOUSING_TYPES)
_HOUSING_P_HONEST = np.array([0.34, 0.50, 0.07, 0.03, 0.06])
_HOUSING_P_CHEATER = np.array([0.18, 0.53, 0.05, 0.11, 0.13])
_COUNTRY_GROUPS = np.array(BIRTH_COUNTRY_GROUPS)
# Ages at first enrolment; with at most 6 years of study (+3 earlier) every application
# stays within the import's age bounds (schema.MIN/MAX_AGE_ON_AUGUST_1).
MIN_ENTRY_AGE, MAX_ENTRY_AGE = 17.2, 55.0
if not (MIN_AGE_ON_AUGUST_1 < MIN_ENTRY_AGE and MAX_ENTRY_AGE + 6 + 3 < MAX_AGE_ON_AUGUST_1):
    raise RuntimeError("the generator's ages must stay within the import format's age bounds")
_COUNTRY_P = np.array([0.84, 0.03, 0.07, 0.06])
_PARENT_IN_NORWAY_P = np.array([0.99, 0.75, 0.55, 0.80])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _choice_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(probabilities))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def national_ids_draw(*, rng: np.random.Generator, birth_dates: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Unique synthetic fødselsnumre (month + 80, Skatteetaten's test-number convention, so
    no real person is ever hit) with valid mod-11 control digits, agreeing with the birth
    date and with gender in the ninth digit (even = female)."""
    dates = pd.DatetimeIndex(birth_dates)
    years = dates.year.to_numpy()
    prefix = np.char.add(
        np.char.add(
            np.char.zfill(dates.day.astype(str).to_numpy().astype("U2"), 2),
            np.char.zfill((dates.month + 80).astype(str).to_numpy().astype("U2"), 2),
        ),
        np.char.zfill((years % 100).astype(str).astype("U2"), 2),
    )
    # Individual number ranges: 000-499 for 1900-1999, 500-999 for 2000-2039.
    low = np.where(years >= 2000, 500, 0)
    result = np.empty(len(dates), dtype=f"U{NATIONAL_ID_LENGTH}")
    pending = np.arange(len(dates))
    taken: set[str] = set()
    while len(pending):
        individual = low[pending] + rng.integers(0, 250, size=len(pending)) * 2
        individual = individual + np.where(female[pending], 0, 1)  # ninth digit parity
        retry = []
        for row, number in zip(pending, individual, strict=True):
            first_nine = f"{prefix[row]}{number:03d}"
            control = national_id_control_digits(first_nine=first_nine)
            candidate = f"{first_nine}{control}"
            if control is None or candidate in taken:
                retry.append(row)
                continue
            taken.add(candidate)
            result[row] = candidate
        pending = np.array(retry, dtype=int)
    return result


def _customers_draw(rng: np.random.Generator, *, population: int, first_year: int, last_year: int) -> dict:
    """Static traits of `population` customers who study in at least one of the years."""
    entry_parts: list[np.ndarray] = []
    duration_parts: list[np.ndarray] = []
    count = 0
    while count < population:
        n = max(1000, 2 * (population - count))
        entry = rng.integers(first_year - 5, last_year + 1, size=n)
        duration = rng.choice(np.arange(1, 7), size=n, p=[0.18, 0.14, 0.22, 0.14, 0.20, 0.12])
        keep = entry + duration - 1 >= first_year
        entry_parts.append(entry[keep])
        duration_parts.append(duration[keep])
        count += int(keep.sum())
    entry = np.concatenate(entry_parts)[:population]
    duration = np.concatenate(duration_parts)[:population]
    n = population

    age_at_entry = np.clip(18.6 + rng.gamma(1.3, 2.2, size=n), MIN_ENTRY_AGE, MAX_ENTRY_AGE)
    august = pd.to_datetime(pd.Series(entry.astype(str)) + "-08-01").to_numpy()
    birth = (august - (age_at_entry * 365.25 * 86400).astype("timedelta64[s]")).astype("datetime64[D]")
    female = rng.random(n) < 0.57
    country = rng.choice(len(_COUNTRY_GROUPS), size=n, p=_COUNTRY_P)
    parent_in_norway = rng.random(n) < _PARENT_IN_NORWAY_P[country]
    weights = geography.INHABITANTS / geography.INHABITANTS.sum()
    home = rng.choice(len(weights), size=n, p=weights)

    # Study place: big study towns, near home more likely, own town much more likely.
    affinity = (geography.STUDY_WEIGHT[None, :] + 0.01) * np.exp(-geography.DISTANCE_KM / 220.0)
    affinity = affinity * (1 + 3.0 * np.eye(len(weights)))
    study = _choice_rows(rng, affinity[home])
    # A master's elsewhere for some, decided up front so every year is reproducible.
    second_study = _choice_rows(rng, affinity[home])
    moves_for_master = rng.random(n) < 0.3
    institution = rng.choice(len(_INSTITUTIONS), size=n, p=_INSTITUTION_P)
    folk = _INSTITUTIONS[institution] == "FOLK_HIGH_SCHOOL"
    small_places = np.flatnonzero(geography.INHABITANTS < 30)
    study[folk] = rng.choice(small_places, size=int(folk.sum()))
    return {
        "n": n,
        "entry": entry,
        "duration": duration,
        "prior_years": np.where(rng.random(n) < 0.15, rng.integers(1, 4, size=n), 0),
        "birth": birth,
        "female": female,
        "country": country,
        "parent_in_norway": parent_in_norway,
        "home": home,
        # Own registered place for those with no parent in Norway.
        "own_place": np.where(parent_in_norway, home, study),
        "propensity": rng.normal(size=n),
        "partner_draw": rng.random(n),
        "children_draw": rng.random(n),
        "online": rng.random(n) < 0.05,
        "part_time": rng.random(n) < 0.15,
        "institution": institution,
        "study": study,
        "second_study": second_study,
        "moves_for_master": moves_for_master,
        "wealth_draw": rng.random(n),
        "channel_draw": rng.random(n),
        "customer_id": np.char.add("K", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
    }


def _year_rows(
    rng: np.random.Generator,
    c: dict,
    state: dict,
    year: int,
    idx: np.ndarray,
    shape: PopulationShape = DEFAULT_SHAPE,
    first_year: int | None = None,
) -> tuple[dict, np.ndarray, np.ndarray]:
    """Columns for the customers `idx` applying in `year`, the hidden truth and its probability."""
    n = len(idx)
    years_in = year - c["entry"][idx] + c["prior_years"][idx]
    first_year_of_study = year == c["entry"][idx]
    august = np.datetime64(f"{year}-08-01")
    age = (august - c["birth"][idx]).astype(float) / 365.25
    institution = c["institution"][idx].copy()
    folk = (_INSTITUTIONS[institution] == "FOLK_HIGH_SCHOOL") & first_year_of_study
    # After the folk high school year the student goes on to a university college.
    institution[(_INSTITUTIONS[institution] == "FOLK_HIGH_SCHOOL") & ~first_year_of_study] = 1
    in_master = (year - c["entry"][idx]) >= 3
    study = np.where(in_master & c["moves_for_master"][idx], c["second_study"][idx], c["study"][idx])
    study = np.where(folk, c["study"][idx], study)
    parent = c["parent_in_norway"][idx]
    home = c["home"][idx]
    reference = np.where(parent, home, c["own_place"][idx])
    same_town = reference == study
    distance_study = geography.DISTANCE_KM[reference, study] * rng.uniform(1.05, 1.3, n)
    distance_study = np.where(same_town, rng.gamma(1.6, 4.0, n), distance_study + rng.gamma(1.5, 3.0, n))
    online = c["online"][idx]
    partner = c["partner_draw"][idx] < 0.7 * _sigmoid((age - 26.0) / 2.5)
    children = np.where(
        partner & (age > 24), np.floor(np.clip((age - 24) / 4.5 * 2 * c["children_draw"][idx], 0, 4)), 0
    ).astype(int)

    # The hidden state: does this student in fact live at the parents' home?
    distance_term = np.interp(
        distance_study, [0, 8, 25, 50, 90, 150, 300], [1.4, 1.25, 0.9, 0.3, -0.6, -1.6, -2.4]
    )
    distance_term = np.where(online, np.maximum(distance_term, 1.2), distance_term)
    age_term = np.interp(age, [17, 19, 21, 23, 26, 30, 40], [1.0, 0.8, 0.4, 0.0, -0.7, -1.5, -2.2])
    years_on = max(0, year - (first_year if first_year is not None else year))
    distance_term = distance_term * max(0.0, 1.0 - shape.drift * years_on)
    close = distance_study < 30
    k = shape.interactions
    interaction_term = k * (
        1.6 * ((age < 21) & close)
        + 1.2 * (c["part_time"][idx] & close)
        - 1.8 * ((age >= 24) & state["home"][idx])
        + 1.4 * (online & ~partner)
        - 1.4 * (online & partner)
    )
    logit = (
        -4.3
        + shape.base_rate_shift
        + 0.5 * shape.drift * years_on
        + interaction_term
        + distance_term
        + age_term
        + 1.6 * c["propensity"][idx]
        - 2.2 * partner
        - 1.0 * (children > 0)
        - 4.0 * folk
        - 0.08 * years_in
        + 2.0 * state["home"][idx]
        - 1.6 * state["caught_last_year"][idx]
    )
    probability = np.where(parent, _sigmoid(logit), 0.0)
    cheater = rng.random(n) < probability

    # Registered at the parents' address: likely for cheaters, common for honest newcomers
    # (students may keep their registration at home), and sticky from year to year.
    fresh_same = rng.random(n) < np.where(cheater, 0.70, np.where(years_in <= 1, 0.30, 0.15))
    keep = (state["registered_same"][idx] >= 0) & (rng.random(n) < np.where(cheater, 0.6, 0.45))
    registered_same = np.where(keep, state["registered_same"][idx] == 1, fresh_same) & parent
    # Not registered with the parents: honest students where they study; cheaters at a
    # friend's or a "mailbox" address in the study town or back in the home town.
    elsewhere_place = np.where(
        cheater,
        np.where(rng.random(n) < 0.5, study, home),
        np.where(rng.random(n) < 0.88, study, reference),
    )
    student_place = np.where(registered_same, home, np.where(parent, elsewhere_place, c["own_place"][idx]))
    within_town = np.where(cheater, rng.gamma(1.3, 3.0, n), rng.gamma(1.6, 4.5, n))
    distance_parent = np.where(
        student_place == home,
        within_town,
        geography.DISTANCE_KM[student_place, home] * rng.uniform(1.05, 1.3, n),
    )
    distance_parent = np.where(registered_same, 0.0, distance_parent)

    housing_p = np.where(cheater[:, None], _HOUSING_P_CHEATER[None, :], _HOUSING_P_HONEST[None, :])
    housing = _choice_rows(rng, housing_p)
    housing_name = _HOUSING[housing]
    persons = np.where(
        registered_same,
        2 + rng.poisson(1.8, n),
        np.where(
            cheater,
            1 + rng.poisson(1.9, n),
            1 + rng.poisson(np.where(housing_name == "STUDENT_HOUSING", 1.6, 1.0), n),
        ),
    )
    persons = np.clip(persons + partner + children, 1, 50)
    moved_90d = rng.random(n) < np.where(
        registered_same,
        0.02,
        np.where(
            cheater, np.where(first_year_of_study, 0.55, 0.38), np.where(first_year_of_study, 0.62, 0.16)
        ),
    )
    address_changes = np.clip(
        rng.poisson(np.where(registered_same, 0.35, np.where(cheater, 1.1, 1.25 + 0.4 * (years_in <= 2))), n)
        + moved_90d,
        0,
        30,
    )
    months_at_address = np.where(
        registered_same,
        12 * (age - rng.uniform(0, 12, n)),
        np.where(moved_90d, rng.uniform(0, 3, n), 12 * rng.uniform(0, 1 + np.minimum(years_in, 6), n) + 3),
    )
    months_at_address = np.clip(np.round(months_at_address), 0, 600).astype(int)

    age_young = age < 21
    phone_shared = rng.random(n) < 0.07 + 0.10 * age_young + 0.15 * cheater
    bank_shared = rng.random(n) < 0.04 + 0.04 * (age < 20) + 0.09 * cheater

    study_percent = np.where(c["part_time"][idx], rng.choice([50, 60, 75, 80], size=n), 100)
    # Credits come in 7.5-point courses; the small edge for cheaters (a settled life at
    # home) is added before rounding so the course grid does not give them away.
    credits = np.where(
        years_in == 0,
        0.0,
        np.round((60 * rng.beta(5, 1.4, n) * study_percent / 100 + 3.0 * cheater) / 7.5) * 7.5,
    )
    credits = np.clip(credits, 0, 120)
    # Living at home saves rent: a little more income from work and savings show up.
    income = np.where(
        rng.random(n) < 0.2,
        0,
        rng.lognormal(11.2 + 0.04 * np.minimum(age - 19, 10), 0.8, n) * (1 + 0.15 * cheater),
    )
    wealth = np.where(
        c["wealth_draw"][idx] < 0.55 - 0.12 * cheater, 0, rng.lognormal(10.0 + 0.5 * cheater, 1.3, n)
    )
    support = BASIC_SUPPORT_NOK * study_percent / 100
    grant = np.round(
        support * 0.4 * np.where(years_in == 0, 1.0, np.clip(credits / 60, 0, 1)) + 9000 * children
    )
    loan = np.round(support - support * 0.4 * np.where(years_in == 0, 1.0, np.clip(credits / 60, 0, 1)))

    channel = np.where(
        c["channel_draw"][idx] < 0.05 + 0.01 * np.maximum(age - 30, 0),
        "PAPER",
        np.where(rng.random(n) < np.clip(0.55 - 0.02 * (age - 19), 0.1, 0.6), "APP", "WEB"),
    )
    days_before = np.clip(np.round(rng.normal(28, 30, n)), -365, 365).astype(int)

    institution_name = _INSTITUTIONS[institution]
    level = np.where(
        institution_name == "VOCATIONAL",
        "VOCATIONAL",
        np.where(
            folk,
            "OTHER",
            np.where(
                in_master & (institution_name != "PRIVATE_COLLEGE"),
                np.where(
                    (year - c["entry"][idx]) >= 5, np.where(rng.random(n) < 0.3, "PHD", "MASTER"), "MASTER"
                ),
                "BACHELOR",
            ),
        ),
    )
    columns = {
        "customer_index": idx,
        "academic_year": np.full(n, year),
        "student_municipality": geography.CODES[student_place],
        "parent_municipality": np.where(parent, geography.CODES[home], _EMPTY),
        "registered_same_address_as_parent": registered_same.astype(int),
        "distance_parent_km": np.where(parent, np.round(distance_parent, 1), np.nan),
        "distance_study_km": np.round(distance_study, 1),
        "persons_at_address": persons.astype(int),
        "address_changes_3y": address_changes.astype(int),
        "months_at_address": months_at_address,
        "moved_within_90d_before_start": moved_90d.astype(int),
        "housing_type": housing_name,
        "married_or_partner": partner.astype(int),
        "children": children,
        "institution_type": institution_name,
        "study_municipality": geography.CODES[study],
        "study_level": level,
        "study_percent": study_percent.astype(int),
        "online_program": online.astype(int),
        "credits_prev_year": credits,
        "years_in_higher_ed": years_in.astype(int),
        "student_income_prev_year": np.round(income).astype(np.int64),
        "wealth": np.round(wealth).astype(np.int64),
        "grant_amount": grant.astype(np.int64),
        "loan_amount": loan.astype(np.int64),
        "application_channel": channel,
        "days_before_deadline": days_before,
        "phone_shared_with_parent": phone_shared.astype(int),
        "bank_account_shared_with_parent": bank_shared.astype(int),
        "previous_controls": np.minimum(state["controls"][idx], 20),
        "previous_control_caught": state["ever_caught"][idx].astype(int),
        "_age": age,
    }
    return columns, cheater, probability


def old_rule_flags(*, frame: pd.DataFrame, rule: OldRule = "young_or_registered") -> np.ndarray:
    """The agency's old selection rule: young and close to the place of study, or
    registered with the parents not far from it. Used to make past controls and, in
    evaluation, as the baseline the model must beat. Needs an `age` column. The other
    `rule`s exist to make populations whose past controls were picked differently."""
    distance = frame["distance_study_km"].to_numpy()
    registered_close = (frame["registered_same_address_as_parent"].to_numpy() == 1) & (distance <= 150)
    if rule == "registered_only":
        return registered_close
    if rule == "distance_only":
        return distance <= 40
    young_close = (frame["age"].to_numpy() < 23) & (distance <= 90)
    return young_close | registered_close


def _controls_draw(
    rng: np.random.Generator,
    columns: dict,
    cheater: np.ndarray,
    *,
    last_controlled_year: bool,
    shape: PopulationShape = DEFAULT_SHAPE,
) -> dict:
    """This year's controls: random share, old rule, tips; outcome by a fallible control."""
    n = len(cheater)
    random_pick = rng.random(n) < shape.random_share
    flagged = old_rule_flags(
        frame=pd.DataFrame(
            {
                "age": columns["_age"],
                "distance_study_km": columns["distance_study_km"],
                "registered_same_address_as_parent": columns["registered_same_address_as_parent"],
            }
        ),
        rule=shape.old_rule,
    )
    candidates = flagged & ~random_pick
    rule_rate = min(1.0, shape.rule_share * n / max(1, int(candidates.sum())))
    rule_pick = candidates & (rng.random(n) < rule_rate)
    tip_pick = ~random_pick & ~rule_pick & (rng.random(n) < np.where(cheater, 0.02, 0.0008))
    controlled = random_pick | rule_pick | tip_pick
    reason = np.where(random_pick, "RANDOM", np.where(rule_pick, "RULE", np.where(tip_pick, "TIP", _EMPTY)))
    # Probability of being picked by the reason's own draw; the random share's is exact.
    selection = np.where(random_pick, shape.random_share, np.where(rule_pick, round(rule_rate, 4), np.nan))
    caught = controlled & np.where(
        cheater,
        rng.random(n) < CONTROL_DETECTION - shape.label_noise,
        rng.random(n) < HONEST_FAILS_TO_DOCUMENT + shape.label_noise / 5,
    )
    outcome = np.where(controlled, np.where(caught, "CAUGHT", "CLEARED"), _EMPTY)
    if last_controlled_year:
        outcome = np.where(controlled & (rng.random(n) < PENDING_SHARE_LAST_YEAR), _EMPTY, outcome)
    return {
        "controlled": controlled.astype(int),
        "control_reason": reason,
        "selection_probability": selection,
        "control_outcome": outcome,
        "_caught": caught,
    }


def generate_population(
    *,
    population: int,
    years: Iterable[int],
    seed: int,
    uncontrolled_years: Iterable[int] = (),
    shape: PopulationShape = DEFAULT_SHAPE,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Applications (exactly IMPORT_COLUMNS; booleans as 0/1 ints, empty optional cells as
    NaN/None) and truth (application_id, cheater 0/1, probability) for `population`
    distinct customers over `years`. Years in `uncontrolled_years` get no control data
    (the current year, still to be controlled). `shape` turns the knobs described on
    PopulationShape. Same arguments, same frames."""
    year_list = sorted(set(years))
    if population < 1:
        raise ValueError(f"population must be at least 1, got {population}")
    if not year_list:
        raise ValueError("years must name at least one academic year")
    if year_list[0] < 2000 or year_list[-1] > 2100:
        raise ValueError(f"years must lie within 2000-2100, got {year_list[0]}-{year_list[-1]}")
    unknown = set(uncontrolled_years) - set(year_list)
    if unknown:
        raise ValueError(f"uncontrolled_years {sorted(unknown)} are not among the generated years")
    rng = np.random.default_rng(seed)
    c = _customers_draw(rng, population=population, first_year=year_list[0], last_year=year_list[-1])
    n = c["n"]
    state = {
        "home": np.zeros(n, dtype=bool),
        "caught_last_year": np.zeros(n, dtype=bool),
        "registered_same": np.full(n, -1),
        "controls": np.zeros(n, dtype=int),
        "ever_caught": np.zeros(n, dtype=bool),
    }
    wanted = set(year_list)
    uncontrolled = set(uncontrolled_years)
    controlled_years = [y for y in year_list if y not in uncontrolled]
    frames: list[pd.DataFrame] = []
    truths: list[pd.DataFrame] = []
    # Years before the first output year are simulated too, so that history (earlier
    # controls, last year's state) is there from the first year written.
    for year in range(int(c["entry"].min()), year_list[-1] + 1):
        active = (c["entry"] <= year) & (year < c["entry"] + c["duration"])
        idx = np.flatnonzero(active)
        columns, cheater, probability = _year_rows(rng, c, state, year, idx, shape, year_list[0])
        if year in uncontrolled:
            controls: dict = {
                "controlled": np.zeros(len(idx), dtype=int),
                "control_reason": np.full(len(idx), None),
                "selection_probability": np.full(len(idx), np.nan),
                "control_outcome": np.full(len(idx), None),
                "_caught": np.zeros(len(idx), dtype=bool),
            }
        else:
            last = bool(controlled_years) and year == controlled_years[-1]
            controls = _controls_draw(rng, columns, cheater, last_controlled_year=last, shape=shape)
        state["home"][:] = False
        state["home"][idx] = cheater
        state["caught_last_year"][:] = False
        state["caught_last_year"][idx] = controls["_caught"]
        state["registered_same"][idx] = columns["registered_same_address_as_parent"]
        state["controls"][idx] += controls["controlled"]
        state["ever_caught"][idx] |= controls["_caught"]
        if year not in wanted:
            continue
        frame = pd.DataFrame({**columns, **controls})
        frames.append(frame)
        truths.append(pd.DataFrame({"cheater": cheater.astype(int), "probability": np.round(probability, 5)}))
        if progress is not None:
            progress(f"{year}: {len(idx)} applications")

    applications = pd.concat(frames, ignore_index=True)
    customer_index = applications.pop("customer_index").to_numpy()
    applications = applications.drop(columns=["_age", "_caught"])
    applications["customer_id"] = c["customer_id"][customer_index]
    applications["application_id"] = (
        "S" + applications["academic_year"].astype(str) + "-" + applications["customer_id"].str[1:]
    )
    national_ids = national_ids_draw(rng=rng, birth_dates=c["birth"], female=c["female"])
    applications["national_id"] = national_ids[customer_index]
    applications["birth_date"] = pd.DatetimeIndex(c["birth"][customer_index]).strftime("%Y-%m-%d")
    applications["gender"] = np.where(c["female"][customer_index], "F", "M")
    applications["birth_country_group"] = _COUNTRY_GROUPS[c["country"][customer_index]]
    applications = applications[IMPORT_COLUMNS]
    truth = pd.concat(truths, ignore_index=True)
    truth.insert(0, "application_id", applications["application_id"].to_numpy())
    return applications, truth
