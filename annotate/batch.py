"""The one per-batch function of ``claimkit split``: a batch of articles → their rendered output.

Every engine (one process, the local process pool, Ray Data actors) calls ``BatchSplitter`` and
nothing else, so results cannot differ between engines: the same code parses, splits, labels and
renders each article. A worker builds one ``BatchSplitter`` (spaCy and the predictor loaded once)
and calls it for every batch it is given; the caller only writes what comes back, in input order.

Rendering happens here, in the worker, because turning an article into JSON or CSV text is a
visible share of the work and the writer is a single process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from claimkit.annotate.nlp import load_nlp
from claimkit.annotate.output import claim_rows, csv_text, jsonl_line, render_table
from claimkit.annotate.schema import default_schema
from claimkit.annotate.splitter import Granularity, split_and_label
from claimkit.annotate.types import Article

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.annotate.predictor import Predictor

OutputFormat = Literal["jsonl", "csv", "table", "parquet"]

BATCH_ARTICLES = 32
"""Articles per batch: enough for spaCy's and a model's batching, small enough to keep workers busy."""

PredictorFactory = Callable[["Language"], "Predictor | None"]
"""Builds the predictor inside a worker from its spaCy pipeline; must pickle (a module-level function or a
``functools.partial`` of one), because it travels to worker processes and Ray actors, not the loaded model."""


def no_predictor(nlp: Language) -> None:
    """The ``--predictor none`` factory: claims without labels."""
    return None


@dataclass(frozen=True)
class SplitSettings:
    """Everything a worker needs to build its ``BatchSplitter``; small and picklable."""

    spacy_model: str
    granularity: Granularity = "clause"
    output_format: OutputFormat = "jsonl"
    make_predictor: PredictorFactory = no_predictor


@dataclass(frozen=True)
class Rendered:
    """One article's output: ``text`` to append (a JSONL line, CSV rows, a table) or, for Parquet, ``rows``."""

    article_id: str
    claims: int
    text: str = ""
    rows: tuple[dict[str, Any], ...] = field(default=())


class BatchSplitter:
    """A worker's state (spaCy pipeline and predictor, loaded once) and the per-batch function."""

    def __init__(self, settings: SplitSettings) -> None:
        self.settings = settings
        self.nlp = load_nlp(settings.spacy_model)
        self.predictor = settings.make_predictor(self.nlp)
        self.schema = default_schema()

    def __call__(self, articles: Sequence[Article]) -> list[Rendered]:
        """Split, label and render ``articles``; the result is in the same order, one entry per article.

        The whole batch goes to the predictor at once (``batch_articles=len(articles)``), so a model sees
        the same batches whichever engine runs it.
        """
        items = split_and_label(
            articles,
            self.nlp,
            self.settings.granularity,
            self.predictor,
            batch_articles=max(1, len(articles)),
        )
        fmt = self.settings.output_format
        out: list[Rendered] = []
        for item in items:
            claims = len(item.claims)
            if fmt == "jsonl":
                out.append(Rendered(item.article.id, claims, jsonl_line(item)))
            elif fmt == "csv":
                out.append(Rendered(item.article.id, claims, csv_text(claim_rows(item), self.schema)))
            elif fmt == "table":
                out.append(Rendered(item.article.id, claims, render_table([item], self.schema)))
            else:
                out.append(Rendered(item.article.id, claims, rows=tuple(claim_rows(item))))
        return out


def content_digest(article: Article) -> str:
    """What an article's output depends on in the input: its text and metadata (sha256, hex).

    A resumed run checks it against the digest recorded when the article was written, so an input
    that changed since the interrupted run is noticed instead of half of the output being stale.
    """
    payload = json.dumps([article.text, sorted(article.metadata.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def article_to_row(article: Article) -> dict[str, Any]:
    """An ``Article`` as a flat row of plain values (for engines that move rows, such as Ray Data)."""
    return {
        "id": article.id,
        "text": article.text,
        "metadata": json.dumps(dict(article.metadata), ensure_ascii=False),
        "excluded": json.dumps([[s.start, s.end] for s in article.excluded]),
    }


def article_from_row(row: dict[str, Any]) -> Article:
    """The inverse of ``article_to_row``."""
    from claimkit.annotate.types import Span

    return Article(
        id=row["id"],
        text=row["text"],
        metadata=json.loads(row["metadata"]),
        excluded=tuple(Span(s, e) for s, e in json.loads(row["excluded"])),
    )
