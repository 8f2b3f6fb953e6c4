"""Predictors declare what they take (an already-parsed article), and split_and_label parses each article once."""

from __future__ import annotations

from collections.abc import Sequence

from claimkit.annotate.load import article_from_text
from claimkit.annotate.predictor import ParsedBatchPredictor, ParsedPredictor, Predictor
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.types import Label, SplitArticle

TEXT = "The mayor said the bridge will reopen in May. Critics disputed that.\n\nThe council met on Monday."


class _CountingRules(RulePredictor):
    """The rules, counting how often they had to parse articles themselves."""

    reparsed = 0

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        type(self).reparsed += len(items)
        return super().predict(items)


class _FakeModel:
    model_version = "fake-1"
    fields = frozenset({"attribution"})

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        return [
            item.with_claims(c.with_labels({**c.labels, "attribution": Label("asserted", 0.9)}) for c in item.claims)
            for item in items
        ]


def test_predictor_protocols_describe_what_each_predictor_takes(nlp):
    from claimkit.models.nli.predictor import ModelWithRules

    rules = RulePredictor(nlp)
    both = ModelWithRules(_FakeModel(), rules)  # type: ignore[arg-type]
    assert isinstance(rules, ParsedPredictor) and not isinstance(rules, ParsedBatchPredictor)
    assert isinstance(both, ParsedBatchPredictor) and not isinstance(both, ParsedPredictor)
    assert isinstance(_FakeModel(), Predictor) and not isinstance(_FakeModel(), ParsedBatchPredictor)


def test_model_with_rules_parses_each_article_once(nlp):
    from claimkit.models.nli.predictor import ModelWithRules

    articles = [article_from_text(TEXT, f"a{i}") for i in range(3)]
    _CountingRules.reparsed = 0
    both = ModelWithRules(_FakeModel(), _CountingRules(nlp))  # type: ignore[arg-type]
    items = list(split_and_label(articles, nlp, "clause", both, batch_articles=2))
    assert _CountingRules.reparsed == 0
    # the same labels as the path that parses again (predict on split articles from anywhere)
    again = both.predict(list(split_and_label(articles, nlp, "clause", None)))
    assert _CountingRules.reparsed == 3
    assert [c.labels for i in items for c in i.claims] == [c.labels for i in again for c in i.claims]
    assert all(c.labels["attribution"].value == "asserted" for i in items for c in i.claims)
