"""The `claimkit split` command end to end, in a subprocess as a user runs it."""

import csv
import io
import json
import subprocess
import sys

import pytest

from claimkit.annotate.output import FORMAT, FORMAT_VERSION, from_dict
from claimkit.annotate.schema import default_schema
from tests.paths import REPO

SAMPLE = REPO / "data" / "samples" / "harbor-bridge-2025-03-14.txt"


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "claimkit.cli", *args], input=stdin, capture_output=True, cwd=REPO, timeout=300
    )


@pytest.fixture(scope="module")
def sample_jsonl():
    done = run("split", str(SAMPLE))
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def test_cli_split_jsonl_is_the_documented_format(sample_jsonl):
    (record,) = sample_jsonl
    assert record["format"] == FORMAT and record["format_version"] == FORMAT_VERSION
    assert record["id"] == SAMPLE.stem and record["metadata"]["date"] == "2025-03-14"
    schema = default_schema()
    for claim in record["claims"]:
        assert {"id", "text", "spans", "sentence", "paragraph", "labels"} <= set(claim)
        assert set(claim["labels"]) == set(schema.names)
        for field in ("source", "cue"):
            assert "value" in claim["labels"][field] and "score" in claim["labels"][field]
    item = from_dict(record)
    assert len(item.claims) == len(record["claims"])


def test_cli_split_csv_has_one_column_per_field():
    done = run("split", str(SAMPLE), "--format", "csv")
    assert done.returncode == 0
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert rows and {"attribution", "attribution_score", "source_spans", "hedged"} <= set(rows[0])


def test_cli_split_table_and_stdin():
    done = run("split", "-", "--format", "table", stdin=SAMPLE.read_bytes())
    assert done.returncode == 0
    assert "Harbor Bridge" in done.stdout.decode() or "bridge" in done.stdout.decode()


def test_cli_split_writes_out_file(tmp_path):
    out = tmp_path / "claims.jsonl"
    done = run("split", str(SAMPLE), "--granularity", "proposition", "-o", str(out))
    assert done.returncode == 0 and out.exists()
    assert not (tmp_path / "claims.jsonl.partial").exists()


@pytest.mark.parametrize(
    ("content", "needle"), [(b"", "empty"), (b"\x00\x01binary", "binary"), (b"<html><body>x</body></html>", "HTML")]
)
def test_cli_split_bad_input_is_one_line_exit_2(tmp_path, content, needle):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    done = run("split", str(bad))
    err = done.stderr.decode()
    assert done.returncode == 2
    assert needle in err and str(bad) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_split_unknown_predictor_is_clear():
    done = run("split", str(SAMPLE), "--predictor", "/no/such/model")
    assert done.returncode == 2 and "not 'rules' and not a model directory" in done.stderr.decode()
