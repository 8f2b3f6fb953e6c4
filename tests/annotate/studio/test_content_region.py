"""The model's marked content reaches Label Studio as a "Reported content" region (``attribution_evidence``)."""

from __future__ import annotations

from claimkit.annotate.schema import default_schema
from claimkit.annotate.splitter import split_articles
from claimkit.annotate.studio.config import check_config, evidence_control, label_config
from claimkit.annotate.studio.tasks import ResultChecker, label_results, task_data
from claimkit.annotate.types import Article, Label, Span

SCHEMA = default_schema()


def test_marked_content_becomes_a_reported_content_region(nlp):
    text = "The company declined to comment on the report."
    (item,) = split_articles([Article(id="a", text=text)], nlp)
    claim = next(c for c in item.claims if "comment" in c.text)
    start = text.index("to comment")
    marked = Span(start, start + len("to comment on the report"))
    labels = {"attribution": Label(SCHEMA["attribution"].positive, 0.9, (marked,))}
    data = task_data(item, claim)
    results = label_results(labels, data, SCHEMA, with_scores=True)
    regions = [r for r in results.items if r["from_name"] == evidence_control(SCHEMA["attribution"])]
    assert [r["value"]["text"] for r in regions] == ["to comment on the report"]
    assert regions[0]["value"]["hypertextlabels"] == ["attribution_evidence"]
    ResultChecker(check_config(label_config(SCHEMA))).check(results.items, data, claim.id)  # valid for the project
