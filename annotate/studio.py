"""Label Studio: the labeling config generated from the schema, validated push, pull into typed records.

This is the only module that imports ``label_studio_sdk``. Everything the server sees is derived from
``annotate.schema.Schema``: control names are field names, choices store the schema's value ids (the
``alias`` of a ``<Choice>``), and the instructions are the schema's help texts.

One task per claim. The task shows the claim text above its paragraph, and the paragraph as HTML with
the claim's characters inside ``<mark>`` elements. Regions (source, cue, hedge words) are marked on
that paragraph with ``HyperTextLabels``. Label Studio stores a region's position as
``globalOffsets``: code points into the text content of the HTML. The HTML is nothing but the
escaped paragraph and ``<mark>`` tags, so its text content *is* the paragraph, and an article offset
is ``paragraph_start + globalOffsets.start``. Predictions also carry the XPath form
(``/text()[2]``, ``/mark[1]/text()[1]`` plus UTF-16 offsets) that the editor resolves first; both
forms are computed here from the same segments, and tests check they agree.

Idempotence comes from claim ids, never from Label Studio task ids (SQLite reuses those): each task
carries its claim id, a push imports only claims the project lacks and adds only the
(claim, model_version) predictions it lacks, and annotations are never sent or changed (except by
``import-brat --as annotations``, and then only inside new tasks). A push killed after the server
committed a batch but before the client saw the answer leaves tasks that the next push finds by claim
id; if two copies of a claim ever exist (a batch still in flight while the next push listed the
project), the next push deletes the copies that hold no annotations.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import cycle, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from annotate.errors import StudioError
from annotate.schema import Field, Schema
from annotate.types import Claim, Label, Span, SplitArticle, merge_spans

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio
    from label_studio_sdk.label_interface import LabelInterface
    from spacy.language import Language

    from annotate.brat import BratDocument

PARAGRAPH = "paragraph"
"""Name of the object tag that shows the paragraph; every region lives on it."""

TASK_FORMAT = "claimkit.task"
TASK_FORMAT_VERSION = 1
DEFAULT_BATCH_SIZE = 500
"""Tasks per import request: ~0.6 s of server work with predictions, so a progress bar that moves and
a small window in which a killed push can leave a committed-but-unacknowledged batch."""

REQUEST_TIMEOUT_S = 300.0
"""Generous on purpose: a 10,000-task export or a big import on a loaded laptop takes tens of seconds."""

_DESCRIPTION_PREFIX = "claimkit claims;"
"""Start of the description of every project claimkit creates: ``push`` never rewrites anyone else's project."""
_HELP_STYLE = "font-weight: normal; font-size: 13px; color: #555; margin: 0 0 4px 0"
_COLORS = ("#f59e0b", "#10b981", "#6366f1", "#ef4444", "#0ea5e9", "#a855f7")


# --------------------------------------------------------------------------------------------------
# The labeling config, generated from the schema


def evidence_control(f: Field) -> str:
    """Control name of the optional evidence span of a choice field (``hedged`` → ``hedged_evidence``)."""
    return f"{f.name}_evidence"


def span_controls(schema: Schema) -> dict[str, Field]:
    """Every ``HyperTextLabels`` control name and the field it belongs to (span fields, evidence spans)."""
    out = {f.name: f for f in schema.of_kind("span")}
    out.update({evidence_control(f): f for f in schema.fields if f.evidence})
    return out


def _requires_text(f: Field, schema: Schema) -> str:
    parts = []
    for dep, value in f.requires:
        dep_field = schema[dep]
        shown = next((v.label for v in dep_field.values if v.value == value), value)
        parts.append(f"{dep_field.label}: {shown}")
    return f" (only when {'; '.join(parts)})" if parts else ""


