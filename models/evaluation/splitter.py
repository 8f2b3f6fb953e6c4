"""Scoring a claim splitter against PropSegmEnt, with the corpus's own metric.

Metric (paper, Sec. 5.1): per sentence, a 1:1 Hungarian matching of predicted to gold propositions;
a pair counts when the Jaccard similarity of their token sets reaches a threshold (0.8, and
separately exact equality); precision and recall are macro-averaged over sentences and F1 is the
harmonic mean of macro-P and macro-R.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimkit.annotate.corpora.propsegment import read_propsegment, spans_to_tokens
from claimkit.annotate.errors import CorpusError
from claimkit.annotate.types import Article

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.annotate.splitter import Granularity

THRESHOLDS: dict[str, float] = {"jaccard_0.8": 0.8, "exact": 1.0, "jaccard_0.5": 0.5}
PRIMARY_METRIC = "jaccard_0.8"
HALVES: dict[str, int] = {"A": 0, "B": 1}
"""PropSegmEnt dev in two halves of alternate sentences (A: even positions, B: odd): a rule is chosen
on one half and judged on the other (docs/evaluation.md)."""


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def matched_pairs(predicted: Sequence[frozenset[int]], gold: Sequence[frozenset[int]], threshold: float) -> int:
    """Size of the best 1:1 matching that counts pairs with Jaccard >= ``threshold``.

    The assignment maximises the number of qualifying pairs (ties broken by total Jaccard), which is
    what the threshold metric counts.
    """
    from scipy.optimize import linear_sum_assignment

    if not predicted or not gold:
        return 0
    sim = np.array([[jaccard(p, g) for g in gold] for p in predicted])
    hit = sim >= threshold - 1e-9
    weight = hit * 1.0 + sim * 1e-3
    rows, cols = linear_sum_assignment(-weight)
    return int(hit[rows, cols].sum())


def score_segmentations(
    pairs: Sequence[tuple[Sequence[frozenset[int]], Sequence[frozenset[int]]]],
) -> dict[str, dict[str, float]]:
    """PropSegmEnt's metric over ``(predicted, gold)`` proposition lists, one pair per sentence."""
    results: dict[str, dict[str, float]] = {}
    for name, threshold in THRESHOLDS.items():
        precisions, recalls = [], []
        for predicted, gold in pairs:
            m = matched_pairs(predicted, gold, threshold)
            precisions.append(m / len(predicted) if predicted else 0.0)
            recalls.append(m / len(gold) if gold else 1.0)
        p = float(np.mean(precisions)) if precisions else 0.0
        r = float(np.mean(recalls)) if recalls else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        results[name] = {"precision": 100 * p, "recall": 100 * r, "f1": 100 * f}
    return results


def evaluate_splitter(
    corpus_dir: str | Path,
    nlp: Language,
    *,
    split: str = "dev",
    granularity: Granularity = "proposition",
    limit: int | None = None,
) -> dict[str, Any]:
    """Score claimkit's splitter (and the whole-sentence baseline) on PropSegmEnt; returns a report dict."""
    from claimkit.annotate.splitter import split_articles

    gold = list(read_propsegment(corpus_dir, split))[:limit]
    if not gold:
        raise CorpusError(f"{corpus_dir}: no {split} sentences with text and a reference segmentation")
    articles = [Article(id=g.id, text=g.text) for g in gold]
    started = time.perf_counter()
    predicted: list[list[frozenset[int]]] = []
    for g, item in zip(gold, split_articles(articles, nlp, granularity), strict=True):
        props = {spans_to_tokens(g, c.spans) for c in item.claims}
        predicted.append([p for p in props if p])
    seconds = time.perf_counter() - started
    whole = [[frozenset(range(len(g.token_starts)))] for g in gold]
    golds = [list(g.propositions) for g in gold]
    return {
        "task": "claim splitting vs PropSegmEnt reference propositions",
        "corpus": str(corpus_dir),
        "split": split,
        "granularity": granularity,
        "primary_metric": PRIMARY_METRIC,
        "greater_is_better": True,
        "sentences": len(gold),
        "gold_propositions": sum(len(g) for g in golds),
        "predicted_propositions": sum(len(p) for p in predicted),
        "seconds": round(seconds, 2),
        "systems": {
            "claimkit": score_segmentations(list(zip(predicted, golds, strict=True))),
            "whole_sentence": score_segmentations(list(zip(whole, golds, strict=True))),
        },
        "halves": {
            half: score_segmentations(list(zip(predicted, golds, strict=True))[start::2])[PRIMARY_METRIC]
            for half, start in HALVES.items()
        },
    }


def split_report_markdown(report: dict[str, Any]) -> str:
    """A short Markdown summary of ``evaluate_splitter``'s report."""
    lines = [
        f"# Splitter vs PropSegmEnt ({report['split']}, {report['granularity']} granularity)",
        "",
        f"{report['sentences']} sentences, {report['gold_propositions']} gold propositions, "
        f"{report['predicted_propositions']} predicted. Metric: 1:1 Hungarian matching per sentence; "
        "P and R macro-averaged over sentences; F1 = harmonic mean of macro-P and macro-R.",
        "",
        "| system | match | precision | recall | F1 |",
        "|---|---|---:|---:|---:|",
    ]
    for system, scores in report["systems"].items():
        for name, s in scores.items():
            lines.append(f"| {system} | {name} | {s['precision']:.1f} | {s['recall']:.1f} | {s['f1']:.1f} |")
    if "halves" in report:
        lines += [
            "",
            "Halves (alternate sentences; choose a rule on one, report the other): "
            + ", ".join(f"{h} F1 {v['f1']:.2f}" for h, v in report["halves"].items())
            + f" ({PRIMARY_METRIC}).",
        ]
    lines += [
        "",
        "Reference points (corpus README): whole sentence 15.5; spaCy clause rules 26–34; "
        "another rater vs the reference 57.2; T5-Large (paper) 53.6 — all F1 at Jaccard >= 0.8.",
    ]
    return "\n".join(lines) + "\n"
