"""Pulled records → DataFrame → DatasetDict + card (hand-built records; no server)."""

from __future__ import annotations

import json

import datasets
import pandas as pd
import pytest

from claimkit.annotate.annotations import columns, features, to_dataframe, to_dataset_dict, write_pull
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.config import check_config, label_config
from claimkit.annotate.studio.tasks import AnnotationRecord, ClaimInfo, PullResult, Region
from claimkit.annotate.types import Span

SCHEMA = default_schema()


def _claim(article: str, n: int) -> ClaimInfo:
    return ClaimInfo(f"{article}-c{n}", article, f"claim {n} of {article}", (Span(10 * n, 10 * n + 8),), n, 0, 100 + n)


def _record(claim: ClaimInfo, annotator: str, attribution: str | None, n_sources: int = 1) -> AnnotationRecord:
    sources = tuple(Region(Span(10 * i, 10 * i + 3), f"src{i}") for i in range(n_sources))
    return AnnotationRecord(
        claim=claim,
        annotation_id=hash((claim.claim_id, annotator)) % 10_000,
        annotator=annotator,
        lead_time=4.2,
        created_at="2026-03-01T10:00:00.123456Z",
        updated_at="2026-03-01T10:01:00Z",
        values={
            "not_a_claim": attribution is None,
            "attribution": attribution,
            "source_type": "person" if attribution == "attributed" else None,
            "hedged": "yes",
            "status": None,
        },
        regions={"source": sources, "cue": (Region(Span(5, 9), "says"),), "hedged": (Region(Span(1, 4), "may"),)},
    )


def _pull(n_articles: int = 10) -> PullResult:
    records, unannotated = [], []
    for a in range(n_articles):
        article = f"art{a:02d}"
        for n in range(3):
            claim = _claim(article, n)
            if n == 2:
                unannotated.append(claim)
                continue
            records.append(_record(claim, "ann1@x.org", "attributed" if n else "asserted", n_sources=n + 1))
            records.append(_record(claim, "ann2@x.org", None if a == 0 else "attributed"))
    skipped = ((_claim("art00", 2), "ann2@x.org"),)
    return PullResult(1, "demo", tuple(records), tuple(unannotated), skipped, foreign_tasks=0, offset_mismatches=0)


def test_annotations_dataframe_has_one_row_per_claim_and_annotator():
    df = to_dataframe(_pull(), SCHEMA)
    assert list(df.columns) == columns(SCHEMA)
    assert len(df) == 40 and not df.duplicated(["claim_id", "annotator"]).any()
    row = df[(df.claim_id == "art03-c1") & (df.annotator == "ann1@x.org")].iloc[0]
    assert row.attribution == "attributed" and row.source == ["src0", "src1"]
    assert row.source_spans == [[0, 3], [10, 13]] and row.source_type == "person"
    assert row.cue_spans == [[5, 9]] and row.hedged == "yes" and row.hedged_spans == [[1, 4]]
    assert row.claim_spans == [[10, 18]] and pd.isna(row.status)
    assert isinstance(df.created_at.dtype, pd.DatetimeTZDtype) and str(df.created_at.dt.tz) == "UTC"
    assert df.not_a_claim.dtype == bool


def test_annotations_features_agree_with_schema_and_config():
    feats = features(SCHEMA)
    controls = {c.name: c for c in check_config(label_config(SCHEMA)).controls}
    for f in SCHEMA.fields:
        if f.kind == "choice":
            assert feats[f.name].names == list(f.value_names) == controls[f.name].labels


def test_annotations_dataset_splits_by_article_and_is_seeded():
    df = to_dataframe(_pull(), SCHEMA)
    dsd = to_dataset_dict(df, SCHEMA, seed=5)
    assert set(dsd) == {"train", "validation", "test"}
    articles = {name: set(ds["article_id"]) for name, ds in dsd.items()}
    assert not (articles["train"] & articles["validation"]) and not (articles["train"] & articles["test"])
    assert sum(ds.num_rows for ds in dsd.values()) == len(df)
    assert {n: set(ds["article_id"]) for n, ds in to_dataset_dict(df, SCHEMA, seed=5).items()} == articles
    row = next(r for r in dsd["train"].to_list() if r["attribution"] is not None and r["not_a_claim"] is False)
    assert row["attribution"] in (0, 1) and row["status"] == -1  # ClassLabel ids; -1 = no answer
    assert dsd["train"].features == features(SCHEMA)


