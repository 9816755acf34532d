# The catalogue below is a table of sentences; wrapping them would make it harder to read.
# ruff: noqa: E501
"""The feature catalogue and the transformer that computes it from raw columns.

Every feature states its source columns and why it bears on where a student lives; the
risk model sees nothing else. Audit-only attributes (gender, birth-country group) and
identity (national id, customer id) are never read: tests/control/ml/test_features.py
proves it by checking the catalogue and by scrambling those columns.

Age is computed from birth_date: the agency names age as a factor, and deriving it here,
in the open, keeps the rest of the birth date (and the national id) out of the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from control.ml.history import PREVIOUS_COLUMNS
from control.ml.schema import (
    APPLICATION_CHANNELS,
    CONTROL_OUTCOMES,
    HOUSING_TYPES,
    INSTITUTION_TYPES,
    NON_FEATURE_COLUMNS,
    STUDY_LEVELS,
)


@dataclass(frozen=True)
class FeatureSpec:
    """One model feature: what it is (bokmål, English, nynorsk), where it comes from, why it
    bears on where a student lives, and the sentences used when it pushes the risk up (for
    a high/true value and for a low/false value; {value} is filled in)."""

    name: str
    description_nb: str
    description_en: str
    source_columns: tuple[str, ...]
    justification: str
    reason_high_nb: str
    reason_high_en: str
    reason_low_nb: str
    reason_low_en: str
    value_format: str = ".0f"
    description_nn: str = ""
    reason_high_nn: str = ""
    reason_low_nn: str = ""


def _f(
    name: str,
    nb: str,
    en: str,
    sources: tuple[str, ...],
    why: str,
    high: tuple[str, str],
    low: tuple[str, str],
    fmt: str = ".0f",
) -> FeatureSpec:
    return FeatureSpec(name, nb, en, sources, why, high[0], high[1], low[0], low[1], fmt)


_DPK = ("distance_parent_km",)
_DSK = ("distance_study_km",)
_REG = ("registered_same_address_as_parent",)

FEATURE_CATALOGUE: list[FeatureSpec] = [
    # Address and household
    _f("registered_with_parents", "Registrert på foreldrenes adresse", "Registered at the parents' address",
       _REG, "The register says the student lives where the parents live.",
       ("Registrert på samme adresse som foreldrene", "Registered at the same address as the parents"),
       ("Registrert på en annen adresse enn foreldrene", "Registered at an address other than the parents'")),
    _f("log_distance_parent_km", "Avstand til foreldrene (log km)", "Distance to the parents (log km)",
       _DPK, "A registered address close to the parents' home makes living at home easy to hide.",
       ("Lang avstand til foreldrene", "Long distance to the parents"),
       ("Kort avstand fra registrert adresse til foreldrene", "Short distance from the registered address to the parents")),
    _f("no_parent_in_norway", "Ingen foreldre i Norge", "No parent living in Norway",
       ("parent_municipality",), "Without a parent's home in Norway there is no home to live in.",
       ("Ingen foreldre bosatt i Norge", "No parent living in Norway"),
       ("Har foreldre bosatt i Norge", "Has parents living in Norway")),
    _f("log_distance_study_km", "Avstand hjem-studiested (log km)", "Distance home to place of study (log km)",
       _DSK, "A short daily commute from the parents' home is the main reason to stay there.",
       ("Lang avstand fra foreldrenes hjem til studiestedet", "Long distance from the parents' home to the place of study"),
       ("Kort avstand fra foreldrenes hjem til studiestedet", "Short distance from the parents' home to the place of study")),
    _f("commutable_distance", "Pendleravstand (høyst 60 km)", "Commutable distance (60 km or less)",
       _DSK, "Within 60 km a student can commute daily from the parents' home.",
       ("Studiestedet er innen pendleravstand fra foreldrene", "The place of study is within commuting distance of the parents"),
       ("Studiestedet er utenfor pendleravstand", "The place of study is beyond commuting distance")),
    _f("very_close_to_study", "Svært nær studiestedet (høyst 15 km)", "Very close to the place of study (15 km or less)",
       _DSK, "Parents living in the study town remove any need to move out.",
       ("Foreldrene bor svært nær studiestedet", "The parents live very close to the place of study"),
       ("Foreldrene bor ikke nær studiestedet", "The parents do not live close to the place of study")),
    _f("far_from_study", "Langt fra studiestedet (over 150 km)", "Far from the place of study (over 150 km)",
       _DSK, "Beyond 150 km living at home is practically impossible.",
       ("Studiestedet ligger langt fra foreldrene", "The place of study is far from the parents"),
       ("Studiestedet ligger ikke langt fra foreldrene", "The place of study is not far from the parents")),
    _f("registered_in_parent_municipality", "Registrert i foreldrenes kommune", "Registered in the parents' municipality",
       ("student_municipality", "parent_municipality"), "Staying in the home municipality often means staying at home.",
       ("Registrert i samme kommune som foreldrene", "Registered in the same municipality as the parents"),
       ("Registrert i en annen kommune enn foreldrene", "Registered in a different municipality from the parents")),
    _f("registered_in_study_municipality", "Registrert i studiekommunen", "Registered in the study municipality",
       ("student_municipality", "study_municipality"), "Students who moved for their studies register where they study.",
       ("Registrert i studiekommunen", "Registered in the study municipality"),
       ("Ikke registrert i kommunen der studiestedet ligger", "Not registered in the municipality of the place of study")),
    _f("parents_in_study_municipality", "Foreldrene bor i studiekommunen", "Parents live in the study municipality",
       ("parent_municipality", "study_municipality"), "Studying in the parents' town makes living at home the easy choice.",
       ("Foreldrene bor i samme kommune som studiestedet", "The parents live in the municipality of the place of study"),
       ("Foreldrene bor i en annen kommune enn studiestedet", "The parents live outside the study municipality")),
    _f("near_parents_not_registered", "Bor nær foreldrene, men ikke hos dem", "Registered near, not at, the parents'",
       (*_DPK, *_REG), "An address just around the corner from the parents is a known way to hide living at home.",
       ("Registrert på en adresse like ved foreldrene", "Registered at an address close to the parents"),
       ("Ikke registrert like ved foreldrene", "Not registered close to the parents")),
    _f("persons_at_address", "Personer på adressen", "People registered at the address",
       ("persons_at_address",), "Many people at one address suggests a family home or a mailbox address.",
       ("Mange personer registrert på adressen ({value})", "Many people registered at the address ({value})"),
       ("Få personer registrert på adressen ({value})", "Few people registered at the address ({value})")),
    _f("crowded_address", "Minst seks personer på adressen", "Six or more people at the address",
       ("persons_at_address",), "Student flats rarely hold six people; family homes and mailbox addresses do.",
       ("Uvanlig mange personer på adressen", "Unusually many people at the address"),
       ("Ikke mange personer på adressen", "Not many people at the address")),
    _f("lives_alone", "Eneste person på adressen", "Only person at the address",
       ("persons_at_address",), "A one-person address is typical of a student's own flat.",
       ("Eneste person registrert på adressen", "Only person registered at the address"),
       ("Deler adresse med andre", "Shares the address with others")),
    _f("address_changes_3y", "Flyttinger siste tre år", "Moves in the last three years",
       ("address_changes_3y",), "Students who moved out have moved; those at home rarely have.",
       ("Mange flyttinger siste tre år ({value})", "Many moves in the last three years ({value})"),
       ("Få eller ingen flyttinger siste tre år ({value})", "Few or no moves in the last three years ({value})")),
    _f("years_at_address", "År på adressen", "Years at the address",
       ("months_at_address",), "Many years at one address points to the childhood home.",
       ("Lenge på samme adresse ({value} år)", "Long at the same address ({value} years)"),
       ("Kort tid på adressen ({value} år)", "Short time at the address ({value} years)"), ".1f"),
    _f("long_at_address", "Minst ti år på adressen", "Ten years or more at the address",
       ("months_at_address",), "Ten years at one address is almost always the parents' home.",
       ("Har bodd på adressen i minst ti år", "Has lived at the address for ten years or more"),
       ("Har bodd kortere enn ti år på adressen", "Has lived less than ten years at the address")),
    _f("moved_90d_before_start", "Flyttet rett før studiestart", "Moved just before the start of studies",
       ("moved_within_90d_before_start",), "Honest movers move before term, but so do paper moves made for the grant.",
       ("Meldte flytting rett før studiestart", "Registered a move just before the start of studies"),
       ("Meldte ikke flytting rett før studiestart", "Did not register a move just before the start of studies")),
    _f("move_before_start_near_parents", "Flyttet rett før start til adresse nær foreldrene",
       "Moved just before start to an address near the parents", ("moved_within_90d_before_start", *_DPK),
       "A last-minute move to an address near the parents is the classic paper move.",
       ("Flyttet rett før studiestart til en adresse nær foreldrene", "Moved just before the start of studies to an address near the parents"),
       ("Ingen flytting rett før start til adresse nær foreldrene", "No move just before the start to an address near the parents")),
    _f("housing_student_housing", "Bor i studentbolig", "Lives in student housing",
       ("housing_type",), "Student housing is let by the student welfare organisation and lived in.",
       ("Oppgir å bo i studentbolig", "States living in student housing"),
       ("Bor ikke i studentbolig", "Does not live in student housing")),
    _f("housing_rented", "Leid bolig", "Rented housing", ("housing_type",),
       "Renting is the usual way to live away from home, and the usual claim when not.",
       ("Oppgir å leie bolig", "States renting a home"), ("Oppgir ikke leid bolig", "Does not state rented housing")),
    _f("housing_owned", "Eid bolig", "Owned housing", ("housing_type",),
       "Owning a home is a strong sign of having moved out.",
       ("Oppgir å eie bolig", "States owning a home"), ("Eier ikke bolig", "Does not own a home")),
    _f("housing_parents_property", "Foreldres eiendom", "Parents' property", ("housing_type",),
       "A flat on the parents' property can be a separate home or the same household.",
       ("Oppgir å bo på foreldrenes eiendom", "States living on the parents' property"),
       ("Bor ikke på foreldrenes eiendom", "Does not live on the parents' property")),
    _f("housing_unknown", "Boform ikke oppgitt", "Housing type not stated", ("housing_type",),
       "Not stating one's housing is more common when there is nothing true to state.",
       ("Har ikke oppgitt boform", "Has not stated the housing type"), ("Har oppgitt boform", "Has stated the housing type")),
    _f("married_or_partner", "Gift eller samboer", "Married or cohabiting", ("married_or_partner",),
       "Students with a partner almost always have their own household.",
       ("Gift eller samboer", "Married or cohabiting"), ("Verken gift eller samboer", "Neither married nor cohabiting")),
    _f("children", "Antall barn", "Number of children", ("children",),
       "Students with children usually have their own household.",
       ("Har barn ({value})", "Has children ({value})"), ("Har ikke barn", "Has no children")),
    _f("own_household", "Egen husholdning (partner eller barn)", "Own household (partner or children)",
       ("married_or_partner", "children"), "A partner or children means a household of one's own.",
       ("Har egen husholdning", "Has a household of their own"), ("Har ikke egen husholdning", "Has no household of their own")),
    # Study
    _f("institution_university", "Universitet", "University", ("institution_type",),
       "Universities draw students from far away.",
       ("Studerer ved et universitet", "Studies at a university"), ("Studerer ikke ved et universitet", "Does not study at a university")),
    _f("institution_university_college", "Høgskole", "University college", ("institution_type",),
       "Regional colleges draw more local students.",
       ("Studerer ved en høgskole", "Studies at a university college"), ("Studerer ikke ved en høgskole", "Does not study at a university college")),
    _f("institution_vocational", "Fagskole", "Vocational college", ("institution_type",),
       "Vocational students are often local and young.",
       ("Studerer ved en fagskole", "Studies at a vocational college"), ("Studerer ikke ved en fagskole", "Does not study at a vocational college")),
    _f("institution_folk_high_school", "Folkehøgskole", "Folk high school", ("institution_type",),
       "Folk high schools are boarding schools: students live there.",
       ("Går på folkehøgskole", "Attends a folk high school"), ("Går ikke på folkehøgskole (internat)", "Does not attend a boarding folk high school")),
    _f("institution_private_college", "Privat høyskole", "Private college", ("institution_type",),
       "Private colleges sit mostly in the largest towns, where many students grew up.",
       ("Studerer ved en privat høyskole", "Studies at a private college"), ("Studerer ikke ved en privat høyskole", "Does not study at a private college")),
    _f("level_bachelor", "Bachelornivå", "Bachelor level", ("study_level",),
       "Early-stage students live at home more often than later ones.",
       ("Tar en bachelorgrad", "Studies for a bachelor's degree"), ("Tar ikke en bachelorgrad", "Does not study for a bachelor's degree")),
    _f("level_master", "Masternivå", "Master level", ("study_level",),
       "Master students are older and have usually moved out.",
       ("Tar en mastergrad", "Studies for a master's degree"), ("Tar ikke en mastergrad", "Does not study for a master's degree")),
    _f("level_phd", "Ph.d.-nivå", "PhD level", ("study_level",), "PhD candidates are older and established.",
       ("Tar en doktorgrad", "Studies for a doctorate"), ("Tar ikke en doktorgrad", "Does not study for a doctorate")),
    _f("level_vocational", "Fagskolenivå", "Vocational level", ("study_level",),
       "Vocational programmes are short and often local.",
       ("Tar fagskoleutdanning", "Takes a vocational programme"), ("Tar ikke fagskoleutdanning", "Does not take a vocational programme")),
    _f("level_other", "Annet nivå", "Other level", ("study_level",), "Other programmes (e.g. folk high school) vary.",
       ("Tar en annen type utdanning", "Takes another type of programme"), ("Tar en vanlig gradsutdanning", "Takes a regular degree programme")),
    _f("study_percent", "Studieprosent", "Study percentage", ("study_percent",),
       "Part-time students more often keep their life where it was.",
       ("Studerer på heltid ({value} %)", "Studies full time ({value} %)"), ("Studerer på deltid ({value} %)", "Studies part time ({value} %)")),
    _f("online_program", "Nettstudium", "Online programme", ("online_program",),
       "An online programme can be followed from the parents' home.",
       ("Tar et nett- eller fjernstudium", "Takes an online or distance programme"), ("Tar ikke nettstudium", "Does not take an online programme")),
    _f("credits_prev_year", "Studiepoeng i fjor", "Credits last year", ("credits_prev_year",),
       "The agency names credits earned as a factor in its selection.",
       ("Mange studiepoeng i fjor ({value})", "Many credits last year ({value})"), ("Få studiepoeng i fjor ({value})", "Few credits last year ({value})")),
    _f("no_credits_returning", "Ingen studiepoeng i fjor (ikke nybegynner)", "No credits last year (not a first-year)",
       ("credits_prev_year", "years_in_higher_ed"), "Returning without credits signals a disrupted year, often spent at home.",
       ("Tok ingen studiepoeng i fjor", "Earned no credits last year"), ("Tok studiepoeng i fjor eller er ny student", "Earned credits last year or is a new student")),
    _f("years_in_higher_ed", "År i høyere utdanning", "Years in higher education", ("years_in_higher_ed",),
       "The agency names years as a student: the first years are spent at home more often.",
       ("Mange år som student ({value})", "Many years as a student ({value})"), ("Få år som student ({value})", "Few years as a student ({value})")),
    _f("first_year_student", "Førsteårsstudent", "First-year student", ("years_in_higher_ed",),
       "The first year is when students decide whether to move out.",
       ("Første år i høyere utdanning", "First year in higher education"), ("Ikke første år i høyere utdanning", "Not the first year in higher education")),
    _f("age", "Alder 1. august", "Age on 1 August", ("birth_date", "academic_year"),
       "The agency names age: the youngest students live at home most often.",
       ("Alder {value} år", "Age {value}"), ("Ung student ({value} år)", "Young student (aged {value})")),
    _f("age_under_21", "Under 21 år", "Under 21", ("birth_date", "academic_year"),
       "Under 21 most Norwegians still live with their parents.",
       ("Under 21 år", "Under 21"), ("21 år eller eldre", "21 or older")),
    # Money
    _f("log_income_prev_year", "Inntekt i fjor (log)", "Income last year (log)", ("student_income_prev_year",),
       "Living rent-free leaves room for more work income, and vice versa.",
       ("Relativt høy arbeidsinntekt i fjor", "Relatively high work income last year"), ("Lav arbeidsinntekt i fjor", "Low work income last year")),
    _f("log_wealth", "Formue (log)", "Wealth (log)", ("wealth",),
       "Savings build up faster without rent to pay.",
       ("Har oppspart formue", "Has built up savings"), ("Lite eller ingen formue", "Little or no wealth")),
    _f("grant_share", "Stipendandel av støtten", "Grant share of the support", ("grant_amount", "loan_amount"),
       "The share converted to grant reflects progress and family situation.",
       ("Høy stipendandel", "High grant share"), ("Lav stipendandel", "Low grant share"), ".2f"),
    _f("log_total_support", "Samlet støtte (log)", "Total support (log)", ("grant_amount", "loan_amount"),
       "The size of the support reflects study load and dependants.",
       ("Høy samlet støtte", "High total support"), ("Lav samlet støtte", "Low total support")),
    # Application behaviour
    _f("channel_app", "Søkte i appen", "Applied in the app", ("application_channel",),
       "The channel reflects age and habits more than housing; kept for calibration of those.",
       ("Søkte via appen", "Applied via the app"), ("Søkte ikke via appen", "Did not apply via the app")),
    _f("channel_paper", "Søkte på papir", "Applied on paper", ("application_channel",),
       "Paper applications come mostly from older applicants.",
       ("Søkte på papir", "Applied on paper"), ("Søkte digitalt", "Applied digitally")),
    _f("days_before_deadline", "Dager før fristen", "Days before the deadline", ("days_before_deadline",),
       "Timing of the application is weakly tied to how settled the student is.",
       ("Søkte i god tid ({value} dager før fristen)", "Applied well ahead ({value} days before the deadline)"),
       ("Søkte sent ({value} dager før fristen)", "Applied late ({value} days before the deadline)")),
    _f("late_application", "Søkte etter fristen", "Applied after the deadline", ("days_before_deadline",),
       "Late applications are weakly tied to unsettled circumstances.",
       ("Søkte etter fristen", "Applied after the deadline"), ("Søkte innen fristen", "Applied within the deadline")),
    _f("phone_shared_with_parent", "Felles telefon med forelder", "Phone shared with a parent",
       ("phone_shared_with_parent",), "A shared phone number is a sign of a shared household.",
       ("Oppgitt samme telefonnummer som en forelder", "Gave the same phone number as a parent"),
       ("Eget telefonnummer", "Own phone number")),
    _f("bank_account_shared_with_parent", "Felles bankkonto med forelder", "Bank account shared with a parent",
       ("bank_account_shared_with_parent",), "A payout account a parent also uses suggests a shared household.",
       ("Utbetalingskontoen brukes også av en forelder", "The payout account is also used by a parent"),
       ("Egen utbetalingskonto", "Own payout account")),
    _f("shared_contacts_with_parent", "Antall felles kontaktpunkter med foreldre", "Contact points shared with parents",
       ("phone_shared_with_parent", "bank_account_shared_with_parent"), "Both phone and account shared is stronger than either.",
       ("Deler både telefon og bankkonto med foreldre", "Shares both phone and bank account with parents"),
       ("Deler ikke kontaktpunkter med foreldre", "Shares no contact points with parents")),
    # Control history
    _f("previous_controls", "Tidligere kontroller", "Earlier controls", ("previous_controls",),
       "The agency names whether the student was checked before.",
       ("Kontrollert før ({value} ganger)", "Controlled before ({value} times)"), ("Ikke kontrollert før", "Not controlled before")),
    _f("previous_control_caught", "Avdekket i tidligere kontroll", "Caught in an earlier control",
       ("previous_control_caught",), "Having failed a control before is the strongest history signal.",
       ("Ble avdekket i en tidligere kontroll", "Was caught in an earlier control"), ("Aldri avdekket i kontroll", "Never caught in a control")),
    _f("has_previous_year", "Søkte også i fjor", "Also applied last year", PREVIOUS_COLUMNS,
       "History features only mean something when there is a previous year.",
       ("Søkte også i fjor", "Also applied last year"), ("Ny søker i år", "New applicant this year")),
    _f("prev_registered_with_parents", "I fjor registrert hos foreldrene", "Registered with the parents last year",
       ("prev_registered_same_address_as_parent",), "Last year's registration shows where the student came from.",
       ("Var registrert hos foreldrene i fjor", "Was registered with the parents last year"),
       ("Var ikke registrert hos foreldrene i fjor", "Was not registered with the parents last year")),
    _f("moved_out_since_last_year", "Meldt flyttet fra foreldrene siden i fjor", "Registered away from the parents since last year",
       ("prev_registered_same_address_as_parent", *_REG), "A fresh move out can be real or a paper move made for the grant.",
       ("Har meldt flytting fra foreldrene siden i fjor", "Has registered a move away from the parents since last year"),
       ("Ingen ny utflytting fra foreldrene siden i fjor", "No new move away from the parents since last year")),
    _f("moved_back_since_last_year", "Flyttet tilbake til foreldrene siden i fjor", "Moved back to the parents since last year",
       ("prev_registered_same_address_as_parent", *_REG), "Moving back home registered, yet claiming to live away, needs a check.",
       ("Er registrert tilbake hos foreldrene siden i fjor", "Is registered back with the parents since last year"),
       ("Ikke flyttet tilbake til foreldrene", "Has not moved back to the parents")),
    _f("student_municipality_changed", "Byttet bostedskommune siden i fjor", "Changed municipality since last year",
       ("prev_student_municipality", "student_municipality"), "Students who really move change municipality.",
       ("Har byttet bostedskommune siden i fjor", "Has changed municipality of residence since last year"),
       ("Samme bostedskommune som i fjor", "Same municipality of residence as last year")),
    _f("study_municipality_changed", "Byttet studiekommune siden i fjor", "Changed study municipality since last year",
       ("prev_study_municipality", "study_municipality"), "A new place of study changes where one needs to live.",
       ("Har byttet studiested siden i fjor", "Has changed place of study since last year"),
       ("Samme studiested som i fjor", "Same place of study as last year")),
    _f("persons_at_address_change", "Endring i personer på adressen", "Change in people at the address",
       ("prev_persons_at_address", "persons_at_address"), "A household that does not change suggests the same family home.",
       ("Flere personer på adressen enn i fjor", "More people at the address than last year"),
       ("Færre eller like mange personer på adressen som i fjor", "Fewer or as many people at the address as last year")),
    _f("housing_type_changed", "Endret boform siden i fjor", "Changed housing type since last year",
       ("prev_housing_type", "housing_type"), "A changed housing type comes with a real move.",
       ("Har endret boform siden i fjor", "Has changed housing type since last year"), ("Samme boform som i fjor", "Same housing type as last year")),
    _f("prev_shared_contacts", "Delte kontaktpunkter med foreldre i fjor", "Shared contact points with parents last year",
       ("prev_phone_shared_with_parent", "prev_bank_account_shared_with_parent"), "Last year's shared phone or account persists as a sign.",
       ("Delte telefon eller konto med foreldre også i fjor", "Also shared phone or account with parents last year"),
       ("Delte ikke kontaktpunkter med foreldre i fjor", "Did not share contact points with parents last year")),
    _f("caught_last_year", "Avdekket i fjorårets kontroll", "Caught in last year's control",
       ("prev_controlled", "prev_control_outcome"), "Being caught last year changes behaviour this year, in either direction.",
       ("Ble avdekket i fjorårets kontroll", "Was caught in last year's control"), ("Ikke avdekket i fjor", "Not caught last year")),
    _f("controlled_last_year", "Kontrollert i fjor", "Controlled last year", ("prev_controlled",),
       "A recent control deters; its absence does not.",
       ("Ble kontrollert i fjor", "Was controlled last year"), ("Ble ikke kontrollert i fjor", "Was not controlled last year")),
    _f("distance_parent_change_km", "Endring i avstand til foreldre (km)", "Change in distance to the parents (km)",
       ("prev_distance_parent_km", *_DPK), "Moving closer to the parents while studying is unusual.",
       ("Registrert lenger fra foreldrene enn i fjor", "Registered further from the parents than last year"),
       ("Registrert nærmere foreldrene enn i fjor", "Registered closer to the parents than last year")),
    _f("wealth_growth", "Formuesvekst siden i fjor (log)", "Wealth growth since last year (log)",
       ("prev_wealth", "wealth"), "Savings that grow while claiming to pay rent deserve a look.",
       ("Formuen har økt siden i fjor", "Wealth has grown since last year"), ("Formuen har ikke økt siden i fjor", "Wealth has not grown since last year")),
]  # fmt: skip

# Nynorsk: (description, reason when high/true, reason when low/false), by feature name.
_NYNORSK: dict[str, tuple[str, str, str]] = {
    "registered_with_parents": ("Registrert på adressa til foreldra", "Registrert på same adresse som foreldra", "Registrert på ei anna adresse enn foreldra"),
    "log_distance_parent_km": ("Avstand til foreldra (log km)", "Lang avstand til foreldra", "Kort avstand frå registrert adresse til foreldra"),
    "no_parent_in_norway": ("Ingen foreldre i Noreg", "Ingen foreldre busette i Noreg", "Har foreldre busette i Noreg"),
    "log_distance_study_km": ("Avstand heim-studiestad (log km)", "Lang avstand frå heimen til foreldra til studiestaden", "Kort avstand frå heimen til foreldra til studiestaden"),
    "commutable_distance": ("Pendlaravstand (høgst 60 km)", "Studiestaden er innanfor pendlaravstand frå foreldra", "Studiestaden er utanfor pendlaravstand"),
    "very_close_to_study": ("Svært nær studiestaden (høgst 15 km)", "Foreldra bur svært nær studiestaden", "Foreldra bur ikkje nær studiestaden"),
    "far_from_study": ("Langt frå studiestaden (over 150 km)", "Studiestaden ligg langt frå foreldra", "Studiestaden ligg ikkje langt frå foreldra"),
    "registered_in_parent_municipality": ("Registrert i kommunen til foreldra", "Registrert i same kommune som foreldra", "Registrert i ein annan kommune enn foreldra"),
    "registered_in_study_municipality": ("Registrert i studiekommunen", "Registrert i studiekommunen", "Ikkje registrert i kommunen der studiestaden ligg"),
    "parents_in_study_municipality": ("Foreldra bur i studiekommunen", "Foreldra bur i same kommune som studiestaden", "Foreldra bur i ein annan kommune enn studiestaden"),
    "near_parents_not_registered": ("Bur nær foreldra, men ikkje hjå dei", "Registrert på ei adresse like ved foreldra", "Ikkje registrert like ved foreldra"),
    "persons_at_address": ("Personar på adressa", "Mange personar registrerte på adressa ({value})", "Få personar registrerte på adressa ({value})"),
    "crowded_address": ("Minst seks personar på adressa", "Uvanleg mange personar på adressa", "Ikkje mange personar på adressa"),
    "lives_alone": ("Einaste person på adressa", "Einaste person registrert på adressa", "Deler adresse med andre"),
    "address_changes_3y": ("Flyttingar siste tre år", "Mange flyttingar siste tre år ({value})", "Få eller ingen flyttingar siste tre år ({value})"),
    "years_at_address": ("År på adressa", "Lenge på same adresse ({value} år)", "Kort tid på adressa ({value} år)"),
    "long_at_address": ("Minst ti år på adressa", "Har budd på adressa i minst ti år", "Har budd kortare enn ti år på adressa"),
    "moved_90d_before_start": ("Flytta rett før studiestart", "Melde flytting rett før studiestart", "Melde ikkje flytting rett før studiestart"),
    "move_before_start_near_parents": ("Flytta rett før start til adresse nær foreldra", "Flytta rett før studiestart til ei adresse nær foreldra", "Inga flytting rett før start til adresse nær foreldra"),
    "housing_student_housing": ("Bur i studentbustad", "Oppgjev å bu i studentbustad", "Bur ikkje i studentbustad"),
    "housing_rented": ("Leigd bustad", "Oppgjev å leige bustad", "Oppgjev ikkje leigd bustad"),
    "housing_owned": ("Eigd bustad", "Oppgjev å eige bustad", "Eig ikkje bustad"),
    "housing_parents_property": ("Eigedomen til foreldra", "Oppgjev å bu på eigedomen til foreldra", "Bur ikkje på eigedomen til foreldra"),
    "housing_unknown": ("Buform ikkje oppgitt", "Har ikkje oppgitt buform", "Har oppgitt buform"),
    "married_or_partner": ("Gift eller sambuar", "Gift eller sambuar", "Korkje gift eller sambuar"),
    "children": ("Tal på born", "Har born ({value})", "Har ikkje born"),
    "own_household": ("Eige hushald (partnar eller born)", "Har eige hushald", "Har ikkje eige hushald"),
    "institution_university": ("Universitet", "Studerer ved eit universitet", "Studerer ikkje ved eit universitet"),
    "institution_university_college": ("Høgskule", "Studerer ved ein høgskule", "Studerer ikkje ved ein høgskule"),
    "institution_vocational": ("Fagskule", "Studerer ved ein fagskule", "Studerer ikkje ved ein fagskule"),
    "institution_folk_high_school": ("Folkehøgskule", "Går på folkehøgskule", "Går ikkje på folkehøgskule (internat)"),
    "institution_private_college": ("Privat høgskule", "Studerer ved ein privat høgskule", "Studerer ikkje ved ein privat høgskule"),
    "level_bachelor": ("Bachelornivå", "Tek ei bachelorgrad", "Tek ikkje ei bachelorgrad"),
    "level_master": ("Masternivå", "Tek ei mastergrad", "Tek ikkje ei mastergrad"),
    "level_phd": ("Ph.d.-nivå", "Tek ei doktorgrad", "Tek ikkje ei doktorgrad"),
    "level_vocational": ("Fagskulenivå", "Tek fagskuleutdanning", "Tek ikkje fagskuleutdanning"),
    "level_other": ("Anna nivå", "Tek ein annan type utdanning", "Tek ei vanleg gradsutdanning"),
    "study_percent": ("Studieprosent", "Studerer på heiltid ({value} %)", "Studerer på deltid ({value} %)"),
    "online_program": ("Nettstudium", "Tek eit nett- eller fjernstudium", "Tek ikkje nettstudium"),
    "credits_prev_year": ("Studiepoeng i fjor", "Mange studiepoeng i fjor ({value})", "Få studiepoeng i fjor ({value})"),
    "no_credits_returning": ("Ingen studiepoeng i fjor (ikkje nybyrjar)", "Tok ingen studiepoeng i fjor", "Tok studiepoeng i fjor eller er ny student"),
    "years_in_higher_ed": ("År i høgare utdanning", "Mange år som student ({value})", "Få år som student ({value})"),
    "first_year_student": ("Førsteårsstudent", "Første år i høgare utdanning", "Ikkje første år i høgare utdanning"),
    "age": ("Alder 1. august", "Alder {value} år", "Ung student ({value} år)"),
    "age_under_21": ("Under 21 år", "Under 21 år", "21 år eller eldre"),
    "log_income_prev_year": ("Inntekt i fjor (log)", "Relativt høg arbeidsinntekt i fjor", "Låg arbeidsinntekt i fjor"),
    "log_wealth": ("Formue (log)", "Har spart opp formue", "Lite eller ingen formue"),
    "grant_share": ("Stipenddel av støtta", "Høg stipenddel", "Låg stipenddel"),
    "log_total_support": ("Samla støtte (log)", "Høg samla støtte", "Låg samla støtte"),
    "channel_app": ("Søkte i appen", "Søkte via appen", "Søkte ikkje via appen"),
    "channel_paper": ("Søkte på papir", "Søkte på papir", "Søkte digitalt"),
    "days_before_deadline": ("Dagar før fristen", "Søkte i god tid ({value} dagar før fristen)", "Søkte seint ({value} dagar før fristen)"),
    "late_application": ("Søkte etter fristen", "Søkte etter fristen", "Søkte innan fristen"),
    "phone_shared_with_parent": ("Felles telefon med forelder", "Oppgav same telefonnummer som ein forelder", "Eige telefonnummer"),
    "bank_account_shared_with_parent": ("Felles bankkonto med forelder", "Utbetalingskontoen blir òg brukt av ein forelder", "Eigen utbetalingskonto"),
    "shared_contacts_with_parent": ("Tal på felles kontaktpunkt med foreldra", "Deler både telefon og bankkonto med foreldra", "Deler ikkje kontaktpunkt med foreldra"),
    "previous_controls": ("Tidlegare kontrollar", "Kontrollert før ({value} gonger)", "Ikkje kontrollert før"),
    "previous_control_caught": ("Avdekt i tidlegare kontroll", "Vart avdekt i ein tidlegare kontroll", "Aldri avdekt i kontroll"),
    "has_previous_year": ("Søkte òg i fjor", "Søkte òg i fjor", "Ny søkjar i år"),
    "prev_registered_with_parents": ("I fjor registrert hjå foreldra", "Var registrert hjå foreldra i fjor", "Var ikkje registrert hjå foreldra i fjor"),
    "moved_out_since_last_year": ("Meldt flytta frå foreldra sidan i fjor", "Har meldt flytting frå foreldra sidan i fjor", "Inga ny utflytting frå foreldra sidan i fjor"),
    "moved_back_since_last_year": ("Flytta tilbake til foreldra sidan i fjor", "Er registrert tilbake hjå foreldra sidan i fjor", "Ikkje flytta tilbake til foreldra"),
    "student_municipality_changed": ("Bytt bustadkommune sidan i fjor", "Har bytt bustadkommune sidan i fjor", "Same bustadkommune som i fjor"),
    "study_municipality_changed": ("Bytt studiekommune sidan i fjor", "Har bytt studiestad sidan i fjor", "Same studiestad som i fjor"),
    "persons_at_address_change": ("Endring i personar på adressa", "Fleire personar på adressa enn i fjor", "Færre eller like mange personar på adressa som i fjor"),
    "housing_type_changed": ("Endra buform sidan i fjor", "Har endra buform sidan i fjor", "Same buform som i fjor"),
    "prev_shared_contacts": ("Delte kontaktpunkt med foreldra i fjor", "Delte telefon eller konto med foreldra òg i fjor", "Delte ikkje kontaktpunkt med foreldra i fjor"),
    "caught_last_year": ("Avdekt i kontrollen i fjor", "Vart avdekt i kontrollen i fjor", "Ikkje avdekt i fjor"),
    "controlled_last_year": ("Kontrollert i fjor", "Vart kontrollert i fjor", "Vart ikkje kontrollert i fjor"),
    "distance_parent_change_km": ("Endring i avstand til foreldra (km)", "Registrert lenger frå foreldra enn i fjor", "Registrert nærare foreldra enn i fjor"),
    "wealth_growth": ("Formuesvekst sidan i fjor (log)", "Formuen har auka sidan i fjor", "Formuen har ikkje auka sidan i fjor"),
}  # fmt: skip

if set(_NYNORSK) != {spec.name for spec in FEATURE_CATALOGUE}:
    raise RuntimeError("every feature needs its nynorsk texts, and only catalogue features have them")
FEATURE_CATALOGUE = [
    replace(spec, description_nn=nn[0], reason_high_nn=nn[1], reason_low_nn=nn[2])
    for spec in FEATURE_CATALOGUE
    for nn in (_NYNORSK[spec.name],)
]
FEATURE_NAMES: list[str] = [spec.name for spec in FEATURE_CATALOGUE]
FEATURES_BY_NAME: dict[str, FeatureSpec] = {spec.name: spec for spec in FEATURE_CATALOGUE}
# Columns the transformer reads: the union of the catalogue's sources.
RAW_INPUT_COLUMNS: frozenset[str] = frozenset(c for spec in FEATURE_CATALOGUE for c in spec.source_columns)
_FORBIDDEN = RAW_INPUT_COLUMNS & (NON_FEATURE_COLUMNS - {"birth_date"})
if _FORBIDDEN:  # a catalogue edit that breaks the audit rule fails at import, not in production
    raise RuntimeError(f"feature catalogue reads non-feature columns: {sorted(_FORBIDDEN)}")


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    series = frame[column]
    if series.dtype.kind in "biuf":  # already numeric: skip the parser
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _enum(frame: pd.DataFrame, column: str, choices: tuple[str, ...]) -> np.ndarray:
    """Position of each value in `choices` (-1 for missing): integer comparisons are
    much faster than comparing a million strings again for every feature."""
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    positions = np.array([choices.index(u) if u in choices else -1 for u in uniques] + [-1], dtype=np.int16)
    return positions[codes]  # the sentinel -1 picks the trailing -1


_MUNICIPALITY_COLUMNS = (
    "student_municipality",
    "parent_municipality",
    "study_municipality",
    "prev_student_municipality",
    "prev_study_municipality",
)


def _municipalities(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The kommunenummer columns coded as numbers shared across columns (one hash pass
    over all of them); an empty cell becomes NaN, which equals nothing."""
    stacked = pd.concat([frame[c].astype("string") for c in _MUNICIPALITY_COLUMNS], ignore_index=True)
    codes = pd.factorize(stacked.replace("", pd.NA), use_na_sentinel=True)[0].astype(np.float64)
    codes[codes < 0] = np.nan
    n = len(frame)
    return {c: codes[i * n : (i + 1) * n] for i, c in enumerate(_MUNICIPALITY_COLUMNS)}