def label_config(schema: Schema) -> str:
    """The Label Studio XML for ``schema``: claim text, highlighted paragraph, one control per field.

    Choice fields become single-choice ``Choices`` whose ``Choice`` shows the value's label and
    stores its id (``alias``), with the value's help as a tooltip; flags become one checkbox that
    stores the field name; span fields become ``HyperTextLabels`` on the paragraph; a ``region_of``
    field becomes per-region ``Choices`` shown when a region of its span field is selected; an
    ``evidence`` label adds a ``HyperTextLabels`` control for the words that justify the choice.
    """
    taken = set(schema.names)
    for f in schema.fields:
        if f.evidence and evidence_control(f) in taken:
            raise StudioError(f"schema field {evidence_control(f)!r} clashes with the evidence control of {f.name!r}")
    root = ET.Element("View")
    ET.SubElement(root, "Style").text = (
        ".htx-richtext mark { background: #fde68a; padding: 0; border-radius: 2px; }"
        " .htx-richtext { white-space: pre-wrap; line-height: 1.7; }"
    )
    ET.SubElement(root, "Header", value="Claim", size="5")
    ET.SubElement(root, "Header", value="$claim_text", size="3")
    ET.SubElement(root, "Header", value="Paragraph (the claim is highlighted)", size="5")
    ET.SubElement(root, "HyperText", name=PARAGRAPH, value="$paragraph_html", inline="true", saveTextResult="yes")
    colors = cycle(_COLORS)
    for f in schema.fields:
        box = ET.SubElement(root, "View")
        if f.region_of:
            box.set("visibleWhen", "region-selected")
            box.set("whenTagName", f.region_of)
        ET.SubElement(box, "Header", value=f.label + _requires_text(f, schema), size="4")
        if f.help:
            ET.SubElement(box, "Header", value=f.help, size="5", style=_HELP_STYLE)
        if f.kind == "span":
            labels = ET.SubElement(box, "HyperTextLabels", name=f.name, toName=PARAGRAPH)
            ET.SubElement(labels, "Label", value=f.label, alias=f.name, background=next(colors))
            continue
        choices = ET.SubElement(box, "Choices", name=f.name, toName=PARAGRAPH)
        if f.kind == "flag":
            choices.set("choice", "multiple")
            ET.SubElement(choices, "Choice", value=f.label, alias=f.name)
            continue
        choices.set("choice", "single-radio")
        choices.set("showInline", "true")
        if f.region_of:
            choices.set("perRegion", "true")
        for v in f.values:
            ET.SubElement(choices, "Choice", value=v.label, alias=v.value, hint=v.help or v.label)
        if f.evidence:
            labels = ET.SubElement(box, "HyperTextLabels", name=evidence_control(f), toName=PARAGRAPH)
            ET.SubElement(labels, "Label", value=f.evidence, alias=evidence_control(f), background=next(colors))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


def instructions_html(schema: Schema) -> str:
    """Annotator instructions (shown before labeling) from the schema's instructions and help texts."""
    esc = html.escape
    parts = [f"<h2>{esc(schema.title)}</h2>", f"<p>{esc(schema.instructions)}</p>", "<dl>"]
    for f in schema.fields:
        parts.append(f"<dt><b>{esc(f.label)}</b>{esc(_requires_text(f, schema))}</dt><dd>{esc(f.help)}")
        if f.values:
            items = "".join(f"<li><b>{esc(v.label)}</b>: {esc(v.help)}</li>" for v in f.values)
            parts.append(f"<ul>{items}</ul>")
        if f.evidence:
            parts.append(f"<p>Optionally mark the words that show it as <b>{esc(f.evidence)}</b>.</p>")
        parts.append("</dd>")
    parts.append("</dl>")
    parts.append(f"<p><small>Schema {esc(schema.name)} v{schema.version}; generated by claimkit.</small></p>")
    return "\n".join(parts)


def check_config(config: str) -> LabelInterface:
    """Parse and validate a config with the SDK, as the server will; ``StudioError`` when it is invalid."""
    from label_studio_sdk.label_interface import LabelInterface

    try:
        interface = LabelInterface(config)
        interface.validate()
    except Exception as exc:  # the SDK raises several unrelated types for a bad config
        raise StudioError(f"generated Label Studio config is invalid ({exc}); check data/schema.yaml") from None
    return interface


# --------------------------------------------------------------------------------------------------
# Paragraph HTML and the two position forms Label Studio uses


