"""Article → atomic claims (placeholder: one claim per sentence; the dependency rules replace it)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Literal

from annotate.nlp import ParsedArticle, parse_articles
from annotate.predictor import Predictor
from annotate.types import Article, Claim, Span, SplitArticle

if TYPE_CHECKING:
    from spacy.language import Language

Granularity = Literal["clause", "proposition"]
GRANULARITIES: tuple[str, ...] = ("clause", "proposition")


def split_parsed(parsed: ParsedArticle, granularity: Granularity = "clause") -> SplitArticle:
    article = parsed.article
    sentences: list[Span] = []
    sentence_paragraph: list[int] = []
    claims: list[Claim] = []
    for para in parsed.paragraphs:
        for sent in para.doc.sents:
            span = Span(para.span.start + sent.start_char, para.span.start + sent.end_char)
            index = len(sentences)
            sentences.append(span)
            sentence_paragraph.append(para.index)
            spans = (span,)
            claims.append(
                Claim(Claim.make_id(article.id, spans), article.id, sent.text, spans, index, para.index)
            )
    return SplitArticle(article, tuple(p.span for p in parsed.paragraphs), tuple(sentences), tuple(sentence_paragraph), tuple(claims))


def split_articles(
    articles: Iterable[Article], nlp: Language, granularity: Granularity = "clause"
) -> Iterator[SplitArticle]:
    for parsed in parse_articles(articles, nlp):
        yield split_parsed(parsed, granularity)


def split_and_label(
    articles: Iterable[Article],
    nlp: Language,
    granularity: Granularity = "clause",
    predictor: Predictor | None = None,
    *,
    batch_articles: int = 32,
    progress: bool = False,
) -> Iterator[SplitArticle]:
    """Split articles and label their claims, streaming.

    The rule predictor reuses the parse the splitter made (one spaCy pass per article); any other
    predictor receives batches of ``batch_articles`` split articles.
    """
    from tqdm import tqdm

    from annotate.sourcing import RulePredictor

    parsed_stream = tqdm(parse_articles(articles, nlp), desc="articles", unit=" art", disable=not progress or None, file=sys.stderr)
    batch: list[SplitArticle] = []
    for parsed in parsed_stream:
        item = split_parsed(parsed, granularity)
        if predictor is None:
            yield item
        elif isinstance(predictor, RulePredictor):
            yield predictor.label_parsed(parsed, item)
        else:
            batch.append(item)
            if len(batch) >= batch_articles:
                yield from predictor.predict(batch)
                batch = []
    if batch and predictor is not None:
        yield from predictor.predict(batch)
