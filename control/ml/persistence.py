"""Saving and loading the risk pipeline with skops, checked by SHA-256.

Loading never trusts blindly: the artifact's types must all be on TRUSTED_TYPES (the
classes a risk pipeline is built from), and the file's SHA-256 must match the one
recorded when it was saved. pickle/joblib are never used for loading.
"""

from __future__ import annotations

import hashlib
import pathlib

import skops.io as sio

TRUSTED_TYPES: tuple[str, ...] = (
    "collections.OrderedDict",
    "control.ml.features.ApplicationFeatures",
    "interpret.glassbox._ebm._ebm.ExplainableBoostingClassifier",
    "lightgbm.basic.Booster",
    "lightgbm.sklearn.LGBMClassifier",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
)


class ArtifactIntegrityError(Exception):
    """The model artifact is not the one that was saved, or holds untrusted types."""


def file_sha256(*, path: pathlib.Path) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pipeline_save(*, pipeline: object, path: pathlib.Path) -> str:
    """Writes `pipeline` to `path` with skops and returns the file's SHA-256 (hex)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(pipeline, path)
    return file_sha256(path=path)


def pipeline_load(*, path: pathlib.Path, expected_sha256: str) -> object:
    """Loads a pipeline saved by pipeline_save. Raises ArtifactIntegrityError when the
    file's SHA-256 differs from `expected_sha256` or it holds types not in TRUSTED_TYPES."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ArtifactIntegrityError(f"model artifact {path} does not exist")
    actual = file_sha256(path=path)
    if actual != expected_sha256:
        raise ArtifactIntegrityError(
            f"model artifact {path} has SHA-256 {actual}, expected {expected_sha256}: "
            "the file was changed or replaced after it was saved; refusing to load it"
        )
    untrusted = sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ArtifactIntegrityError(
            f"model artifact {path} holds types outside the trusted list: {', '.join(untrusted)}"
        )
    return sio.load(path, trusted=list(TRUSTED_TYPES))