def test_annotations_write_pull_round_trips(tmp_path):
    datasets.disable_progress_bars()
    files = write_pull(_pull(), SCHEMA, tmp_path / "out")
    df = pd.read_parquet(files.parquet)
    assert len(df) == 40 and df.source_spans.map(len).sum() > 0
    csv = pd.read_csv(files.csv)
    assert json.loads(csv.source_spans[0]) == [list(x) for x in df.source_spans[0]]
    dsd = datasets.load_from_disk(str(files.dataset))
    assert sum(ds.num_rows for ds in dsd.values()) == 40
    card = files.card.read_text(encoding="utf-8")
    for needle in (
        "## Schema",
        "## Label distribution",
        "## Splits",
        "tasks without any annotation: 10",
        "skipped (cancelled) annotations: 1",
    ):
        assert needle in card
    for f in SCHEMA.fields:
        assert f"`{f.name}`" in card
    summary = json.loads(files.summary.read_text())
    assert len(summary["unannotated"]) == 10 and summary["skipped"][0]["annotator"] == "ann2@x.org"


def test_annotations_empty_pull_keeps_the_schema(tmp_path):
    datasets.disable_progress_bars()
    empty = PullResult(1, "empty", (), (_claim("a", 0),), (), 0, 0)
    files = write_pull(empty, SCHEMA, tmp_path / "out")
    dsd = datasets.load_from_disk(str(files.dataset))
    assert all(ds.num_rows == 0 for ds in dsd.values())
    assert dsd["train"].features == features(SCHEMA)
    assert files.unannotated == 1


@pytest.mark.parametrize("seed", [1, 2])
def test_annotations_no_article_in_two_splits_for_any_seed(seed):
    dsd = to_dataset_dict(to_dataframe(_pull(30), SCHEMA), SCHEMA, seed=seed)
    seen: dict[str, str] = {}
    for name, ds in dsd.items():
        for article in ds["article_id"]:
            assert seen.setdefault(article, name) == name


def test_annotations_pulled_articles_rebuild_text_at_original_offsets(tmp_path):
    from claimkit.annotate.annotations import pulled_articles
    from claimkit.annotate.output import read_jsonl
    from claimkit.annotate.studio.tasks import PulledParagraph

    paragraphs = (
        PulledParagraph("a1", 1, 7, "First para. Two.", (Span(0, 11), Span(12, 16))),
        PulledParagraph("a1", 3, 40, "Third shown.", ()),  # paragraph 2 has no task; no sentences known
        PulledParagraph("b2", 0, 0, "Only one.", (Span(0, 9),)),
    )
    result = PullResult(1, "demo", (), (), (), 0, 0, paragraphs=paragraphs)
    a1, b2 = pulled_articles(result, {"a1": "train"})
    assert a1.article.text == "\n" * 7 + "First para. Two." + "\n" * 17 + "Third shown."
    assert a1.article.text[40:52] == "Third shown." and a1.article.excluded == (Span(0, 7), Span(23, 40))
    assert a1.paragraphs == (Span(0, 0), Span(7, 23), Span(23, 23), Span(40, 52))
    assert a1.sentences == (Span(7, 18), Span(19, 23)) and a1.sentence_paragraph == (1, 1)
    assert a1.article.metadata == {"project": "demo", "split": "train"} and "split" not in b2.article.metadata
    files = write_pull(_pull(), SCHEMA, tmp_path / "pull")  # records without paragraphs: an empty articles file
    assert files.articles.read_text(encoding="utf-8") == ""
    with files.articles.open(encoding="utf-8") as fh:
        assert list(read_jsonl(fh)) == []
