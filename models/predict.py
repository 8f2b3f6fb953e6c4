"""Choosing a predictor by name: ``rules`` or a trained model directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from annotate.errors import ModelError
from annotate.predictor import Predictor
from annotate.sourcing import RulePredictor

if TYPE_CHECKING:
    from spacy.language import Language


def load_predictor(spec: str, nlp: Language) -> Predictor:
    """``rules`` → the rule predictor; a directory → the model saved there by ``claimkit train``."""
    if spec == "rules":
        return RulePredictor(nlp)
    if not Path(spec).is_dir():
        raise ModelError(f"predictor {spec!r}: not 'rules' and not a model directory; train one with `claimkit train`")
    raise ModelError(f"predictor {spec!r}: model predictors are not available yet")
