import numpy as np
import pandas as pd

from control.ml.fairness import age_band, fairness_audit, study_region


def test_it_reports_rates_per_group_and_flags_a_ratio_under_four_fifths():
    n = 400
    groups = pd.DataFrame({"gender": ["F"] * 200 + ["M"] * 200})
    y = np.zeros(n, dtype=int)
    y[:20] = 1  # 20 cheaters among F
    y[200:220] = 1  # 20 among M
    selected = np.zeros(n, dtype=bool)
    selected[:100] = True  # half of F selected, all F cheaters found
    selected[200:225] = True  # an eighth of M selected
    audit = fairness_audit(
        groups_all=groups,
        selected_all=selected,
        groups_labelled=groups,
        selected_labelled=selected,
        y_labelled=y,
        share=0.25,
    )["attributes"]["gender"]
    by_group = {g["group"]: g for g in audit["groups"]}
    assert by_group["F"]["selection_rate"] == 0.5 and by_group["M"]["selection_rate"] == 0.125
    assert by_group["F"]["recall"] == 1.0 and by_group["M"]["recall"] == 1.0
    assert by_group["F"]["false_alarm_rate"] == round(80 / 180, 4)
    assert audit["ratios"]["selection_rate"] == 0.25
    assert audit["ratios"]["recall"] == 1.0
    assert "selection_rate" in audit["flags"] and "recall" not in audit["flags"]
    assert audit["ratio_details"]["selection_rate"]["ci"][1] < 0.8
    assert audit["ratio_details"]["selection_rate"]["status"] == "flagged"
    assert by_group["F"]["honest_per_cheater"] == 4.0  # 80 honest asked for 20 found


def test_a_low_ratio_on_few_students_is_too_few_to_say_not_a_flag():
    groups = pd.DataFrame({"gender": ["F"] * 40 + ["M"] * 40})
    selected = np.r_[np.ones(8), np.zeros(32), np.ones(12), np.zeros(28)].astype(bool)
    audit = fairness_audit(
        groups_all=groups,
        selected_all=selected,
        groups_labelled=groups,
        selected_labelled=selected,
        y_labelled=np.zeros(80, dtype=int),
        share=0.25,
    )["attributes"]["gender"]
    detail = audit["ratio_details"]["selection_rate"]
    assert detail["value"] == round(8 / 12, 4) < 0.8
    assert detail["ci"][0] < 0.8 < detail["ci"][1]
    assert detail["status"] == "too_few_to_say" and audit["flags"] == []


def test_intersectional_groups_are_audited_with_plain_names():
    from control.ml.schema import group_label

    groups = pd.DataFrame(
        {
            "gender": ["F", "M"] * 50,
            "birth_country_group": ["NO"] * 50 + ["OTHER"] * 50,
            "age_band": ["under_21"] * 100,
        }
    )
    audit = fairness_audit(
        groups_all=groups,
        selected_all=np.arange(100) % 4 == 0,
        groups_labelled=groups,
        selected_labelled=np.arange(100) % 4 == 0,
        y_labelled=np.zeros(100, dtype=int),
        share=0.25,
    )["attributes"]
    assert {"gender_x_birth_country_group", "age_band_x_birth_country_group"} <= set(audit)
    codes = {g["group"] for g in audit["gender_x_birth_country_group"]["groups"]}
    assert codes == {"F|NO", "M|NO", "F|OTHER", "M|OTHER"}
    assert (
        group_label(attribute="gender_x_birth_country_group", code="F|OTHER")
        == "kvinner, født utenfor EU/EØS"
    )
    assert group_label(attribute="age_band", code="under_21", language="en") == "under 21"
    assert (
        group_label(attribute="birth_country_group", code="EU_EEA", language="nn")
        == "fødd i eit anna EU/EØS-land"
    )


def test_small_groups_are_listed_but_left_out_of_the_ratios():
    groups = pd.DataFrame({"birth_country_group": ["NO"] * 100 + ["NORDIC"] * 5})
    y = np.r_[np.ones(10), np.zeros(90), np.zeros(5)].astype(int)
    selected = np.r_[np.ones(50), np.zeros(50), np.zeros(5)].astype(bool)
    audit = fairness_audit(
        groups_all=groups,
        selected_all=selected,
        groups_labelled=groups,
        selected_labelled=selected,
        y_labelled=y,
        share=0.25,
    )["attributes"]["birth_country_group"]
    assert {g["group"]: g["too_small"] for g in audit["groups"]} == {"NO": False, "NORDIC": True}
    assert audit["ratios"]["selection_rate"] is None


def test_age_bands_and_regions_group_sensibly():
    assert age_band(age=np.array([19.0, 22.0, 27.0, 45.0])).tolist() == [
        "under_21",
        "21_24",
        "25_29",
        "30_plus",
    ]
    regions, kept = study_region(
        study_municipality=pd.Series(["0301", "0301", "1201", "1902"]), keep=["03", "12"]
    )
    assert regions.tolist() == ["03", "03", "12", "other"] and kept == ["03", "12"]


def test_a_stratified_random_group_is_audited_with_its_selection_probabilities():
    """Women's random controls come from two strata of a draw stratified by age: the young
    drawn with probability 0.4, the older with 0.1, so each older control stands for four
    times as many students. The model finds the young women's cheaters and none of the
    older women's: the plain count says half of the women's cheaters are found, the
    population's share is a fifth. The counts shown stay the controls'."""
    groups = pd.DataFrame({"gender": ["F"] * 200 + ["M"] * 200})
    y = np.zeros(400, dtype=int)
    y[:20] = 1  # young women
    y[100:120] = 1  # older women
    y[200:220] = 1
    y[300:320] = 1
    selected = np.zeros(400, dtype=bool)
    selected[:20] = True  # the young women's cheaters
    selected[200:220] = selected[300:320] = True  # all the men's
    probability = np.r_[np.full(100, 0.4), np.full(100, 0.1), np.full(200, 0.25)]
    arguments = {
        "groups_all": groups,
        "selected_all": selected,
        "groups_labelled": groups,
        "selected_labelled": selected,
        "y_labelled": y,
        "share": 0.25,
    }
    plain = fairness_audit(**arguments)
    weighted = fairness_audit(**arguments, weights_labelled=1 / probability)
    women = {g["group"]: g for g in weighted["attributes"]["gender"]["groups"]}["F"]
    assert {g["group"]: g for g in plain["attributes"]["gender"]["groups"]}["F"]["recall"] == 0.5
    assert women["recall"] == 0.2  # 20 × 2.5 of (20 × 2.5 + 20 × 10)
    assert (women["found"], women["positives"]) == (20, 40)
    assert weighted["weighted"] is True and plain["weighted"] is False
    assert weighted["attributes"]["gender"]["ratios"]["recall"] == 0.2
    assert weighted["attributes"]["gender"]["ratio_details"]["recall"]["ci"][0] < 0.2
    # Equal probabilities are the plain audit, to the last digit.
    equal = fairness_audit(**arguments, weights_labelled=np.full(400, 4.0))
    assert equal["attributes"] == plain["attributes"]
