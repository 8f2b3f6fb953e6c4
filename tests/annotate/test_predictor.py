"""Predictors declare what they take (an already-parsed article), and split_and_label parses each article once."""

from __future__ import annotations

from collections.abc import Sequence

from claimkit.annotate.load import article_from_text
from claimkit.annotate.nlp import ParsedArticle
from claimkit.annotate.predictor import ParsedBatchPredictor, ParsedPredictor, Predictor
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.types import Label, SplitArticle

TEXT = "The mayor said the bridge will reopen in May. Critics disputed that.\n\nThe council met on Monday."


class _CountingRules(RulePredictor):
    """The rules, counting how often they had to parse articles themselves."""

    reparsed = 0

    def parse(self, items: Sequence[SplitArticle]) -> list[ParsedArticle]:
        type(self).reparsed += len(items)
        return super().parse(items)


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


BUREAU = "The FBI opened an inquiry last week. The bureau is looking into whether the deal broke the law."


class _BureauModel:
    """A model that calls the 'whether' claim attributed and marks "The bureau" as its source."""

    model_version = "fake-2"
    fields = frozenset({"attribution", "source"})

    def predict(self, items: Sequence[SplitArticle]) -> list[SplitArticle]:
        from claimkit.annotate.types import Span

        start = BUREAU.index("The bureau")
        out = []
        for item in items:
            claims = []
            for c in item.claims:
                if "deal" in c.text:
                    labels = {
                        "attribution": Label("attributed", 0.9),
                        "source": Label("The bureau", 0.9, (Span(start, start + 10),)),
                    }
                else:
                    labels = {"attribution": Label("asserted", 0.9)}
                claims.append(c.with_labels({**c.labels, **labels}))
            out.append(item.with_claims(claims))
        return out


def test_a_source_the_model_marks_is_typed_and_resolved_by_the_rules(nlp):
    """The rules find no frame in "is looking into whether", so they give the claim no source type; the
    model's source mention is described by the same rules: a government source, resolved to the FBI."""
    from claimkit.annotate.resolution import resolved_source
    from claimkit.models.nli.predictor import ModelWithRules

    both = ModelWithRules(_BureauModel(), RulePredictor(nlp))  # type: ignore[arg-type]
    for item in (
        next(split_and_label([article_from_text(BUREAU, "b")], nlp, "clause", both)),
        both.predict(list(split_and_label([article_from_text(BUREAU, "b")], nlp, "clause", None)))[0],
    ):
        (claim,) = [c for c in item.claims if c.labels["attribution"].value == "attributed"]
        assert claim.labels["source"].value == "The bureau"
        assert claim.labels["source_type"].value == "government"
        resolved = resolved_source(claim, BUREAU)
        assert resolved is not None and resolved[0] == "FBI"
        asserted = [c for c in item.claims if c.labels["attribution"].value == "asserted"]
        assert asserted and all(c.labels.get("source_type", Label(None, 1)).value is None for c in asserted)
