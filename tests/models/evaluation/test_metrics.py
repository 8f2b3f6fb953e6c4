"""Each attribution metric on hand-built spans and labels, with the expected numbers worked out by hand."""

import pytest

from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Label, Span
from claimkit.models.evaluation.metrics import (
    Counts,
    char_counts,
    classification_scores,
    coverage,
    has_quote,
    is_whole_sentence,
    match_mentions,
    normalize_mention,
    p_attributed,
    pr_curve,
    round_floats,
    total,
    unique_mentions,
)

ASSERTED, ATTRIBUTED = default_schema()["attribution"].negative, default_schema()["attribution"].positive


def test_metrics_counts_sum_then_divide():
    c = total([Counts(1, 1, 0), Counts(1, 0, 2)])
    assert c == Counts(2, 1, 2)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_metrics_counts_empty_denominators_are_zero():
    assert Counts(0, 0, 3).to_dict() == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 3}


def test_metrics_char_counts_overlapping_spans():
    text = "ab cd ef"
    # predicted "ab cd" = {0,1,3,4}; gold "cd ef" = {3,4,6,7}
    assert char_counts(text, [Span(0, 5)], [Span(3, 8)]) == Counts(tp=2, fp=2, fn=2)


def test_metrics_char_counts_ignore_whitespace_and_duplicates():
    text = "ab cd"
    assert char_counts(text, [Span(0, 3), Span(0, 2)], [Span(0, 2)]) == Counts(2, 0, 0)
    assert char_counts(text, [], [Span(0, 5)]) == Counts(0, 0, 4)


def test_metrics_coverage_counts_nonspace_characters():
    text = "ab cd ef"
    assert coverage(text, [Span(0, 2)]) == (2, 6)
    assert coverage(text, [Span(0, 4)], within=[Span(3, 8)]) == (1, 4)


