from control.ml.schema import (
    AUDIT_ONLY_COLUMNS,
    COLUMN_SPECS,
    IMPORT_COLUMNS,
    OPTIONAL_COLUMNS,
    national_id_agrees_with_birth_date,
    national_id_control_digits,
    national_id_is_valid,
)


def test_import_columns_follow_the_spec_order_and_mark_optional_ones():
    assert IMPORT_COLUMNS[:3] == ["application_id", "customer_id", "national_id"]
    assert IMPORT_COLUMNS[-1] == "control_outcome"
    assert len(IMPORT_COLUMNS) == len(set(IMPORT_COLUMNS)) == 40
    assert {
        "parent_municipality",
        "distance_parent_km",
        "control_reason",
        "selection_probability",
        "control_outcome",
    } == OPTIONAL_COLUMNS
    assert {"gender", "birth_country_group"} == AUDIT_ONLY_COLUMNS
    assert COLUMN_SPECS["housing_type"].choices[0] == "STUDENT_HOUSING"
    assert COLUMN_SPECS["selection_probability"].minimum_exclusive


def test_it_accepts_valid_control_digits_and_rejects_a_changed_digit():
    first_nine = "010190" + "123"
    digits = national_id_control_digits(first_nine=first_nine)
    if digits is None:  # this individual number is never issued; take the next one
        first_nine = "010190" + "124"
        digits = national_id_control_digits(first_nine=first_nine)
    assert digits is not None
    valid = first_nine + digits
    assert national_id_is_valid(national_id=valid)
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert not national_id_is_valid(national_id=broken)
    assert not national_id_is_valid(national_id="1234")


def test_it_checks_the_birth_date_and_century_of_a_synthetic_number():
    first_nine = "01" + "81" + "99" + "200"  # 1 Jan 1999, synthetic month + 80
    digits = national_id_control_digits(first_nine=first_nine) or ""
    number = first_nine + digits
    if digits:
        assert national_id_agrees_with_birth_date(national_id=number, year=1999, month=1, day=1)
        assert not national_id_agrees_with_birth_date(national_id=number, year=2099, month=1, day=1)
        assert not national_id_agrees_with_birth_date(national_id=number, year=1999, month=2, day=1)
