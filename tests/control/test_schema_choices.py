"""The models' choices and lengths come from control/ml/schema.py, the one source."""

import numpy as np
import pytest

from control.ml import schema
from control.models import Application, Customer
from control.models.applications import (
    ApplicationChannel,
    BirthCountryGroup,
    ControlOutcome,
    ControlReason,
    Gender,
    HousingType,
    InstitutionType,
    StudyLevel,
)


@pytest.mark.parametrize(
    ("choices", "enum", "column"),
    [
        (Gender, schema.GENDERS, "gender"),
        (BirthCountryGroup, schema.BIRTH_COUNTRY_GROUPS, "birth_country_group"),
        (HousingType, schema.HOUSING_TYPES, "housing_type"),
        (InstitutionType, schema.INSTITUTION_TYPES, "institution_type"),
        (StudyLevel, schema.STUDY_LEVELS, "study_level"),
        (ApplicationChannel, schema.APPLICATION_CHANNELS, "application_channel"),
        (ControlReason, schema.CONTROL_REASONS, "control_reason"),
        (ControlOutcome, schema.CONTROL_OUTCOMES, "control_outcome"),
    ],
)
def test_every_text_choice_is_the_schemas_enum(choices, enum, column):
    assert tuple(choices.values) == enum == schema.COLUMN_SPECS[column].choices
    assert set(enum) == set(schema.GROUP_LABELS.get(column, {c: c for c in enum}))


def test_id_lengths_are_the_schemas():
    assert Application._meta.get_field("application_id").max_length == schema.ID_MAX_LENGTH
    assert Customer._meta.get_field("customer_id").max_length == schema.ID_MAX_LENGTH
    assert Customer._meta.get_field("national_id").max_length == schema.NATIONAL_ID_LENGTH


def test_the_scalar_national_id_helpers_agree_with_the_vectorised_rule():
    rng = np.random.default_rng(3)
    values = np.array(["".join(map(str, rng.integers(0, 10, size=11))) for _ in range(3000)])
    check = schema.national_ids_check(values=values)
    for value, ok, invalid, born in zip(
        values, check.checksum_ok, check.date_invalid, check.birth_date, strict=True
    ):
        day, month, _year = schema.national_id_birth_date_parts(national_id=value)
        plausible = 1 <= day <= 31 and 1 <= month <= 12
        assert schema.national_id_is_valid(national_id=value) == bool(ok and plausible)
        if not invalid:
            date = born.astype("datetime64[D]").item()
            assert schema.national_id_agrees_with_birth_date(
                national_id=value, year=date.year, month=date.month, day=date.day
            )
    assert check.checksum_ok.sum() > 10  # about one random number in a hundred passes mod 11
