"""The data manager tab annotators land on: which columns it shows, how wide, and in which order its tasks come.

Label Studio keeps a project's tabs ("views") on the server, shared by everyone in the organisation, and
opens the first one (lowest ``order``) when a project's data page has no ``?tab=`` in its URL. Without a
tab of ours, the frontend makes one that shows every task data field, the first of which is
``paragraph_html`` (raw ``<mark>`` tags as text), and the claim text somewhere off-screen.

What Label Studio 1.23 lets a tab decide (read from its source, ``data_manager/`` and the data manager
frontend's ``stores/Tabs``):

- which columns are hidden, separately for the full table (``explore``) and for the list beside the editor
  (``labeling``). Column ids are ``tasks:<name>`` for task columns and ``tasks:data.<key>`` for task data;
- column widths and display types (``columnsDisplayType``: ``Number`` makes the server sort a data field
  numerically rather than as text);
- the task order (``ordering``, e.g. ``["-tasks:data.uncertainty"]``), applied by the server to the data
  page, the labeling stream ("Label All Tasks") and ``GET /api/tasks?view=ID`` alike.

It cannot change the column *order*: task columns (annotation counts, prediction score) always come before
task data columns, and a user's drag-and-drop order lives in their browser only. So the tab hides everything
but the few columns an annotator needs, which puts the claim text right after the narrow status columns.

One tab per project is claimkit's: the one titled ``VIEW_TITLE``. ``ensure_claims_view`` creates it, or
resets what claimkit sets on it (keeping what the frontend adds), and moves it to the front; calling it
again changes nothing, so a re-push never duplicates it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claimkit.annotate.studio.client import Studio

VIEW_TITLE = "Claims"
"""Title of claimkit's tab; a push resets the tab of this title (and only it)."""

UNCERTAINTY_FIELD = "uncertainty"
"""Task data field holding the predictor's calibrated uncertainty in [0, 1] (1 = most informative)."""

UNCERTAINTY_ORDER = f"-tasks:data.{UNCERTAINTY_FIELD}"

SHOWN_EXPLORE: Mapping[str, int] = {
    "tasks:total_annotations": 56,
    "tasks:cancelled_annotations": 56,
    "tasks:predictions_score": 100,
    "tasks:data.claim_text": 460,
    "tasks:data.article_id": 170,
    f"tasks:data.{UNCERTAINTY_FIELD}": 110,
}
"""Columns of the full table, each with its width in pixels (the frontend shows them in its own order:
annotation counts and prediction score, then the claim text, its article and its uncertainty)."""

SHOWN_LABELING = ("tasks:data.claim_text",)
"""Columns of the task list beside the editor (about 230 px wide at 1024 px): the claim text alone, never the
paragraph HTML; the task being labelled is highlighted in it."""


@dataclass(frozen=True)
class ViewReport:
    """What ``ensure_claims_view`` did; ``by_uncertainty`` says whether the tab sorts by uncertainty."""

    view_id: int
    created: bool
    updated: bool
    by_uncertainty: bool


def claims_view_data(columns: Sequence[str], *, by_uncertainty: bool) -> dict[str, Any]:
    """The tab's ``data``: every column in ``columns`` hidden except the shown ones, widths, and the order.

    ``columns`` are the project's column ids (``tasks:...``); hiding is a list of what to hide, so a column
    Label Studio adds in a later version stays visible rather than silently missing.
    """
    data: dict[str, Any] = {
        "title": VIEW_TITLE,
        "hiddenColumns": {
            "explore": [c for c in columns if c not in SHOWN_EXPLORE],
            "labeling": [c for c in columns if c not in SHOWN_LABELING],
        },
        "columnsWidth": {c: w for c, w in SHOWN_EXPLORE.items() if c in columns},
        "columnsDisplayType": {f"tasks:data.{UNCERTAINTY_FIELD}": "Number"} if by_uncertainty else {},
        "ordering": [UNCERTAINTY_ORDER] if by_uncertainty else [],
    }
    return data