def _age_years(frame: pd.DataFrame) -> np.ndarray:
    birth = pd.to_datetime(frame["birth_date"], errors="coerce").to_numpy(dtype="datetime64[D]")
    august = (_num(frame, "academic_year") - 1970).astype("int64").astype("datetime64[Y]")
    august = august.astype("datetime64[M]") + np.timedelta64(7, "M")
    days = (august.astype("datetime64[D]") - birth).astype("float64")
    return days / 365.25


def age_on_august_1(*, frame: pd.DataFrame) -> np.ndarray:
    """Age in years on 1 August of the academic year (from birth_date), as the age feature."""
    return _age_years(frame)


def features_compute(*, frame: pd.DataFrame) -> np.ndarray:
    """The catalogue's features for every row of `frame` (raw columns with prev_* attached),
    as a float32 matrix in FEATURE_NAMES order, with no missing values (missing raw values
    become 0 next to an indicator feature that says so)."""
    missing = sorted(c for c in RAW_INPUT_COLUMNS if c not in frame.columns)
    if missing:
        raise ValueError(f"features_compute: missing raw column(s) {', '.join(missing)} (history attached?)")

    def nan0(values: np.ndarray, nan: float = 0.0) -> np.ndarray:
        return np.where(np.isnan(values), nan, values)

    reg = _num(frame, "registered_same_address_as_parent")
    dpk = _num(frame, "distance_parent_km")
    dsk = _num(frame, "distance_study_km")
    municipalities = _municipalities(frame)
    student_muni = municipalities["student_municipality"]
    parent_muni = municipalities["parent_municipality"]
    study_muni = municipalities["study_municipality"]
    no_parent = np.isnan(parent_muni)
    persons = _num(frame, "persons_at_address")
    months = _num(frame, "months_at_address")
    moved = _num(frame, "moved_within_90d_before_start")
    housing = _enum(frame, "housing_type", HOUSING_TYPES)
    partner = _num(frame, "married_or_partner")
    children = _num(frame, "children")
    institution = _enum(frame, "institution_type", INSTITUTION_TYPES)
    level = _enum(frame, "study_level", STUDY_LEVELS)
    credits = _num(frame, "credits_prev_year")
    years_in = _num(frame, "years_in_higher_ed")
    age = _age_years(frame)
    wealth = _num(frame, "wealth")
    grant = _num(frame, "grant_amount")
    loan = _num(frame, "loan_amount")
    channel = _enum(frame, "application_channel", APPLICATION_CHANNELS)
    days = _num(frame, "days_before_deadline")
    phone = _num(frame, "phone_shared_with_parent")
    bank = _num(frame, "bank_account_shared_with_parent")
    prev_reg = _num(frame, "prev_registered_same_address_as_parent")
    has_prev = ~np.isnan(prev_reg)
    prev_student_muni = municipalities["prev_student_municipality"]
    prev_study_muni = municipalities["prev_study_municipality"]
    prev_persons = _num(frame, "prev_persons_at_address")
    prev_housing = _enum(frame, "prev_housing_type", HOUSING_TYPES)
    prev_controlled = _num(frame, "prev_controlled")
    prev_outcome = _enum(frame, "prev_control_outcome", CONTROL_OUTCOMES)
    prev_dpk = _num(frame, "prev_distance_parent_km")
    prev_wealth = _num(frame, "prev_wealth")
    prev_shared = nan0(_num(frame, "prev_phone_shared_with_parent")) + nan0(
        _num(frame, "prev_bank_account_shared_with_parent")
    )
    log_dpk = np.log1p(nan0(dpk))
    columns = {
        "registered_with_parents": reg,
        "log_distance_parent_km": log_dpk,
        "no_parent_in_norway": no_parent,
        "log_distance_study_km": np.log1p(dsk),
        "commutable_distance": dsk <= 60,
        "very_close_to_study": dsk <= 15,
        "far_from_study": dsk > 150,
        "registered_in_parent_municipality": (student_muni == parent_muni) & ~no_parent,
        "registered_in_study_municipality": student_muni == study_muni,
        "parents_in_study_municipality": parent_muni == study_muni,
        "near_parents_not_registered": (reg == 0) & ~no_parent & (nan0(dpk, nan=1e9) < 10),
        "persons_at_address": persons,
        "crowded_address": persons >= 6,
        "lives_alone": persons == 1,
        "address_changes_3y": _num(frame, "address_changes_3y"),
        "years_at_address": months / 12.0,
        "long_at_address": months >= 120,
        "moved_90d_before_start": moved,
        "move_before_start_near_parents": (moved == 1) & ~no_parent & (nan0(dpk, nan=1e9) < 30),
        "housing_student_housing": housing == HOUSING_TYPES.index("STUDENT_HOUSING"),
        "housing_rented": housing == HOUSING_TYPES.index("RENTED"),
        "housing_owned": housing == HOUSING_TYPES.index("OWNED"),
        "housing_parents_property": housing == HOUSING_TYPES.index("PARENTS_PROPERTY"),
        "housing_unknown": housing == HOUSING_TYPES.index("UNKNOWN"),
        "married_or_partner": partner,
        "children": children,
        "own_household": (partner == 1) | (children > 0),
        "institution_university": institution == INSTITUTION_TYPES.index("UNIVERSITY"),
        "institution_university_college": institution == INSTITUTION_TYPES.index("UNIVERSITY_COLLEGE"),
        "institution_vocational": institution == INSTITUTION_TYPES.index("VOCATIONAL"),
        "institution_folk_high_school": institution == INSTITUTION_TYPES.index("FOLK_HIGH_SCHOOL"),
        "institution_private_college": institution == INSTITUTION_TYPES.index("PRIVATE_COLLEGE"),
        "level_bachelor": level == STUDY_LEVELS.index("BACHELOR"),
        "level_master": level == STUDY_LEVELS.index("MASTER"),
        "level_phd": level == STUDY_LEVELS.index("PHD"),
        "level_vocational": level == STUDY_LEVELS.index("VOCATIONAL"),
        "level_other": level == STUDY_LEVELS.index("OTHER"),
        "study_percent": _num(frame, "study_percent"),
        "online_program": _num(frame, "online_program"),
        "credits_prev_year": credits,
        "no_credits_returning": (credits == 0) & (years_in > 0),
        "years_in_higher_ed": years_in,
        "first_year_student": years_in == 0,
        "age": age,
        "age_under_21": age < 21,
        "log_income_prev_year": np.log1p(_num(frame, "student_income_prev_year")),
        "log_wealth": np.log1p(wealth),
        "grant_share": grant / np.maximum(grant + loan, 1.0),
        "log_total_support": np.log1p(grant + loan),
        "channel_app": channel == APPLICATION_CHANNELS.index("APP"),
        "channel_paper": channel == APPLICATION_CHANNELS.index("PAPER"),
        "days_before_deadline": days,
        "late_application": days < 0,
        "phone_shared_with_parent": phone,
        "bank_account_shared_with_parent": bank,
        "shared_contacts_with_parent": phone + bank,
        "previous_controls": _num(frame, "previous_controls"),
        "previous_control_caught": _num(frame, "previous_control_caught"),
        "has_previous_year": has_prev,
        "prev_registered_with_parents": nan0(prev_reg),
        "moved_out_since_last_year": has_prev & (prev_reg == 1) & (reg == 0),
        "moved_back_since_last_year": has_prev & (prev_reg == 0) & (reg == 1),
        "student_municipality_changed": has_prev & (prev_student_muni != student_muni),
        "study_municipality_changed": has_prev & (prev_study_muni != study_muni),
        "persons_at_address_change": nan0(persons - prev_persons),
        "housing_type_changed": has_prev & (prev_housing != housing),
        "prev_shared_contacts": prev_shared,
        "caught_last_year": prev_outcome == CONTROL_OUTCOMES.index("CAUGHT"),
        "controlled_last_year": nan0(prev_controlled),
        "distance_parent_change_km": nan0(nan0(dpk) - prev_dpk),
        "wealth_growth": nan0(np.log1p(wealth) - np.log1p(prev_wealth)),
    }
    matrix = np.empty((len(frame), len(FEATURE_NAMES)), dtype=np.float32)
    for position, name in enumerate(FEATURE_NAMES):
        matrix[:, position] = columns[name]
    # Bad raw values were rejected at import; whatever is left missing counts as 0.
    matrix[~np.isfinite(matrix)] = 0.0
    return matrix


