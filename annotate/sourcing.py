"""Rule-based sourcing (placeholder: quotation marks and reporting verbs at sentence level)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotate.nlp import ParsedArticle, parse_articles
from annotate.schema import Schema, default_schema
from annotate.types import Label, SplitArticle

if TYPE_CHECKING:
    from spacy.language import Language

RULES_VERSION = "rules-0.1"


class RulePredictor:
    """The default predictor: dependency rules over a spaCy parse, no training needed."""

    def __init__(self, nlp: Language, schema: Schema | None = None) -> None:
        self.nlp = nlp
        self.schema = schema or default_schema()
        self.model_version = RULES_VERSION
        self.fields = frozenset(self.schema.names)

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        parsed = parse_articles((item.article for item in items), self.nlp)
        return [self.label_parsed(p, item) for p, item in zip(parsed, items, strict=True)]

    def label_parsed(self, parsed: ParsedArticle, item: SplitArticle) -> SplitArticle:
        text = item.article.text
        claims = []
        for claim in item.claims:
            piece = " ".join(text[s.start : s.end] for s in claim.spans)
            attributed = any(w in piece for w in ("said", "says", "according to", "“", '"'))
            labels = {
                "not_a_claim": Label(False, 0.5),
                "attribution": Label("attributed" if attributed else "asserted", 0.6),
                "source": Label(None, 0.5),
                "cue": Label(None, 0.5),
                "source_type": Label("anonymous", 0.3),
                "hedged": Label("no", 0.5),
                "status": Label("not_addressed", 0.5),
            }
            claims.append(claim.with_labels({k: v for k, v in labels.items() if k in self.fields}))
        return item.with_claims(claims)
