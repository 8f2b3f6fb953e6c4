"""The value types every part of claimkit passes around.

Character offsets into the ORIGINAL article text are the one coordinate system shared by the splitter,
the rules, Label Studio regions, BRAT corpora and the model; nothing here stores token indices.
All types are frozen: a prediction returns new objects instead of editing claims in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` of an article's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end}): need 0 <= start <= end")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, offset: int) -> Span:
        return Span(self.start + offset, self.end + offset)


def spans_text(text: str, spans: Iterable[Span]) -> str:
    """The text under ``spans``, pieces joined by one space (BRAT's convention for discontinuous spans)."""
    return " ".join(text[s.start : s.end] for s in spans)


def merge_spans(spans: Iterable[Span], text: str | None = None) -> tuple[Span, ...]:
    """Sort and merge spans that overlap, touch, or (given ``text``) are separated only by whitespace."""
    merged: list[Span] = []
    for s in sorted(spans):
        if len(s) == 0:
            continue
        if merged:
            last = merged[-1]
            gap_is_space = text is not None and text[last.end : s.start].strip() == ""
            if s.start <= last.end or gap_is_space:
                merged[-1] = Span(last.start, max(last.end, s.end))
                continue
        merged.append(s)
    return tuple(merged)


@dataclass(frozen=True)
class Article:
    """A news article as loaded: its id, its full original text, and metadata found in it.

    ``excluded`` marks regions of ``text`` that are metadata (a ``date`` header, the title line) and
    never become claims; offsets of claims still point into the full ``text``.
    """

    id: str
    text: str
    metadata: Mapping[str, str] = field(default_factory=dict, hash=False)
    excluded: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Label:
    """One value of one schema field for one claim, predicted (with a score) or annotated (score 1).

    ``value`` is a choice id for choice fields, ``True``/``False`` for flags, and the covered text for
    span fields (``None`` when no span was found). ``spans`` locate the evidence in the article: the
    span itself for span fields, the hedge words for ``hedged``.
    """

    value: str | bool | None
    score: float
    spans: tuple[Span, ...] = ()


Labels = Mapping[str, Label]


@dataclass(frozen=True)
class Claim:
    """An atomic claim: a standalone statement and the article characters it was cut from."""

    id: str
    article_id: str
    text: str
    spans: tuple[Span, ...]
    sentence: int
    paragraph: int
    labels: Labels = field(default_factory=dict, hash=False)

    @staticmethod
    def make_id(article_id: str, spans: Iterable[Span]) -> str:
        """A stable id: the same article and the same spans give the same id on every run and machine."""
        key = article_id + "|" + ";".join(f"{s.start}-{s.end}" for s in spans)
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def with_labels(self, labels: Labels) -> Claim:
        return replace(self, labels=dict(labels))


@dataclass(frozen=True)
class SplitArticle:
    """An article with its paragraphs, sentences and claims (what ``claimkit split`` emits per article)."""

    article: Article
    paragraphs: tuple[Span, ...]
    sentences: tuple[Span, ...]
    sentence_paragraph: tuple[int, ...]  # paragraph index of each sentence
    claims: tuple[Claim, ...]
    attributed_content: tuple[Span, ...] | None = None
    """Characters a predictor marks as attributed content (words the article reports from a source:
    PolNeAR's Content), independent of claim boundaries; ``None`` when the predictor labels claims only."""

    def with_claims(self, claims: Iterable[Claim]) -> SplitArticle:
        return replace(self, claims=tuple(claims))

    def with_attributed_content(self, spans: Iterable[Span] | None) -> SplitArticle:
        return replace(self, attributed_content=None if spans is None else tuple(spans))
