"""``scripts/bench_active_learning.py`` on a small synthetic BRAT corpus (pairs built by the training code)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.models.nli.test_model import write_corpus
from tests.paths import REPO

SCRIPT = REPO / "scripts" / "bench_active_learning.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_active_learning", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.fixture(scope="module")
def pairs_dir(tmp_path_factory, nlp):
    from claimkit.models.nli.data import build_brat_dataset

    root = tmp_path_factory.mktemp("al")
    write_corpus(root / "corpus", "train", 12, seed=1)
    write_corpus(root / "corpus", "dev", 4, seed=2)
    dsd = build_brat_dataset(root / "corpus", nlp, eval_splits=("dev",), validation_fraction=0.2)
    dsd.save_to_disk(str(root / "pairs"))
    return root / "pairs"


def test_bench_active_learning_writes_curves_json_and_plot(pairs_dir, tmp_path, capsys):
    bench = _bench()
    out = tmp_path / "al.json"
    args = ["--pairs", str(pairs_dir), "--start", "20", "--step", "20", "--rounds", "3", "--seeds", "1", "2",
            "--out", str(out)]  # fmt: skip
    result = bench.main(args)
    assert json.loads(out.read_text()) == result == json.loads(capsys.readouterr().out)
    summary = result["summary"]
    for strategy in ("uncertainty", "random"):
        assert summary[strategy]["labelled"] == [20, 40, 60, 80]
        assert all(0.0 <= f <= 1.0 for f in summary[strategy]["macro_f1_mean"])
        assert len(result["curves"][strategy]) == 2
    # both strategies start from the same labelled claims, so their first points agree
    assert summary["uncertainty"]["macro_f1_mean"][0] == summary["random"]["macro_f1_mean"][0]
    assert result["proxy_learner"]["learner"] == "tfidf" and len(result["load_average_before"]) == 3
    assert (tmp_path / "al.png").stat().st_size > 10_000


def test_bench_active_learning_reach_interpolates_between_rounds():
    bench = _bench()
    curve = [(200, 0.60), (400, 0.70), (600, 0.80)]
    assert bench.claims_to_reach(curve, 0.75) == pytest.approx(500)
    assert bench.claims_to_reach(curve, 0.5) == 200 and bench.claims_to_reach(curve, 0.9) is None


def test_bench_active_learning_marks_the_claim_in_its_sentence():
    bench = _bench()
    premise = "First one. “Taxes are too high,” the mayor said. Last one."
    start = premise.index("Taxes")
    claim, context = bench.sentence_of(premise, [[start, start + len("Taxes are too high")]])
    assert claim == "Taxes are too high"
    assert context == "“ claimslot ,” the mayor said."
    assert bench.least_confidence(__import__("numpy").array([0.5, 1.0, 0.25])).tolist() == [1.0, 0.0, 0.5]


@pytest.mark.slow
def test_bench_active_learning_minilm_proxy_caches_its_embeddings(pairs_dir, tmp_path, capsys):
    bench = _bench()
    args = ["--pairs", str(pairs_dir), "--learner", "minilm", "--cache-dir", str(tmp_path / "cache"), "--start", "20",
            "--step", "20", "--rounds", "1", "--seeds", "1", "--out", str(tmp_path / "al.json")]  # fmt: skip
    first = bench.main(args)
    (cached,) = (tmp_path / "cache").glob("al-minilm-*.npy")
    again = bench.main(args)
    capsys.readouterr()
    assert first["proxy_learner"]["learner"] == "minilm" and first["proxy_learner"]["embeddings_cache"] == str(cached)
    assert again["summary"]["uncertainty"] == first["summary"]["uncertainty"]