@dataclass(frozen=True)
class TextNode:
    """One text node of the paragraph HTML: its XPath, its range in the paragraph, and whether it is marked."""

    xpath: str
    start: int
    end: int
    marked: bool


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph as the task shows it, with the claim's characters (paragraph offsets) marked."""

    text: str
    marks: tuple[Span, ...]

    @cached_property
    def nodes(self) -> tuple[TextNode, ...]:
        nodes: list[TextNode] = []
        cuts = sorted({0, len(self.text), *(x for m in self.marks for x in (m.start, m.end))})
        counts = {"text": 0, "mark": 0}
        for a, b in zip(cuts, cuts[1:]):
            marked = any(m.start <= a and b <= m.end for m in self.marks)
            kind = "mark" if marked else "text"
            counts[kind] += 1
            xpath = f"/mark[{counts['mark']}]/text()[1]" if marked else f"/text()[{counts['text']}]"
            nodes.append(TextNode(xpath, a, b, marked))
        return tuple(nodes)

    def html(self) -> str:
        """Escaped paragraph with ``<mark>`` elements; its DOM text content equals ``text`` exactly.

        ``\\r`` is written as a character reference because HTML parsing turns a raw CR (and CRLF)
        into LF, which would shift every later offset by one.
        """
        out = []
        for node in self.nodes:
            piece = html.escape(self.text[node.start : node.end], quote=False).replace("\r", "&#13;")
            out.append(f"<mark>{piece}</mark>" if node.marked else piece)
        return "".join(out)

    def _node_at(self, offset: int, side: str) -> TextNode:
        # Label Studio's rule: a start at a node boundary belongs to the next node, an end to the previous one.
        for node in self.nodes:
            if node.start <= offset <= node.end and (offset != node.end if side == "start" else offset != node.start):
                return node
        raise ValueError(f"offset {offset} lies outside the paragraph (0..{len(self.text)})")

    def region_value(self, span: Span) -> dict[str, Any]:
        """The ``value`` of a region over ``span`` (paragraph offsets), in both position forms."""
        first, last = self._node_at(span.start, "start"), self._node_at(span.end, "end")
        return {
            "start": first.xpath,
            "startOffset": _utf16_len(self.text[first.start : span.start]),
            "end": last.xpath,
            "endOffset": _utf16_len(self.text[last.start : span.end]),
            "globalOffsets": {"start": span.start, "end": span.end},
            "text": self.text[span.start : span.end],
        }

    def span_of(self, value: Mapping[str, Any]) -> Span:
        """Paragraph offsets of a region: ``globalOffsets`` when present, else its XPath form."""
        offsets = value.get("globalOffsets")
        if isinstance(offsets, Mapping) and "start" in offsets and "end" in offsets:
            return Span(int(offsets["start"]), int(offsets["end"]))
        by_path = {n.xpath: n for n in self.nodes}
        try:
            first, last = by_path[value["start"]], by_path[value["end"]]
        except KeyError:
            raise ValueError(f"region path {value.get('start')!r}..{value.get('end')!r} is not in the paragraph") from None
        return Span(
            first.start + _code_points_in(self.text[first.start : first.end], int(value["startOffset"])),
            last.start + _code_points_in(self.text[last.start : last.end], int(value["endOffset"])),
        )


def _code_points_in(text: str, utf16_units: int) -> int:
    """How many code points of ``text`` the first ``utf16_units`` UTF-16 units cover."""
    units = 0
    for i, ch in enumerate(text):
        if units >= utf16_units:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


# --------------------------------------------------------------------------------------------------
# Tasks and predictions


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


