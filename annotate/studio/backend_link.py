"""Registering an ML backend with a project: predictions when an annotator opens a task.

What Label Studio 1.23 needs for that (read from its ``tasks/api.py``, ``tasks/models.py``, ``ml/api.py``):

- an ML backend on the project (``ml.create``), interactive, with the basic-auth credentials the
  backend asks for; creating it also registers ``<url>/webhook`` for every event (retraining);
- ``evaluate_predictions_automatically`` (shown as "retrieve predictions when loading a task"): opening
  a task that has no prediction asks the backend (``GET /api/tasks/<id>``), and the data manager asks for
  the tasks of the page it shows;
- ``show_collab_predictions`` on, and ``model_version`` set to the backend's *title*: the labeling stream
  then asks the live backend (``Project.ml_backend_in_model_version``) and shows what its current version
  predicted. The title is the backend's model version at connect time, so the data manager's
  prediction-score column (which counts predictions of ``model_version`` only) shows the backend's scores.

A re-run is idempotent: the backend with the same URL is updated in place, never added twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claimkit.annotate.errors import StudioError
from claimkit.annotate.studio.client import Studio

HEALTH_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class BackendLink:
    """What ``connect_backend`` did."""

    project_id: int
    backend_id: int
    url: str
    model_version: str
    created: bool
    state: str = field(default="")


def backend_version(url: str, auth: tuple[str, str] | None = None) -> str:
    """The model version a running backend serves (its ``/health``); ``StudioError`` when it does not answer."""
    import httpx

    try:
        answer = httpx.get(url.rstrip("/") + "/health", auth=auth, timeout=HEALTH_TIMEOUT_S, trust_env=False)
    except httpx.HTTPError as exc:
        raise StudioError(
            f"no ML backend answers at {url} ({exc.__class__.__name__}); start it with `claimkit backend serve`"
        ) from None
    if answer.status_code == 401:
        raise StudioError(f"the ML backend at {url} wants basic auth: give the credentials it was started with")
    try:
        version = answer.json().get("model_version") if answer.status_code == 200 else None
    except ValueError:
        version = None
    if not version:
        raise StudioError(f"{url} answered {answer.status_code} without a model version: is it a claimkit backend?")
    return str(version)


def connect_backend(
    studio: Studio,
    project: str,
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    timeout_s: float = 100.0,
) -> BackendLink:
    """Register the backend at ``url`` with ``project`` and turn on predictions when tasks are loaded."""
    url = url.rstrip("/")
    version = backend_version(url, auth)
    proj = studio.project(project)
    settings: dict[str, Any] = {
        "url": url,
        "title": version,
        "is_interactive": True,
        "auto_update": True,
        "timeout": timeout_s,
        "auth_method": "BASIC_AUTH" if auth else "NONE",
    }
    if auth:  # an empty password is refused on create (the server looks for a previous one)
        settings.update(basic_auth_user=auth[0], basic_auth_pass=auth[1])
    existing = [b for b in studio.call(studio.client.ml.list, project=proj.id) if str(b.url).rstrip("/") == url]
    try:
        if existing:
            backend = studio.call(studio.client.ml.update, id=existing[0].id, project=proj.id, **settings)
        else:
            backend = studio.call(studio.client.ml.create, project=proj.id, **settings)
    except StudioError as exc:
        raise StudioError(f"{exc} (a backend on this machine needs a server started with ML_BLOCK_LOCAL_IP=false "
                          "and SSRF_PROTECTION_ENABLED=false: `claimkit studio start` does that)") from None  # fmt: skip
    state = str(getattr(backend, "state", "") or "")
    if state in ("ER", "DI"):
        detail = getattr(backend, "error_message", None) or "it did not answer the server"
        raise StudioError(
            f"Label Studio registered the backend at {url} but cannot use it ({detail}); a backend on this "
            "machine needs a server started with ML_BLOCK_LOCAL_IP=false (`claimkit studio start` does that)"
        )
    studio.call(studio.client.projects.update, id=proj.id, show_collab_predictions=True,
                evaluate_predictions_automatically=True, model_version=version)  # fmt: skip
    return BackendLink(int(proj.id), int(backend.id), url, version, not existing, state)