def test_metrics_classification_scores_hand_example():
    gold = [ATTRIBUTED, ATTRIBUTED, ASSERTED, ASSERTED, ASSERTED]
    pred = [ATTRIBUTED, ASSERTED, ASSERTED, ASSERTED, ATTRIBUTED]
    s = classification_scores(gold, pred, (ASSERTED, ATTRIBUTED))
    assert s["per_label"][ATTRIBUTED] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert s["per_label"][ASSERTED]["f1"] == pytest.approx(2 / 3)
    assert s["per_label"][ASSERTED]["support"] == 3
    assert s["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert s["accuracy"] == pytest.approx(0.6)
    assert s["confusion"] == {"labels": [ASSERTED, ATTRIBUTED], "matrix": [[2, 1], [1, 1]]}


def test_metrics_classification_scores_absent_label_counts_as_zero():
    s = classification_scores([ASSERTED] * 3, [ASSERTED] * 3, (ASSERTED, ATTRIBUTED))
    assert s["per_label"][ATTRIBUTED]["f1"] == 0.0
    assert s["macro_f1"] == 0.5


def test_metrics_classification_scores_empty_is_none():
    s = classification_scores([], [], (ASSERTED, ATTRIBUTED))
    assert s["n"] == 0 and s["macro_f1"] is None and s["accuracy"] is None


def test_metrics_classification_scores_reject_unknown_labels():
    with pytest.raises(ValueError, match="not among"):
        classification_scores(["maybe"], [ASSERTED], (ASSERTED, ATTRIBUTED))


def test_metrics_p_attributed_flips_asserted_scores():
    assert p_attributed(Label(ATTRIBUTED, 0.8), ATTRIBUTED) == pytest.approx(0.8)
    assert p_attributed(Label(ASSERTED, 0.8), ATTRIBUTED) == pytest.approx(0.2)


def test_metrics_pr_curve_average_precision():
    curve = pr_curve([True, False, True, False], [0.9, 0.8, 0.7, 0.1])
    # ranks: hit at 1 (P=1), miss, hit at 3 (P=2/3) -> AP = (1 + 2/3) / 2
    assert curve["average_precision"] == pytest.approx(5 / 6)
    assert curve["recall"][0] == 1.0 and curve["recall"][-1] == 0.0
    assert len(curve["precision"]) == len(curve["recall"]) == len(curve["thresholds"])


def test_metrics_pr_curve_without_positives_is_none():
    assert pr_curve([False, False], [0.2, 0.9])["average_precision"] is None


def test_metrics_pr_curve_is_thinned():
    curve = pr_curve([i % 2 == 0 for i in range(500)], [i / 500 for i in range(500)], max_points=20)
    assert len(curve["recall"]) <= 20


def test_metrics_normalize_mention_trims_and_joins():
    text = "the  spokesman  said"
    assert normalize_mention(text, [Span(0, 5)]) == (Span(0, 3),)
    assert normalize_mention(text, [Span(0, 3), Span(5, 14)]) == (Span(0, 14),)  # pieces joined by blanks only
    assert normalize_mention(text, [Span(3, 5)]) == ()


def test_metrics_unique_mentions_dedupes_after_normalizing():
    text = "NSO said it"
    assert unique_mentions(text, [(Span(0, 3),), (Span(0, 4),), (), (Span(4, 8),)]) == [(Span(0, 3),), (Span(4, 8),)]


def test_metrics_match_mentions_exact_vs_overlap():
    text = "The White House press secretary said"
    gold = [(Span(0, 15),)]  # "The White House"
    pred = [(Span(4, 15),)]  # "White House"
    assert match_mentions(text, pred, gold, "exact") == Counts(0, 1, 1)
    assert match_mentions(text, pred, gold, "overlap") == Counts(1, 0, 0)


def test_metrics_match_mentions_overlap_is_one_to_one():
    text = "Alice and Bob said"
    gold = [(Span(0, 5),), (Span(10, 13),)]  # Alice, Bob
    one_long = [(Span(0, 13),)]  # "Alice and Bob" hits both, may count once
    assert match_mentions(text, one_long, gold, "overlap") == Counts(1, 0, 1)
    two_on_one = [(Span(0, 5),), (Span(0, 3),)]  # two predictions on Alice: one hit, one false positive
    assert match_mentions(text, two_on_one, gold, "overlap") == Counts(1, 1, 1)


def test_metrics_match_mentions_overlap_finds_the_maximum_matching():
    text = "Alice and Bob said"
    gold = [(Span(0, 5),), (Span(10, 13),)]
    # a greedy matcher taking "Alice and Bob" -> Alice first would leave "Al" unmatched; the best 1:1 has 2 hits
    pred = [(Span(0, 13),), (Span(0, 2),)]
    assert match_mentions(text, pred, gold, "overlap") == Counts(2, 0, 0)


def test_metrics_match_mentions_overlap_ignores_shared_blanks():
    text = "ab cd"
    assert match_mentions(text, [(Span(0, 3),)], [(Span(2, 5),)], "overlap") == Counts(0, 1, 1)


def test_metrics_match_mentions_empty_sides_and_bad_mode():
    assert match_mentions("x", [], [(Span(0, 1),)], "exact") == Counts(0, 0, 1)
    with pytest.raises(ValueError, match="exact"):
        match_mentions("x", [], [], "fuzzy")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Clinton’s plan didn’t work.", False),
        ("He called it “a disgrace.”", True),
        ('He called it "a disgrace."', True),
        ("He called it ''a disgrace.''", True),
        ("Trump: ‘Crooked’ Hillary", True),
        ("No quotes here.", False),
    ],
)
def test_metrics_has_quote_all_conventions_but_not_apostrophes(sentence, expected):
    assert has_quote(sentence) is expected


def test_metrics_is_whole_sentence():
    text = "Taxes rose, officials said. "
    sentence = Span(0, 27)
    assert is_whole_sentence(text, [Span(0, 28)], sentence)
    assert is_whole_sentence(text, [Span(0, 11), Span(11, 27)], sentence)
    assert not is_whole_sentence(text, [Span(0, 10)], sentence)


def test_metrics_round_floats_nested():
    assert round_floats({"a": [0.123456, 2], "b": {"c": 1 / 3, "d": None}}) == {
        "a": [0.1235, 2],
        "b": {"c": 0.3333, "d": None},
    }
