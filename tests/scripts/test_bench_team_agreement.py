"""``scripts/bench_team_agreement.py``: PolNeAR's six annotators through a real server, pulled and scored."""

import importlib.util
import json

import pytest

from tests.paths import REPO

pytestmark = [pytest.mark.studio, pytest.mark.corpus]

SCRIPT = REPO / "scripts" / "bench_team_agreement.py"


def test_team_agreement_on_polnear_matches_bench_agreement(polnear_dir, studio_state, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_team_agreement", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    key = tmp_path / "key"
    key.write_text(studio_state.api_key)
    out = tmp_path / "team.json"
    argv = ["--corpus", str(polnear_dir), "--limit", "1", "--bootstrap", "200", "--url", studio_state.url,
            "--api-key-file", str(key), "--out", str(out), "--project", "polnear team test"]  # fmt: skip
    result = bench.main(argv)
    assert json.loads(out.read_text()) == result == json.loads(capsys.readouterr().out)
    assert result["articles"] == 1 and result["annotators"] == 6
    assert result["annotations_pulled"] == 6 * result["claims"] > 0
    assert result["consistent"] is True
    agreement = result["agreement"]
    assert 0.0 < agreement["attribution_alpha"] <= 1.0
    assert agreement["attribution_macro_f1_mean"] == result["reference"]["bench_agreement_claim_macro_f1_mean"]
    assert 0.0 <= agreement["source_exact_f1"] <= agreement["source_overlap_f1"] <= 1.0
    # A second run starts clean (the project is replaced, not doubled).
    assert bench.main(argv)["annotations_pulled"] == result["annotations_pulled"]
