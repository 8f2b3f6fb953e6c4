"""Paragraphs: blank lines always break; a single line break breaks unless it wraps a sentence."""

import pytest

from claimkit.annotate.nlp import hard_break, paragraph_spans
from claimkit.annotate.types import Article


@pytest.mark.parametrize(
    ("line", "rest", "expected"),
    [
        ("Trump Wants To Do Things 'A Hell Of A Lot Worse Than Waterboarding'", "Donald Trump didn't", True),
        ("Trump Wants Worse Than Waterboarding", "Donald Trump didn't", True),  # a title-case headline
        ("He represents our greatest shame.” ― Sonya Herridge", "“He is a bully.”", True),  # one comment a line
        ("Derelict Obama and Clinton;", "Trump will go on offense.", True),
        ("Earlier this week, the", "Jason Cherkis wrote", False),  # a wrap after a function word
        ("Editor’s note: Donald Trump regularly", "incites violence", False),  # the next line goes on
        ("The mayor said", "Then", False),  # a lower-case word in a sentence: a wrap
        ("The bridge is closed,", "Officials said.", False),
    ],
)
def test_hard_break(line, rest, expected):
    assert hard_break(line, rest) is expected


def test_paragraph_spans_cut_hard_breaks_but_keep_wraps():
    text = "A Headline Without A Period\nThe mayor said the bridge\nwould reopen.\n\nSecond paragraph."
    spans = paragraph_spans(Article("t", text))
    assert [text[s.start : s.end] for s in spans] == [
        "A Headline Without A Period",
        "The mayor said the bridge\nwould reopen.",
        "Second paragraph.",
    ]
