"""Task payloads (one task per claim), prediction/annotation results, and the record types a pull returns.

A task's ``data`` carries its claim id, so idempotence never depends on Label Studio task ids (SQLite
reuses those); it also carries the plain paragraph, its sentences and the claim's marks, enough to map
any region back to article offsets and to rebuild the claim's context for training from a pull alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Schema
from claimkit.annotate.studio.config import PARAGRAPH, evidence_control
from claimkit.annotate.studio.paragraph import ParagraphView
from claimkit.annotate.types import Claim, Label, Span, SplitArticle, merge_spans

if TYPE_CHECKING:
    from label_studio_sdk.label_interface import LabelInterface

TASK_FORMAT = "claimkit.task"
TASK_FORMAT_VERSION = 1


def task_data(item: SplitArticle, claim: Claim) -> dict[str, Any]:
    """The task ``data`` of one claim: enough to map any region back to article offsets."""
    para = item.paragraphs[claim.paragraph]
    text = item.article.text[para.start : para.end]
    relative = merge_spans(s.shift(-para.start) for s in claim.spans)
    if any(s.start < 0 or s.end > len(text) for s in relative):
        raise StudioError(
            f"claim {claim.id} of article {claim.article_id!r} reaches outside its paragraph {claim.paragraph}; "
            "a task shows one paragraph, so this is a splitter bug: please report it with the article"
        )
    view = ParagraphView(text, relative)
    in_paragraph = zip(item.sentences, item.sentence_paragraph, strict=True)
    sentences = [[s.start - para.start, s.end - para.start] for s, p in in_paragraph if p == claim.paragraph]
    return {
        "format": TASK_FORMAT,
        "format_version": TASK_FORMAT_VERSION,
        "claim_id": claim.id,
        "article_id": claim.article_id,
        "claim_text": claim.text,
        "claim_spans": [[s.start, s.end] for s in claim.spans],
        "sentence": claim.sentence,
        "paragraph_index": claim.paragraph,
        "paragraph_start": para.start,
        "paragraph": text,
        "paragraph_claim_spans": [[s.start, s.end] for s in relative],
        "paragraph_html": view.html(),
        "paragraph_sentences": sentences,
    }


def view_of(data: Mapping[str, Any]) -> ParagraphView:
    """The ``ParagraphView`` a task was made from (its data holds the plain paragraph and the marks)."""
    return ParagraphView(str(data["paragraph"]), tuple(Span(a, b) for a, b in data["paragraph_claim_spans"]))


@dataclass(frozen=True)
class Results:
    """Labels turned into Label Studio result items, plus the spans that could not be shown."""

    items: tuple[dict[str, Any], ...]
    dropped_spans: int
    score: float | None


def label_results(
    labels: Mapping[str, Label], data: Mapping[str, Any], schema: Schema, *, with_scores: bool
) -> Results:
    """Label Studio ``result`` items for a claim's labels (a prediction, or an imported annotation).

    Spans outside the task's paragraph cannot be shown there and are dropped (and counted).
    """
    view = view_of(data)
    base = int(data["paragraph_start"])
    items: list[dict[str, Any]] = []
    dropped = 0

    def scored(item: dict[str, Any], label: Label) -> dict[str, Any]:
        if with_scores:
            item["score"] = round(float(label.score), 4)
        return item

    def add_regions(control: str, label: Label) -> None:
        nonlocal dropped
        for i, span in enumerate(merge_spans(label.spans)):
            local = span.shift(-base) if span.start >= base else None
            if local is None or local.end > len(view.text):
                dropped += 1
                continue
            value = view.region_value(local)
            region_id = f"{control}-{i}"
            value = {**value, "hypertextlabels": [control]}
            items.append(scored({"id": region_id, "from_name": control, "to_name": PARAGRAPH,
                                 "type": "hypertextlabels", "value": value}, label))  # fmt: skip

    for f in schema.fields:
        if f.kind == "span" and (label := labels.get(f.name)) is not None:
            add_regions(f.name, label)
    for f in schema.fields:
        label = labels.get(f.name)
        if label is None or f.kind == "span":
            continue
        if f.evidence and label.spans:
            add_regions(evidence_control(f), label)
        if f.kind == "flag":
            if label.value is True:
                items.append(scored({"from_name": f.name, "to_name": PARAGRAPH, "type": "choices",
                                     "value": {"choices": [f.name]}}, label))  # fmt: skip
            continue
        if label.value is None:
            continue
        f.check_value(label.value)
        items.append(scored({"from_name": f.name, "to_name": PARAGRAPH, "type": "choices",
                             "value": {"choices": [label.value]}}, label))  # fmt: skip
    return Results(tuple(items), dropped, prediction_score(labels, schema))


UNCERTAINTY_FIELD = "attribution"
"""The field whose calibrated confidence orders the annotators' queue: what the model is trained on."""


def prediction_score(labels: Mapping[str, Label], schema: Schema) -> float | None:
    """A prediction's ``score``: the calibrated confidence of its ``attribution`` label (the model's
    probability of the value it chose; the rules' measured precision), so that Label Studio's
    "prediction score" column and ``uncertainty`` tell the same story. Without an attribution label,
    the mean of the labels' scores."""
    if (label := labels.get(UNCERTAINTY_FIELD)) is not None and label.value is not None:
        return round(min(1.0, max(0.0, float(label.score))), 4)
    scores = [float(label.score) for name, label in labels.items() if name in schema]
    return round(sum(scores) / len(scores), 4) if scores else None


