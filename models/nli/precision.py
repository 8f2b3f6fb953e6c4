"""Reduced precision for prediction: which precisions exist, how each is prepared, and when ``auto`` may use one.

``bf16`` is fast on CPUs with AMX / AVX512-BF16 and batch-independent; ``int8`` (torch dynamic
quantization of the Linear layers) quantizes activations with one scale per batch tensor, so a claim's
score depends on which premises share its batch: batches are therefore built deterministically
(``ClaimScorer``). Neither is used by ``precision="auto"`` unless its agreement with fp32 was measured
on the validation split at training time (``precision.json``) and reached ``MIN_AGREEMENT``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from claimkit.annotate.errors import ModelError
from claimkit.models.nli.model import DEFAULT_BATCH_SIZE, ClaimScorer, EncodedWindow, read_json

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel

Precision = Literal["fp32", "bf16", "int8"]
PRECISIONS: tuple[str, ...] = ("fp32", "bf16", "int8")
PRECISION_FILE = "precision.json"
MIN_AGREEMENT = 0.995
"""Share of validation claims on which a reduced precision must agree with fp32 to be used by ``auto``."""


def fast_bf16() -> bool:
    """True when this CPU multiplies bf16 natively (AMX or AVX512-BF16); elsewhere bf16 is emulated and slow."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            flags = next((line for line in fh if line.startswith("flags")), "")
    except OSError:
        return False
    return bool(re.search(r"\b(amx_bf16|avx512_bf16)\b", flags))


def prepare_model(model: PreTrainedModel, precision: str) -> torch.nn.Module:
    """The model in eval mode at ``precision`` (int8: the encoder's Linear layers dynamically quantized)."""
    import torch

    if precision not in PRECISIONS:
        raise ModelError(f"precision {precision!r}: use one of {', '.join(PRECISIONS)} or auto")
    model = model.eval()
    if precision == "bf16":
        return model.to(torch.bfloat16)  # type: ignore[arg-type]  # transformers types `to` for devices only
    if precision == "int8":
        with warnings.catch_warnings():  # torch.ao's deprecation notices: the API works in the pinned torch
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(model.float(), {torch.nn.Linear}, dtype=torch.qint8)
    return model.float()


def measure_precisions(
    make_model: Callable[[], PreTrainedModel],
    pad_token_id: int,
    encoded: Sequence[EncodedWindow],
    labels: Sequence[Sequence[int]],
    precisions: Sequence[str] = ("bf16", "int8"),
    batch_size: int = DEFAULT_BATCH_SIZE,
    n_labels: int | None = None,
) -> dict[str, Any]:
    """Agreement of each reduced precision with fp32 on the same premises and the same fixed batches.

    Recorded in ``precision.json``; ``precision="auto"`` consults it. ``make_model`` returns a fresh
    fp32 copy (quantization replaces modules in place). Macro-F1 against ``labels`` shows the direction
    of any change.
    """
    from sklearn.metrics import f1_score

    gold = np.array([y for ys in labels for y in ys])

    def run(precision: str) -> np.ndarray:
        scorer = ClaimScorer(prepare_model(make_model(), precision), pad_token_id, batch_size, n_labels)
        return np.concatenate([x.argmax(-1) for x in scorer.logits(encoded)]) if encoded else np.zeros(0, dtype=int)

    reference = run("fp32")
    report: dict[str, Any] = {
        "claims": int(len(gold)),
        "min_agreement": MIN_AGREEMENT,
        "batch_size": batch_size,
        "fp32": {"macro_f1": round(float(f1_score(gold, reference, average="macro")), 6) if len(gold) else None},
    }
    for precision in precisions:
        predicted = run(precision)
        agreement = float((predicted == reference).mean()) if len(gold) else 0.0
        report[precision] = {
            "agreement": round(agreement, 6),
            "flips": int((predicted != reference).sum()),
            "macro_f1": round(float(f1_score(gold, predicted, average="macro")), 6) if len(gold) else None,
        }
    return report


def resolve_precision(precision: str, model_dir: str | Path) -> str:
    """``auto`` → the fastest precision measured to agree with fp32 (bf16 only on CPUs that run it
    natively), else fp32. An explicit precision is used as asked."""
    if precision != "auto":
        if precision not in PRECISIONS:
            raise ModelError(f"precision {precision!r}: use one of auto, {', '.join(PRECISIONS)}")
        return precision
    measured = read_json(model_dir, PRECISION_FILE) or {}
    minimum = float(measured.get("min_agreement", MIN_AGREEMENT))

    def agrees(name: str) -> bool:
        return float((measured.get(name) or {}).get("agreement", 0.0)) >= minimum

    if fast_bf16() and agrees("bf16"):
        return "bf16"
    if agrees("int8"):
        return "int8"
    return "fp32"
