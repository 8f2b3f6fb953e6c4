"""Connection resolution, the one error mapping, the health check and pull's robustness (no Label Studio needed).

Tiny local servers on 127.0.0.1 stand in for what Label Studio is not: a web server answering HTML 404,
a server that never answers, a dead proxy.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio import pull as pull_module
from claimkit.annotate.studio.client import Connection, Studio, connect, resolve_connection
from claimkit.annotate.studio.pull import records_from_export
from claimkit.annotate.studio.server import STATE_FILE, ServerState, is_healthy, write_state
from claimkit.annotate.studio.tasks import task_data
from claimkit.annotate.types import Article, Claim, Span, SplitArticle

SCHEMA = default_schema()


@pytest.fixture
def no_ls_env(monkeypatch, tmp_path) -> Path:
    """No Label Studio settings in the environment; an empty claimkit home."""
    for name in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLAIMKIT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# --- where the settings come from, and hints that name that place --------------------------------------


def test_client_url_from_env_without_key_names_the_missing_key(no_ls_env, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://ls.example.org:8080")
    with pytest.raises(StudioError) as info:
        resolve_connection()
    message = str(info.value)
    assert "LABEL_STUDIO_API_KEY" in message and "--api-key-file" in message
    assert "set LABEL_STUDIO_URL" not in message and "from LABEL_STUDIO_URL" in message


def test_client_key_without_url_names_the_missing_url(no_ls_env, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "abc123")
    with pytest.raises(StudioError, match="no Label Studio URL: pass --url or set LABEL_STUDIO_URL") as info:
        resolve_connection()
    assert "abc123" not in str(info.value)


def test_client_api_key_file_is_read_and_named_as_the_origin(no_ls_env, tmp_path, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "from-env")
    key_file = tmp_path / "token"
    key_file.write_text("  secret-token\n", encoding="utf-8")
    conn = resolve_connection("http://127.0.0.1:8080", api_key_file=key_file)
    assert conn.api_key == "secret-token" and conn.origin == f"--api-key-file {key_file}"
    assert "secret-token" not in repr(conn)
    assert resolve_connection("http://127.0.0.1:8080").origin == "LABEL_STUDIO_API_KEY"
    with pytest.raises(StudioError, match="cannot read"):
        resolve_connection("http://127.0.0.1:8080", api_key_file=tmp_path / "missing")
    key_file.write_text("two words\n", encoding="utf-8")
    with pytest.raises(StudioError, match="token alone"):
        resolve_connection("http://127.0.0.1:8080", api_key_file=key_file)


def test_client_local_token_only_goes_to_the_local_url(no_ls_env):
    write_state(no_ls_env, ServerState("http://127.0.0.1:9999", 9999, "a@b", "pw", "local-token"))
    conn = resolve_connection()
    assert conn.api_key == "local-token" and conn.origin == str(no_ls_env / STATE_FILE)
    with pytest.raises(StudioError, match="no API key for Label Studio at http://elsewhere.org"):
        resolve_connection("http://elsewhere.org")


@pytest.mark.parametrize(
    ("origin", "named", "not_named"),
    [
        ("--api-key", "--api-key you passed", "LABEL_STUDIO_API_KEY"),
        ("LABEL_STUDIO_API_KEY", "LABEL_STUDIO_API_KEY", "--api-key"),
        ("--api-key-file /run/token", "/run/token", "LABEL_STUDIO_API_KEY"),
        ("/home/u/.config/claimkit/studio.json", "claimkit studio credentials", "LABEL_STUDIO_API_KEY"),
    ],
)
def test_client_rejected_key_hint_names_where_the_key_came_from(origin, named, not_named):
    studio = Studio(Connection("http://127.0.0.1:9", "k" * 40, origin))
    rejected = SimpleNamespace(status_code=401, body={"detail": "Invalid token."})
    message = studio._explain(rejected)  # type: ignore[arg-type]
    assert named in message and not_named not in message.replace(origin, "")


# --- one line, whatever the server answers ---------------------------------------------------------------


class _Html404(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        page = b"<!DOCTYPE html>\n<html>\n<head><title>Not Found</title></head>\n<body>\n" + b"<p>nope</p>\n" * 200
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: object) -> None:
        pass


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = json.dumps({"status": "UP"}).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _silent_server() -> Iterator[str]:
    """Accepts connections and never answers: every request times out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        sock.close()


