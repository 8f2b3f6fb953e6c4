"""The model card written beside every trained attribution model (``README.md`` in the model directory).

A dataclass, as in sentence-transformers: fields the run fills (data, metrics, comparison with the
baselines, versions) are kept apart from the prose, which lives in ``model_card_template.md`` next to
this file. A saved model thereby explains how it was made, on what data, how well it does beside the
rules and TF-IDF, and where it is known to fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasets import DatasetDict

    from claimkit.models.nli.model import NLIMeta
    from claimkit.models.nli.train import TrainConfig

TEMPLATE = Path(__file__).with_name("model_card_template.md")
VERSIONED_PACKAGES = ("claimkit", "torch", "transformers", "datasets", "accelerate", "spacy", "scikit-learn")


@dataclass(frozen=True)
class ModelCard:
    """Everything the card shows; ``from_run`` fills it from a finished training run."""

    model_version: str
    base_model: str
    data_source: str
    splits: dict[str, dict[str, int]]
    metrics: dict[str, Any]
    hyperparameters: dict[str, Any]
    window: dict[str, int]
    max_length: int
    granularity: str
    schema: str
    labels: tuple[str, ...]
    comparison: dict[str, Any] | None = None
    versions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_run(
        cls,
        config: TrainConfig,
        meta: NLIMeta,
        metrics: dict[str, Any],
        pairs: DatasetDict,
        comparison: dict[str, Any] | None,
    ) -> ModelCard:
        splits = {}
        for name, ds in pairs.items():
            labels = ds["label"]
            splits[name] = {
                "articles": len(set(ds["article_id"])),
                "claims": len(labels),
                **{value: sum(1 for y in labels if y == i) for i, value in enumerate(meta.labels)},
            }
        annotations = ""
        if config.pull_dir:
            articles = (
                f"the articles `{config.articles_path}`" if config.articles_path else "the articles the pull carries"
            )
            annotations = (
                f"Label Studio annotations `{config.pull_dir}` on {articles} "
                "(team gold where adjudicated, else the annotators' majority; docs/annotation-loop.md)"
            )
        if config.corpus_dir:
            source = f"BRAT corpus `{config.corpus_dir}` (split `{config.corpus_split}`)"
            if annotations:
                source += f" + {annotations}"
        elif annotations:
            source = annotations
        else:
            source = f"labelled claims `{config.claims_path or config.dataset_dir}`"
        if config.dataset_dir:
            source += f", pairs read from `{config.dataset_dir}`"
        versions = {}
        for package in VERSIONED_PACKAGES:
            try:
                versions[package] = importlib_metadata.version(package)
            except importlib_metadata.PackageNotFoundError:
                continue
        return cls(
            model_version=meta.model_version,
            base_model=meta.base_model,
            data_source=source,
            splits=splits,
            metrics=metrics,
            hyperparameters=config.non_defaults(),
            window=meta.window.to_dict(),
            max_length=meta.max_length,
            granularity=meta.granularity,
            schema=meta.schema,
            labels=meta.labels,
            comparison=comparison,
            versions=versions,
        )

    def render(self) -> str:
        """The card as Markdown (template prose + tables from the fields)."""
        return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            model_version=self.model_version,
            base_model=self.base_model,
            data_source=self.data_source,
            labels=", ".join(f"`{v}`" for v in self.labels),
            schema=self.schema,
            granularity=self.granularity,
            window=f"{self.window['core_chars']} characters of claims + {self.window['context_chars']} of context on each side",
            max_length=self.max_length,
            splits_table=_splits_table(self.splits, self.labels),
            metrics_table=_metrics_table(self.metrics),
            comparison_table=_comparison_table(self.comparison),
            calibration=_calibration(self.metrics),
            precision=_precision(self.metrics),
            hyperparameters="\n".join(f"- `{k}`: `{v}`" for k, v in sorted(self.hyperparameters.items()))
            or "- (all defaults)",
            versions=", ".join(f"{k} {v}" for k, v in self.versions.items()),
        )


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "–" if value is None else str(value)


def _splits_table(splits: dict[str, dict[str, int]], labels: tuple[str, ...]) -> str:
    head = "| split | articles | claims | " + " | ".join(labels) + " |"
    rule = "|---|---:|---:|" + "---:|" * len(labels)
    rows = [
        f"| {name} | {s['articles']} | {s['claims']} | " + " | ".join(str(s.get(v, 0)) for v in labels) + " |"
        for name, s in splits.items()
    ]
    return "\n".join([head, rule, *rows])


def _metrics_table(metrics: dict[str, Any]) -> str:
    rows = ["| split | claim macro-F1 | accuracy | claims |", "|---|---:|---:|---:|"]
    for prefix in sorted(
        {k.split("_", 1)[0] for k in metrics if k.endswith("_macro_f1") and not k.startswith(("train", "calibration"))}
    ):
        rows.append(
            f"| {prefix if prefix != 'eval' else 'validation'} | {_fmt(metrics.get(f'{prefix}_macro_f1'))} | "
            f"{_fmt(metrics.get(f'{prefix}_accuracy'))} | {_fmt(int(metrics.get(f'{prefix}_claims', 0)))} |"
        )
    runtime = metrics.get("train_runtime")
    if runtime is not None:
        rows.append("")
        rows.append(
            f"Training: {runtime / 60:.1f} min for {metrics.get('train_claims', '?')} claims in {metrics.get('train_premises', '?')} premises "
            f"({_fmt(metrics.get('epoch'))} epochs)."
        )
    return "\n".join(rows)


def _comparison_table(comparison: dict[str, Any] | None) -> str:
    if not comparison:
        return "Not run (no corpus eval split, or `--compare_baselines false`). Run `claimkit eval attribution --predictor MODEL_DIR`."
    rows = [
        f"Split `{comparison['split']}`, {comparison['claims']} claims, all systems on the same claims in one run:",
        "",
        "| system | claim macro-F1 | char-F1 (claims) | char-F1 (marked content) |",
        "|---|---:|---:|---:|",
    ]
    for name, s in sorted(comparison["systems"].items(), key=lambda kv: -(kv[1]["claim_macro_f1"] or 0)):
        marked = s.get("content_char_f1")  # absent from comparisons written before marked content existed
        rows.append(f"| {name} | {_fmt(s['claim_macro_f1'])} | {_fmt(s['char_f1'])} | {_fmt(marked)} |")
    rows += [
        "",
        (
            "char-F1 (claims): the characters of the claims labelled attributed against gold Content. char-F1 (marked "
            "content): the model's `attributed_content`, marked token by token (systems that mark none repeat the claims' figure)."
        ),
    ]
    return "\n".join(rows)


def _calibration(metrics: dict[str, Any]) -> str:
    if "calibration_temperature" not in metrics:
        return "Not calibrated: scores are the raw softmax."
    return (
        f"Temperature {metrics['calibration_temperature']:.3f} fitted on validation: NLL {metrics['calibration_nll_before']:.4f} → "
        f"{metrics['calibration_nll_after']:.4f}, ECE {metrics['calibration_ece_before']:.4f} → {metrics['calibration_ece_after']:.4f}."
    )


def _precision(metrics: dict[str, Any]) -> str:
    if "precision_int8_agreement" not in metrics:
        return "Not measured: `precision=auto` stays at fp32."
    return (
        f"Agreement with fp32 on validation claims: bf16 {metrics['precision_bf16_agreement']:.4f}, "
        f"int8 {metrics['precision_int8_agreement']:.4f} (`auto` uses a reduced precision only at >= 0.995)."
    )
