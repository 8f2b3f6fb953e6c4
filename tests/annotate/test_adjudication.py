"""Gold from several annotators (no server): rules per claim, representative spans, adjudicators' picks."""

from __future__ import annotations

import pandas as pd
import pytest

from claimkit.annotate.adjudication import (
    AdjudicationOptions,
    attach_gold,
    claim_gold,
    decide,
    gold_columns,
    gold_frame,
    review_texts,
    rule_counts,
)
from claimkit.annotate.annotations import write_pull
from claimkit.annotate.errors import InputError
from claimkit.annotate.studio.tasks import PullResult
from tests.annotate.team_frames import SCHEMA, claim, frame, record

A, B, C = "ann-a@t", "ann-b@t", "ann-c@t"


def _team() -> list:
    att, ass = {"attribution": "attributed"}, {"attribution": "asserted"}
    return [
        # claim 0: unanimous
        *(record(claim(0), who, ass) for who in (A, B, C)),
        # claim 1: 2 of 3 -> majority; B disagrees; A and C marked different sources, A earlier
        record(claim(1), A, att, sources=[(0, 4)], updated_at="2026-03-01T10:00:00Z"),
        record(claim(1), B, ass),
        record(claim(1), C, att, sources=[(5, 9)], updated_at="2026-03-01T11:00:00Z"),
        # claim 2: two annotators, a tie
        record(claim(2), A, att),
        record(claim(2), B, ass),
        # claim 3: a single annotator
        record(claim(3), C, {**att, "hedged": "yes"}),
        # claim 4: attribution unanimous, status three ways
        record(claim(4), A, {**att, "status": "disputed"}),
        record(claim(4), B, {**att, "status": "corroborated"}),
        record(claim(4), C, {**att, "status": "undisputed"}),
    ]


def test_rules_per_claim():
    gold = decide(frame(_team()), SCHEMA).set_index("claim_id")
    assert list(gold.reset_index().columns) == gold_columns(SCHEMA)
    assert gold["gold_rule"].to_dict() == {
        "art-c000": "unanimous",
        "art-c001": "majority",
        "art-c002": "pending",
        "art-c003": "single",
        "art-c004": "pending",
    }
    assert gold.loc["art-c001", "gold_attribution"] == "attributed"
    assert gold.loc["art-c001", "gold_by"] == f"{A},{C}"
    assert gold.loc["art-c001", "gold_agreement"] == pytest.approx(2 / 3)
    assert gold.loc["art-c000", "gold_by"] == f"{A},{B},{C}" and gold.loc["art-c000", "gold_agreement"] == 1.0
    # A tie decides nothing on its question; the decided questions stay.
    assert (
        pd.isna(gold.loc["art-c002", "gold_attribution"]) and gold.loc["art-c002", "gold_review"] == "attribution: tie"
    )
    assert not gold.loc["art-c002", "gold_not_a_claim"] and gold.loc["art-c002", "gold_by"] == ""
    assert gold.loc["art-c004", "gold_attribution"] == "attributed" and pd.isna(gold.loc["art-c004", "gold_status"])
    assert gold.loc["art-c004", "gold_review"] == "status: tie"
    assert gold.loc["art-c003", "gold_hedged"] == "yes" and gold.loc["art-c003", "gold_annotators"] == 1
    # Spans come from the annotation agreeing with the gold on most questions, the earliest on a tie.
    assert list(gold.loc["art-c001", "gold_source_spans"]) == [[0, 4]]
    assert rule_counts(gold.reset_index()) == {
        "single": 1, "unanimous": 1, "majority": 1, "pending": 2, "adjudicated": 0
    }  # fmt: skip


def test_min_share_sends_weak_majorities_to_review():
    df = frame(_team())
    assert (
        decide(df, SCHEMA, AdjudicationOptions(min_share=0.6)).set_index("claim_id").loc["art-c001", "gold_rule"]
        == "majority"
    )
    weak = decide(df, SCHEMA, AdjudicationOptions(min_share=0.7)).set_index("claim_id").loc["art-c001"]
    assert weak["gold_rule"] == "pending" and weak["gold_review"] == "attribution: 0.67 agree"
    with pytest.raises(InputError, match="--min-share"):
        AdjudicationOptions(min_share=1.0)


def test_adjudicators_pick_wins_with_its_spans_and_provenance():
    df = frame(_team())
    picks = frame(
        [
            record(claim(2), "judge@t", {"attribution": "asserted"}, updated_at="2026-03-02T09:00:00Z"),
            record(claim(4), "judge@t", {"attribution": "attributed", "status": "disputed"}, sources=[(1, 3)],
                   updated_at="2026-03-02T09:00:00Z"),
            record(claim(4), "boss@t", {"attribution": "attributed", "status": "corroborated"},
                   updated_at="2026-03-02T10:00:00Z"),
        ]
    )  # fmt: skip
    gold = decide(df, SCHEMA, picks=picks).set_index("claim_id")
    assert gold.loc["art-c002", ["gold_rule", "gold_by", "gold_attribution"]].tolist() == [
        "adjudicated", "judge@t", "asserted"
    ]  # fmt: skip
    # The latest pick of a claim wins.
    assert gold.loc["art-c004", ["gold_by", "gold_status"]].tolist() == ["boss@t", "corroborated"]
    assert gold.loc["art-c000", "gold_rule"] == "unanimous"


def test_gold_columns_in_a_pull_and_for_training(tmp_path):
    records = _team()
    df = frame(records)
    gold = decide(df, SCHEMA)
    with_gold = attach_gold(df, gold)
    assert len(with_gold) == len(df) and (with_gold.groupby("claim_id")["gold_rule"].nunique() == 1).all()
    files = write_pull(PullResult(1, "team", tuple(records), (), (), 0, 0), SCHEMA, tmp_path / "pull", gold=gold)
    back = pd.read_parquet(files.parquet)
    assert set(gold_columns(SCHEMA)) <= set(back.columns) and len(back) == len(df)
    per_claim = gold_frame(back).set_index("claim_id")
    assert per_claim.loc["art-c001", "gold_rule"] == "majority"
    rows = back[back["claim_id"] == "art-c001"]
    assert claim_gold(rows) == ("attributed", "majority")
    assert claim_gold(back[back["claim_id"] == "art-c002"]) is None  # pending: the caller falls back
    assert claim_gold(df[df["claim_id"] == "art-c001"]) is None  # no gold columns at all
    with pytest.raises(InputError, match="adjudicate"):
        gold_frame(df)


def test_review_texts_show_each_annotator_side_by_side():
    texts = review_texts(frame(_team()), ["art-c004"], SCHEMA)
    lines = texts["art-c004"].splitlines()
    assert [line.split(":")[0] for line in lines] == [A, B, C]
    assert "Dispute status: Disputed or denied" in lines[0] and "Attribution: Attributed to a source" in lines[0]


def test_empty_pull_has_an_empty_gold_table():
    assert list(decide(frame([]), SCHEMA).columns) == gold_columns(SCHEMA)
