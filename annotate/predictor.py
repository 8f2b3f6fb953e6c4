"""The one interface every sourcing predictor implements: the rules, the NLI model, and later an ML backend.

A predictor takes split articles and returns them with ``Claim.labels`` filled for the schema fields
it knows (``fields``), each ``Label`` with a score in [0, 1]. It sees whole articles rather than lone
claims because attribution often lives in a neighbouring sentence. ``model_version`` travels with
every pre-annotation sent to Label Studio, so a new version can be told from an old one.

A predictor that can use the spaCy parse the splitter already made says so by what it implements,
never by its class: ``ParsedPredictor`` (``label_parsed``, one article at a time, e.g. the rules) or
``ParsedBatchPredictor`` (``predict_parsed``, a batch of articles, e.g. a model paired with the rules).
``splitter.split_and_label`` then hands it the parse instead of letting it parse each article again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from claimkit.annotate.types import SplitArticle

if TYPE_CHECKING:
    from claimkit.annotate.nlp import ParsedArticle


@runtime_checkable
class Predictor(Protocol):
    model_version: str
    fields: frozenset[str]

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Return ``items`` in the same order, each claim carrying labels for ``self.fields``."""
        ...


@runtime_checkable
class ParsedPredictor(Predictor, Protocol):
    """A predictor that labels one article from the parse the splitter made (no second spaCy pass)."""

    def label_parsed(self, parsed: ParsedArticle, item: SplitArticle) -> SplitArticle:
        """``item`` (split from ``parsed``) with its claims labelled for ``self.fields``."""
        ...


@runtime_checkable
class SourceDescriber(ParsedPredictor, Protocol):
    """A predictor that can type and resolve source mentions another predictor found (the rules, for a
    model's marked sources): see ``annotate.sourcing.RulePredictor.describe_sources``."""

    def parse(self, items: Sequence[SplitArticle]) -> list[ParsedArticle]:
        """The parse ``label_parsed`` and ``describe_sources`` read, one per article."""
        ...

    def describe_sources(self, parsed: ParsedArticle, item: SplitArticle, which: Sequence[int]) -> SplitArticle:
        """``item`` with ``source_type`` of the claims at ``which`` decided from their ``source`` labels."""
        ...


@runtime_checkable
class ParsedBatchPredictor(Predictor, Protocol):
    """A predictor that labels a batch of articles from the parses the splitter made."""

    def predict_parsed(self, parsed: Sequence[ParsedArticle], items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """``items`` (``items[i]`` split from ``parsed[i]``), in order, labelled for ``self.fields``."""
        ...
