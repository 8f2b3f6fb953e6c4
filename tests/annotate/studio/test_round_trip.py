"""Against a real Label Studio (session fixture in studio_server_fixture.py): push, annotate, pull, recover."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from claimkit.annotate.annotations import to_dataframe
from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.client import Connection, Studio, connect
from claimkit.annotate.studio.pull import pull
from claimkit.annotate.studio.push import push
from claimkit.annotate.studio.tasks import task_data, view_of
from claimkit.annotate.types import Span, merge_spans
from tests.paths import REPO

pytestmark = pytest.mark.studio
SCHEMA = default_schema()


def _seed_items(nlp, seed_path):
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    predictor = load_predictor("rules", nlp)
    return list(split_and_label(load_articles([seed_path]), nlp, "clause", predictor)), predictor.model_version


def _user(studio: Studio, email: str) -> int:
    for user in studio.client.users.list():
        if user.email == email:
            return int(user.id)
    return int(studio.client.users.create(email=email, username=email.split("@")[0]).id)


def _region(data: dict, control: str, words: str, region_id: str) -> list[dict]:
    """The result items the editor saves when an annotator marks ``words`` in the paragraph."""
    view = view_of(data)
    start = view.text.index(words)
    value = view.region_value(Span(start, start + len(words)))
    return [{"id": region_id, "from_name": control, "to_name": "paragraph", "type": "hypertextlabels",
             "value": {**value, "hypertextlabels": [control]}, "origin": "manual"}]  # fmt: skip


def _choice(name: str, value: str) -> dict:
    return {
        "from_name": name,
        "to_name": "paragraph",
        "type": "choices",
        "value": {"choices": [value]},
        "origin": "manual",
    }


CLI = [sys.executable, "-m", "claimkit.cli"]


def _cli_env(home: Path) -> dict[str, str]:
    """The test's environment without Label Studio settings, pointing claimkit at the session server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    return {**env, "CLAIMKIT_HOME": str(home)}


def _cli(args: list[str], home: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=_cli_env(home), timeout=timeout, cwd=REPO)


def test_studio_round_trip_seed_article(studio_conn, nlp, seed_path):
    items, version = _seed_items(nlp, seed_path)
    (item,) = items
    report = push(studio_conn, "seed round trip", items, SCHEMA, model_version=version)
    assert report.tasks_created == len(item.claims) == report.predictions_added

    studio = connect(studio_conn)
    project = studio.project("seed round trip")
    tasks = studio.claim_tasks(project.id)
    assert sorted(tasks) == sorted(c.id for c in item.claims)

    def claim_with(words: str):
        return next(c for c in item.claims if words in c.text)

    regulator = claim_with("rules-based")  # "the regulator says" in its paragraph
    mexico = claim_with("Journalists in Mexico")
    broken = item.claims[-1]
    skipped = claim_with("NSO Pegasus spyware")
    ann1, ann2 = _user(studio, "ann1@claimkit.test"), _user(studio, "ann2@claimkit.test")
    d_reg, d_mex = task_data(item, regulator), task_data(item, mexico)
    answers = {
        (regulator.id, ann1): [
            *_region(d_reg, "source", "the regulator", "r1"),
            *_region(d_reg, "cue", "says", "r2"),
            _choice("attribution", "attributed"),
            _choice("source_type", "government"),
            _choice("hedged", "no"),
            _choice("status", "not_addressed"),
        ],  # fmt: skip
        (regulator.id, ann2): [_choice("attribution", "asserted")],
        (mexico.id, ann1): [
            *_region(d_mex, "cue", "reportedly", "m1"),
            *_region(d_mex, "hedged_evidence", "reportedly", "m2"),
            _choice("attribution", "attributed"),
            _choice("hedged", "yes"),
            _choice("status", "undisputed"),
        ],  # fmt: skip
        (broken.id, ann2): [_choice("not_a_claim", "not_a_claim")],
    }
    for (claim_id, user), result in answers.items():
        studio.client.annotations.create(id=tasks[claim_id][0][0], result=result, completed_by=user, lead_time=7.5)
    studio.client.annotations.create(id=tasks[skipped.id][0][0], result=[], was_cancelled=True, completed_by=ann1)

    pulled = pull(studio_conn, "seed round trip", SCHEMA)
    df = to_dataframe(pulled, SCHEMA)
    assert len(df) == len(answers)
    text = item.article.text
    row = df[(df.claim_id == regulator.id) & (df.annotator == "ann1@claimkit.test")].iloc[0]
    assert row.attribution == "attributed" and row.hedged == "no" and row.status == "not_addressed"
    assert row.source == ["the regulator"] and row.source_type == "government" and row.cue == ["says"]
    (s, e) = row.source_spans[0]
    assert text[s:e] == "the regulator"
    assert text[row.cue_spans[0][0] : row.cue_spans[0][1]] == "says"
    assert row.claim_spans == [[sp.start, sp.end] for sp in regulator.spans] and row.article_id == item.article.id
    assert row.lead_time == 7.5 and not row.not_a_claim and row.created_at.year >= 2024
    other = df[(df.claim_id == regulator.id) & (df.annotator == "ann2@claimkit.test")].iloc[0]
    assert other.attribution == "asserted" and other.source == [] and pd.isna(other.source_type)
    row = df[df.claim_id == mexico.id].iloc[0]
    assert row.hedged == "yes" and text[row.hedged_spans[0][0] : row.hedged_spans[0][1]] == "reportedly"
    assert row.status == "undisputed" and row.source == []
    assert bool(df[df.claim_id == broken.id].iloc[0].not_a_claim)
    assert [(c.claim_id, who) for c, who in pulled.skipped] == [(skipped.id, "ann1@claimkit.test")]
    annotated = {regulator.id, mexico.id, broken.id, skipped.id}
    assert {c.claim_id for c in pulled.unannotated} == {c.id for c in item.claims} - annotated
    assert pulled.offset_mismatches == 0

    # re-push: nothing new; a new predictor version adds predictions and leaves annotations alone
    again = push(studio_conn, "seed round trip", items, SCHEMA, model_version=version)
    assert (again.tasks_created, again.predictions_added, again.predictions_existing) == (0, 0, len(item.claims))
    newer = push(studio_conn, "seed round trip", items, SCHEMA, model_version=version + "-next")
    assert (newer.tasks_created, newer.predictions_added) == (0, len(item.claims))
    after = pull(studio_conn, "seed round trip", SCHEMA)
    assert after.records == pulled.records
    versions = [p.model_version for p in studio.client.predictions.list(project=project.id)]
    assert sorted(set(versions)) == sorted({version, version + "-next"}) and len(versions) == 2 * len(item.claims)


