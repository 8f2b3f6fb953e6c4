"""The Label Studio side that needs no server: config from the schema, task data, positions, records."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Schema, default_schema
from claimkit.annotate.studio.client import Connection, resolve_connection
from claimkit.annotate.studio.config import PARAGRAPH, check_config, evidence_control, instructions_html, label_config
from claimkit.annotate.studio.paragraph import ParagraphView
from claimkit.annotate.studio.pull import records_from_export
from claimkit.annotate.studio.tasks import TASK_FORMAT, ResultChecker, label_results, task_data, view_of
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle

SCHEMA = default_schema()


def _article() -> SplitArticle:
    text = "Title\n\nNSO says its tool is safe & legal. Critics disagree.\n\nThe FBI is said to have looked into it."
    p1 = Span(text.index("NSO"), text.index("disagree.") + len("disagree."))
    p2 = Span(text.index("The FBI"), len(text))
    s1 = Span(p1.start, text.index(" Critics"))
    s2 = Span(text.index("Critics"), p1.end)
    claims = (
        Claim(Claim.make_id("a1", (s1,)), "a1", text[s1.start : s1.end], (s1,), 0, 0),
        Claim(Claim.make_id("a1", (p2,)), "a1", text[p2.start : p2.end], (p2,), 2, 1),
    )
    return SplitArticle(Article("a1", text), (p1, p2), (s1, s2, p2), (0, 0, 1), claims)


def _schema_with_renamed_value() -> Schema:
    raw = SCHEMA.to_dict()
    status = next(f for f in raw["fields"] if f["name"] == "status")
    status["values"][2]["value"] = "denied"
    return Schema.from_dict(raw)


def test_studio_config_has_a_control_per_field_with_schema_values():
    interface = check_config(label_config(SCHEMA))
    controls = {c.name: c for c in interface.controls}
    for f in SCHEMA.fields:
        control = controls[f.name]
        assert control.to_name == [PARAGRAPH]
        if f.kind == "choice":
            assert control.tag == "Choices" and control.labels == list(f.value_names)
        elif f.kind == "flag":
            assert control.tag == "Choices" and control.labels == [f.name]
        else:
            assert control.tag == "HyperTextLabels" and control.labels == [f.name]
        if f.evidence:
            assert controls[evidence_control(f)].tag == "HyperTextLabels"
    # Every choice is on the page: none waits for a region to be selected (Label Studio's perRegion).
    root = ET.fromstring(label_config(SCHEMA))
    assert not [e for e in root.iter() if e.get("perRegion") or e.get("visibleWhen") == "region-selected"]


def test_studio_config_follows_the_schema_not_literals():
    renamed = _schema_with_renamed_value()
    config = label_config(renamed)
    assert 'alias="denied"' in config and 'alias="disputed"' not in config
    # the display label, not the id, is what annotators read; the id is what results store
    root = ET.fromstring(config)
    choice = root.find(".//Choices[@name='status']/Choice[@alias='denied']")
    assert choice is not None and choice.get("value") == renamed["status"].values[2].label


def test_studio_config_renders_a_task():
    item = _article()
    data = task_data(item, item.claims[0])
    config = label_config(SCHEMA)
    rendered = check_config(config).load_task(data)
    paragraph = next(o for o in rendered.objects if o.name == PARAGRAPH)
    assert paragraph.value == data["paragraph_html"]
    assert paragraph.value.startswith("<mark>NSO says its tool is safe &amp; legal.</mark>")
    assert 'value="$claim_text"' in config  # the claim text is shown above the paragraph


def test_studio_instructions_cover_every_help_text():
    text = instructions_html(SCHEMA)
    for f in SCHEMA.fields:
        assert f.label in text
        for v in f.values:
            assert v.label in text
    assert "&quot;" in text or '"' not in text  # escaped HTML


def test_studio_task_data_maps_back_to_the_article():
    item = _article()
    for claim in item.claims:
        data = task_data(item, claim)
        assert data["format"] == TASK_FORMAT and data["claim_id"] == claim.id
        base = data["paragraph_start"]
        for (a, b), s in zip(data["paragraph_claim_spans"], claim.spans, strict=True):
            assert item.article.text[base + a : base + b] == item.article.text[s.start : s.end]
        assert view_of(data).text == data["paragraph"]


_TEXT = st.text(alphabet='ab \n\r&<>"é😀', min_size=1, max_size=40)


def _dom_nodes(markup: str) -> list[tuple[str, str]]:
    """(XPath, text) of each text node, read independently with an XML parser."""
    root = ET.fromstring(f"<root>{markup}</root>")
    nodes, k = [], 0
    if root.text:
        k += 1
        nodes.append((f"/text()[{k}]", root.text))
    for j, child in enumerate(root, start=1):
        assert child.tag == "mark" and len(child) == 0
        nodes.append((f"/mark[{j}]/text()[1]", child.text or ""))
        if child.tail:
            k += 1
            nodes.append((f"/text()[{k}]", child.tail))
    return nodes


def _resolve(nodes: list[tuple[str, str]], xpath: str, utf16_offset: int) -> int:
    before = 0
    for path, text in nodes:
        if path == xpath:
            units = 0
            for i, ch in enumerate(text):
                if units >= utf16_offset:
                    return before + i
                units += 2 if ord(ch) > 0xFFFF else 1
            return before + len(text)
        before += len(text)
    raise AssertionError(f"{xpath} not in the DOM")


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.data())
def test_studio_paragraph_html_positions_agree(text, data):
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=4)))
    marks = tuple(Span(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b)
    view = ParagraphView(text, marks)
    markup = view.html()
    assert "\r" not in markup  # a raw CR would become LF in the browser and shift offsets
    nodes = _dom_nodes(markup)
    assert "".join(t for _, t in nodes) == text  # the DOM text content is the paragraph
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    value = view.region_value(Span(a, b))
    assert value["text"] == text[a:b]
    assert _resolve(nodes, value["start"], value["startOffset"]) == a
    assert _resolve(nodes, value["end"], value["endOffset"]) == b
    assert view.span_of(value) == Span(a, b)
    without_global = {k: v for k, v in value.items() if k != "globalOffsets"}
    assert view.span_of(without_global) == Span(a, b)


def test_studio_predictions_validate_and_drop_spans_outside_the_paragraph():
    item = _article()
    claim = item.claims[0]
    data = task_data(item, claim)
    labels = {
        "attribution": Label("attributed", 0.9),
        "source": Label("NSO", 0.8, (Span(7, 10),)),
        "cue": Label("says", 0.8, (Span(11, 15),)),
        "source_type": Label("organization", 0.6),
        "hedged": Label("yes", 0.5, (Span(80, 87),)),  # outside this paragraph
        "not_a_claim": Label(False, 0.9),
        "status": Label("not_addressed", 0.7),
    }
    results = label_results(labels, data, SCHEMA, with_scores=True)
    ResultChecker(check_config(label_config(SCHEMA))).check(results.items, data, "prediction", results.score)
    assert results.dropped_spans == 1
    by_name = {(r["from_name"], r.get("id")): r for r in results.items}
    source = by_name[("source", "source-0")]
    assert source["value"]["text"] == "NSO" and source["value"]["globalOffsets"] == {"start": 0, "end": 3}
    assert by_name[("source_type", None)]["value"] == {"choices": ["organization"]}  # claim-level: on the page
    assert ("not_a_claim", None) not in by_name  # an unticked flag sends nothing
    assert 0 <= results.score <= 1


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {"from_name": "attribution", "to_name": PARAGRAPH, "type": "choices", "value": {"choices": ["maybe"]}},
            "attribution",
        ),
        ({"from_name": "nope", "to_name": PARAGRAPH, "type": "choices", "value": {"choices": ["x"]}}, "nope"),
    ],
)
def test_studio_checker_rejects_what_the_server_would_accept(bad, message):
    item = _article()
    data = task_data(item, item.claims[0])
    with pytest.raises(StudioError, match=message):
        ResultChecker(check_config(label_config(SCHEMA))).check([bad], data, "prediction")


def test_studio_checker_rejects_a_region_whose_text_does_not_match():
    item = _article()
    data = task_data(item, item.claims[0])
    value = {**view_of(data).region_value(Span(0, 3)), "hypertextlabels": ["source"], "text": "XYZ"}
    region = {"id": "r", "from_name": "source", "to_name": PARAGRAPH, "type": "hypertextlabels", "value": value}
    with pytest.raises(StudioError, match="does not match"):
        ResultChecker(check_config(label_config(SCHEMA))).check([region], data, "prediction")


def _export_task(task_id: int, data: dict, annotations: list[dict]) -> dict:
    return {"id": task_id, "data": data, "annotations": annotations, "predictions": [], "drafts": []}


def test_studio_records_from_export_map_regions_to_article_offsets():
    item = _article()
    data = task_data(item, item.claims[0])
    view = view_of(data)
    src = {**view.region_value(Span(0, 3)), "hypertextlabels": ["source"]}
    xpath_only = {k: v for k, v in view.region_value(Span(4, 8)).items() if k != "globalOffsets"}
    result = [
        {"id": "s1", "from_name": "source", "to_name": PARAGRAPH, "type": "hypertextlabels", "value": src},
        {
            "id": "s1",
            "from_name": "source_type",
            "to_name": PARAGRAPH,
            "type": "choices",
            "value": {**src, "choices": ["organization"]},
        },
        {
            "id": "c1",
            "from_name": "cue",
            "to_name": PARAGRAPH,
            "type": "hypertextlabels",
            "value": {**xpath_only, "hypertextlabels": ["cue"]},
        },
        {"from_name": "attribution", "to_name": PARAGRAPH, "type": "choices", "value": {"choices": ["attributed"]}},
        {"from_name": "not_a_claim", "to_name": PARAGRAPH, "type": "choices", "value": {"choices": ["not_a_claim"]}},
    ]
    tasks = [
        _export_task(
            1,
            data,
            [
                {
                    "id": 7,
                    "completed_by": 2,
                    "result": result,
                    "lead_time": 3.5,
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:01Z",
                },
                {"id": 8, "completed_by": 3, "result": [], "was_cancelled": True},
            ],
        ),  # fmt: skip
        _export_task(2, task_data(item, item.claims[1]), []),
        _export_task(3, {"text": "not ours"}, []),
    ]
    pulled = records_from_export(json.loads(json.dumps(tasks)), SCHEMA, {2: "ann@x.org", 3: "b@x.org"})
    (record,) = pulled.records
    text = item.article.text
    (source,) = record.regions["source"]
    assert text[source.span.start : source.span.end] == "NSO" == source.text
    (cue,) = record.regions["cue"]
    assert text[cue.span.start : cue.span.end] == "says"
    # A project made with schema v1 answered source_type per source region: read back as the claim's.
    assert record.values == {
        "not_a_claim": True,
        "attribution": "attributed",
        "source_type": "organization",
        "hedged": None,
        "status": None,
    }
    assert record.annotator == "ann@x.org" and record.lead_time == 3.5
    assert [c.claim_id for c in pulled.unannotated] == [item.claims[1].id]
    assert [(c.claim_id, who) for c, who in pulled.skipped] == [(item.claims[0].id, "b@x.org")]
    assert pulled.foreign_tasks == 1 and pulled.offset_mismatches == 0


def test_studio_connection_resolution_order(tmp_path, monkeypatch):
    from claimkit.annotate.studio.server import ServerState, write_state

    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("CLAIMKIT_HOME", str(tmp_path))
    with pytest.raises(StudioError, match="claimkit studio start"):
        resolve_connection()
    write_state(tmp_path, ServerState("http://127.0.0.1:1111", 1111, "a@b.c", "pw", "filetoken"))
    assert (tmp_path / "studio.json").stat().st_mode & 0o777 == 0o600
    assert resolve_connection() == Connection("http://127.0.0.1:1111", "filetoken", str(tmp_path / "studio.json"))
    with pytest.raises(StudioError):  # the local token is never sent to another server
        resolve_connection("http://elsewhere:8080")
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://example.org:8080/")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "envtoken")
    assert resolve_connection() == Connection("http://example.org:8080", "envtoken", "LABEL_STUDIO_API_KEY")
    assert resolve_connection("http://other:1", "opt") == Connection("http://other:1", "opt", "--api-key")
    assert resolve_connection("http://other:1") == Connection("http://other:1", "envtoken", "LABEL_STUDIO_API_KEY")
    assert "envtoken" not in repr(resolve_connection()) and "filetoken" not in repr(resolve_connection())
    with pytest.raises(StudioError, match="not an http"):
        resolve_connection("localhost:8080", "x")


def test_studio_state_file_is_private(tmp_path):
    from claimkit.annotate.studio.server import ServerState, read_state, write_state

    state = ServerState("http://127.0.0.1:1", 1, "a@b.c", "secret-pw", "secret-token")
    write_state(tmp_path / "home", state)
    path = Path(tmp_path / "home" / "studio.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_state(tmp_path / "home") == state
    assert "secret" not in repr(state)
