"""The backend against the real Label Studio of the session: connect, open a task, get its prediction.

``claimkit backend serve rules`` runs as a real subprocess on a free loopback port and is registered
with ``claimkit studio connect-backend``; tasks (pushed ones, and one made as the UI makes it) then get
their prediction from the server itself, the way an annotator's browser triggers it (``GET
/api/tasks/<id>``) and the way the data manager's "Retrieve predictions" does.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import connect
from claimkit.annotate.studio.config import label_config
from tests.paths import REPO

pytestmark = pytest.mark.studio
pytest.importorskip("fastapi", reason="the ML backend needs the server extra (fastapi, uvicorn)")

SCHEMA = default_schema()
CLI = [sys.executable, "-m", "claimkit.cli"]
SAMPLES = REPO / "data" / "samples"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "CLAIMKIT_BACKEND_"))}
    return {**env, "CLAIMKIT_HOME": str(home)}


def _cli(args: list[str], home: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=_env(home), timeout=timeout, cwd=REPO)


def _start_backend(home: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*CLI, "backend", "serve", "rules", "--port", str(port)], env=_env(home), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"backend exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise AssertionError("the backend did not answer /health within 180 s")


@pytest.fixture(scope="module")
def backend(studio_home) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    from claimkit.annotate.studio.server import free_port

    port = free_port()
    proc = _start_backend(studio_home, port)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def _health(url: str) -> dict:
    return httpx.get(f"{url}/health", timeout=5).json()


def _ui_task(paragraph: str, claim: str) -> dict:
    """A task as someone would make it in the UI: only the fields the labeling config shows."""
    start = paragraph.index(claim)
    page = html.escape(paragraph[:start], quote=False) + "<mark>" + html.escape(claim, quote=False) + "</mark>"
    return {
        "data": {
            "claim_text": claim,
            "paragraph_html": page + html.escape(paragraph[start + len(claim) :], quote=False),
        }
    }


def _valid(result: list) -> bool:
    from label_studio_sdk.label_interface import LabelInterface

    return bool(result) and LabelInterface(label_config(SCHEMA)).validate_prediction({"result": result})


def test_studio_backend_predicts_tasks_when_opened(studio_conn, studio_home, backend):
    url, _ = backend
    title = "backend predictions"
    pushed = _cli(["push", str(SAMPLES), "--project", title, "--predictor", "none"], studio_home)
    assert pushed.returncode == 0, pushed.stderr
    linked = _cli(["studio", "connect-backend", "--project", title, "--backend-url", url], studio_home)
    assert linked.returncode == 0, linked.stderr
    version = linked.stdout.strip()
    assert version == _health(url)["model_version"]
    again = _cli(["studio", "connect-backend", "--project", title, "--backend-url", url], studio_home)
    assert again.returncode == 0 and "updated on" in again.stderr
    studio = connect(studio_conn)
    project = studio.project(title)
    assert len(studio.client.ml.list(project=project.id)) == 1  # a re-run updates, never adds
    settings = studio.client.projects.get(id=project.id)
    assert settings.evaluate_predictions_automatically and settings.show_collab_predictions
    assert settings.model_version == version

    # a task made as the UI makes it, then opened: the server asks the backend
    made = studio.client.projects.import_tasks(
        id=project.id,
        request=[_ui_task("The mayor said the bridge will reopen in May.", "the bridge will reopen in May")],
        return_task_ids=True,
    )
    ui_task = int(made.task_ids[0])
    opened = studio.client.tasks.get(id=ui_task)
    predictions = [p for p in opened.predictions or [] if p.model_version == version]
    assert len(predictions) == 1 and _valid(predictions[0].result)
    assert any(r["from_name"] == "source" and r["value"]["text"] == "The mayor" for r in predictions[0].result)

    # "Retrieve predictions" over the whole project: one valid prediction per task, none rejected
    studio.client.actions.create(id="retrieve_tasks_predictions", project=project.id,
                                 selected_items={"all": True, "excluded": []})  # fmt: skip
    tasks = list(studio.client.tasks.list(project=project.id, fields="all"))
    stored = list(studio.client.predictions.list(project=project.id))
    assert len(stored) == len(tasks) == int(settings.task_number or 0) + 1
    assert sorted(p.task for p in stored) == sorted(int(t.id) for t in tasks)
    assert all(p.model_version == version and _valid(p.result) for p in stored)
    health = _health(url)
    assert health["empty"] == 0 and health["predicted"] >= len(tasks)
    shown = _cli(["backend", "status", "--url", url], studio_home)
    assert shown.returncode == 0 and f'"model_version": "{version}"' in shown.stdout
    assert studio_conn.api_key not in shown.stdout  # /setup carried the token; nothing shows it


def test_studio_backend_killed_leaves_annotations_intact(studio_conn, studio_home):
    """kill -9 of the backend while the server asks it for predictions: annotations stay as they were,
    nothing is doubled, and a restarted backend completes the predictions."""
    from claimkit.annotate.studio.server import free_port

    title = "backend killed"
    pushed = _cli(["push", str(SAMPLES), "--project", title, "--predictor", "none"], studio_home)
    assert pushed.returncode == 0, pushed.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start_backend(studio_home, port)
    try:
        assert (
            _cli(["studio", "connect-backend", "--project", title, "--backend-url", url], studio_home).returncode == 0
        )
        studio = connect(studio_conn)
        project = studio.project(title)
        tasks = [int(t.id) for t in studio.client.tasks.list(project=project.id)]
        choice = {"from_name": "attribution", "to_name": "paragraph", "type": "choices",
                  "value": {"choices": [SCHEMA["attribution"].positive]}}  # fmt: skip
        for task in tasks[:3]:
            studio.client.annotations.create(id=task, result=[choice], lead_time=1.0)
        before = sorted((a.id, a.task) for t in tasks for a in studio.client.annotations.list(id=t))
        assert _health(url)["events"].get("ANNOTATION_CREATED", 0) == 3  # the webhook reached the backend

        def retrieve() -> None:
            try:
                studio.client.actions.create(id="retrieve_tasks_predictions", project=project.id,
                                             selected_items={"all": True, "excluded": []})  # fmt: skip
            except Exception:  # the server may answer an error when its backend vanished: that is the point
                pass

        worker = threading.Thread(target=retrieve)
        worker.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _health(url)["requests"] == 0:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        worker.join(timeout=120)
        after = sorted((a.id, a.task) for t in tasks for a in studio.client.annotations.list(id=t))
        assert after == before
        assert len(list(studio.client.tasks.list(project=project.id))) == len(tasks)

        proc = _start_backend(studio_home, port)
        studio.client.actions.create(id="retrieve_tasks_predictions", project=project.id,
                                     selected_items={"all": True, "excluded": []})  # fmt: skip
        stored = list(studio.client.predictions.list(project=project.id))
        assert sorted(p.task for p in stored) == sorted(tasks)  # one per task: none lost, none doubled
        assert sorted((a.id, a.task) for t in tasks for a in studio.client.annotations.list(id=t)) == before
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


@pytest.mark.slow
def test_studio_backend_retrains_from_the_project_on_start_training(studio_conn, studio_home, tmp_path, nlp,
                                                                    monkeypatch):  # fmt: skip
    """ "Start training" in Label Studio → the webhook → a worker pulls the project's annotations and trains
    (tiny BERT) → the new model is swapped in, and the next task opened gets a prediction of its version."""
    import uvicorn
    from transformers import BertConfig, BertModel

    from claimkit.annotate.studio.backend_link import connect_backend
    from claimkit.annotate.studio.server import free_port
    from claimkit.backend.app import Served, create_app
    from claimkit.backend.retrain import RetrainOptions, current_model
    from claimkit.backend.serve import attach_retraining
    from claimkit.backend.served import ServedSpec, load_task_predictor
    from claimkit.models.nli.model import default_base_model, load_tokenizer
    from tests.models.nli.test_model import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, "train", 6, seed=3)
    title = "backend retraining"
    imported = _cli(["import-brat", str(corpus), "--split", "train", "--project", title, "--as", "annotations"],
                    studio_home)  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    base = tmp_path / "tiny-bert"
    tokenizer = load_tokenizer(default_base_model())
    BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64)).save_pretrained(base)  # fmt: skip
    tokenizer.save_pretrained(base)
    overrides = dict(max_steps=8, learning_rate=3e-3, warmup_ratio=0.0, per_device_train_batch_size=4, logging_steps=2,
                     evals_per_epoch=1, early_stopping_patience=0, core_chars=300, context_chars=120, max_length=160,
                     bf16="no", cache_dir=str(tmp_path / "cache"), eval_split=None, check_precisions=False)  # fmt: skip
    for name in [k for k in os.environ if k.startswith("LABEL_STUDIO_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CLAIMKIT_HOME", str(studio_home))  # the worker pulls over claimkit's usual connection
    served = Served(load_task_predictor(ServedSpec.of("rules"), nlp))
    before = served.get().model_version
    options = RetrainOptions(tmp_path / "state", every=0, base_model=str(base), max_train_minutes=None,
                             overrides=overrides)  # fmt: skip
    retrainer = attach_retraining(served, nlp, options)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(served), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        studio = connect(studio_conn)
        link = connect_backend(studio, title, f"http://127.0.0.1:{port}")
        studio.client.ml.train(id=link.backend_id)  # the "Start training" button
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and (retrainer.status()["runs"] == 0 or retrainer.status()["running"]):
            time.sleep(0.5)
        status = retrainer.status()
        assert status["runs"] == 1 and status["last_error"] is None, status
        after = served.get().model_version
        assert after != before and after.startswith("nli-")
        model = current_model(tmp_path / "state")
        import pandas as pd

        pulled = pd.read_parquet(model / "pull" / "annotations.parquet")
        project = studio.project(title)
        annotated = {str(t.data["claim_id"]) for t in studio.client.tasks.list(project=project.id, fields="all")
                     if int(t.total_annotations or 0) > 0}  # fmt: skip
        assert len(pulled) == len(annotated) and set(pulled["claim_id"]) == annotated  # trained on the project's labels

        made = studio.client.projects.import_tasks(
            id=project.id,
            request=[_ui_task("Officials said the dam is safe.", "the dam is safe")],
            return_task_ids=True,
        )
        opened = studio.client.tasks.get(id=int(made.task_ids[0]))
        versions = [p.model_version for p in opened.predictions or []]
        assert versions == [after] and _valid(opened.predictions[0].result)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        retrainer.stop()