def test_studio_push_repairs_a_batch_committed_behind_its_back(studio_conn, nlp, seed_path):
    items, version = _seed_items(nlp, seed_path)
    (item,) = items
    title = "unacknowledged batch"
    studio = connect(studio_conn)
    project, _ = studio.ensure_project(title, SCHEMA)
    # What a push killed after sending leaves: tasks the server committed, twice for one claim,
    # one copy already annotated by someone.
    stray = [{"data": task_data(item, c)} for c in item.claims[:5]] + [{"data": task_data(item, item.claims[0])}]
    ids = studio.client.projects.import_tasks(id=project.id, request=stray, return_task_ids=True).task_ids
    studio.client.annotations.create(id=ids[-1], result=[_choice("attribution", "asserted")])
    report = push(studio_conn, title, items, SCHEMA, model_version=version)
    assert report.duplicates_removed == 1 and report.tasks_existing == 5
    assert report.tasks_created == len(item.claims) - 5 and report.predictions_added == len(item.claims)
    tasks = studio.claim_tasks(project.id)
    assert sorted(tasks) == sorted(c.id for c in item.claims) and all(len(v) == 1 for v in tasks.values())
    assert tasks[item.claims[0].id] == [(ids[-1], 1)]  # the annotated copy is the one kept
    assert len(pull(studio_conn, title, SCHEMA).records) == 1


