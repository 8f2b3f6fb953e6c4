"""Calibrated scores: temperature scaling fitted on the validation split (``calibration.json``).

One parameter, so it cannot change a single decision, only how confident the scores are: a score of
0.8 is then right about 80% of the time, and Label Studio can order tasks by uncertainty.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

CALIBRATION_FILE = "calibration.json"


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of ``labels`` under softmax(logits / temperature)."""
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE of the predicted class's probability: |accuracy - confidence| averaged over equal-width bins."""
    confidence = probs.max(axis=-1)
    correct = probs.argmax(axis=-1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T > 0 that minimises validation NLL of softmax(logits / T) (temperature scaling:
    one parameter, so it cannot change a single decision, only how confident the scores are)."""
    from scipy.optimize import minimize_scalar

    if len(labels) == 0:
        return 1.0
    result = minimize_scalar(lambda log_t: nll(logits, labels, math.exp(log_t)), bounds=(-3.0, 3.0), method="bounded")
    return float(math.exp(result.x))


def calibration_report(logits: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Fit the temperature and describe the effect (written to ``calibration.json``)."""
    temperature = fit_temperature(logits, labels)
    return {
        "method": "temperature scaling on the validation split",
        "temperature": round(temperature, 6),
        "claims": int(len(labels)),
        "nll_before": round(nll(logits, labels), 6),
        "nll_after": round(nll(logits, labels, temperature), 6),
        "ece_before": round(expected_calibration_error(softmax(logits), labels), 6),
        "ece_after": round(expected_calibration_error(softmax(logits, temperature), labels), 6),
    }
