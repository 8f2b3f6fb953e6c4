"""Plain-Python columns of a spaCy ``Doc``'s token attributes.

Reading ``doc[i].text`` builds a Token object on every access; the splitter and the rules read
these attributes millions of times per corpus, so each paragraph's tokens are read once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class TokenTable:
    text: tuple[str, ...]
    lower: tuple[str, ...]
    lemma: tuple[str, ...]  # lower-cased
    idx: tuple[int, ...]
    ws: tuple[bool, ...]
    is_punct: tuple[bool, ...]
    is_space: tuple[bool, ...]
    dep: tuple[str, ...]

    @classmethod
    def of(cls, doc: Doc) -> TokenTable:
        rows = [
            (t.text, t.lower_, t.lemma_.lower(), t.idx, bool(t.whitespace_), t.is_punct, t.is_space, t.dep_)
            for t in doc
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        return cls(*(tuple(c) for c in columns))
