"""The ML backend's web app (FastAPI): the five endpoints Label Studio 1.23 calls.

- ``GET /health`` (1 s timeout on the server side): ``{"status": "UP", "model_version": ...}``.
- ``POST /setup`` (3 s; sent on every state refresh): ``{"model_version": ...}``; a config without
  claimkit's ``paragraph`` object is refused (400), which Label Studio shows as the backend's error.
- ``POST /predict`` (100 s): ``{"results": [{"result", "score", "model_version"}, ...]}``, one item per
  task, in order (``backend.predict.TaskPredictor``).
- ``POST /webhook``: ``START_TRAINING`` and annotation events, handed to the retraining hook if any.
- ``GET /versions``: ``{"versions": [...]}``.

With credentials, every request must carry them (HTTP basic auth, what Label Studio can send); others
get 401. The module imports FastAPI at the top (the ``server`` extra): FastAPI reads the handlers'
annotations, so ``Request`` must be a module-level name. Nothing here logs a request body: tasks hold the articles, ``/setup`` an API token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from claimkit.annotate.errors import ClaimkitError
from claimkit.annotate.studio.config import PARAGRAPH
from claimkit.backend.auth import Credentials

if TYPE_CHECKING:
    from claimkit.backend.predict import TaskPredictor

WebhookHook = Callable[[Mapping[str, Any]], Mapping[str, Any]]
"""Receives a webhook event, answers what it did (``{"status": ...}``): the retraining trigger."""


@dataclass
class Served:
    """The predictor being served, swapped whole (a retrained model) under a lock: a request holds the
    ``TaskPredictor`` it started with, so a swap never changes a prediction half-way."""

    current: TaskPredictor
    webhook: WebhookHook | None = None
    training_status: Callable[[], Mapping[str, Any]] | None = None
    last_setup: dict[str, Any] = field(default_factory=dict, repr=False)
    events: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> TaskPredictor:
        with self._lock:
            return self.current

    def swap(self, new: TaskPredictor) -> None:
        with self._lock:
            self.current = new


def _has_paragraph(served: Served, config: str) -> bool:
    """Whether a project's config shows claimkit's paragraph (parsed once per config: ``/setup`` comes often)."""
    try:
        return PARAGRAPH in {obj.name for obj in served.get().checker(config).interface.objects}
    except ClaimkitError:
        return False


def create_app(served: Served, credentials: Credentials | None = None) -> FastAPI:
    """The backend app over ``served``; with ``credentials``, every route requires them."""

    def require_auth(request: Request) -> None:
        if credentials is not None and not credentials.accepts(request.headers.get("authorization")):
            raise HTTPException(401, "basic auth required", headers={"WWW-Authenticate": 'Basic realm="claimkit"'})

    app = FastAPI(title="claimkit ML backend", dependencies=[Depends(require_auth)], docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    async def body_of(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(400, "the request body is not JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "the request body must be a JSON object")
        return body

    @app.get("/health")
    def health() -> dict[str, Any]:
        current = served.get()
        stats = current.stats
        return {"status": "UP", "model_class": "claimkit", "model_version": current.model_version,
                "requests": stats.requests, "tasks": stats.tasks, "predicted": stats.predicted, "empty": stats.empty,
                "last_error": stats.last_error, "events": dict(served.events),
                "training": served.training_status() if served.training_status else None}  # fmt: skip

    @app.post("/setup")
    async def setup(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        schema = body.get("schema")
        if isinstance(schema, str) and schema.strip() and not await run_in_threadpool(_has_paragraph, served, schema):
            raise HTTPException(400, f"the project's labeling config has no {PARAGRAPH!r} object: it was not made "
                                     "by claimkit (`claimkit push` creates the project)")  # fmt: skip
        served.last_setup = {k: body.get(k) for k in ("project", "hostname", "access_token")}
        return {"model_version": served.get().model_version}

    @app.post("/predict")
    async def predict(request: Request) -> dict[str, Any]:
        from claimkit.annotate.schema import default_schema
        from claimkit.annotate.studio.config import label_config

        body = await body_of(request)
        tasks = body.get("tasks")
        if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
            raise HTTPException(400, "'tasks' must be a list of task objects")
        config = body.get("label_config") or label_config(default_schema())
        current = served.get()
        try:
            results = await run_in_threadpool(current.predict, tasks, str(config))
        except ClaimkitError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"results": results, "model_version": current.model_version}

    @app.post("/webhook")
    async def webhook(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        action = str(body.get("action") or "")
        served.events[action] = served.events.get(action, 0) + 1
        if served.webhook is None:
            return {"status": "ignored", "action": action}
        return dict(served.webhook(body))

    @app.get("/versions")
    def versions() -> dict[str, Any]:
        return {"versions": [served.get().model_version]}

    return app
