"""What the backend serves: ``rules`` or a model directory, and the ``model_version`` Label Studio sees.

``model_version`` is a content hash, so it changes exactly when what predicts changes: for a model
directory, every file in it (weights, tokenizer, calibration, precision choice); for the rules, the
splitter fingerprint (``annotate.corpora.brat_claims.splitter_fingerprint``: claimkit's version, the
claim-shaping modules, the lexicons and schema, the spaCy pipeline). A model's version covers the rules
fingerprint too, since the model comes paired with the rules for the other fields. Label Studio skips
tasks that already hold a prediction of the current version, so a new model (a retraining swaps the
directory) is asked again, and an unchanged one never is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claimkit.annotate.errors import ModelError
from claimkit.annotate.schema import default_schema
from claimkit.backend.predict import TaskPredictor

if TYPE_CHECKING:
    from spacy.language import Language

RULES = "rules"


def directory_hash(path: Path) -> str:
    """sha1 over every file of ``path`` (relative name and bytes, in sorted order)."""
    h = hashlib.sha1()
    files = sorted(p for p in path.rglob("*") if p.is_file())
    if not files:
        raise ModelError(f"{path}: the model directory is empty; train one with `claimkit train`")
    for p in files:
        h.update(p.relative_to(path).as_posix().encode() + b"\0")
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):  # noqa: B023 (the loop body uses fh at once)
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def served_version(spec: str, nlp: Language, base_version: str) -> str:
    """``<predictor version>@<12 hex of the content hash>``: readable, and unique to the content."""
    from claimkit.annotate.corpora.brat_claims import splitter_fingerprint

    h = hashlib.sha1(splitter_fingerprint(nlp, "clause").encode())
    if spec != RULES:
        h.update(directory_hash(Path(spec)).encode())
    return f"{base_version}@{h.hexdigest()[:12]}"


@dataclass(frozen=True)
class ServedSpec:
    """Where the served model comes from: ``rules``, or a model directory (resolved to an absolute path)."""

    spec: str
    precision: str = "auto"

    @staticmethod
    def of(spec: str, precision: str = "auto") -> ServedSpec:
        if spec == RULES:
            return ServedSpec(RULES, precision)
        path = Path(spec).expanduser()
        if not path.is_dir():
            raise ModelError(f"{spec}: neither 'rules' nor a model directory; train one with `claimkit train`")
        return ServedSpec(str(path.resolve()), precision)


def load_task_predictor(spec: ServedSpec, nlp: Language, *, warm: bool = True) -> TaskPredictor:
    """A ``TaskPredictor`` for ``spec`` (the same predictor ``claimkit push --predictor`` would use), warmed
    up unless ``warm`` is false (the caller then warms it when ``nlp`` is free)."""
    from claimkit.models.predictor_spec import load_predictor

    predictor = load_predictor(spec.spec, nlp, precision=spec.precision)
    version = served_version(spec.spec, nlp, predictor.model_version)
    served = TaskPredictor(predictor, nlp, default_schema(), version)
    if warm:
        served.warm_up()
    return served
