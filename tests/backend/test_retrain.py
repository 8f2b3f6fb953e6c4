"""Retraining behind the backend: one worker at a time, atomic swap, the old model kept on any failure.

The worker, the lock and the swap are tested with quick stand-in trainings (``fake_training.py``); the
real thing, ``claimkit train`` on a tiny random BERT, is swapped into a served app at the end.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import time
from pathlib import Path

import pytest

from claimkit.backend.retrain import CURRENT_FILE, LOCK_FILE, Retrainer, RetrainOptions, current_model

pytest.importorskip("fastapi", reason="the ML backend needs the server extra (fastapi, uvicorn)")

FAKE = "tests.backend.fake_training"


def _retrainer(tmp_path: Path, train: str, every: int = 3, **overrides) -> tuple[Retrainer, list]:
    swapped: list = []
    options = RetrainOptions(tmp_path / "state", every=every, train=train, overrides=overrides)
    return Retrainer(options, load=lambda path: ("model", path), swap=swapped.append), swapped


def _wait_idle(retrainer: Retrainer, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = retrainer.status()
        if not status["running"]:
            return status
        time.sleep(0.1)
    raise AssertionError("the training worker did not finish")


def test_retrain_storm_starts_one_training_and_swaps_once(tmp_path):
    retrainer, swapped = _retrainer(tmp_path, f"{FAKE}:quick", every=2, seconds=2)
    project = {"id": 1, "title": "storm"}
    answers = [retrainer.on_event({"action": "ANNOTATION_CREATED", "project": project}) for _ in range(40)]
    answers += [retrainer.on_event({"action": "START_TRAINING", "project": project}) for _ in range(10)]
    started = [a for a in answers if a["status"] == "training started"]
    assert len(started) == 1
    assert sum(a["status"] == "already training" for a in answers) >= 10
    status = _wait_idle(retrainer)
    assert status["runs"] == 1 and status["swaps"] == 1 and status["last_error"] is None
    assert len(swapped) == 1 and swapped[0][0] == "model"
    assert current_model(tmp_path / "state") == swapped[0][1]
    assert (swapped[0][1] / "weights.txt").read_text() == "trained for storm\n"
    assert not list((tmp_path / "state" / "models").glob("*.partial"))


def test_retrain_counts_annotations_before_training(tmp_path):
    retrainer, _ = _retrainer(tmp_path, f"{FAKE}:quick", every=3)
    assert retrainer.on_event({"action": "ANNOTATION_UPDATED"})["status"] == "counted"
    assert retrainer.on_event({"action": "PROJECT_UPDATED"})["status"] == "ignored"
    assert retrainer.on_event({"action": "ANNOTATION_CREATED"})["pending_annotations"] == 2
    assert retrainer.on_event({"action": "ANNOTATION_CREATED"})["status"] == "training started"
    assert _wait_idle(retrainer)["pending_annotations"] == 0


def test_retrain_bad_data_keeps_the_old_model_and_shows_the_error(tmp_path):
    retrainer, swapped = _retrainer(tmp_path, f"{FAKE}:failing")
    retrainer.on_event({"action": "START_TRAINING"})
    status = _wait_idle(retrainer)
    assert swapped == [] and current_model(tmp_path / "state") is None
    assert "training failed (exit 1)" in status["last_error"]
    assert any("bad data" in line for line in status["log_tail"])
    assert not list((tmp_path / "state" / "models").iterdir())  # the half-written model is gone


def test_retrain_killed_worker_keeps_the_old_model(tmp_path):
    retrainer, swapped = _retrainer(tmp_path, f"{FAKE}:quick", seconds=60)
    pid = retrainer.on_event({"action": "START_TRAINING"})["pid"]
    time.sleep(1.0)
    os.kill(pid, signal.SIGKILL)
    status = _wait_idle(retrainer)
    assert swapped == [] and "killed by signal 9" in status["last_error"]
    assert not (tmp_path / "state" / CURRENT_FILE).exists()
    again = retrainer.on_event({"action": "START_TRAINING"})  # the lock died with the worker
    assert again["status"] == "training started"
    retrainer.stop()
    _wait_idle(retrainer)


def test_retrain_lock_holds_across_processes(tmp_path):
    """A worker left by an earlier backend holds the lock: a new one starts nothing beside it."""
    retrainer, swapped = _retrainer(tmp_path, f"{FAKE}:quick")
    with open(tmp_path / "state" / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        retrainer.on_event({"action": "START_TRAINING"})
        status = _wait_idle(retrainer)
    assert swapped == [] and "another training held the lock" in status["last_error"]


def test_retrain_token_travels_in_the_environment_not_argv(tmp_path):
    swapped: list = []
    options = RetrainOptions(tmp_path / "state", train=f"{FAKE}:quick")
    retrainer = Retrainer(options, lambda p: p, swapped.append, connection=lambda: ("http://127.0.0.1:1", "t0ken" * 8))
    answer = retrainer.on_event({"action": "START_TRAINING"})
    cmdline = Path(f"/proc/{answer['pid']}/cmdline").read_bytes() if Path("/proc").is_dir() else b""
    _wait_idle(retrainer)
    assert b"t0ken" not in cmdline
    for job in (tmp_path / "state").glob("job-*.json"):
        assert "t0ken" not in job.read_text()


@pytest.mark.slow
def test_retrain_real_training_swaps_a_new_model_version_in(tmp_path, nlp):
    """``claimkit train`` (tiny random BERT, synthetic BRAT corpus) in the worker; the app then serves the
    new model under a new version, and its predictions validate against the config."""
    from fastapi.testclient import TestClient
    from transformers import BertConfig, BertModel

    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.config import label_config
    from claimkit.backend.app import Served, create_app
    from claimkit.backend.serve import attach_retraining
    from claimkit.backend.served import ServedSpec, load_task_predictor
    from claimkit.models.nli.model import default_base_model, load_tokenizer
    from tests.models.nli.test_model import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, "train", 8, seed=1)
    base = tmp_path / "tiny-bert"
    tokenizer = load_tokenizer(default_base_model())
    BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64)).save_pretrained(base)  # fmt: skip
    tokenizer.save_pretrained(base)
    overrides = dict(max_steps=8, learning_rate=3e-3, warmup_ratio=0.0, per_device_train_batch_size=4, logging_steps=2,
                     evals_per_epoch=1, early_stopping_patience=0, core_chars=300, context_chars=120, max_length=160,
                     bf16="no", cache_dir=str(tmp_path / "cache"), eval_split=None, check_precisions=False)  # fmt: skip
    served = Served(load_task_predictor(ServedSpec.of("rules"), nlp))
    rules_version = served.get().model_version
    options = RetrainOptions(tmp_path / "state", every=0, corpus_dir=str(corpus), base_model=str(base),
                             max_train_minutes=None, overrides=overrides)  # fmt: skip
    retrainer = attach_retraining(served, nlp, options)
    client = TestClient(create_app(served))
    assert (
        client.post("/webhook", json={"action": "START_TRAINING", "project": {}}).json()["status"] == "training started"
    )
    status = _wait_idle(retrainer, timeout=600)
    assert status["last_error"] is None, status
    health = client.get("/health").json()
    assert health["model_version"] != rules_version and health["model_version"].startswith("nli-")
    assert health["training"]["swaps"] == 1
    paragraph = "The mayor said <mark>the bridge will reopen in May</mark>."
    answer = client.post("/predict", json={"tasks": [{"id": 1, "data": {"paragraph_html": paragraph}}],
                                           "label_config": label_config(default_schema())}).json()  # fmt: skip
    assert answer["results"][0]["result"] and answer["results"][0]["model_version"] == health["model_version"]
    meta = json.loads((current_model(tmp_path / "state") / "claimkit_nli.json").read_text())
    assert meta["labels"] == list(default_schema()["attribution"].label2id)
