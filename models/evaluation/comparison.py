"""A trained model beside the rules and the baselines, in one evaluation run (the model card's comparison).

Passed to ``claimkit.models.nli.train.train`` as its ``compare`` step by ``claimkit train`` and
``scripts/train_nli.py``, so that training itself never imports the evaluation run or the predictor.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimkit.models.nli.train import TrainConfig


def compare_with_baselines(config: TrainConfig, model_dir: Path) -> dict[str, Any]:
    """The model beside the rules and the baselines on ``config.eval_split`` (``evaluation.attribution``)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.sourcing import RulePredictor
    from claimkit.models.evaluation.attribution import evaluate_attribution
    from claimkit.models.nli.predictor import NLIPredictor

    nlp = load_nlp(config.spacy_model)
    report = evaluate_attribution(
        config.corpus_dir or "",
        config.eval_split or "dev",
        {"nli": NLIPredictor(model_dir, precision="fp32"), "rules": RulePredictor(nlp)},
        nlp,
        train_split=config.corpus_split,
        granularity=config.granularity,  # type: ignore[arg-type]
        limit=config.max_articles,
        train_limit=config.max_articles,
        cache_dir=config.cache_dir,
        progress=config.progress,
    )
    return {
        "split": config.eval_split,
        "claims": report["corpus"]["claims"],
        "systems": {
            name: {
                "claim_macro_f1": s["claim_macro_f1"],
                "char_f1": s["char_f1"],
                "content_char_f1": s["content_char_f1"],
            }
            for name, s in report["systems"].items()
        },
    }
