"""The model choice holds on populations we did not tune for (control/ml/robustness.py).

Each frozen population trains the risk model as production does and a plain
HistGradientBoosting on the raw columns on the same controlled applications; both are
judged against the generator's truth for every application of the held-out year.
"""

import pytest

from control.ml.robustness import ROBUSTNESS_POPULATIONS, TOLERANCE, robustness_population_judge
from control.ml.synthetic import PopulationShape


def test_the_populations_differ_in_shape():
    shapes = {population.shape for population in ROBUSTNESS_POPULATIONS}
    assert len(ROBUSTNESS_POPULATIONS) >= 4 and len(shapes) == len(ROBUSTNESS_POPULATIONS)
    assert PopulationShape() not in shapes


@pytest.mark.parametrize("population", ROBUSTNESS_POPULATIONS, ids=lambda p: p.name)
def test_the_chosen_model_is_no_worse_than_a_plain_gradient_boosting(population):
    judged = robustness_population_judge(population=population)
    assert judged["cheaters_judged"] > 100
    assert judged["chosen_model"]["recall_at_25"] >= judged["plain_hgb"]["recall_at_25"] - TOLERANCE, judged
