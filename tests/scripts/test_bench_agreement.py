"""``scripts/bench_agreement.py`` on PolNeAR's annotator-training articles (skipped without the corpus)."""

import importlib.util
import json

import pytest

from tests.paths import REPO

pytestmark = pytest.mark.corpus

SCRIPT = REPO / "scripts" / "bench_agreement.py"


def test_bench_agreement_scores_annotator_pairs_and_predictors(polnear_dir, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_agreement", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "agreement.json"
    result = bench.main(["--corpus", str(polnear_dir), "--predictor", "rules", "--out", str(out)])
    assert json.loads(out.read_text()) == result == json.loads(capsys.readouterr().out)
    assert result["articles"] == 4 and result["claims"] > 0
    assert len(result["annotators"]["names"]) == 6 and len(result["annotators"]["pairs"]) == 15
    for block in (result["annotators"], result["annotator_vs_others"], result["predictors"]["rules"]):
        for metric in ("claim_macro_f1", "content_char_f1"):
            assert 0.5 < block[metric]["min"] <= block[metric]["mean"] <= block[metric]["max"] <= 1.0
    assert result["predictors"]["rules"]["marks_content"] is False
