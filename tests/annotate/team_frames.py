"""Pulled DataFrames of a team (several annotators per claim), built through the real pull path (no server)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from claimkit.annotate.annotations import to_dataframe
from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.tasks import AnnotationRecord, ClaimInfo, PullResult, Region
from claimkit.annotate.types import Span

SCHEMA = default_schema()


def claim(n: int, article: str = "art") -> ClaimInfo:
    return ClaimInfo(f"{article}-c{n:03d}", article, f"claim {n}", (Span(100 * n, 100 * n + 50),), n, 0, 1000 + n)


def record(
    c: ClaimInfo,
    annotator: str,
    values: Mapping[str, str | None],
    *,
    sources: Sequence[tuple[int, int]] = (),
    cues: Sequence[tuple[int, int]] = (),
    lead_time: float = 5.0,
    not_a_claim: bool = False,
    annotation_id: int = 0,
    updated_at: str = "2026-03-01T10:01:00Z",
) -> AnnotationRecord:
    return AnnotationRecord(
        claim=c,
        annotation_id=annotation_id or abs(hash((c.claim_id, annotator))) % 1_000_000,
        annotator=annotator,
        lead_time=lead_time,
        created_at="2026-03-01T10:00:00Z",
        updated_at=updated_at,
        values={"not_a_claim": not_a_claim, "attribution": None, "hedged": None, "status": None, **values},
        regions={
            "source": tuple(Region(Span(a, b), "x" * (b - a)) for a, b in sources),
            "cue": tuple(Region(Span(a, b), "y" * (b - a)) for a, b in cues),
        },
    )


def frame(records: Sequence[AnnotationRecord]) -> pd.DataFrame:
    return to_dataframe(PullResult(1, "team", tuple(records), (), (), 0, 0), SCHEMA)


def table_frame(table: Mapping[str, Sequence[str | None]], field: str = "attribution") -> pd.DataFrame:
    """annotator → answers, one per claim (``None``: no annotation), as a pull of one field."""
    records = [
        record(claim(i), who, {field: v}, lead_time=1.0 + i)
        for who, answers in table.items()
        for i, v in enumerate(answers)
        if v is not None
    ]
    return frame(records)
