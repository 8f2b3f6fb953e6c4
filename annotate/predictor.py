"""The one interface every sourcing predictor implements: the rules, the NLI model, and later an ML backend.

A predictor takes split articles and returns them with ``Claim.labels`` filled for the schema fields
it knows (``fields``), each ``Label`` with a score in [0, 1]. It sees whole articles rather than lone
claims because attribution often lives in a neighbouring sentence. ``model_version`` travels with
every pre-annotation sent to Label Studio, so a new version can be told from an old one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from claimkit.annotate.types import SplitArticle


@runtime_checkable
class Predictor(Protocol):
    model_version: str
    fields: frozenset[str]

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        """Return ``items`` in the same order, each claim carrying labels for ``self.fields``."""
        ...
