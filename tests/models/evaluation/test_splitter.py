"""PropSegmEnt tokens and metric on hand-worked cases, and the splitter on the real corpus."""

import pytest

from claimkit.annotate.corpora.propsegment import GoldSentence, spans_to_tokens, tokenize
from claimkit.annotate.types import Span
from claimkit.models.evaluation.splitter import jaccard, matched_pairs, score_segmentations


def test_propsegment_tokenizer_matches_corpus_convention():
    text = "Maleficent - The Dark Fairy (2014) isn't 3-D."
    tokens = [text[a:b] for a, b in tokenize(text)]
    assert tokens == ["Maleficent", "-", "The", "Dark", "Fairy", "(", "2014", ")", "isn", "'", "t", "3", "-", "D", "."]


def test_propsegment_hungarian_matching_is_one_to_one():
    a, b = frozenset({1, 2, 3, 4, 5}), frozenset({6, 7, 8})
    assert matched_pairs([a, a], [a], 0.8) == 1
    assert matched_pairs([a, b], [b, a], 1.0) == 2
    assert matched_pairs([frozenset({1, 2, 3, 4})], [a], 0.8) == 1  # Jaccard 4/5
    assert matched_pairs([frozenset({1, 2, 3})], [a], 0.8) == 0  # Jaccard 3/5
    assert jaccard(a, b) == 0.0


def test_propsegment_macro_average_and_f1():
    g1, g2 = [frozenset({0, 1}), frozenset({2, 3})], [frozenset({0})]
    scores = score_segmentations([([frozenset({0, 1})], g1), ([frozenset({0}), frozenset({1})], g2)])
    exact = scores["exact"]
    # sentence 1: P 1/1, R 1/2; sentence 2: P 1/2, R 1/1 -> macro P 0.75, R 0.75
    assert exact["precision"] == pytest.approx(75.0) and exact["recall"] == pytest.approx(75.0)
    assert exact["f1"] == pytest.approx(75.0)


def test_propsegment_spans_to_tokens():
    text = "He is a singer."
    starts, ends = zip(*tokenize(text), strict=True)
    sentence = GoldSentence("s", text, starts, ends, ())
    assert spans_to_tokens(sentence, [Span(0, 5), Span(8, 14)]) == frozenset({0, 1, 3})


@pytest.mark.corpus
def test_propsegment_splitter_beats_whole_sentence_on_dev(propsegment_dir, nlp):
    from claimkit.models.evaluation.splitter import evaluate_splitter

    report = evaluate_splitter(propsegment_dir, nlp, granularity="proposition", limit=60)
    ours = report["systems"]["claimkit"]["jaccard_0.8"]["f1"]
    whole = report["systems"]["whole_sentence"]["jaccard_0.8"]["f1"]
    assert report["sentences"] == 60
    assert ours > whole
    assert set(report["halves"]) == {"A", "B"}  # alternate sentences, each scored on its own
    assert all(h["f1"] > 0 for h in report["halves"].values())