def test_studio_push_killed_midway_completes_on_rerun(studio_conn, studio_home, seed_path, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    text = seed_path.read_text(encoding="utf-8")
    for i in range(12):
        (articles / f"seed-copy-{i:02d}.txt").write_text(text, encoding="utf-8")
    title = "killed push"
    args = ["push", str(articles), "--project", title, "--batch-size", "10"]
    proc = subprocess.Popen(
        [*CLI, *args], env=_cli_env(studio_home), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    studio = connect(studio_conn)
    deadline = time.monotonic() + 300
    killed_at = 0
    while time.monotonic() < deadline and proc.poll() is None:
        project = studio.find_project(title)
        killed_at = studio.task_count(project.id) if project else 0
        if killed_at > 0:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the push finished before it could be killed"
    done = _cli(args, studio_home)
    assert done.returncode == 0, done.stderr
    project = studio.project(title)
    tasks = studio.claim_tasks(project.id)
    assert all(len(v) == 1 for v in tasks.values())
    total = sum(len(v) for v in tasks.values())
    assert killed_at < total and total % 12 == 0  # every copy of the article, each claim once
    predictions = studio.client.predictions.list(project=project.id)
    assert sorted(p.task for p in predictions) == sorted(t[0][0] for t in tasks.values())


def test_studio_errors_are_clear_and_fast(studio_conn, studio_home, tmp_path):
    from claimkit.annotate.studio.server import free_port

    cases = [
        (lambda: connect(Connection(studio_conn.url, "0" * 40)), "rejected the API key"),
        (
            lambda: connect(Connection(f"http://127.0.0.1:{free_port()}", studio_conn.api_key)),
            "cannot reach Label Studio",
        ),
        (lambda: pull(studio_conn, "no such project", SCHEMA), "no Label Studio project named 'no such project'"),
    ]
    for action, message in cases:
        started = time.monotonic()
        with pytest.raises(StudioError, match=message) as info:
            action()
        assert time.monotonic() - started < 5
        assert studio_conn.api_key not in str(info.value)
    out = _cli(["pull", "--project", "no such project", "--out", str(tmp_path / "x")], studio_home)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and out.stderr.startswith("claimkit: error: no Label Studio project")


def test_studio_personal_access_token_works(studio_conn):
    token = connect(studio_conn).client.tokens.create().token
    assert token.count(".") == 2  # a JWT refresh token: the SDK exchanges it for access tokens
    assert connect(Connection(studio_conn.url, token)).check() == connect(studio_conn).check()


def test_studio_token_never_in_output_or_logs(studio_home, studio_state, tmp_path):
    secrets = (studio_state.api_key, studio_state.password)
    runs = [
        _cli(["studio", "status"], studio_home),
        _cli(["push", str(REPO / "data" / "samples"), "--project", "token check"], studio_home),
        _cli(["pull", "--project", "token check", "--out", str(tmp_path / "pulled")], studio_home),
        _cli(["pull", "--project", "token check", "--out", str(tmp_path / "x"), "--api-key", "wrong" * 8], studio_home),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0, 2]
    logs = (studio_home / "label-studio.log").read_text(encoding="utf-8", errors="replace")
    for text in [r.stdout + r.stderr for r in runs] + [logs]:
        for secret in secrets:
            assert secret not in text
    shown = _cli(["studio", "credentials"], studio_home)
    assert studio_state.api_key in shown.stdout  # the one place it is shown, on request


def test_studio_server_lifecycle_and_scrubbed_env(studio_cache, tmp_path, monkeypatch):
    from claimkit.annotate.studio import server as studio_server
    from tests.studio_server_fixture import copy_home

    home = copy_home(studio_cache, tmp_path / "home")
    busy = studio_server.free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", busy))
        blocker.listen()
        with pytest.raises(StudioError, match=f"port {busy} is busy"):
            studio_server.start(home=home, port=busy)
    # Label Studio reads un-prefixed USERNAME / PORT / HOST: they must not reach it
    monkeypatch.setenv("USERNAME", "intruder@example.org")
    monkeypatch.setenv("PORT", str(busy))
    monkeypatch.setenv("HOST", "http://example.org")
    port = studio_server.free_port()
    try:
        state = studio_server.start(home=home, port=port)
        assert state.url == f"http://127.0.0.1:{port}" and studio_server.status(home).running
        assert studio_server.start(home=home).pid == state.pid  # already running: same server
        assert connect(Connection(state.url, state.api_key)).check() == state.username
        assert (home / "studio.json").stat().st_mode & 0o777 == 0o600
    finally:
        assert studio_server.stop(home=home)
    assert not studio_server.status(home).running and not studio_server.stop(home=home)


@pytest.mark.corpus
def test_studio_import_brat_as_annotations_round_trips_gold(studio_conn, studio_home, polnear_dir, nlp):
    from itertools import islice

    from claimkit.annotate.corpora.brat import read_brat_corpus
    from claimkit.annotate.corpora.brat_claims import brat_split_articles

    out = _cli(["import-brat", str(polnear_dir), "--split", "dev", "--limit", "2", "--project", "polnear gold",
                "--as", "annotations"], studio_home)  # fmt: skip
    assert out.returncode == 0, out.stderr
    items = list(brat_split_articles(islice(read_brat_corpus(polnear_dir, "dev"), 2), nlp, SCHEMA))
    df = to_dataframe(pull(studio_conn, "polnear gold", SCHEMA), SCHEMA).set_index("claim_id")
    claims = [c for item in items for c in item.claims]
    assert len(df) == len(claims)
    for item in items:
        for claim in item.claims:
            row = df.loc[claim.id]
            assert row.attribution == claim.labels["attribution"].value
            para = item.paragraphs[claim.paragraph]
            inside = [s for s in claim.labels["source"].spans if para.start <= s.start and s.end <= para.end]
            assert row.source_spans == [[s.start, s.end] for s in merge_spans(inside)]
    again = _cli(["import-brat", str(polnear_dir), "--split", "dev", "--limit", "2", "--project", "polnear gold",
                  "--as", "annotations"], studio_home)  # fmt: skip
    assert again.returncode == 0 and len(pull(studio_conn, "polnear gold", SCHEMA).records) == len(claims)


def test_studio_push_without_predictor_sends_no_predictions(studio_conn, nlp, seed_path):
    items, _ = _seed_items(nlp, seed_path)
    report = push(studio_conn, "no predictions", items, SCHEMA, model_version=None)
    assert report.predictions_added == 0 and report.tasks_created == len(items[0].claims)
    project = connect(studio_conn).project("no predictions")
    assert connect(studio_conn).client.predictions.list(project=project.id) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.tasks_created = 0  # type: ignore[misc]


def test_studio_push_refuses_a_project_claimkit_did_not_make(studio_conn, nlp, seed_path):
    items, version = _seed_items(nlp, seed_path)
    studio = connect(studio_conn)
    config = (
        '<View><Text name="text" value="$text"/><Choices name="x" toName="text"><Choice value="a"/></Choices></View>'
    )
    studio.client.projects.create(title="someone else's", label_config=config)
    with pytest.raises(StudioError, match="not made by claimkit"):
        push(studio_conn, "someone else's", items, SCHEMA, model_version=version)
    assert studio.project("someone else's").label_config == config