def label_results(labels: Mapping[str, Label], data: Mapping[str, Any], schema: Schema, *, with_scores: bool) -> Results:
    """Label Studio ``result`` items for a claim's labels (a prediction, or an imported annotation).

    Spans outside the task's paragraph cannot be shown there and are dropped (and counted); per-region
    choices (``region_of``) are attached to every region of their span field.
    """
    view = view_of(data)
    base = int(data["paragraph_start"])
    items: list[dict[str, Any]] = []
    dropped = 0
    region_ids: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)

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
            region_ids[control].append((region_id, value))
            value = {**value, "hypertextlabels": [control]}
            items.append(scored({"id": region_id, "from_name": control, "to_name": PARAGRAPH,
                                 "type": "hypertextlabels", "value": value}, label))  # fmt: skip

    for f in schema.fields:  # span fields first: per-region choices need their regions
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
        if f.region_of:
            for region_id, value in region_ids.get(f.region_of, []):
                items.append(scored({"id": region_id, "from_name": f.name, "to_name": PARAGRAPH, "type": "choices",
                                     "value": {**value, "choices": [label.value]}}, label))  # fmt: skip
            continue
        items.append(scored({"from_name": f.name, "to_name": PARAGRAPH, "type": "choices",
                             "value": {"choices": [label.value]}}, label))  # fmt: skip
    scores = [float(label.score) for name, label in labels.items() if name in schema]
    return Results(tuple(items), dropped, round(sum(scores) / len(scores), 4) if scores else None)


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

    def check(self, result: Sequence[Mapping[str, Any]], data: Mapping[str, Any], what: str, score: float | None = None) -> None:
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
                    errors.append(f"region {item.get('id')} at {span.start}-{span.end} does not match the paragraph text")
        if errors:
            raise StudioError(f"{what} for claim {data['claim_id']} does not fit the labeling config: {'; '.join(errors)}")


# --------------------------------------------------------------------------------------------------
# Connecting


@dataclass(frozen=True)
class Connection:
    """Where the server is and the token to use. The token never appears in ``repr`` or messages."""

    url: str
    api_key: str = field(repr=False)
    origin: str = "options"


def resolve_connection(url: str | None = None, api_key: str | None = None, home: Path | None = None) -> Connection:
    """Connection settings: options, then ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``, then the
    file written by ``claimkit studio start``.

    The URL comes from the first place that has one, the key likewise; but the local server's token
    is only ever paired with the local server's URL, so ``--url`` pointing elsewhere never sends it away.
    """
    from annotate.studio_server import STATE_FILE, read_state, studio_home

    env_url, env_key = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    state = None if (url or env_url) and (api_key or env_key) else read_state(home)
    file_url = state.url if state else None
    chosen_url = url or env_url or file_url
    keys = [(api_key, "options"), (env_key, "environment")]
    if state is not None and chosen_url and chosen_url.rstrip("/") == state.url.rstrip("/"):
        keys.append((state.api_key, str((home or studio_home()) / STATE_FILE)))
    chosen_key, origin = next(((k, o) for k, o in keys if k), (None, ""))
    if not chosen_url or not chosen_key:
        raise StudioError(
            "no Label Studio to talk to: run `claimkit studio start`, or set LABEL_STUDIO_URL and "
            "LABEL_STUDIO_API_KEY (a legacy token or a personal access token) for an existing server"
        )
    parts = urlsplit(chosen_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StudioError(f"Label Studio URL {chosen_url!r} is not an http(s) URL; e.g. http://127.0.0.1:8080")
    return Connection(chosen_url.rstrip("/"), chosen_key.strip(), origin)


def _api_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping):
        for key in ("validation_errors", "detail", "label_config", "predictions", "title"):
            if key in body:
                return json.dumps(body[key], ensure_ascii=False)[:500]
        return json.dumps(body, ensure_ascii=False)[:500]
    return str(body or exc.__class__.__name__)[:500]


