"""Sources and cues the model marks word by word, attached to the claims they speak for.

A model trained with span tags (``NLIMeta.span_tags``: ``source``, ``cue``) labels every word of the
article it reads: reported content, a source, a cue, or none. Its marked source and cue *mentions* are
article spans (``predictor.content_spans`` turns the per-token verdicts into spans, the same way as
for content). A claim's ``source`` label is then the mention nearest to it: in its own sentence
first, else in a neighbouring sentence of its paragraph ("… the bridge is unsafe. That is what the
inspectors wrote."). Only attributed claims get one; a claim with no mention near it keeps whatever
the rules found.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from claimkit.annotate.types import Span, SplitArticle
from claimkit.models.nli.data import claim_extent

NEIGHBOUR_SENTENCES = 1
"""How many sentences before or after a claim's own sentence may hold its source or cue."""


def sentences_of(item: SplitArticle, spans: Sequence[Span]) -> list[int]:
    """For each span, the index of the sentence holding its start (the last sentence starting at or before it)."""
    starts = [s.start for s in item.sentences]
    return [max(0, bisect.bisect_right(starts, span.start) - 1) for span in spans]


def _gap(a: Span, b: Span) -> int:
    """Characters between two spans; 0 when they touch or overlap."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def attach_mentions(item: SplitArticle, mentions: Sequence[Span], wanted: Sequence[bool]) -> list[Span | None]:
    """For each claim with ``wanted[i]`` (the model calls it attributed): the nearest mention in its
    sentence, else within ``NEIGHBOUR_SENTENCES`` sentences of the same paragraph; ``None`` otherwise."""
    if not mentions:
        return [None] * len(item.claims)
    mention_sentence = sentences_of(item, mentions)
    paragraph_of = item.sentence_paragraph
    out: list[Span | None] = []
    for claim, want in zip(item.claims, wanted, strict=True):
        if not want:
            out.append(None)
            continue
        extent = claim_extent(claim)

        def rank(i: int, claim_sentence: int = claim.sentence, extent: Span = extent) -> tuple[int, int]:
            return (abs(mention_sentence[i] - claim_sentence), _gap(mentions[i], extent))

        near = [
            i
            for i, sentence in enumerate(mention_sentence)
            if abs(sentence - claim.sentence) <= NEIGHBOUR_SENTENCES
            and (not paragraph_of or paragraph_of[sentence] == paragraph_of[claim.sentence])
        ]
        out.append(mentions[min(near, key=rank)] if near else None)
    return out
