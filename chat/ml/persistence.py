"""Saving and loading intent pipelines with skops: only listed types are trusted, and the
file's SHA-256 must match the one recorded when it was written."""

import hashlib
from pathlib import Path

import skops.io as sio
from sklearn.pipeline import Pipeline

# Everything an intent pipeline is made of. A file needing anything else is refused
# rather than loaded: skops would otherwise have to import and call unknown code.
TRUSTED_TYPES = [
    "chat.ml.pipeline.TextFeatures",
    "chat.ml.spelling.SpellingCorrector",
    "chat.ml.text.text_fold",
    "chat.ml.text.text_normalise",
    "chat.ml.text.text_split",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "builtins.str",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
]


class ArtifactError(Exception):
    """The stored model file is missing, altered, or contains untrusted types."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pipeline_save(*, pipeline: Pipeline, path: Path) -> str:
    """Write `pipeline` to `path` (creating folders) and return the file's SHA-256."""
    data = sio.dumps(pipeline)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: a reader never sees half a file
    return sha256_of(data)


def pipeline_load(*, path: Path, sha256: str) -> Pipeline:
    """Load a pipeline after checking its checksum and that it needs only trusted types."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"Model file {path} cannot be read: {exc.strerror}.") from exc
    actual = sha256_of(data)
    if actual != sha256:
        raise ArtifactError(
            f"Model file {path} has SHA-256 {actual}, expected {sha256}: refusing to load it."
        )
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ArtifactError(f"Model file {path} needs untrusted types {untrusted}: refusing to load it.")
    pipeline = sio.loads(data, trusted=TRUSTED_TYPES)
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"Model file {path} does not hold a scikit-learn Pipeline.")
    return pipeline