class Studio:
    """A connected Label Studio: every SDK call goes through ``call`` so that errors become ``StudioError``."""

    def __init__(self, conn: Connection, timeout: float = REQUEST_TIMEOUT_S) -> None:
        import httpx
        from label_studio_sdk import LabelStudio

        self.conn = conn
        loopback = urlsplit(conn.url).hostname in ("127.0.0.1", "localhost", "::1")
        try:
            # max_retries=0: the SDK would otherwise re-send a POST whose answer was lost, which is
            # exactly how an import that the server committed becomes two imports.
            self.client: LabelStudio = LabelStudio(
                base_url=conn.url,
                api_key=conn.api_key,
                max_retries=0,
                httpx_client=httpx.Client(timeout=timeout, follow_redirects=True, trust_env=not loopback),
            )
        except Exception as exc:  # an expired personal access token fails here already
            raise StudioError(self._explain(exc)) from None

    def _explain(self, exc: Exception) -> str:
        import httpx

        url = self.conn.url
        status = getattr(exc, "status_code", None)
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return f"cannot reach Label Studio at {url}: is it running? (`claimkit studio status`; start it with `claimkit studio start`)"
        if isinstance(exc, httpx.TimeoutException):
            return f"Label Studio at {url} did not answer in time; it may be overloaded, retry later"
        if isinstance(exc, httpx.HTTPError):
            return f"talking to Label Studio at {url} failed ({exc.__class__.__name__}); check the URL"
        if status in (401, 403):
            return (
                f"Label Studio at {url} rejected the API key from {self.conn.origin} ({status}: {_api_message(exc)}); "
                "check LABEL_STUDIO_API_KEY (legacy token or personal access token) or `claimkit studio credentials`"
            )
        if status is not None:
            return f"Label Studio at {url} answered {status}: {_api_message(exc)}"
        return f"Label Studio at {url}: {exc.__class__.__name__}: {str(exc)[:300]}"

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one SDK call, turning transport and API errors into one-line ``StudioError``s."""
        try:
            return fn(*args, **kwargs)
        except StudioError:
            raise
        except Exception as exc:
            if exc.__class__.__module__.startswith(("httpx", "label_studio_sdk")) or hasattr(exc, "status_code"):
                raise StudioError(self._explain(exc)) from None
            raise

    def check(self) -> str:
        """Who we are on the server (its e-mail); proves the URL and token work."""
        return str(self.call(self.client.users.whoami).email)

    def find_project(self, title: str) -> Any | None:
        matches = [p for p in self.call(lambda: list(self.client.projects.list(title=title, page_size=100))) if p.title == title]
        if len(matches) > 1:
            ids = ", ".join(str(p.id) for p in matches)
            raise StudioError(f"several Label Studio projects are named {title!r} (ids {ids}); rename all but one")
        return matches[0] if matches else None

    def project(self, title: str) -> Any:
        found = self.find_project(title)
        if found is None:
            raise StudioError(f"no Label Studio project named {title!r} at {self.conn.url}; push claims to it first (`claimkit push ... --project {title!r}`)")
        return found

    def ensure_project(self, title: str, schema: Schema) -> tuple[Any, bool]:
        """Create the project, or bring an existing one's config and instructions up to date."""
        if len(title.strip()) < 3:
            raise StudioError(f"project name {title!r} is too short; Label Studio needs at least 3 characters")
        config = label_config(schema)
        check_config(config)
        settings: dict[str, Any] = {
            "label_config": config,
            "expert_instruction": instructions_html(schema),
            "show_instruction": True,
            "show_collab_predictions": True,
            "description": f"{_DESCRIPTION_PREFIX} schema {schema.name} v{schema.version}",
        }
        found = self.find_project(title)
        if found is None:
            return self.call(self.client.projects.create, title=title, **settings), True
        if not str(found.description or "").startswith(_DESCRIPTION_PREFIX):
            raise StudioError(
                f"project {title!r} (id {found.id}) was not made by claimkit; pushing would replace its labeling "
                "config, so choose another project name"
            )
        changed = {k: v for k, v in settings.items() if getattr(found, k, None) != v}
        if changed:
            found = self.call(self.client.projects.update, id=found.id, **changed)
        return found, False

    def show_predictions_of(self, project: Any, model_version: str) -> None:
        """Make ``model_version`` the one whose predictions pre-fill the editor (it must have predictions)."""
        if getattr(project, "model_version", None) != model_version:
            self.call(self.client.projects.update, id=project.id, model_version=model_version)

    def claim_tasks(self, project_id: int) -> dict[str, list[tuple[int, int]]]:
        """claim id → ``[(task id, number of annotations), ...]`` over the whole project."""
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        pages = self.client.tasks.list(project=project_id, page_size=1000, fields="task_only",
                                       include="id,data,total_annotations,cancelled_annotations")  # fmt: skip
        for task in self.call(list, pages):
            claim_id = (task.data or {}).get("claim_id")
            if claim_id:
                out[str(claim_id)].append((int(task.id), int(task.total_annotations or 0) + int(task.cancelled_annotations or 0)))
        return dict(out)

    def task_count(self, project_id: int) -> int:
        return int(self.call(self.client.projects.get, id=project_id).task_number or 0)


