"""`claimkit split` at corpus scale, in subprocesses as a user runs it: workers, kill -9 and resume, Parquet,
bad records, and the Ray engine (a real local Ray instance)."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.models.nli import test_model as nli
from tests.paths import REPO, SAMPLES

corpus, tiny_base, model_dir = nli.corpus, nli.tiny_base, nli.model_dir  # the tiny trained model's fixtures

SAMPLE = SAMPLES / "harbor-bridge-2025-03-14.txt"


def _cmd(*args):
    return [sys.executable, "-m", "claimkit.cli", "split", *args]


def run(*args, env=None):
    return subprocess.run(_cmd(*args), capture_output=True, cwd=REPO, timeout=600, env=env)


def _records(n: int) -> list[dict]:
    """``n`` short articles, each different (a paragraph of the sample plus a numbered sentence)."""
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n")[2:] if p.strip()]
    return [
        {"id": f"art-{i:04d}", "text": f"{paragraphs[i % len(paragraphs)]} Officials said item {i} was late.\n",
         "outlet": "x"}
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    records = _records(40)  # two batches: --workers 2 starts a pool
    (folder / "news.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records), folder / "news.parquet", row_group_size=5)
    return folder


@pytest.fixture(scope="module")
def one_worker(news):
    done = run(str(news / "news.jsonl"), "--workers", "1")
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_split_workers_change_nothing_in_the_output(news, one_worker):
    two = run(str(news / "news.jsonl"), "--workers", "2")
    assert two.returncode == 0, two.stderr.decode()
    assert two.stdout == one_worker
    assert [json.loads(line)["id"] for line in one_worker.decode().splitlines()] == [f"art-{i:04d}" for i in range(40)]


def test_split_parquet_input_and_output_match_jsonl_and_csv(news, one_worker, tmp_path):
    from_parquet = run(str(news / "news.parquet"), "--workers", "1")
    assert from_parquet.stdout == one_worker, "a Parquet row is read exactly as the same JSONL record"

    out = tmp_path / "claims.parquet"
    done = run(str(news / "news.parquet"), "--workers", "2", "--format", "parquet", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    csv_done = run(str(news / "news.jsonl"), "--workers", "1", "--format", "csv")
    import csv
    import io

    csv_rows = list(csv.DictReader(io.StringIO(csv_done.stdout.decode())))
    table = pq.read_table(out)
    assert table.column_names == list(csv_rows[0].keys())
    assert table.column("claim_id").to_pylist() == [r["claim_id"] for r in csv_rows]
    assert table.column("claim_text").to_pylist() == [r["claim_text"] for r in csv_rows]
    assert [str(v) for v in table.column("sentence").to_pylist()] == [r["sentence"] for r in csv_rows]
    assert not list(tmp_path.glob("*.partial*"))


def test_split_model_predictor_in_workers_changes_nothing(news, model_dir):
    """Each worker loads the model once (and its own precision choice); batches are the same in every engine."""
    one = run(str(news / "news.jsonl"), "--workers", "1", "--predictor", str(model_dir))
    two = run(str(news / "news.jsonl"), "--workers", "2", "--predictor", str(model_dir))
    assert one.returncode == 0 and two.returncode == 0, (one.stderr + two.stderr).decode()[-3000:]
    assert one.stdout == two.stdout
    assert all("attribution" in c["labels"] for line in one.stdout.decode().splitlines()
               for c in json.loads(line)["claims"])  # fmt: skip


def test_split_parquet_output_needs_a_file(news):
    done = run(str(news / "news.jsonl"), "--format", "parquet")
    err = done.stderr.decode()
    assert done.returncode == 2 and "give -o FILE" in err and len(err.strip().splitlines()) == 1


def test_split_killed_with_sigkill_resumes_to_the_uninterrupted_bytes(tmp_path):
    source = tmp_path / "big.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _records(192)), encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    assert run(str(source), "--workers", "2", "-o", str(whole)).returncode == 0

    out = tmp_path / "claims.jsonl"
    progress = tmp_path / "claims.jsonl.partial.progress"
    proc = subprocess.Popen(
        _cmd(str(source), "--workers", "1", "-o", str(out)),
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        # header line + the header's checkpoint + at least one batch of articles
        while not (progress.exists() and len(progress.read_text(encoding="utf-8").splitlines()) >= 3):
            assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert not out.exists(), "killed before the end: only the partial output exists"
    written = len(progress.read_text(encoding="utf-8").splitlines()) - 2
    assert written >= 1

    again = run(str(source), "--workers", "1", "-o", str(out))
    assert again.returncode == 0, again.stderr.decode()
    assert out.read_bytes() == whole.read_bytes()
    assert not list(tmp_path.glob("claims.jsonl.partial*"))


def test_split_resume_refuses_an_input_that_changed():
    from claimkit.annotate.errors import InputError
    from claimkit.annotate.types import Article
    from claimkit.commands.split import _skip_done

    a, b, c = (Article(x, f"Text {x}.") for x in "abc")
    items = [(a, "da"), (b, "db"), (c, "dc")]
    assert list(_skip_done(iter(items), {"a": "da", "b": "db"})) == [(c, "dc")]
    with pytest.raises(InputError, match="'a' changed since the interrupted run"):
        list(_skip_done(iter(items), {"a": "old"}))
    with pytest.raises(InputError, match="'a' is new"):
        list(_skip_done(iter(items), {"b": "db"}))
    with pytest.raises(InputError, match="lost articles"):
        list(_skip_done(iter(items[:1]), {"a": "da", "z": "dz"}))


def test_split_skip_bad_writes_a_side_file_and_goes_on(tmp_path):
    source = tmp_path / "news.jsonl"
    good = _records(2)
    source.write_text(
        json.dumps(good[0]) + "\n" + '{"id": "broken", "text": \n' + json.dumps({"id": "empty", "text": " "}) + "\n"
        + json.dumps(good[1]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "claims.jsonl"
    stopped = run(str(source), "--workers", "1", "-o", str(out))
    err = stopped.stderr.decode()
    assert stopped.returncode == 2 and "news.jsonl:2: not valid JSON" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [source], "stopped before any output"

    done = run(str(source), "--workers", "1", "-o", str(out), "--skip-bad")
    assert done.returncode == 0, done.stderr.decode()
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        good[0]["id"],
        good[1]["id"],
    ]
    bad = [json.loads(line) for line in (tmp_path / "claims.jsonl.bad.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [b["where"].rsplit(":", 1)[1] for b in bad] == ["2", "3"]
    assert "not valid JSON" in bad[0]["error"] and bad[0]["record"] == '{"id": "broken", "text": '
    assert "empty article" in bad[1]["error"]
    assert "2 malformed record(s) skipped" in done.stderr.decode()


@pytest.mark.slow
def test_split_ray_engine_gives_the_local_pool_bytes(news, one_worker, tmp_path):
    pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'claimkit[ray]'")
    with tempfile.TemporaryDirectory(prefix="ray", dir="/tmp") as ray_tmp:  # short: Ray's socket paths have a limit
        env = {**os.environ, "HOME": str(tmp_path / "home"), "RAY_TMPDIR": ray_tmp}
        out = tmp_path / "claims.jsonl"
        done = run(str(news / "news.parquet"), "--engine", "ray", "--workers", "2", "-o", str(out), env=env)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        assert out.read_bytes() == one_worker
        csv_out = tmp_path / "claims.parquet"
        done = run(str(news / "news.jsonl"), "--engine", "ray", "--workers", "2", "--format", "parquet", "-o",
                   str(csv_out), env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        local = tmp_path / "local.parquet"
        assert run(str(news / "news.jsonl"), "--workers", "1", "--format", "parquet", "-o", str(local)).returncode == 0
        assert csv_out.read_bytes() == local.read_bytes()
