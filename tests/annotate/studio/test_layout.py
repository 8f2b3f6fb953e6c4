"""The compact labeling layout, as generated (what it looks like in a browser: tests/browser/)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from claimkit.annotate.schema import default_schema
from claimkit.annotate.studio.config import CLAIM, PARAGRAPH, check_config, label_config

SCHEMA = default_schema()


def test_layout_puts_every_field_in_the_two_column_grid():
    root = ET.fromstring(label_config(SCHEMA))
    style = root.find("Style")
    assert style is not None and ">" not in (style.text or "")  # Label Studio escapes ">" in a <Style>
    grid = root.find("View[@className='ck-fields']")
    assert grid is not None and "column-count: 2" in (style.text or "")
    boxes = grid.findall("View[@className='ck-field']")
    assert len(boxes) == len(SCHEMA.fields)
    for box, field in zip(boxes, SCHEMA.fields, strict=True):
        assert box.find(f".//*[@name='{field.name}']") is not None
        if field.help:
            (help_header,) = box.findall("View[@className='ck-help']/Header")
            assert help_header.get("value") == field.help and "nowrap" in (help_header.get("style") or "")


def test_layout_shows_the_claim_as_an_object_so_it_is_the_first_data_column():
    interface = check_config(label_config(SCHEMA))
    objects = [(o.name, o.tag, o.value) for o in interface.objects]
    assert objects == [(CLAIM, "Text", "$claim_text"), (PARAGRAPH, "HyperText", "$paragraph_html")]
    assert all(c.to_name == [PARAGRAPH] for c in interface.controls)  # nothing is labelled on the claim itself
