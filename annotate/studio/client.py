"""Connecting to Label Studio: where the server is, which token to use, and one error mapping for every SDK call.

This is the only module that imports ``label_studio_sdk`` (besides config validation). Every SDK call
goes through ``Studio.call``, so transport and API errors always become one-line ``StudioError``s.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Schema
from claimkit.annotate.studio.config import check_config, instructions_html, label_config

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

REQUEST_TIMEOUT_S = 300.0
"""Generous on purpose: a 10,000-task export or a big import on a loaded laptop takes tens of seconds."""

_DESCRIPTION_PREFIX = "claimkit claims;"
"""Start of the description of every project claimkit creates: ``push`` never rewrites anyone else's project."""


@dataclass(frozen=True)
class Connection:
    """Where the server is and the token to use. The token never appears in ``repr`` or messages."""

    url: str
    api_key: str = field(repr=False)
    origin: str = "--api-key"


def resolve_connection(
    url: str | None = None,
    api_key: str | None = None,
    home: Path | None = None,
    *,
    api_key_file: str | Path | None = None,
) -> Connection:
    """Connection settings: options (``--url``, ``--api-key-file`` or ``--api-key``), then
    ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``, then the file written by ``claimkit studio start``.

    The URL comes from the first place that has one, the key likewise; but the local server's token
    is only ever paired with the local server's URL, so ``--url`` pointing elsewhere never sends it away.
    ``Connection.origin`` names where the key came from, so an error can say which one to fix.
    """
    from claimkit.annotate.studio.server import STATE_FILE, read_state, studio_home

    file_key = _read_key_file(Path(api_key_file)) if api_key_file is not None else None
    env_url, env_key = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    state = None if (url or env_url) and (api_key or file_key or env_key) else read_state(home)
    file_url = state.url if state else None
    chosen_url = url or env_url or file_url
    url_origin = "--url" if url else "LABEL_STUDIO_URL" if env_url else str((home or studio_home()) / STATE_FILE)
    keys = [(api_key, "--api-key"), (file_key, f"--api-key-file {api_key_file}"), (env_key, "LABEL_STUDIO_API_KEY")]
    if state is not None and chosen_url and chosen_url.rstrip("/") == state.url.rstrip("/"):
        keys.append((state.api_key, str((home or studio_home()) / STATE_FILE)))
    chosen_key, origin = next(((k, o) for k, o in keys if k), (None, ""))
    if not chosen_url and not chosen_key:
        raise StudioError(
            "no Label Studio to talk to: run `claimkit studio start`, or set LABEL_STUDIO_URL and "
            "LABEL_STUDIO_API_KEY (a legacy token or a personal access token) for an existing server"
        )
    if not chosen_url:
        raise StudioError(
            f"an API key was given ({origin}) but no Label Studio URL: pass --url or set LABEL_STUDIO_URL"
        )
    if not chosen_key:
        raise StudioError(
            f"no API key for Label Studio at {chosen_url} (URL from {url_origin}): set LABEL_STUDIO_API_KEY or pass "
            "--api-key-file FILE (the local server's own token is only sent to the local server's URL)"
        )
    parts = urlsplit(chosen_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StudioError(
            f"Label Studio URL {chosen_url!r} (from {url_origin}) is not an http(s) URL; e.g. http://127.0.0.1:8080"
        )
    return Connection(chosen_url.rstrip("/"), chosen_key.strip(), origin)


def _read_key_file(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StudioError(f"--api-key-file {path}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    except UnicodeDecodeError:
        raise StudioError(f"--api-key-file {path}: not a text file; it should hold the token alone") from None
    if not key or len(key.split()) != 1:
        raise StudioError(f"--api-key-file {path}: should hold the token alone, on one line")
    return key


def _one_line(text: str, limit: int = 200) -> str:
    """A server's answer as one short line: an HTML page becomes its title, whitespace collapses."""
    if re.search(r"<\s*(!doctype|html|head|body)\b", text[:2000], re.IGNORECASE):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        shown = html.unescape(re.sub(r"\s+", " ", title.group(1)).strip()) if title else ""
        return f"an HTML page{f' ({shown[:100]})' if shown else ''}, not the Label Studio API"
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _api_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping):
        for key in ("validation_errors", "detail", "label_config", "predictions", "title"):
            if key in body:
                return _one_line(json.dumps(body[key], ensure_ascii=False), 500)
        return _one_line(json.dumps(body, ensure_ascii=False), 500)
    return _one_line(str(body or exc.__class__.__name__))


_KEY_HINTS = {
    "--api-key": "check the --api-key you passed",
    "LABEL_STUDIO_API_KEY": "check LABEL_STUDIO_API_KEY",
}


def _key_hint(origin: str) -> str:
    if origin in _KEY_HINTS:
        return _KEY_HINTS[origin]
    if origin.startswith("--api-key-file"):
        return f"check the token in {origin.removeprefix('--api-key-file ')}"
    return f"the local server's token in {origin} no longer works: see `claimkit studio credentials`"


class Studio:
    """A connected Label Studio: every SDK call goes through ``call`` so that errors become ``StudioError``."""

    def __init__(self, conn: Connection, timeout: float = REQUEST_TIMEOUT_S) -> None:
        import httpx
        from label_studio_sdk import LabelStudio

        self.conn = conn
        loopback = urlsplit(conn.url).hostname in ("127.0.0.1", "localhost", "::1")
        try:
            # max_retries=0: the SDK would otherwise re-send a POST whose answer was lost, which is
            # exactly how an import that the server committed becomes two imports.
            self.client: LabelStudio = LabelStudio(
                base_url=conn.url,
                api_key=conn.api_key,
                max_retries=0,
                httpx_client=httpx.Client(timeout=timeout, follow_redirects=True, trust_env=not loopback),
            )
        except Exception as exc:  # an expired personal access token fails here already
            raise StudioError(self._explain(exc)) from None

    def _explain(self, exc: Exception) -> str:
        import httpx

        url = self.conn.url
        status = getattr(exc, "status_code", None)
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return f"cannot reach Label Studio at {url}: is it running? (`claimkit studio status`; start it with `claimkit studio start`)"
        if isinstance(exc, httpx.TimeoutException):
            return f"Label Studio at {url} did not answer in time; it may be overloaded, retry later"
        if isinstance(exc, httpx.HTTPError):
            return f"talking to Label Studio at {url} failed ({exc.__class__.__name__}); check the URL"
        if status in (401, 403):
            return (
                f"Label Studio at {url} rejected the API key from {self.conn.origin} ({status}: {_api_message(exc)}); "
                f"{_key_hint(self.conn.origin)} (a legacy token or a personal access token)"
            )
        if status == 404 and "not the Label Studio API" in (message := _api_message(exc)):
            return f"{url} answered 404 with {message}: is this the URL of a Label Studio server?"
        if status is not None:
            return f"Label Studio at {url} answered {status}: {_api_message(exc)}"
        return f"Label Studio at {url}: {exc.__class__.__name__}: {_one_line(str(exc))}"

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one SDK call, turning transport and API errors into one-line ``StudioError``s."""
        try:
            return fn(*args, **kwargs)
        except StudioError:
            raise
        except Exception as exc:
            if exc.__class__.__module__.startswith(("httpx", "label_studio_sdk")) or hasattr(exc, "status_code"):
                raise StudioError(self._explain(exc)) from None
            raise

    def check(self) -> str:
        """Who we are on the server (its e-mail); proves the URL and token work."""
        return str(self.call(self.client.users.whoami).email)

    def find_project(self, title: str) -> Any | None:
        matches = [
            p
            for p in self.call(lambda: list(self.client.projects.list(title=title, page_size=100)))
            if p.title == title
        ]
        if len(matches) > 1:
            ids = ", ".join(str(p.id) for p in matches)
            raise StudioError(f"several Label Studio projects are named {title!r} (ids {ids}); rename all but one")
        return matches[0] if matches else None

    def project(self, title: str) -> Any:
        found = self.find_project(title)
        if found is None:
            raise StudioError(
                f"no Label Studio project named {title!r} at {self.conn.url}; push claims to it first (`claimkit push ... --project {title!r}`)"
            )
        return found

    def ensure_project(self, title: str, schema: Schema) -> tuple[Any, bool]:
        """Create the project, or bring an existing one's config and instructions up to date."""
        if len(title.strip()) < 3:
            raise StudioError(f"project name {title!r} is too short; Label Studio needs at least 3 characters")
        config = label_config(schema)
        check_config(config)
        settings: dict[str, Any] = {
            "label_config": config,
            "expert_instruction": instructions_html(schema),
            "show_instruction": True,
            "show_collab_predictions": True,
            "description": f"{_DESCRIPTION_PREFIX} schema {schema.name} v{schema.version}",
        }
        found = self.find_project(title)
        if found is None:
            return self.call(self.client.projects.create, title=title, **settings), True
        if not str(found.description or "").startswith(_DESCRIPTION_PREFIX):
            raise StudioError(
                f"project {title!r} (id {found.id}) was not made by claimkit; pushing would replace its labeling "
                "config, so choose another project name"
            )
        changed = {k: v for k, v in settings.items() if getattr(found, k, None) != v}
        if changed:
            found = self.call(self.client.projects.update, id=found.id, **changed)
        return found, False

    def show_predictions_of(self, project: Any, model_version: str) -> None:
        """Make ``model_version`` the one whose predictions pre-fill the editor (it must have predictions)."""
        if getattr(project, "model_version", None) != model_version:
            self.call(self.client.projects.update, id=project.id, model_version=model_version)

    def claim_tasks(self, project_id: int) -> dict[str, list[tuple[int, int]]]:
        """claim id → ``[(task id, number of annotations), ...]`` over the whole project."""
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)

        def every_task() -> list[Any]:  # the pager fetches its first page on creation: both inside ``call``
            return list(self.client.tasks.list(project=project_id, page_size=1000, fields="task_only",
                                               include="id,data,total_annotations,cancelled_annotations"))  # fmt: skip

        for task in self.call(every_task):
            claim_id = (task.data or {}).get("claim_id")
            if claim_id:
                out[str(claim_id)].append(
                    (int(task.id), int(task.total_annotations or 0) + int(task.cancelled_annotations or 0))
                )
        return dict(out)

    def task_count(self, project_id: int) -> int:
        return int(self.call(self.client.projects.get, id=project_id).task_number or 0)


def connect(conn: Connection, timeout: float = REQUEST_TIMEOUT_S) -> Studio:
    """A ``Studio`` whose URL and token were checked with one request."""
    studio = Studio(conn, timeout)
    studio.check()
    return studio
