"""Train / validation / test splits BY ARTICLE: no article ever lands in two splits.

Claims of one article share wording, sources and context; splitting claims at random would leak
an article's labels into its own test set. Assignment depends only on the seed and the set of article
ids (not their order), so re-pulling the same annotations reproduces the same splits.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

DEFAULT_FRACTIONS: dict[str, float] = {"train": 0.8, "validation": 0.1, "test": 0.1}


def split_by_article(
    article_ids: Iterable[str], fractions: dict[str, float] | None = None, seed: int = 13
) -> dict[str, str]:
    """Map each distinct article id to a split name, in the given proportions (rounded, each split
    non-empty when there are at least as many articles as splits)."""
    fractions = fractions or DEFAULT_FRACTIONS
    if any(f < 0 for f in fractions.values()) or abs(sum(fractions.values()) - 1.0) > 1e-6:
        raise ValueError(f"split fractions must be non-negative and sum to 1, got {fractions}")
    ids = sorted(set(article_ids))
    random.Random(seed).shuffle(ids)
    names = list(fractions)
    counts = [round(fractions[n] * len(ids)) for n in names]
    if len(ids) >= len(names):
        for i, n in enumerate(names):  # keep every requested split non-empty
            if fractions[n] > 0 and counts[i] == 0:
                counts[i] = 1
    counts[0] = len(ids) - sum(counts[1:])  # the first split (train) absorbs rounding
    out: dict[str, str] = {}
    start = 0
    for name, count in zip(names, counts, strict=True):
        for article_id in ids[start : start + count]:
            out[article_id] = name
        start += count
    return out
