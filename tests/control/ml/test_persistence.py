import collections

import numpy as np
import pytest

from control.ml.history import history_attach
from control.ml.persistence import ArtifactIntegrityError, pipeline_load, pipeline_save


def test_it_round_trips_the_pipeline_and_returns_its_sha256(tmp_path, population, trained):
    applications, _ = population
    path = tmp_path / "model.skops"
    digest = pipeline_save(pipeline=trained.pipeline, path=path)
    assert len(digest) == 64
    loaded = pipeline_load(path=path, expected_sha256=digest)
    sample = history_attach(frame=applications.head(200))
    np.testing.assert_allclose(loaded.predict_proba(sample), trained.pipeline.predict_proba(sample))


def test_it_refuses_a_changed_artifact(tmp_path, trained):
    path = tmp_path / "model.skops"
    digest = pipeline_save(pipeline=trained.pipeline, path=path)
    with path.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ArtifactIntegrityError, match="SHA-256"):
        pipeline_load(path=path, expected_sha256=digest)


def test_it_refuses_types_outside_the_trusted_list(tmp_path):
    path = tmp_path / "other.skops"
    digest = pipeline_save(pipeline=collections.Counter({"a": 1}), path=path)
    with pytest.raises(ArtifactIntegrityError, match="trusted"):
        pipeline_load(path=path, expected_sha256=digest)


def test_it_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(ArtifactIntegrityError, match="does not exist"):
        pipeline_load(path=tmp_path / "nope.skops", expected_sha256="0" * 64)
