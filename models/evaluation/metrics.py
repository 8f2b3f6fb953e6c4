"""Attribution metrics: plain functions over character spans and label lists, no corpus and no model.

Every number in an attribution report comes from one of these functions, so each can be checked by
hand on a few spans (``tests/test_evaluate_metrics.py``). Conventions shared by all of them:

- The unit of character-level scores is a NON-SPACE character (``annotate.brat.nonspace_positions``):
  whether a span boundary includes the blank before the next word must never change a score.
- Counts are summed over articles before precision and recall are taken (micro average), so long
  articles weigh more than short ones, like a reader's time does.
- A ratio with an empty denominator is 0.0 (scikit-learn's ``zero_division=0``): a system that predicts
  no source spans has source precision 0, not "undefined". The raw counts always travel with the ratios.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimkit.annotate.corpora.brat import nonspace_positions
from claimkit.annotate.types import Label, Span, merge_spans

Mention = tuple[Span, ...]
"""One span annotation, possibly discontinuous (a BRAT entity, a predicted ``Label.spans``)."""


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives; ``+`` sums them (micro averaging)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def total(counts: Iterable[Counts]) -> Counts:
    """Sum of per-article counts (``sum`` needs a start value; this reads better)."""
    out = Counts()
    for c in counts:
        out = out + c
    return out


# --- (a) character level -------------------------------------------------------------------------------------


def char_counts(text: str, predicted: Iterable[Span], gold: Iterable[Span]) -> Counts:
    """Non-space characters under ``predicted`` vs under ``gold`` (each a union of spans) in one article.

    For attribution, ``predicted`` is the union of the spans of every claim predicted attributed and
    ``gold`` every gold Content span: gold content the splitter left out of all claims counts as missed.
    """
    pred = nonspace_positions(text, predicted)
    ref = nonspace_positions(text, gold)
    return Counts(len(pred & ref), len(pred - ref), len(ref - pred))


def coverage(text: str, covered: Iterable[Span], within: Iterable[Span] | None = None) -> tuple[int, int]:
    """``(covered, total)`` non-space characters: of the whole ``text`` (``within=None``) or of ``within``.

    Returned as counts, not a share, so articles can be summed before dividing.
    """
    region = nonspace_positions(text, within if within is not None else (Span(0, len(text)),))
    return len(region & nonspace_positions(text, covered)), len(region)


# --- (b) claim level -----------------------------------------------------------------------------------------


def classification_scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Per-label precision/recall/F1/support, macro-F1 over ``labels``, accuracy and the confusion matrix.

    ``labels`` fixes the order of the matrix (rows gold, columns predicted) and the set averaged by
    macro-F1: every label counts, including one that never occurs (its F1 is then 0). With no items at
    all the scores are ``None``: an empty slice has no score rather than a score of 0.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    index = {name: i for i, name in enumerate(labels)}
    unknown = sorted({v for v in (*gold, *predicted) if v not in index})
    if unknown:
        raise ValueError(f"labels {unknown} are not among {list(labels)}")
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g], index[p]] += 1
    n = int(matrix.sum())
    per_label: dict[str, dict[str, float | int | None]] = {}
    for i, name in enumerate(labels):
        c = Counts(int(matrix[i, i]), int(matrix[:, i].sum() - matrix[i, i]), int(matrix[i, :].sum() - matrix[i, i]))
        per_label[name] = {
            "precision": c.precision if n else None,
            "recall": c.recall if n else None,
            "f1": c.f1 if n else None,
            "support": c.tp + c.fn,
        }
    f1s = [per_label[name]["f1"] for name in labels]
    return {
        "n": n,
        "macro_f1": float(np.mean(f1s)) if n else None,  # type: ignore[arg-type]
        "accuracy": _ratio(int(np.trace(matrix)), n) if n else None,
        "per_label": per_label,
        "confusion": {"labels": list(labels), "matrix": matrix.tolist()},
    }


def p_attributed(label: Label, attributed: str) -> float:
    """A claim's probability of being attributed from its ``attribution`` label.

    ``Label.score`` is the confidence in the label's own value, so for a binary field the probability
    of ``attributed`` is the score when the value is attributed and ``1 - score`` otherwise. (A score
    below 0.5 therefore flips the ranking but never the decision, which stays the label's value.)
    """
    return float(label.score) if label.value == attributed else 1.0 - float(label.score)


def pr_curve(gold: Sequence[bool], scores: Sequence[float], max_points: int = 60) -> dict[str, Any]:
    """Precision-recall curve of one class from per-item scores, and its average precision.

    Ties matter: a system with two distinct scores (the rules) yields a curve of two points, not a
    smooth line. The curve is thinned to at most ``max_points`` points so that it fits in a report;
    average precision is computed on the full curve. ``None`` when gold has no positive item.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    y = np.asarray(gold, dtype=bool)
    if len(y) == 0 or not y.any():
        return {"average_precision": None, "precision": [], "recall": [], "thresholds": []}
    s = np.asarray(scores, dtype=float)
    precision, recall, thresholds = precision_recall_curve(y, s)
    keep = np.unique(np.linspace(0, len(precision) - 1, num=min(max_points, len(precision))).round().astype(int))
    thresholds = np.append(thresholds, np.inf)  # precision/recall have one more point than thresholds
    return {
        "average_precision": float(average_precision_score(y, s)),
        "precision": [round(float(v), 4) for v in precision[keep]],
        "recall": [round(float(v), 4) for v in recall[keep]],
        "thresholds": [round(float(v), 4) if np.isfinite(v) else None for v in thresholds[keep]],
    }


# --- (c) span matching ---------------------------------------------------------------------------------------


def normalize_mention(text: str, mention: Iterable[Span]) -> Mention:
    """Trim blanks off each piece and merge pieces that touch or are separated only by blanks.

    So ``"the spokesman "`` and ``"the spokesman"``, or a discontinuous span whose pieces are joined by a
    space, compare equal in exact matching. Empty and all-blank pieces disappear.
    """
    trimmed = []
    for s in mention:
        piece = text[s.start : s.end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            trimmed.append(Span(s.start + lead, s.start + trail))
    return merge_spans(trimmed, text)


def unique_mentions(text: str, mentions: Iterable[Iterable[Span]]) -> list[Mention]:
    """Normalized, de-duplicated, non-empty mentions in first-seen order.

    Several claims of a sentence usually name the same source span, and PolNeAR repeats one Source
    entity per attribution relation: each distinct span is scored once per article.
    """
    seen: dict[Mention, None] = {}
    for m in mentions:
        norm = normalize_mention(text, m)
        if norm:
            seen.setdefault(norm, None)
    return list(seen)


def match_mentions(text: str, predicted: Sequence[Mention], gold: Sequence[Mention], mode: str) -> Counts:
    """Score predicted span mentions against gold ones in one article, each matched at most once (1:1).

    ``exact``: a pair matches when both normalized mentions cover exactly the same characters.
    ``overlap``: a pair matches when they share at least one non-space character; among all such pairs
    the largest possible 1:1 matching is counted (a maximum bipartite matching, so one long prediction
    covering two gold sources earns one hit, not two). Inputs are expected normalized and unique
    (``unique_mentions``).
    """
    if mode not in ("exact", "overlap"):
        raise ValueError(f"span match mode must be 'exact' or 'overlap', not {mode!r}")
    if not predicted or not gold:
        return Counts(0, len(predicted), len(gold))
    if mode == "exact":
        tp = len(set(predicted) & set(gold))
    else:
        from scipy.optimize import linear_sum_assignment

        pred_chars = [nonspace_positions(text, m) for m in predicted]
        gold_chars = [nonspace_positions(text, m) for m in gold]
        hits = np.array([[bool(p & g) for g in gold_chars] for p in pred_chars], dtype=int)
        rows, cols = linear_sum_assignment(hits, maximize=True)
        tp = int(hits[rows, cols].sum())
    return Counts(tp, len(predicted) - tp, len(gold) - tp)


# --- slices --------------------------------------------------------------------------------------------------

QUOTE_RE = re.compile(r"[“”\"‘«»]|''|``|(?<!\w)’|’(?!\w)")
"""A quotation mark in any of PolNeAR's conventions (curly, straight, doubled ``''``, single ``‘ ’``).

A curly ``’`` between two word characters is an apostrophe (``Clinton’s``, ``don’t``) and does not count;
one at a word edge does (a closing single quote, and also a plural possessive ``voters’``, a rare
false positive accepted for simplicity).
"""


def has_quote(text: str) -> bool:
    return QUOTE_RE.search(text) is not None


def is_whole_sentence(text: str, claim_spans: Iterable[Span], sentence: Span) -> bool:
    """True when a claim covers every non-space character of its sentence (the splitter did not cut it)."""
    return nonspace_positions(text, (sentence,)) <= nonspace_positions(text, claim_spans)


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` for an empty whole (a share of nothing is not 0%)."""
    return part / whole if whole else None


def round_floats(value: Any, digits: int = 4) -> Any:
    """Round every float in a nested report structure (JSON readability; counts stay exact)."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, Mapping):
        return {k: round_floats(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [round_floats(v, digits) for v in value]
    return value