class ApplicationFeatures(TransformerMixin, BaseEstimator):
    """Pipeline step: raw application columns (with prev_* attached) → feature matrix.

    fit() learns each feature's median on the training data; explanations use it to
    tell whether a value is "high" or "low" when they phrase a reason. Features named in
    `excluded` (switched off by a modeller) are held at 0: a constant carries no
    information, so no model can use it, and the column order stays the catalogue's."""

    def __init__(self, excluded: tuple[str, ...] = ()) -> None:
        self.excluded = excluded

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        matrix = features_compute(frame=X)
        excluded = getattr(self, "excluded", ())  # artifacts saved before the switch existed
        unknown = sorted(set(excluded) - set(FEATURE_NAMES))
        if unknown:
            raise ValueError(f"cannot switch off unknown feature(s): {', '.join(unknown)}")
        for name in excluded:
            matrix[:, FEATURE_NAMES.index(name)] = 0.0
        return matrix

    def fit(self, X: pd.DataFrame, y: object = None) -> ApplicationFeatures:
        matrix = self._matrix(X)
        self.medians_ = np.median(matrix, axis=0).astype(np.float32)
        self.binary_ = np.all((matrix == 0) | (matrix == 1), axis=0)
        self.n_features_in_ = len(FEATURE_NAMES)
        self.feature_names_out_ = np.array(FEATURE_NAMES, dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        return self._matrix(X)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(FEATURE_NAMES, dtype=object)
