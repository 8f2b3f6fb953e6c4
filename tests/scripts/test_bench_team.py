"""``scripts/bench_team.py`` at a small size: it runs and reports both timings with their baselines."""

import importlib.util

from tests.paths import REPO

SCRIPT = REPO / "scripts" / "bench_team.py"


def test_bench_team_reports_agreement_and_adjudication(capsys):
    spec = importlib.util.spec_from_file_location("bench_team", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--annotations", "300", "--claims", "200", "--bootstrap", "50"])
    assert result["agreement"]["annotations"] == 300 and result["agreement"]["claims"] == 100
    assert result["adjudication"]["claims"] == 200 and sum(result["adjudication"]["rules"].values()) == 200
    assert result["agreement"]["seconds"] > 0 and len(result["load_average"]) == 3
    assert '"adjudication"' in capsys.readouterr().out
