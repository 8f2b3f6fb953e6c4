"""``claimkit adjudicate`` and ``claimkit pull`` against a real Label Studio: review project, picks, gold columns."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from claimkit.annotate.studio.client import connect
from claimkit.annotate.studio.review import ANSWERS_FIELD, review_title
from tests.annotate.studio.test_round_trip import _choice, _cli, _user

pytestmark = pytest.mark.studio
PROJECT = "adjudication team"


def test_adjudicate_sends_ties_to_review_and_reads_the_picks_back(studio_home, studio_conn, seed_path, tmp_path):
    done = _cli(["push", str(seed_path), "--project", PROJECT, "--predictor", "none", "--annotators-per-task", "3"],
                studio_home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    studio = connect(studio_conn)
    project = studio.project(PROJECT)
    claims = sorted(studio.claim_tasks(project.id).items(), key=lambda kv: kv[1][0][0])
    (c0, (t0,)), (c1, (t1,)), (c2, (t2,)) = claims[:3]
    a, b, c = (_user(studio, f"team{i}@claimkit.test") for i in range(3))
    answers = {
        t0[0]: {a: "asserted", b: "asserted", c: "asserted"},  # unanimous
        t1[0]: {a: "attributed", b: "asserted", c: "attributed"},  # majority
        t2[0]: {a: "attributed", b: "asserted"},  # tie
    }
    for task, by in answers.items():
        for user, value in by.items():
            studio.client.annotations.create(id=task, result=[_choice("attribution", value)], completed_by=user,
                                             lead_time=3.0)  # fmt: skip

    first = _cli(["adjudicate", "--project", PROJECT, "--out", str(tmp_path / "gold")], studio_home)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["rules"] == {"single": 0, "unanimous": 1, "majority": 1, "pending": 1, "adjudicated": 0}
    assert summary["sent_to_review"] == 1 and summary["already_in_review"] == 0
    review = studio.project(review_title(PROJECT))
    (review_task,) = studio.client.tasks.list(project=review.id, fields="all")
    assert review_task.data["claim_id"] == c2
    shown = review_task.data[ANSWERS_FIELD]
    assert "team0@claimkit.test: Attribution: Attributed to a source" in shown
    assert "team1@claimkit.test: Attribution: Asserted by the author" in shown
    gold = pd.read_parquet(tmp_path / "gold" / "gold.parquet").set_index("claim_id")
    assert gold.loc[c1, "gold_attribution"] == "attributed" and gold.loc[c1, "gold_rule"] == "majority"

    # Idempotent before the adjudicator works: nothing is sent twice.
    again = json.loads(_cli(["adjudicate", "--project", PROJECT], studio_home).stdout)
    assert again["sent_to_review"] == 0 and again["already_in_review"] == 1 and again["rules"]["pending"] == 1

    # The adjudicator (the admin) picks in the review project; the next run reads it back.
    studio.client.annotations.create(id=review_task.id, result=[_choice("attribution", "asserted")])
    picked = json.loads(_cli(["adjudicate", "--project", PROJECT], studio_home).stdout)
    assert picked["rules"]["adjudicated"] == 1 and picked["rules"]["pending"] == 0

    # `claimkit pull` carries the gold, with provenance, on every row of the claim.
    pulled = _cli(["pull", "--project", PROJECT, "--out", str(tmp_path / "pull")], studio_home)
    assert pulled.returncode == 0, pulled.stderr
    assert "adjudicated 1" in pulled.stderr
    table = pd.read_parquet(tmp_path / "pull" / "annotations.parquet")
    per_claim = table.drop_duplicates("claim_id").set_index("claim_id")
    assert per_claim.loc[c2, "gold_rule"] == "adjudicated" and per_claim.loc[c2, "gold_attribution"] == "asserted"
    assert per_claim.loc[c2, "gold_by"] == studio.check()
    assert per_claim.loc[c0, "gold_rule"] == "unanimous" and per_claim.loc[c1, "gold_by"] == (
        "team0@claimkit.test,team2@claimkit.test"
    )
    assert len(table) == 8  # the annotators' rows only: the adjudicator's answer is gold, not a ninth row

    # Agreement on the same project, pulled by the command itself.
    report = _cli(["agreement", "--project", PROJECT, "--out", str(tmp_path / "agreement"), "--bootstrap", "100"],
                  studio_home)  # fmt: skip
    assert report.returncode == 0, report.stderr
    att = json.loads(report.stdout)["fields"]["attribution"]
    assert att["answers"] == 8 and att["claims_pairable"] == 3
