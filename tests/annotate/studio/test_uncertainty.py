"""Uncertainty in the tasks: ``data.uncertainty`` and the prediction's ``score`` from the calibrated attribution
confidence (unit), and what a real Label Studio holds after a push and a re-push with a newer model (``studio``)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import connect
from claimkit.annotate.studio.push import push
from claimkit.annotate.studio.tasks import label_results, prediction_score, task_data, uncertainty
from claimkit.annotate.types import Label

SCHEMA = default_schema()
ASSERTED, ATTRIBUTED = SCHEMA["attribution"].negative, SCHEMA["attribution"].positive


@pytest.mark.parametrize(
    ("score", "expected"), [(1.0, 0.0), (0.5, 1.0), (0.75, 0.5), (0.9, 0.2), (0.0, 1.0), (1.2, 0.0)]
)
def test_uncertainty_is_normalised_least_confidence(score, expected):
    labels = {"attribution": Label(ATTRIBUTED, score), "hedged": Label("no", 0.1)}
    assert uncertainty(labels, SCHEMA) == pytest.approx(expected)
    assert prediction_score(labels, SCHEMA) == pytest.approx(min(1.0, score))


def test_uncertainty_needs_an_attribution_label():
    assert uncertainty({"hedged": Label("no", 0.3)}, SCHEMA) is None
    assert uncertainty({"attribution": Label(None, 0.3)}, SCHEMA) is None
    assert prediction_score({"hedged": Label("no", 0.3), "status": Label("undisputed", 0.5)}, SCHEMA) == 0.4


def _seed_items(nlp, seed_path):
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    predictor = load_predictor("rules", nlp)
    return list(split_and_label(load_articles([seed_path]), nlp, "clause", predictor)), predictor.model_version


@pytest.mark.studio
def test_uncertainty_reaches_the_tasks_and_follows_a_newer_model(studio_conn, nlp, seed_path):
    items, version = _seed_items(nlp, seed_path)
    (item,) = items
    title = "uncertainty order"
    push(studio_conn, title, items, SCHEMA, model_version=version)
    studio = connect(studio_conn)
    project = studio.project(title)

    def tasks_by_claim() -> dict[str, dict]:
        return {t.data["claim_id"]: t.data for t in studio.client.tasks.list(project=project.id, fields="all")}

    data = tasks_by_claim()
    for claim in item.claims:
        assert data[claim.id]["uncertainty"] == uncertainty(claim.labels, SCHEMA)
        assert 0.0 <= data[claim.id]["uncertainty"] <= 1.0
    scores = {int(p.task): p.score for p in studio.client.predictions.list(project=project.id)}
    tasks = studio.claim_tasks(project.id)
    for claim in item.claims:
        expected = label_results(claim.labels, task_data(item, claim), SCHEMA, with_scores=True).score
        assert scores[tasks[claim.id][0][0]] == pytest.approx(expected)
        assert expected == pytest.approx(claim.labels["attribution"].score, abs=1e-4)

    # A newer model, less sure of every claim: its predictions are added and the tasks' uncertainty follows.
    unsure = [
        item.with_claims(
            c.with_labels({**c.labels, "attribution": replace(c.labels["attribution"], score=0.6)}) for c in item.claims
        )
    ]
    started = time.perf_counter()
    report = push(studio_conn, title, unsure, SCHEMA, model_version=version + "-unsure")
    elapsed = time.perf_counter() - started
    assert report.predictions_added == len(item.claims) and report.uncertainty_updated == len(item.claims)
    after = tasks_by_claim()
    assert {c: d["uncertainty"] for c, d in after.items()} == {c.id: pytest.approx(0.8) for c in item.claims}
    assert all(after[c.id]["claim_id"] == c.id and after[c.id]["paragraph"] == data[c.id]["paragraph"]
               for c in item.claims)  # fmt: skip
    print(f"re-push of {len(item.claims)} tasks with uncertainty updates: {elapsed:.2f} s")
