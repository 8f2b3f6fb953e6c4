"""Baselines for the attribution decision: what any sourcing predictor has to beat.

Both implement the ``Predictor`` protocol for the one field they know (``attribution``), so the
evaluator scores them exactly like the rules and the NLI model, on the same claims. They are trained
on claims from the project's own splitter, labelled by the same gold rule as the evaluation claims.

- ``MajorityBaseline``: every claim gets the most frequent training label. Its claim macro-F1 (about
  a third) is the floor; its character F1 shows what labelling everything attributed is worth.
- ``TfidfLogRegBaseline``: logistic regression over TF-IDF word n-grams of two texts, the claim
  itself and its sentence with the claim replaced by a marker word. The claim text carries quotation
  marks and hedges inside it; the marked sentence carries the "..., officials said" that a clause
  splitter cuts off into a neighbouring claim. Quotation marks of every convention are turned into
  one word, since the default tokenizer drops punctuation and quotes are the strongest single cue.
  ``class_weight="balanced"`` because attributed and asserted are close to even in news, but not
  everywhere (a publisher or a split can lean); the solver is deterministic given the seed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.types import Claim, Label, SplitArticle, spans_text
from claimkit.models.evaluation.metrics import QUOTE_RE

BASELINE_SEED = 13
CLAIM_MARKER = "claimslot"
"""Stands in for the claim inside its sentence; a word the tokenizer keeps and news text never has."""
QUOTE_WORD = "quotemark"


@dataclass(frozen=True)
class ClaimExample:
    """What the TF-IDF baseline sees of one claim."""

    claim: str
    context: str


def claim_example(item: SplitArticle, claim: Claim) -> ClaimExample:
    """The claim's own characters (not ``claim.text``, which a splitter may rewrite) and its sentence
    with the claim's characters replaced by ``CLAIM_MARKER``."""
    text = item.article.text
    sentence = item.sentences[claim.sentence] if 0 <= claim.sentence < len(item.sentences) else None
    if sentence is None:
        return ClaimExample(spans_text(text, claim.spans), "")
    pieces: list[str] = []
    cursor = sentence.start
    for s in sorted(claim.spans):
        start, end = max(s.start, sentence.start), min(s.end, sentence.end)
        if start >= end or start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(f" {CLAIM_MARKER} ")
        cursor = end
    pieces.append(text[cursor : sentence.end])
    return ClaimExample(spans_text(text, claim.spans), "".join(pieces))


def _normalize(text: str) -> str:
    return QUOTE_RE.sub(f" {QUOTE_WORD} ", text).lower()


def _labelled(items: Sequence[SplitArticle], labels: Sequence[Label]) -> list[SplitArticle]:
    out, it = [], iter(labels)
    for item in items:
        out.append(item.with_claims(c.with_labels({**c.labels, "attribution": next(it)}) for c in item.claims))
    return out


def _check_training_data(
    items: Sequence[SplitArticle], gold: Sequence[Sequence[str]], names: Sequence[str]
) -> list[str]:
    if len(items) != len(gold) or any(len(i.claims) != len(g) for i, g in zip(items, gold, strict=False)):
        raise ValueError("gold must hold one label per claim of every training article")
    flat = [v for g in gold for v in g]
    unknown = sorted(set(flat) - set(names))
    if unknown:
        raise ValueError(f"gold labels {unknown} are not attribution values of the schema ({', '.join(names)})")
    if not flat:
        raise ValueError("no training claims: the training articles produced no claims")
    return flat


class MajorityBaseline:
    """Predicts the most frequent training label for every claim, with the training share as its score."""

    model_version = "majority-1"

    def __init__(self, schema: Schema | None = None) -> None:
        self.schema = schema or default_schema()
        self.fields = frozenset({"attribution"})
        self.value: str | None = None
        self.score = 0.0

    def fit(self, items: Sequence[SplitArticle], gold: Sequence[Sequence[str]]) -> MajorityBaseline:
        names = self.schema["attribution"].value_names
        flat = _check_training_data(items, gold, names)
        counts = Counter(flat)
        # ties go to the schema's first value, so the result never depends on claim order
        self.value = max(names, key=lambda n: (counts[n], -names.index(n)))
        self.score = counts[self.value] / len(flat)
        return self

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        if self.value is None:
            raise RuntimeError("MajorityBaseline.predict called before fit")
        label = Label(self.value, self.score)
        return _labelled(items, [label] * sum(len(i.claims) for i in items))

    def describe(self) -> dict[str, Any]:
        return {"value": self.value, "train_share": self.score}


class TfidfLogRegBaseline:
    """TF-IDF word 1–2-grams of the claim and of its marked sentence → logistic regression."""

    model_version = "tfidf-logreg-1"

    def __init__(
        self, schema: Schema | None = None, *, seed: int = BASELINE_SEED, c: float = 1.0, min_df: int = 2
    ) -> None:
        self.schema = schema or default_schema()
        self.fields = frozenset({"attribution"})
        self.seed = seed
        self.c = c
        self.min_df = min_df
        self._model: Any = None

    def _pipeline(self) -> Any:
        import numpy as np
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        def vectorizer() -> TfidfVectorizer:
            return TfidfVectorizer(
                preprocessor=_normalize, ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True, dtype=np.float64
            )

        features = ColumnTransformer([("claim", vectorizer(), 0), ("context", vectorizer(), 1)])
        classifier = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed)
        return Pipeline([("features", features), ("classifier", classifier)])

    @staticmethod
    def _rows(items: Sequence[SplitArticle]) -> list[tuple[str, str]]:
        rows = []
        for item in items:
            for claim in item.claims:
                ex = claim_example(item, claim)
                rows.append((ex.claim, ex.context))
        return rows

    def fit(self, items: Sequence[SplitArticle], gold: Sequence[Sequence[str]]) -> TfidfLogRegBaseline:
        import numpy as np

        flat = _check_training_data(items, gold, self.schema["attribution"].value_names)
        if len(set(flat)) < 2:
            raise ValueError(f"all training claims are {flat[0]!r}: a classifier needs both attribution values")
        model = self._pipeline()
        model.fit(np.array(self._rows(items), dtype=object), flat)
        self._model = model
        return self

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        import numpy as np

        if self._model is None:
            raise RuntimeError("TfidfLogRegBaseline.predict called before fit")
        rows = self._rows(items)
        if not rows:
            return list(items)
        proba = self._model.predict_proba(np.array(rows, dtype=object))
        classes = list(self._model.classes_)
        best = proba.argmax(axis=1)
        labels = [Label(str(classes[b]), float(row[b])) for row, b in zip(proba, best, strict=True)]
        return _labelled(items, labels)

    def describe(self) -> dict[str, Any]:
        if self._model is None:
            return {}
        features = self._model.named_steps["features"]
        return {
            "features": "tfidf word 1-2-grams: claim text + sentence with the claim marked",
            "vocabulary": {
                name: len(t.vocabulary_) for name, t, _ in features.transformers_ if hasattr(t, "vocabulary_")
            },
            "C": self.c,
            "min_df": self.min_df,
            "class_weight": "balanced",
            "seed": self.seed,
        }
