"""The labeling config and annotator instructions, generated from the schema, and their validation.

Everything the server sees is derived from ``Schema``: control names are field names, choices store
the schema's value ids (the ``alias`` of a ``<Choice>``), and the instructions are the schema's help texts.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from itertools import cycle
from typing import TYPE_CHECKING

from claimkit.annotate.errors import StudioError
from claimkit.annotate.schema import Field, Schema

if TYPE_CHECKING:
    from label_studio_sdk.label_interface import LabelInterface

PARAGRAPH = "paragraph"
"""Name of the object tag that shows the paragraph; every region lives on it."""


CLAIM = "claim"
"""Name of the object tag that shows the claim text. Being an object tag (not a header) makes ``claim_text``
one of the project's data types, which Label Studio lists first among the data manager's data columns."""

_COLORS = ("#f59e0b", "#10b981", "#6366f1", "#ef4444", "#0ea5e9", "#a855f7")

_STYLE = " ".join(
    (  # Label Studio escapes ">" in a <Style>: descendant selectors only. Its own class names are prefixed
        # (``lsf-``) and change between versions, so rules hang on claimkit's classes and plain elements.
        ".ck-paragraph { white-space: pre-wrap; line-height: 1.55; margin: 0 0 6px 0; }",
        ".ck-paragraph mark { background: #fde68a; color: inherit; padding: 0; border-radius: 2px; }",
        ".ck-claim { font-size: 16px; font-weight: 600; line-height: 1.35; }",
        # Fields flow down two balanced columns; a field never breaks across them.
        ".ck-fields { column-count: 2; column-gap: 16px; }",
        ".ck-field { break-inside: avoid; padding: 2px 0 2px 8px; margin: 0 0 4px 0; border-left: 3px solid #e5e7eb; }",
        # A help text takes one line; hovering it shows all of it (the instructions hold it too).
        ".ck-help:hover h4, .ck-help:hover h5 { white-space: normal !important; }",
    )
)
_CAPTION_STYLE = "font-size: 12px; line-height: 16px; color: #6b7280; margin: 0; font-weight: normal"
_FIELD_STYLE = "font-size: 14px; line-height: 20px; font-weight: 600; margin: 0"
_HELP_STYLE = (
    "font-size: 12px; line-height: 16px; color: #555; margin: 0; font-weight: normal;"
    " white-space: nowrap; overflow: hidden; text-overflow: ellipsis"
)


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

    The layout is compact so that every field fits a 1024x768 screen beside the task list: small captions,
    each field's help on one line (whole on hover, and in the instructions), and the fields flowing down
    two balanced CSS columns (``tests/browser/test_annotator_page.py`` measures it in Chromium).

    Choice fields become single-choice ``Choices`` whose ``Choice`` shows the value's label and
    stores its id (``alias``), with the value's help as a tooltip; flags become one checkbox that
    stores the field name; span fields become ``HyperTextLabels`` on the paragraph; an ``evidence``
    label adds a ``HyperTextLabels`` control for the words that justify the choice. Every choice is
    claim-level and always on the page: Label Studio hides a per-region choice until its region is
    selected, so an annotator would not see, say, the pre-filled source type.
    """
    taken = set(schema.names)
    for f in schema.fields:
        if f.evidence and evidence_control(f) in taken:
            raise StudioError(f"schema field {evidence_control(f)!r} clashes with the evidence control of {f.name!r}")
    root = ET.Element("View")
    ET.SubElement(root, "Style").text = _STYLE
    ET.SubElement(root, "Header", value="Claim", size="5", style=_CAPTION_STYLE)
    claim = ET.SubElement(root, "View", className="ck-claim")
    ET.SubElement(claim, "Text", name=CLAIM, value="$claim_text")
    ET.SubElement(root, "Header", value="Its paragraph (the claim is highlighted)", size="5", style=_CAPTION_STYLE)
    paragraph = ET.SubElement(root, "View", className="ck-paragraph")
    ET.SubElement(paragraph, "HyperText", name=PARAGRAPH, value="$paragraph_html", inline="true", saveTextResult="yes")
    fields = ET.SubElement(root, "View", className="ck-fields")
    colors = cycle(_COLORS)
    for f in schema.fields:
        box = ET.SubElement(fields, "View", className="ck-field")
        if f.kind != "flag":  # a flag's checkbox shows its label already
            ET.SubElement(box, "Header", value=f.label + _requires_text(f, schema), size="5", style=_FIELD_STYLE)
        if f.help:
            ET.SubElement(ET.SubElement(box, "View", className="ck-help"), "Header", value=f.help, size="5",
                          style=_HELP_STYLE)  # fmt: skip
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
