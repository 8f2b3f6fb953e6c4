"""claimkit's data manager tab: what it hides, and (against a real Label Studio) that its order takes effect."""

from __future__ import annotations

import pytest

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import connect
from claimkit.annotate.studio.push import push
from claimkit.annotate.studio.views import UNCERTAINTY_ORDER, VIEW_TITLE, claims_view_data, ensure_claims_view

SCHEMA = default_schema()
COLUMNS = [
    "tasks:data.paragraph_html",
    "tasks:data.format",
    "tasks:data.claim_id",
    "tasks:data.article_id",
    "tasks:data.claim_text",
    "tasks:data.uncertainty",
    "tasks:id",
    "tasks:total_annotations",
    "tasks:predictions_score",
]


def test_claims_view_hides_the_html_everywhere_and_shows_the_claim():
    data = claims_view_data(COLUMNS, by_uncertainty=True)
    hidden = data["hiddenColumns"]
    for where in ("explore", "labeling"):
        assert "tasks:data.paragraph_html" in hidden[where] and "tasks:data.format" in hidden[where]
        assert "tasks:data.claim_text" not in hidden[where]
    shown = [c for c in COLUMNS if c not in hidden["explore"]]
    assert shown == [
        "tasks:data.article_id",
        "tasks:data.claim_text",
        "tasks:data.uncertainty",
        "tasks:total_annotations",
        "tasks:predictions_score",
    ]
    assert data["ordering"] == [UNCERTAINTY_ORDER] == ["-tasks:data.uncertainty"]
    assert data["columnsDisplayType"] == {"tasks:data.uncertainty": "Number"}  # numeric, not text, order
    assert claims_view_data(COLUMNS, by_uncertainty=False)["ordering"] == []


def _claims_views(studio, project_id):
    return [v for v in studio.client.views.list(project=project_id) if (v.data or {}).get("title") == VIEW_TITLE]


@pytest.mark.studio
def test_studio_claims_view_is_first_idempotent_and_sorts_by_uncertainty(studio_conn, nlp, seed_path):
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    predictor = load_predictor("rules", nlp)
    items = list(split_and_label(load_articles([seed_path]), nlp, "clause", predictor))
    title = "claims view"
    studio = connect(studio_conn)
    project, _ = studio.ensure_project(title, SCHEMA)
    studio.client.views.create(project=project.id, data={"title": "Default"})  # what the frontend makes first

    first = push(studio_conn, title, items, SCHEMA, model_version=predictor.model_version)
    assert first.view is not None and first.view.created
    (view,) = _claims_views(studio, project.id)
    assert [v.id for v in studio.client.views.list(project=project.id)][0] == view.id  # the tab that opens
    hidden = view.data["hiddenColumns"]
    assert "tasks:data.paragraph_html" in hidden["explore"] and "tasks:data.paragraph_html" in hidden["labeling"]
    assert "tasks:data.claim_text" not in hidden["explore"] and "tasks:data.claim_text" not in hidden["labeling"]
    tasks = list(studio.client.tasks.list(project=project.id, fields="all"))
    assert first.view.by_uncertainty == any("uncertainty" in (t.data or {}) for t in tasks)
    # Values as a predictor writes them (floats in [0, 1]); 1e-05 sorts last numerically but first as text.
    values = [1e-05, 1.0, *(round(0.9 * (1 - i / len(tasks)), 4) for i in range(len(tasks) - 2))]
    for task, value in zip(tasks, values, strict=True):
        studio.client.tasks.update(id=str(task.id), data={**task.data, "uncertainty": value})
    report = ensure_claims_view(studio, int(project.id))
    assert report.by_uncertainty and report.view_id == view.id and not report.created
    assert report.updated != first.view.by_uncertainty  # the order changes only if it was not set already

    again = push(studio_conn, title, items, SCHEMA, model_version=predictor.model_version)
    assert again.view is not None and (again.view.created, again.view.updated) == (False, False)
    assert again.view.by_uncertainty and again.view.view_id == view.id
    (view,) = _claims_views(studio, project.id)
    assert view.data["ordering"] == ["-tasks:data.uncertainty"]

    # Measured through the server: the tasks the tab lists (and the labeling stream follows), in its order.
    listed = [t.data["uncertainty"] for t in studio.client.tasks.list(project=project.id, view=view.id, fields="all")]
    assert len(listed) == len(tasks) and listed == sorted(listed, reverse=True)
    assert listed[0] == max(listed) and listed[-1] == min(listed)
