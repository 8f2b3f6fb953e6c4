"""The values of the dispute-status rules: the five statuses and their order, where a claim sits
(``ClaimSite``), the verdict a rule gives it (``Verdict``), and how a verdict word becomes a status.

Kept apart from the rules because every status module uses them (the entry point, the linking of a
verdict to claims, the verb rules, the author's-voice rules) and ``annotate.sourcing`` builds the
``ClaimSite`` list: a module with no rules in it is what they can all import without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimkit.annotate.frames import Frame, Lexicon
from claimkit.annotate.types import Span

if TYPE_CHECKING:
    from claimkit.annotate.nlp import ParsedParagraph

NOT_ADDRESSED, UNDISPUTED, DISPUTED, CORROBORATED, CONTRADICTED = (
    "not_addressed",
    "undisputed",
    "disputed",
    "corroborated",
    "contradicted",
)
# When two verdicts from elsewhere reach one claim, the higher rank wins.
_RANK = {NOT_ADDRESSED: 0, UNDISPUTED: 1, CORROBORATED: 2, DISPUTED: 3, CONTRADICTED: 4}


@dataclass(frozen=True)
class ClaimSite:
    """Where a claim sits in the parse and the attribution frame the rules gave it (if any)."""

    para: ParsedParagraph | None
    tokens: frozenset[int]
    frame: Frame | None
    kind: str | None

    @property
    def start(self) -> int:
        """Character offset of the claim's first token, for reading order across paragraphs."""
        if self.para is None or not self.tokens:
            return -1
        return self.para.span.start + self.para.doc[min(self.tokens)].idx


@dataclass(frozen=True)
class Verdict:
    """A status for one claim, its score, the evidence character spans, and whether the claim's own frame gave it."""

    value: str
    score: float
    spans: tuple[Span, ...] = ()
    own: bool = False

    def beats(self, other: Verdict) -> bool:
        """The claim's own frame wins (a claim someone denies stays disputed even when a third party
        "has not disputed that account"), then the stronger verdict."""
        if self.own != other.own:
            return self.own
        return _RANK[self.value] > _RANK[other.value]


def verdict_kind(lex: Lexicon, lemma: str) -> str | None:
    """``dispute``, ``corroborate`` or ``contradict`` for a verdict word, else None."""
    if lemma in lex.dispute_verbs:
        return "dispute"
    if lemma in lex.corroborate_verbs:
        return "corroborate"
    if lemma in lex.contradict_verbs:
        return "contradict"
    return None


def status_value(kind: str | None, negated: bool) -> str | None:
    """ "denied" → disputed, "has not disputed" → undisputed; "confirmed" → corroborated and
    "contradicted" → contradicted, unless negated (then nothing is known)."""
    if kind == "dispute":
        return UNDISPUTED if negated else DISPUTED
    if negated:
        return None
    return {"corroborate": CORROBORATED, "contradict": CONTRADICTED}.get(kind or "")