def connect(conn: Connection, timeout: float = REQUEST_TIMEOUT_S) -> Studio:
    """A ``Studio`` whose URL and token were checked with one request."""
    studio = Studio(conn, timeout)
    studio.check()
    return studio


# --------------------------------------------------------------------------------------------------
# Push


@dataclass(frozen=True)
class PushReport:
    """What a push did. ``tasks_existing`` and ``predictions_existing`` count what a re-run skipped."""

    project_id: int
    project_url: str
    project_created: bool
    tasks_created: int
    tasks_existing: int
    predictions_added: int
    predictions_existing: int
    annotations_added: int
    duplicates_removed: int
    spans_dropped: int


def _progress(total: int | None, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" tasks", disable=not enabled or None, file=sys.stderr, leave=False)


def push(
    conn: Connection,
    project: str,
    items: Iterable[SplitArticle],
    schema: Schema,
    *,
    model_version: str | None,
    as_annotations: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    studio: Studio | None = None,
) -> PushReport:
    """Create or update ``project`` and bring it up to date with the claims of ``items``; idempotent.

    With ``model_version``, each claim's labels go out as a prediction of that version (a claim that
    already has one of that version is left alone). With ``as_annotations``, labels of *new* claims
    are imported as annotations instead (BRAT gold), and nothing is ever added to an existing task.
    Every result is validated against the config first. Tasks are built and validated while the
    previous batch is being imported, so the server, not the client, sets the pace.
    """
    studio = studio or connect(conn)
    proj, created = studio.ensure_project(project, schema)
    plan = _PushPlan(schema, ResultChecker(check_config(label_config(schema))), model_version, as_annotations)
    if not created:
        plan.existing = studio.claim_tasks(proj.id)
        plan.duplicates_removed = _remove_duplicates(studio, plan.existing)
        if plan.existing and model_version and not as_annotations:
            plan.versions = _prediction_versions(studio, proj.id)
    claims = [(item, claim) for item in items for claim in item.claims]
    new = len({claim.id for _, claim in claims} - plan.existing.keys())
    imported = _send_batches(studio, proj.id, plan.new_tasks(claims), batch_size, progress, "import", new)
    _send_batches(studio, proj.id, iter(plan.missing_predictions), batch_size, progress, "predictions")
    expected = sum(len(v) for v in plan.existing.values()) + imported
    if studio.task_count(proj.id) != expected:
        # Someone else added tasks meanwhile, or a killed push's last batch was still in flight.
        plan.duplicates_removed += _remove_duplicates(studio, studio.claim_tasks(proj.id))
    predicted = plan.with_labels if model_version and not as_annotations else 0
    if predicted or plan.missing_predictions or plan.predictions_existing:
        studio.show_predictions_of(proj, model_version)  # type: ignore[arg-type]
    return PushReport(
        project_id=int(proj.id),
        project_url=f"{conn.url}/projects/{proj.id}/data",
        project_created=created,
        tasks_created=imported,
        tasks_existing=plan.tasks_existing,
        predictions_added=predicted + len(plan.missing_predictions),
        predictions_existing=plan.predictions_existing,
        annotations_added=plan.with_labels if as_annotations else 0,
        duplicates_removed=plan.duplicates_removed,
        spans_dropped=plan.spans_dropped,
    )


