import numpy as np

from control.ml.drift import DriftCounter, drift_reference, drift_report, expected_recall_at_share, psi
from control.ml.features import FEATURE_NAMES


def _matrix(rng, n, shift=0.0):
    return rng.normal(loc=shift, size=(n, len(FEATURE_NAMES))).astype(np.float32)


def test_the_same_distribution_is_stable_and_a_shifted_one_warns():
    rng = np.random.default_rng(0)
    reference = drift_reference(features=_matrix(rng, 5000), scores=rng.random(5000))
    same = drift_report(reference=reference, features=_matrix(rng, 5000), scores=rng.random(5000))
    assert max(same["features"].values()) < 0.05 and not same["warning"]
    moved = _matrix(rng, 5000)
    moved[:, 3] += 1.5
    shifted = drift_report(reference=reference, features=moved, scores=rng.random(5000))
    assert shifted["shifted_features"] == [FEATURE_NAMES[3]] and shifted["warning"]


def test_counting_in_chunks_gives_the_same_report_as_at_once():
    rng = np.random.default_rng(1)
    reference = drift_reference(features=_matrix(rng, 3000), scores=rng.random(3000))
    features, scores = _matrix(rng, 2000, shift=0.3), rng.random(2000)
    counter = DriftCounter(reference=reference)
    counter.add(features=features[:700], scores=scores[:700])
    counter.add(features=features[700:], scores=scores[700:])
    assert counter.report() == drift_report(reference=reference, features=features, scores=scores)


def test_psi_and_expected_recall_follow_their_definitions():
    assert psi(expected=[0.5, 0.5], actual=np.array([0.5, 0.5])) == 0
    assert psi(expected=[0.5, 0.5], actual=np.array([0.9, 0.1])) > 0.2
    # Four applications, the top one holds 0.8 of the 1.0 expected cheaters.
    assert expected_recall_at_share(scores=np.array([0.8, 0.1, 0.05, 0.05]), share=0.25) == 0.8
