"""Choosing a predictor by name: ``rules`` or a trained model directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from claimkit.annotate.errors import ModelError
from claimkit.annotate.predictor import Predictor
from claimkit.annotate.sourcing import RulePredictor

if TYPE_CHECKING:
    from spacy.language import Language


def load_predictor(spec: str, nlp: Language, *, precision: str = "auto") -> Predictor:
    """``rules`` → the rule predictor; a directory → the model saved there by ``claimkit train``.

    A model predicts ``attribution`` only, so it comes paired with the rules for the other fields
    (source, cue, hedge, dispute status): Label Studio pre-annotations and ``claimkit split`` output
    carry every schema field either way (``claimkit.models.nli.predictor.ModelWithRules``). ``precision``
    (``auto``, ``fp32``, ``bf16``, ``int8``) picks the model's arithmetic; see ``docs/model.md``.
    """
    if spec == "rules":
        return RulePredictor(nlp)
    if not Path(spec).is_dir():
        raise ModelError(f"predictor {spec!r}: not 'rules' and not a model directory; train one with `claimkit train`")
    from claimkit.models.nli.predictor import ModelWithRules, NLIPredictor

    return ModelWithRules(NLIPredictor(spec, precision=precision), RulePredictor(nlp))