class _PushPlan:
    """Decides, claim by claim, what a push sends; counts what it skipped (mutable, internal to ``push``)."""

    def __init__(self, schema: Schema, checker: ResultChecker, model_version: str | None, as_annotations: bool) -> None:
        self.schema = schema
        self.checker = checker
        self.model_version = model_version
        self.as_annotations = as_annotations
        self.existing: dict[str, list[tuple[int, int]]] = {}
        self.versions: dict[int, set[str]] = {}
        self.missing_predictions: list[dict[str, Any]] = []
        self.tasks_existing = self.predictions_existing = self.with_labels = 0
        self.spans_dropped = self.duplicates_removed = 0

    def _results(self, item: SplitArticle, claim: Claim) -> tuple[dict[str, Any], Results | None]:
        data = task_data(item, claim)
        if not claim.labels or not (self.model_version or self.as_annotations):
            return data, None
        results = label_results(claim.labels, data, self.schema, with_scores=not self.as_annotations)
        self.checker.check(results.items, data, "annotation" if self.as_annotations else "prediction", results.score)
        self.spans_dropped += results.dropped_spans
        return data, results

    def new_tasks(self, claims: Iterable[tuple[SplitArticle, Claim]]) -> Iterator[dict[str, Any]]:
        """Tasks to import (lazily); predictions for claims already in the project go to ``missing_predictions``."""
        seen: set[str] = set()
        for item, claim in claims:
            if claim.id in seen:
                continue
            seen.add(claim.id)
            tasks = self.existing.get(claim.id)
            if tasks:
                self.tasks_existing += 1
                if self.as_annotations or not self.model_version:
                    continue
                if self.model_version in self.versions.get(tasks[0][0], ()):
                    self.predictions_existing += 1
                    continue
                data, results = self._results(item, claim)
                if results is not None:
                    self.missing_predictions.append({"task": tasks[0][0], "result": list(results.items),
                                                     "score": results.score, "model_version": self.model_version})  # fmt: skip
                continue
            data, results = self._results(item, claim)
            if results is None:
                yield {"data": data}
                continue
            self.with_labels += 1
            if self.as_annotations:
                yield {"data": data, "annotations": [{"result": list(results.items)}]}
            else:
                yield {"data": data, "predictions": [{"result": list(results.items), "score": results.score,
                                                      "model_version": self.model_version}]}  # fmt: skip


def _send_batches(
    studio: Studio, project_id: int, payload: Iterator[dict[str, Any]], batch_size: int, progress: bool, kind: str,
    total: int | None = None,
) -> int:  # fmt: skip
    """Send tasks (or predictions) in batches: one request in flight while the next batch is built."""
    send = studio.client.projects.import_tasks if kind == "import" else studio.client.projects.import_predictions
    sent = 0
    bar = _progress(total, "push" if kind == "import" else "predictions", progress)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[Any] | None = None
        while batch := list(islice(payload, batch_size)):
            if pending is not None:
                studio.call(pending.result)
                bar.update(pending_size)
            pending, pending_size = pool.submit(send, id=project_id, request=batch), len(batch)
            sent += len(batch)
        if pending is not None:
            studio.call(pending.result)
            bar.update(pending_size)
    bar.close()
    return sent


def _remove_duplicates(studio: Studio, existing: dict[str, list[tuple[int, int]]]) -> int:
    """Delete extra tasks of a claim that hold no annotations (annotated copies are kept); returns how many."""
    removed = 0
    for claim_id, tasks in list(existing.items()):
        if len(tasks) < 2:
            continue
        first, *others = sorted(tasks, key=lambda t: (t[1] == 0, t[0]))  # annotated first, then oldest
        for task_id, annotations in others:
            if annotations == 0:
                studio.call(studio.client.tasks.delete, id=str(task_id))
                removed += 1
        existing[claim_id] = [first, *(t for t in others if t[1] > 0)]
    return removed


def _prediction_versions(studio: Studio, project_id: int) -> dict[int, set[str]]:
    """task id → model versions of its predictions; extra copies of a (task, version) are deleted."""
    versions: dict[int, set[str]] = defaultdict(set)
    for pred in studio.call(studio.client.predictions.list, project=project_id):
        version = str(pred.model_version or "")
        if version in versions[int(pred.task)]:
            studio.call(studio.client.predictions.delete, id=int(pred.id))
            continue
        versions[int(pred.task)].add(version)
    return dict(versions)


# --------------------------------------------------------------------------------------------------
# Pull


@dataclass(frozen=True)
class Region:
    """One marked span, in article offsets, with its per-region choices (e.g. the source type)."""

    span: Span
    text: str
    choices: Mapping[str, str] = field(default_factory=dict, hash=False)


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
class PullResult:
    """Annotations of a project, and what was not annotated: nothing is dropped silently."""

    project_id: int
    project_title: str
    records: tuple[AnnotationRecord, ...]
    unannotated: tuple[ClaimInfo, ...]  # tasks nobody annotated or skipped
    skipped: tuple[tuple[ClaimInfo, str], ...]  # cancelled (skipped) annotations: (claim, annotator)
    foreign_tasks: int  # tasks that were not made by claimkit (no claim id)
    offset_mismatches: int  # regions whose stored text differs from the paragraph at their offsets


