"""Parse predicates that more than one group of status rules asks: is a word negated, does a pronoun
point back or stand for a clause that follows, is a word inside what a source is reported to say and
who that source is, and the character spans of the evidence words.

The verb rules (``annotate.status_verbs``), the author's-voice rules (``annotate.status_author``) and
the linking (``annotate.status_linking``) must read these the same way; a predicate only one of them
uses stays in that module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimkit.annotate.types import Span

if TYPE_CHECKING:
    from spacy.tokens import Token

    from claimkit.annotate.nlp import ParsedParagraph

# Words that point back to something said before ("denied it", "which he denied", "that's untrue").
POINTERS = frozenset({"it", "this", "that", "these", "those", "which"})
# Determiners of a noun the article has already told of ("the report", "her death").
DEFINITE = frozenset({"the", "this", "that", "his", "her", "its", "their"})


NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "neither", "nothing", "no-one"})


def negated(tok: Token) -> bool:
    """Whether a word is negated: "not", "never", "nor" on it, or "nor" on the verb it is conjoined to;
    or its subject is negative ("Neither the governor nor her aides have disputed", "No one has
    disputed", "None of the officials disputed")."""
    if any(c.dep_ == "neg" or c.lower_ in ("never", "nor") for c in tok.children) or any(
        c.lower_ == "nor" for c in tok.head.children if tok.dep_ == "conj"
    ):
        return True
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(
        s.lower_ in NEGATIVE_SUBJECTS
        or any(c.dep_ in ("det", "preconj") and c.lower_ in ("no", "neither") for c in s.children)
        for s in subjects
    )


def char_spans(para: ParsedParagraph, tokens: set[int]) -> tuple[Span, ...]:
    """Article character spans of ``tokens`` (punctuation left out), merged across whitespace."""
    doc, base, text = para.doc, para.span.start, para.doc.text
    out: list[Span] = []
    for i in sorted(tokens):
        tok = doc[i]
        if tok.is_punct:
            continue
        span = Span(base + tok.idx, base + tok.idx + len(tok.text))
        if out and text[out[-1].end - base : span.start - base].strip() == "":
            out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return tuple(out)


def wh_content(verb: Token) -> bool:
    """Whether the verb's complement is a wh-clause ("questioned how Cruz could ...", "questioned what
    kind of person ..."): a question raised, not a claim disputed or confirmed."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "xcomp", "dobj") and child.i > verb.i:
            start = child.left_edge.i
            for first in verb.doc[start : min(start + 2, child.i + 1)]:  # "how ...", "just how much ..."
                if first.tag_ in ("WDT", "WP", "WP$", "WRB") and first.lower_ not in ("whether", "that"):
                    return True
    return False


def expletive(subject: Token, head: Token) -> bool:
    """An expletive "it" standing for a clause that follows ("it was unlikely to work", "it is wrong
    to imply that ..."), not a pointer to an earlier claim."""
    if subject.lower_ != "it":
        return False
    extraposed = ("xcomp", "ccomp", "csubj")
    return any(c.dep_ in extraposed for c in head.children) or any(
        g.dep_ in extraposed for c in head.children if c.dep_ in ("acomp", "attr") for g in c.children
    )


def head_word(para: ParsedParagraph, tokens: Sequence[int]) -> str | None:
    """The lower-cased head word of a mention (the token whose head lies outside it)."""
    source, doc = set(tokens), para.doc
    roots = [i for i in sorted(source) if doc[i].head.i not in source or doc[i].head.i == i]
    return doc[roots[0]].lower_ if roots else None


def reported(para: ParsedParagraph, i: int) -> bool:
    """Whether token ``i`` lies in what a source of its sentence is reported to say (a frame's content):
    then a verdict word there is the source's, not the article's."""
    return any(i in frame.content for frame in para.frames[para.sentence_of_token[i]])


def giver(para: ParsedParagraph, word: Token) -> str | None:
    """The head word of the source whose reported words hold ``word`` ("PolitiFact [...] concluded his
    comments were false"), else None (the article's own voice)."""
    for frame in para.frames[para.sentence_of_token[word.i]]:
        if word.i in frame.content and frame.source:
            return head_word(para, frame.source)
    return None