def project_columns(studio: Studio, project_id: int) -> list[str]:
    """Ids of the project's data manager columns (``tasks:id``, ``tasks:data.claim_text``, ...), in the
    server's order; only leaves (the ``data`` group itself is not a column one can hide)."""
    raw = studio.call(_get_json, studio, "api/dm/columns/", {"project": project_id})
    columns = raw.get("columns", []) if isinstance(raw, Mapping) else []
    out = []
    for col in columns:
        if not isinstance(col, Mapping) or col.get("children") or col.get("target", "tasks") != "tasks":
            continue
        parent = col.get("parent")
        out.append(f"tasks:{parent}.{col['id']}" if parent else f"tasks:{col['id']}")
    return out


def _get_json(studio: Studio, path: str, params: Mapping[str, Any]) -> Any:
    """GET an API path the SDK has no method for, through the SDK's own authenticated HTTP client."""
    from label_studio_sdk.core.api_error import ApiError

    wrapper = studio.client._client_wrapper  # noqa: SLF001 - the SDK's HTTP client carries auth and base URL
    response = wrapper.httpx_client.request(path, method="GET", params=dict(params))
    if not 200 <= response.status_code < 300:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=body)
    return response.json()


def has_data_field(studio: Studio, project_id: int, key: str) -> bool:
    """Whether any task of the project has ``data[key]`` (one filtered request for one task)."""
    query = {"filters": {"conjunction": "and", "items": [
        {"filter": f"filter:tasks:data.{key}", "operator": "empty", "type": "Number", "value": False}]}}  # fmt: skip

    def first_page() -> list[Any]:
        pager: Any = studio.client.tasks.list(
            project=project_id, page_size=1, fields="task_only", query=json.dumps(query)
        )
        return list(pager.items or [])

    return bool(studio.call(first_page))


def _differs(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether the tab lacks anything claimkit sets (keys the frontend added are not compared)."""
    for key, value in wanted.items():
        have = current.get(key)
        if key == "hiddenColumns":
            have = have or {}
            if any(sorted(have.get(k) or []) != sorted(v) for k, v in value.items()):
                return True
        elif key == "ordering":
            if value and list(have or []) != value:
                return True  # an empty ordering cannot be sent (the server keeps the old one): never compared
        elif isinstance(value, dict):
            if dict(have or {}) != value:  # widths, display types: a missing map equals an empty one
                return True
        elif have != value:
            return True
    return False


def ensure_claims_view(studio: Studio, project_id: int) -> ViewReport:
    """Create or reset claimkit's tab of ``project_id`` and make it the first tab; idempotent.

    It sorts by ``data.uncertainty`` (highest first) when any task carries that field; otherwise tasks keep
    Label Studio's default order (by id). Call it after the tasks are imported: the hidden columns are taken
    from the project's current columns.
    """
    by_uncertainty = has_data_field(studio, project_id, UNCERTAINTY_FIELD)
    wanted = claims_view_data(project_columns(studio, project_id), by_uncertainty=by_uncertainty)
    views = list(studio.call(studio.client.views.list, project=project_id))
    ours = [v for v in views if isinstance(v.data, Mapping) and v.data.get("title") == VIEW_TITLE]
    created = updated = False
    if not ours:
        view = studio.call(studio.client.views.create, project=project_id, data=wanted)
        created = True
    else:
        view = ours[0]
        current = dict(view.data)
        if _differs(current, wanted):
            data = {**current, **wanted}
            if not wanted["ordering"]:
                data.pop("ordering", None)
            view = studio.call(studio.client.views.update, id=str(view.id), project=project_id, data=data)
            updated = True
    order = [int(view.id)] + [int(v.id) for v in views if int(v.id) != int(view.id)]
    if [int(v.id) for v in views] != order:
        studio.call(studio.client.views.update_order, project=project_id, ids=order)
    return ViewReport(int(view.id), created, updated, by_uncertainty)
