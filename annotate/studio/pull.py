"""Pull: every annotation of a project as typed records, positions in article offsets.

Besides the answers, the result carries every paragraph the tasks show (``PullResult.paragraphs``),
so training can rebuild each claim's context from a pull alone. Nothing is dropped silently: unannotated tasks, skipped (cancelled) annotations, foreign tasks,
regions whose text no longer matches the paragraph and malformed regions (skipped, the rest of the
annotation kept) are all counted in the ``PullResult``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Schema
from claimkit.annotate.studio.client import Connection, Studio, connect
from claimkit.annotate.studio.config import span_controls
from claimkit.annotate.studio.tasks import (
    TASK_FORMAT,
    AnnotationRecord,
    ClaimInfo,
    PulledParagraph,
    PullResult,
    Region,
    view_of,
)
from claimkit.annotate.types import Span

EXPORT_TIMEOUT_S = 900.0
"""How long the server may take to build an export snapshot: 10,000 annotated tasks take ~17 s on an idle
two-core machine, ~45 s on a loaded one; fifteen minutes means the server is stuck, not slow."""

EXPORT_POLL_S = 0.5


def pull(
    conn: Connection,
    project: str,
    schema: Schema,
    studio: Studio | None = None,
    *,
    export_timeout: float = EXPORT_TIMEOUT_S,
) -> PullResult:
    """All annotations of ``project`` as typed records.

    Uses an export snapshot with predictions, drafts and annotators reduced to ids: about twice as fast
    as the one-call export, which serialises every prediction again inside every annotation. The
    snapshot is deleted afterwards so pulls do not pile up files on the server. A snapshot not ready
    within ``export_timeout`` seconds is a ``StudioError``.
    """
    studio = studio or connect(conn)
    proj = studio.project(project)
    exports = studio.client.projects.exports
    options = {
        "predictions": {"only_id": True},
        "drafts": {"only_id": True},
        "annotations__completed_by": {"only_id": True},
    }
    snapshot = studio.call(exports.create, proj.id, title="claimkit pull", serialization_options=options,
                           task_filter_options={"only_with_annotations": False})  # fmt: skip
    deadline = time.monotonic() + export_timeout
    try:
        while snapshot.status not in ("completed", "failed"):
            if time.monotonic() >= deadline:
                raise StudioError(
                    f"Label Studio did not finish exporting project {project!r} within {export_timeout:.0f} s "
                    f"(status {snapshot.status!r}); the server may be overloaded: retry later, or see its log"
                )
            time.sleep(EXPORT_POLL_S)
            snapshot = studio.call(exports.get, proj.id, snapshot.id)
        if snapshot.status == "failed":
            raise StudioError(f"Label Studio could not export project {project!r}; see the server log")
        raw = studio.call(lambda: b"".join(exports.download(proj.id, snapshot.id, export_type="JSON")))
    finally:
        with contextlib.suppress(StudioError):
            studio.call(exports.delete, proj.id, snapshot.id)
    users = {int(u.id): str(u.email or u.username or u.id) for u in studio.call(studio.client.users.list)}
    return records_from_export(json.loads(raw), schema, users, project_id=int(proj.id), project_title=str(proj.title))


def _claim_info(task: Mapping[str, Any]) -> ClaimInfo:
    data = task["data"]
    return ClaimInfo(
        claim_id=str(data["claim_id"]),
        article_id=str(data["article_id"]),
        text=str(data["claim_text"]),
        spans=tuple(Span(a, b) for a, b in data["claim_spans"]),
        sentence=int(data["sentence"]),
        paragraph=int(data["paragraph_index"]),
        task_id=int(task["id"]),
    )


def _annotator(completed_by: Any, users: Mapping[int, str]) -> str:
    if isinstance(completed_by, Mapping):
        return str(completed_by.get("email") or completed_by.get("id"))
    if completed_by is None:
        return ""
    return users.get(int(completed_by), str(completed_by))


def records_from_export(
    tasks: Iterable[Mapping[str, Any]],
    schema: Schema,
    users: Mapping[int, str],
    *,
    project_id: int = 0,
    project_title: str = "",
) -> PullResult:
    """Turn Label Studio's JSON export into ``AnnotationRecord``s (pure: no server needed)."""
    controls = span_controls(schema)
    records: list[AnnotationRecord] = []
    unannotated: list[ClaimInfo] = []
    skipped: list[tuple[ClaimInfo, str]] = []
    paragraphs: dict[tuple[str, int], PulledParagraph] = {}
    foreign = mismatches = malformed = 0
    for task in tasks:
        data = task.get("data") or {}
        if data.get("format") != TASK_FORMAT or "claim_id" not in data:
            foreign += 1
            continue
        info = _claim_info(task)
        view = view_of(data)
        base = int(data["paragraph_start"])
        if (info.article_id, info.paragraph) not in paragraphs:
            paragraphs[info.article_id, info.paragraph] = _paragraph(info, data)
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        for a in task.get("annotations") or []:
            if a.get("was_cancelled"):
                skipped.append((info, _annotator(a.get("completed_by"), users)))
        if not task.get("annotations"):
            unannotated.append(info)
            continue
        for a in done:
            values: dict[str, str | bool | None] = {f.name: None for f in schema.of_kind("choice")}
            values.update({f.name: False for f in schema.of_kind("flag")})
            spans: dict[str, dict[str, tuple[Span, str]]] = defaultdict(dict)  # field → region id → span
            for item in a.get("result") or []:
                if (
                    not isinstance(item, Mapping)
                    or not isinstance(item.get("value") or {}, Mapping)
                    or not isinstance((item.get("value") or {}).get("choices", []), list)
                ):
                    malformed += 1
                    continue
                name: str = item.get("from_name") or ""
                value = item.get("value") or {}
                if name in controls:
                    try:
                        span = view.span_of(value)
                        if not 0 <= span.start <= span.end <= len(view.text):
                            raise ValueError(f"offsets {span.start}-{span.end} outside the paragraph")
                    except (KeyError, TypeError, ValueError):
                        malformed += 1  # one broken region never costs the rest of the pull
                        continue
                    text = view.text[span.start : span.end]
                    if "text" in value and value["text"] != text:
                        mismatches += 1
                    spans[name][str(item.get("id"))] = (span.shift(base), text)
                elif name in schema and value.get("choices") and values.get(name) in (None, False):
                    # The first answer counts: a project made with schema v1 holds one source type per
                    # source region, read back as the claim's source type.
                    f = schema[name]
                    values[name] = True if f.kind == "flag" else str(value["choices"][0])
            regions: dict[str, tuple[Region, ...]] = {}
            for control, f in controls.items():
                found = sorted(spans.get(control, {}).items(), key=lambda kv: kv[1][0])
                key = f.name  # evidence spans are filed under their choice field
                regions[key] = tuple(Region(s, t) for _, (s, t) in found)
            records.append(
                AnnotationRecord(
                    claim=info,
                    annotation_id=int(a["id"]),
                    annotator=_annotator(a.get("completed_by"), users),
                    lead_time=float(a["lead_time"]) if a.get("lead_time") is not None else None,
                    created_at=str(a.get("created_at") or ""),
                    updated_at=str(a.get("updated_at") or ""),
                    values=values,
                    regions=regions,
                )
            )
    return PullResult(
        project_id, project_title, tuple(records), tuple(unannotated), tuple(skipped), foreign, mismatches, malformed,
        tuple(paragraphs[k] for k in sorted(paragraphs)),
    )  # fmt: skip


def _paragraph(info: ClaimInfo, data: Mapping[str, Any]) -> PulledParagraph:
    """The paragraph a task shows (every task of a paragraph carries the same copy: the first one is kept)."""
    sentences = tuple(Span(int(a), int(b)) for a, b in data.get("paragraph_sentences") or ())
    return PulledParagraph(info.article_id, info.paragraph, int(data["paragraph_start"]), str(data["paragraph"]),
                           sentences)  # fmt: skip