def test_client_non_label_studio_404_is_one_short_line():
    with _serve(_Html404) as url, pytest.raises(StudioError) as info:
        connect(Connection(url, "k" * 40))
    message = str(info.value)
    assert "\n" not in message and "<" not in message and len(message) < 300
    assert "404" in message and "Not Found" in message and "Label Studio server" in message


def test_client_timeout_inside_the_paginated_task_listing_is_a_studio_error():
    with _silent_server() as url:
        studio = Studio(Connection(url, "k" * 40), timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StudioError, match="did not answer in time"):
            studio.claim_tasks(1)
        assert time.monotonic() - started < 10


def test_server_health_check_of_loopback_ignores_proxies(monkeypatch):
    from claimkit.annotate.studio.server import free_port

    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    with _serve(_Health) as url:
        assert is_healthy(url)


# --- pull: a deadline on the export, and one bad region never costs the pull ---------------------------


def test_pull_export_poll_has_a_deadline(monkeypatch):
    monkeypatch.setattr(pull_module, "EXPORT_POLL_S", 0.01)
    deleted: list[int] = []
    exports = SimpleNamespace(
        create=lambda *a, **k: SimpleNamespace(id=7, status="in_progress"),
        get=lambda *a, **k: SimpleNamespace(id=7, status="in_progress"),
        delete=lambda project_id, export_id: deleted.append(export_id),
    )
    studio = SimpleNamespace(
        project=lambda title: SimpleNamespace(id=1, title=title),
        client=SimpleNamespace(projects=SimpleNamespace(exports=exports)),
        call=lambda fn, *a, **k: fn(*a, **k),
    )
    with pytest.raises(StudioError, match=r"did not finish exporting project 'p' within 0 s"):
        pull_module.pull(Connection("http://x", "k"), "p", SCHEMA, studio=studio, export_timeout=0.2)  # type: ignore[arg-type]
    assert deleted == [7]  # the snapshot is still cleaned up


def _task() -> dict:
    text = "NSO said the tool works. Others agree."
    article = Article("a1", text)
    claim = Claim("c1", "a1", "The tool works", (Span(9, 23),), 0, 0)
    item = SplitArticle(article, (Span(0, len(text)),), (Span(0, 24), Span(25, len(text))), (0, 0), (claim,))
    return {"id": 11, "data": task_data(item, claim)}


def test_pull_skips_a_malformed_region_and_counts_it():
    task = _task()
    good = {"id": "r1", "from_name": "source", "to_name": "paragraph", "type": "hypertextlabels",
            "value": {"globalOffsets": {"start": 0, "end": 3}, "text": "NSO", "hypertextlabels": ["source"]}}  # fmt: skip
    broken = [
        {"id": "r2", "from_name": "cue", "to_name": "paragraph", "type": "hypertextlabels",
         "value": {"start": "/nowhere[1]", "end": "/nowhere[1]", "startOffset": 0, "endOffset": 2}},
        {"id": "r3", "from_name": "cue", "to_name": "paragraph", "type": "hypertextlabels",
         "value": {"globalOffsets": {"start": 30, "end": 9999}}},
        {"id": "r4", "from_name": "source", "value": "not a mapping"},
    ]  # fmt: skip
    choice = {"from_name": "attribution", "to_name": "paragraph", "type": "choices",
              "value": {"choices": ["attributed"]}}  # fmt: skip
    task["annotations"] = [{"id": 5, "completed_by": 1, "result": [good, *broken, choice]}]
    result = records_from_export([task], SCHEMA, {1: "ann@x.org"})
    (record,) = result.records
    assert result.malformed_regions == 3
    assert record.values["attribution"] == "attributed"
    assert [r.text for r in record.regions["source"]] == ["NSO"] and record.regions["cue"] == ()