def pull(conn: Connection, project: str, schema: Schema, studio: Studio | None = None) -> PullResult:
    """All annotations of ``project`` as typed records.

    Uses an export snapshot with predictions, drafts and annotators reduced to ids: about twice as fast
    as the one-call export, which serialises every prediction again inside every annotation. The
    snapshot is deleted afterwards so pulls do not pile up files on the server.
    """
    studio = studio or connect(conn)
    proj = studio.project(project)
    exports = studio.client.projects.exports
    options = {"predictions": {"only_id": True}, "drafts": {"only_id": True}, "annotations__completed_by": {"only_id": True}}
    snapshot = studio.call(exports.create, proj.id, title="claimkit pull", serialization_options=options,
                           task_filter_options={"only_with_annotations": False})  # fmt: skip
    try:
        while snapshot.status not in ("completed", "failed"):
            time.sleep(0.5)
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
    per_region = {f.name: f for f in schema.fields if f.region_of}
    records: list[AnnotationRecord] = []
    unannotated: list[ClaimInfo] = []
    skipped: list[tuple[ClaimInfo, str]] = []
    foreign = mismatches = 0
    for task in tasks:
        data = task.get("data") or {}
        if data.get("format") != TASK_FORMAT or "claim_id" not in data:
            foreign += 1
            continue
        info = _claim_info(task)
        view = view_of(data)
        base = int(data["paragraph_start"])
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        for a in task.get("annotations") or []:
            if a.get("was_cancelled"):
                skipped.append((info, _annotator(a.get("completed_by"), users)))
        if not task.get("annotations"):
            unannotated.append(info)
            continue
        for a in done:
            values: dict[str, str | bool | None] = {f.name: None for f in schema.of_kind("choice") if not f.region_of}
            values.update({f.name: False for f in schema.of_kind("flag")})
            spans: dict[str, dict[str, tuple[Span, str]]] = defaultdict(dict)  # field → region id → span
            region_choices: dict[str, dict[str, str]] = defaultdict(dict)  # region id → {field: value}
            for item in a.get("result") or []:
                name, value = item.get("from_name"), item.get("value") or {}
                if name in controls:
                    span = view.span_of(value)
                    text = view.text[span.start : span.end]
                    if "text" in value and value["text"] != text:
                        mismatches += 1
                    spans[name][str(item.get("id"))] = (span.shift(base), text)
                elif name in per_region and value.get("choices"):
                    region_choices[str(item.get("id"))][name] = str(value["choices"][0])
                elif name in schema and value.get("choices"):
                    f = schema[name]
                    values[name] = True if f.kind == "flag" else str(value["choices"][0])
            regions: dict[str, tuple[Region, ...]] = {}
            for control, f in controls.items():
                found = sorted(spans.get(control, {}).items(), key=lambda kv: kv[1][0])
                key = f.name  # evidence spans are filed under their choice field
                regions[key] = tuple(Region(s, t, dict(region_choices.get(rid, {}))) for rid, (s, t) in found)
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
    return PullResult(project_id, project_title, tuple(records), tuple(unannotated), tuple(skipped), foreign, mismatches)


# --------------------------------------------------------------------------------------------------
# Bootstrap from BRAT attribution corpora (PolNeAR)

BRAT_MODEL_VERSION = "brat-gold"
"""``model_version`` of BRAT gold labels pushed as predictions."""


def brat_split_articles(docs: Iterable[BratDocument], nlp: Language, schema: Schema) -> Iterator[SplitArticle]:
    """Split each BRAT article into claims and give each claim its gold labels (>= 50% content rule;
    source and cue spans from the attribution relation that covers most of the claim)."""
    from annotate.brat import gold_labels
    from annotate.split import split_and_label

    docs = list(docs)
    for doc, item in zip(docs, split_and_label((d.article for d in docs), nlp), strict=True):
        yield item.with_claims(c.with_labels(gold_labels(doc, c.spans, schema)) for c in item.claims)