def uncertainty(labels: Mapping[str, Label], schema: Schema) -> float | None:
    """How unsure the prediction is about the claim's attribution, in [0, 1]: normalised least confidence,
    ``(1 - p) * k / (k - 1)`` for the calibrated probability ``p`` of the chosen value among ``k`` values.

    0 = certain, 1 = every value equally likely (for asserted/attributed: ``2 * (1 - p)``). Written into
    each pre-annotated task as ``data.uncertainty``, so the data manager can put the most informative
    claims first (uncertainty sampling; ``scripts/bench_active_learning.py`` measures what it buys).
    ``None`` when there is no attribution label to be unsure about.
    """
    label = labels.get(UNCERTAINTY_FIELD)
    if label is None or label.value is None or UNCERTAINTY_FIELD not in schema:
        return None
    k = max(2, len(schema[UNCERTAINTY_FIELD].values))
    return round(min(1.0, max(0.0, (1.0 - float(label.score)) * k / (k - 1))), 4)


_LABEL_KEYS = ("choices", "hypertextlabels", "labels")


def _shape(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """Everything about a result item that ``LabelInterface`` checks, except positions: names, type,
    chosen labels, and the keys and value types of ``value``."""
    value = item.get("value") or {}
    labels = tuple(tuple(value[k]) for k in _LABEL_KEYS if isinstance(value.get(k), list))
    keys = tuple(sorted((k, type(v).__name__) for k, v in value.items() if k not in _LABEL_KEYS))
    return (item.get("from_name"), item.get("to_name"), item.get("type"), labels, keys)


class ResultChecker:
    """Validates result items against a config before they are sent.

    The server accepts unknown control names and choice values without complaint, so nothing goes
    out that the SDK's ``LabelInterface`` rejects. Its checks depend only on an item's shape (names,
    type, labels, value keys), and it costs ~0.5 ms per item, so each distinct shape is validated once;
    positions are checked here for every region: inside the paragraph, and the text under them matches.
    """

    def __init__(self, interface: LabelInterface) -> None:
        self.interface = interface
        self._valid: set[tuple[Any, ...]] = set()

    def check(
        self, result: Sequence[Mapping[str, Any]], data: Mapping[str, Any], what: str, score: float | None = None
    ) -> None:
        errors: list[str] = []
        if score is not None and not 0.0 <= score <= 1.0:
            errors.append(f"score {score} is outside [0, 1]")
        view = view_of(data)
        for item in result:
            shape = _shape(item)
            if shape not in self._valid:
                found = self.interface.validate_prediction({"result": [dict(item)]}, return_errors=True)
                if found:
                    errors.extend(found)
                else:
                    self._valid.add(shape)
            value = item.get("value") or {}
            if "globalOffsets" in value:
                span = view.span_of(value)
                if span.end > len(view.text) or view.text[span.start : span.end] != value.get("text"):
                    errors.append(
                        f"region {item.get('id')} at {span.start}-{span.end} does not match the paragraph text"
                    )
        if errors:
            raise StudioError(
                f"{what} for claim {data['claim_id']} does not fit the labeling config: {'; '.join(errors)}"
            )


@dataclass(frozen=True)
class Region:
    """One marked span, in article offsets."""

    span: Span
    text: str


@dataclass(frozen=True)
class ClaimInfo:
    """The claim a task was made for, read back from the task data."""

    claim_id: str
    article_id: str
    text: str
    spans: tuple[Span, ...]
    sentence: int
    paragraph: int
    task_id: int


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotator's answers for one claim, every position in article offsets.

    ``values`` holds choice fields (value id or ``None``) and flags (bool); ``regions`` holds span
    fields and the evidence spans of choice fields (keyed by the choice field's name).
    """

    claim: ClaimInfo
    annotation_id: int
    annotator: str
    lead_time: float | None
    created_at: str
    updated_at: str
    values: Mapping[str, str | bool | None] = field(hash=False)
    regions: Mapping[str, tuple[Region, ...]] = field(hash=False)


@dataclass(frozen=True)
class PulledParagraph:
    """A paragraph as a task showed it: enough to rebuild the article around the claims for training.

    ``sentences`` are in paragraph offsets (empty for tasks pushed before tasks carried them)."""

    article_id: str
    index: int
    start: int
    text: str
    sentences: tuple[Span, ...] = ()


@dataclass(frozen=True)
class PullResult:
    """Annotations of a project, and what was not annotated: nothing is dropped silently."""

    project_id: int
    project_title: str
    records: tuple[AnnotationRecord, ...]
    unannotated: tuple[ClaimInfo, ...]  # tasks nobody annotated or skipped
    skipped: tuple[tuple[ClaimInfo, str], ...]  # cancelled (skipped) annotations: (claim, annotator)
    foreign_tasks: int  # tasks that were not made by claimkit (no claim id)
    offset_mismatches: int  # regions whose stored text differs from the paragraph at their offsets
    malformed_regions: int = 0  # result items that could not be read (no offsets, unknown path): skipped
    paragraphs: tuple[PulledParagraph, ...] = ()  # every paragraph a claimkit task shows, once (training context)
