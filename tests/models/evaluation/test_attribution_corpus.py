"""``claimkit eval attribution`` end to end on a handful of PolNeAR articles (skipped without the corpus)."""

import json
import sys

import pytest

from claimkit.cli import main

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def report(polnear_dir, nlp, tmp_path_factory):
    from claimkit.models.evaluation.attribution import evaluate_attribution
    from claimkit.models.predictor_spec import load_predictor

    return evaluate_attribution(
        polnear_dir,
        "dev",
        {"rules": load_predictor("rules", nlp)},
        nlp,
        limit=3,
        train_limit=4,
        cache_dir=tmp_path_factory.mktemp("cache"),
        keep_predictions=True,
    )


def test_evaluate_corpus_scores_every_system_on_the_same_claims(report):
    corpus = report["corpus"]
    assert corpus["articles"] == 3 and corpus["claims"] > 0
    assert set(report["systems"]) == {"rules", "majority", "tfidf_logreg"}
    for name, system in report["systems"].items():
        assert 0.0 <= system["claim_macro_f1"] <= 1.0, name
        assert system["claim"]["n"] == corpus["claims"], name
    gold_chars = {s["char"]["tp"] + s["char"]["fn"] for s in report["systems"].values()}
    assert len(gold_chars) == 1  # the same gold Content characters for everyone
    assert report["train"]["articles"] == 4 and report["train"]["cache_hit"] is False
    assert len(report["predictions"]) == corpus["claims"]
    assert report["primary_metric"] == "claim_macro_f1" and report["greater_is_better"] is True
    assert report["systems"]["tfidf_logreg"]["kind"] == "baseline"
    json.dumps(report)  # serialisable as is


def test_evaluate_corpus_publishers_from_metadata(report):
    assert len(report["corpus"]["publishers"]) == 3  # evenly spaced articles: three publishers
    assert set(report["systems"]["rules"]["by_publisher"]) == set(report["corpus"]["publishers"])


def test_evaluate_corpus_train_claims_come_from_the_cache(polnear_dir, nlp, tmp_path):
    from claimkit.annotate.corpora.brat import read_brat_corpus
    from claimkit.annotate.corpora.brat_claims import load_split_articles, select_articles

    docs = select_articles(list(read_brat_corpus(polnear_dir, "train")), 2)
    first, info = load_split_articles(docs, "train", nlp, cache_dir=tmp_path)
    second, again = load_split_articles(docs, "train", nlp, cache_dir=tmp_path)
    assert (info["cache_hit"], again["cache_hit"]) == (False, True)
    assert [i.claims for i in first] == [i.claims for i in second]


def test_evaluate_corpus_cli_writes_the_report(polnear_dir, nlp, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    argv = [
        "claimkit",
        "eval",
        "attribution",
        "--polnear",
        str(polnear_dir),
        "--limit",
        "2",
        "--no-baselines",
        "--out",
        str(out),
    ]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code in (0, None)
    printed = json.loads(capsys.readouterr().out)
    assert list(printed["systems"]) == ["rules"] and "predictions" not in printed
    assert {"report.json", "report.md", "pr-curve.png", "confusion-rules.png", "predictions.jsonl"} <= {
        p.name for p in out.iterdir()
    }


def test_evaluate_corpus_cli_bad_split_is_one_line_exit_2(polnear_dir, nlp, tmp_path, monkeypatch, capsys):
    argv = ["claimkit", "eval", "attribution", "--polnear", str(polnear_dir), "--split", "nope", "--out", str(tmp_path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("claimkit: error:") and "nope" in err and "\n" not in err
