"""A paragraph as a task shows it, and the two position forms Label Studio uses for a region on it.

The paragraph is shown as HTML with the claim's characters inside ``<mark>`` elements. Label Studio
stores a region's position as ``globalOffsets``: code points into the text content of the HTML. The
HTML is nothing but the escaped paragraph and ``<mark>`` tags, so its text content *is* the paragraph,
and an article offset is ``paragraph_start + globalOffsets.start``. Predictions also carry the XPath
form (``/text()[2]``, ``/mark[1]/text()[1]`` plus UTF-16 offsets) that the editor resolves first; both
forms are computed here from the same segments, and tests check they agree.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from claimkit.annotate.types import Span


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
        for a, b in zip(cuts, cuts[1:], strict=False):
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
            raise ValueError(
                f"region path {value.get('start')!r}..{value.get('end')!r} is not in the paragraph"
            ) from None
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
