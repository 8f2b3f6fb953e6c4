"""The `claimkit split` command end to end, in a subprocess as a user runs it."""

import csv
import io
import json
import os
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


def _one_line_error(done) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_cli_split_out_to_an_existing_folder_is_one_line_and_leaves_nothing(tmp_path):
    err = _one_line_error(run("split", str(SAMPLE), "-o", str(tmp_path)))
    assert "is a directory" in err and str(tmp_path) in err
    assert list(tmp_path.iterdir()) == []  # no *.partial left behind


def test_cli_split_same_stem_in_two_folders_names_both(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_bytes(SAMPLE.read_bytes())
    done = run("split", str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"))
    err = _one_line_error(done)
    assert str(tmp_path / "a" / "x.txt") in err and str(tmp_path / "b" / "x.txt") in err
    assert done.stdout == b""


def test_cli_split_csv_duplicate_id_writes_no_header(tmp_path):
    path = tmp_path / "news.jsonl"
    record = {"id": "same", "text": SAMPLE.read_text(encoding="utf-8")}
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    done = run("split", str(path), "--format", "csv")
    assert "duplicate article id 'same'" in _one_line_error(done)
    assert done.stdout == b""


def test_cli_pull_out_to_an_existing_file_is_one_line(tmp_path):
    existing = tmp_path / "annotations.csv"
    existing.write_text("x\n", encoding="utf-8")
    err = _one_line_error(run("pull", "--project", "p", "--out", str(existing)))
    assert "not a folder" in err and str(existing) in err


def test_cli_api_key_option_warns_and_is_never_echoed(tmp_path):
    from claimkit.annotate.studio.server import free_port

    token = "tok" + "9" * 37
    done = subprocess.run(
        [sys.executable, "-m", "claimkit.cli", "pull", "--project", "p", "--out", str(tmp_path / "x"),
         "--url", f"http://127.0.0.1:{free_port()}", "--api-key", token],
        capture_output=True, cwd=REPO, timeout=120, env={**os.environ, "CLAIMKIT_HOME": str(tmp_path / "home")},
    )  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err and token not in err + done.stdout.decode()
    warning, error = err.strip().splitlines()
    assert "warning: --api-key" in warning and "--api-key-file" in warning
    assert error.startswith("claimkit: error: cannot reach Label Studio")


def _help(*command: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "claimkit.cli", *command, "--help"], capture_output=True, text=True, cwd=REPO,
        timeout=120, env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_help_says_what_the_commands_do():
    assert "created when missing" not in _help("pull") and "created when missing" in _help("push")
    for command in (("split",), ("push",), ("eval", "attribution")):
        assert "--threads" in _help(*command)
    train = _help("train")
    assert "--corpus-dir" in train and "--output-dir" in train and "--corpus_dir" not in train
    assert "(default: None)" not in train
    assert "--no-calibrate" in train and "Skip fitting the softmax temperature" in train
    attribution = _help("eval", "attribution")
    assert "--no-baselines" in attribution and "Skip the majority and TF-IDF baselines" in attribution


def test_cli_readme_examples_use_flags_the_commands_have():
    """Every flag in README's command examples exists in that command's --help (README and --help agree)."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(
        r"^claimkit ((?:eval |studio )?(?:split|push|pull|train|import-brat|attribution|start|credentials))\b(.*)$",
        readme,
        flags=re.MULTILINE,
    )
    assert len(commands) >= 8
    helps: dict[str, str] = {}
    for command, rest in commands:
        text = helps.setdefault(command, _help(*command.split()))
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest.split("#")[0]):
            assert flag in text, f"README's `claimkit {command}` uses {flag}, which `--help` does not list"
    assert "first-line" in helps["split"] and "--title first-line|none" in readme


def test_cli_missing_corpus_is_one_line_naming_where_to_get_it(tmp_path):
    err = _one_line_error(run("eval", "split", "--propsegment", str(tmp_path / "nowhere")))
    assert "github.com/google-research-datasets/PropSegmEnt" in err


def test_cli_train_takes_kebab_flags_and_a_saved_config(tmp_path, monkeypatch):
    """`claimkit train` builds the same TrainConfig as scripts/train_nli.py; --config repeats a run, flags override."""
    from typer.testing import CliRunner

    import claimkit.models.nli.train as train_module
    from claimkit.cli import app
    from claimkit.models.nli.train import TrainConfig, TrainResult, parse_args

    seen: list[TrainConfig] = []
    monkeypatch.setattr(train_module, "train", lambda config, compare: seen.append(config) or TrainResult("x", {}))
    runner = CliRunner()
    flags = ["--corpus-dir", "c", "--output-dir", "o", "--no-calibrate", "--max-steps", "3", "--threads", "1"]
    assert runner.invoke(app, ["train", *flags]).exit_code == 0
    assert seen[-1] == parse_args(["--corpus_dir", "c", "--output_dir", "o", "--calibrate", "false",
                                   "--max_steps", "3", "--threads", "1"])  # fmt: skip
    saved = tmp_path / "train_config.json"
    saved.write_text(json.dumps(seen[-1].to_dict()), encoding="utf-8")
    assert runner.invoke(app, ["train", "--config", str(saved), "--max-steps", "5"]).exit_code == 0
    assert seen[-1].max_steps == 5 and seen[-1].calibrate is False and seen[-1].corpus_dir == "c"
    saved.write_text('{"output_dir": "o", ', encoding="utf-8")
    broken = runner.invoke(app, ["train", "--config", str(saved)])
    assert broken.exit_code == 1 and "not valid JSON" in str(broken.exception)
