"""Agreement on pulled annotations: alpha against hand-computed tables, kappa, spans, the report and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from claimkit.annotate.agreement import (
    AgreementOptions,
    _alpha_from_coincidences,
    _coincidences,
    agreement_report,
    bootstrap_alpha,
    krippendorff_alpha,
    load_pull_dir,
    reliability,
    span_agreement,
    span_counts,
    value_counts,
)
from claimkit.annotate.agreement_report import write_agreement
from claimkit.annotate.annotations import write_pull
from claimkit.annotate.errors import InputError
from claimkit.annotate.studio.tasks import PullResult
from tests.annotate.team_frames import SCHEMA, claim, frame, record, table_frame
from tests.paths import REPO

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers, twelve
# units, values 1-5, missing answers. His worked coincidence matrix gives n = 40 pairable values and
# nominal alpha = 1 - (n - 1) * D_o / D_e = 0.743.
KRIPPENDORFF_TABLE = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
STATUS = SCHEMA["status"].value_names  # five values: 1-5 of the table


def _status_table() -> dict[str, list[str | None]]:
    return {who: [None if v is None else STATUS[v - 1] for v in row] for who, row in KRIPPENDORFF_TABLE.items()}


def test_alpha_matches_krippendorffs_worked_nominal_example():
    rel = reliability(table_frame(_status_table(), "status"), SCHEMA["status"])
    assert rel.matrix.shape == (4, 12)
    counts = value_counts(rel.matrix, 5)
    assert counts[counts.sum(axis=1) >= 2].sum() == 40  # his n: unit 12 (one value) is not pairable
    assert krippendorff_alpha(rel.matrix, 5) == pytest.approx(0.743, abs=5e-4)
    # The bootstrap's own computation, with every claim weighted once, is the same number.
    assert _alpha_from_coincidences(_coincidences(counts).sum(axis=0)[None], 5)[0] == pytest.approx(0.7434, abs=1e-4)


def test_alpha_and_kappa_of_two_annotators_by_hand():
    # 10 claims, 8 agreements: coincidences o_aa = o_tt = 8, o_at = o_ta = 2, n_a = n_t = 10, n = 20:
    # alpha = 1 - 19 * 4 / (2 * 10 * 10) = 0.62; kappa: p_o = 0.8, p_e = 0.5 -> 0.6.
    a = ["asserted"] * 5 + ["attributed"] * 5
    b = ["asserted"] * 4 + ["attributed"] * 5 + ["asserted"]
    report = agreement_report(table_frame({"x@t": a, "y@t": b}), SCHEMA, AgreementOptions(bootstrap=200))
    att = report["fields"]["attribution"]
    assert att["alpha"] == pytest.approx(0.62)
    assert att["pairwise"]["kappa"] == [[1.0, pytest.approx(0.6)], [pytest.approx(0.6), 1.0]]
    assert att["pairwise"]["shared_claims"] == [[10, 10], [10, 10]]
    assert att["agreement_mean"] == pytest.approx(0.8) and att["macro_f1_mean"] == pytest.approx(0.8)
    low, high = att["alpha_ci"]
    assert low < 0.62 < high
    # No variation at all: alpha and kappa are undefined, not 0 or 1.
    same = agreement_report(table_frame({"x@t": ["asserted"] * 3, "y@t": ["asserted"] * 3}), SCHEMA)
    assert same["fields"]["attribution"]["alpha"] is None
    assert same["fields"]["attribution"]["pairwise"]["kappa"][0][1] is None
    assert same["fields"]["attribution"]["macro_f1_mean"] == 1.0  # values nobody used are not scored 0


def test_kappa_matrix_of_three_annotators_uses_only_shared_claims():
    table = {
        "a@t": ["asserted", "attributed", "asserted", "attributed", None],
        "b@t": ["asserted", "attributed", "attributed", "attributed", "asserted"],
        "c@t": [None, "attributed", "asserted", "asserted", "asserted"],
    }
    pw = agreement_report(table_frame(table), SCHEMA, AgreementOptions(bootstrap=0))["fields"]["attribution"][
        "pairwise"
    ]
    assert pw["annotators"] == ["a@t", "b@t", "c@t"]
    assert pw["shared_claims"] == [[4, 4, 3], [4, 5, 4], [3, 4, 4]]
    from sklearn.metrics import cohen_kappa_score

    ab = cohen_kappa_score(["s", "t", "s", "t"], ["s", "t", "t", "t"])
    assert pw["kappa"][0][1] == pw["kappa"][1][0] == pytest.approx(ab)
    assert [(p["a"], p["b"], p["claims"]) for p in pw["pairs"]] == [
        ("a@t", "b@t", 4),
        ("a@t", "c@t", 3),
        ("b@t", "c@t", 4),
    ]


def test_bootstrap_is_seeded_and_brackets_alpha():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 300)
    matrix = np.stack([np.where(rng.random(300) < 0.9, truth, 1 - truth) for _ in range(3)]).astype(float)
    alpha = krippendorff_alpha(matrix, 2)
    first = bootstrap_alpha(matrix, 2, 500, seed=7)
    assert first == bootstrap_alpha(matrix, 2, 500, seed=7) != bootstrap_alpha(matrix, 2, 500, seed=8)
    assert first[0] < alpha < first[1] and first[1] - first[0] < 0.2


def test_span_counts_exact_and_overlap():
    c = span_counts(frozenset({(0, 5), (10, 15)}), frozenset({(0, 5), (12, 20)}))
    assert c == {"exact_tp": 1, "a": 2, "b": 2, "overlap_a": 2, "overlap_b": 2}
    records = [
        record(claim(0), "a@t", {"attribution": "attributed"}, sources=[(0, 5), (10, 15)], cues=[(20, 24)]),
        record(claim(0), "b@t", {"attribution": "attributed"}, sources=[(0, 5), (12, 20)], cues=[(30, 34)]),
        record(claim(1), "a@t", {"attribution": "asserted"}),
        record(claim(1), "b@t", {"attribution": "asserted"}),
    ]
    df = frame(records)
    source = span_agreement(df, "source")
    assert source["exact_f1"] == pytest.approx(0.5) and source["overlap_f1"] == pytest.approx(1.0)
    assert source["spans"] == 4
    cue = span_agreement(df, "cue")
    assert cue["exact_f1"] == 0.0 and cue["overlap_f1"] == 0.0


def test_report_lists_annotators_speed_and_most_disagreeing_claims(tmp_path):
    records = [
        record(claim(0), "a@t", {"attribution": "asserted", "status": "disputed"}, lead_time=4.0),
        record(claim(0), "b@t", {"attribution": "attributed", "status": "corroborated"}, lead_time=6.0),
        record(claim(0), "c@t", {"attribution": "attributed", "status": "undisputed"}, lead_time=30.0),
        record(claim(1), "a@t", {"attribution": "asserted"}, lead_time=2.0),
        record(claim(1), "b@t", {"attribution": "asserted"}, lead_time=8.0),
        record(claim(2), "a@t", {"attribution": "attributed"}, lead_time=3.0),
        record(claim(2), "b@t", {"attribution": "asserted"}, not_a_claim=True),
    ]
    report = agreement_report(frame(records), SCHEMA, AgreementOptions(bootstrap=100, top=5), source="demo")
    assert report["annotations"] == 7 and report["claims"] == 3 and report["claims_with_2plus"] == 3
    assert report["annotators_per_claim"] == {"2": 2, "3": 1}
    stats = {a["annotator"]: a for a in report["annotators"]}
    assert stats["a@t"]["annotations"] == 3 and stats["a@t"]["lead_time_median_s"] == 3.0
    assert set(report["fields"]) == {"not_a_claim", "attribution", "source_type", "hedged", "status"}
    worst = report["most_disagreement"]
    assert [c["claim_id"] for c in worst] == ["art-c000", "art-c002"]
    assert worst[0]["answers"]["c@t"] == {"attribution": "attributed", "status": "undisputed"}
    files = write_agreement(report, tmp_path / "out")
    assert json.loads(files.json.read_text()) == json.loads(json.dumps(report))
    md = files.markdown.read_text()
    assert "| attribution |" in md and "kappa_attribution.png" in md
    page = files.html.read_text()
    assert "data:image/png;base64," in page and "<table>" in page and files.plots["attribution"].is_file()


def test_agreement_rejects_an_empty_pull_and_a_missing_folder(tmp_path):
    with pytest.raises(InputError, match="no annotations"):
        agreement_report(frame([]), SCHEMA)
    with pytest.raises(InputError, match="annotations.parquet"):
        load_pull_dir(tmp_path)


def test_cli_agreement_on_a_pull_dir(tmp_path):
    rng = np.random.default_rng(3)
    records = []
    for i in range(40):
        truth = ["asserted", "attributed"][int(rng.integers(0, 2))]
        for who in ("a@t", "b@t", "c@t"):
            value = truth if rng.random() < 0.85 else ("asserted" if truth == "attributed" else "attributed")
            records.append(record(claim(i, f"art{i % 4}"), who, {"attribution": value, "hedged": "no"}))
    pull_dir = tmp_path / "pull"
    write_pull(PullResult(1, "team", tuple(records), (), (), 0, 0), SCHEMA, pull_dir)
    out = tmp_path / "report"
    done = subprocess.run(
        [sys.executable, "-m", "claimkit.cli", "agreement", "--pull-dir", str(pull_dir), "--out", str(out),
         "--bootstrap", "200"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown == json.loads((out / "agreement.json").read_text())
    assert shown["annotations"] == 120 and 0 < shown["fields"]["attribution"]["alpha"] < 1
    assert (out / "agreement.html").is_file() and (out / "agreement.md").is_file()
    assert "alpha" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "claimkit.cli", "agreement"], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "--project" in bad.stderr
