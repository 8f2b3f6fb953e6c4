"""BRAT standoff reading (continuation lines, discontinuous spans) and gold labels by the 50% rule."""

import pytest

from claimkit.annotate.corpora.brat import gold_labels, parse_ann, read_brat_corpus
from claimkit.annotate.errors import CorpusError
from claimkit.annotate.types import Article, Span

TEXT = "The Post reported that the bridge is closed.\nIt will reopen, officials said."
ANN = (
    "T1\tSource 0 8\tThe Post\n"
    "T2\tCue 9 17\treported\n"
    "T3\tContent 18 44;45 59\tthat the bridge is closed. It will reopen\n"
    "T4\tAttribution 9 17\treported\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
)


def test_brat_parses_discontinuous_entities_and_events():
    entities, attributions = parse_ann(ANN, TEXT)
    assert entities["T3"].spans == (Span(18, 44), Span(45, 59))
    (attribution,) = attributions
    assert attribution.source.text == "The Post" and attribution.cue.text == "reported"


def test_brat_folds_span_text_that_crossed_a_newline():
    ann = "T1\tContent 18 59\tthat the bridge is closed.\nIt will reopen\nT2\tCue 9 17\treported\n"
    entities, _ = parse_ann(ann, TEXT)
    assert set(entities) == {"T1", "T2"}
    assert entities["T1"].text == TEXT[18:59]


def test_brat_rejects_offsets_outside_text():
    with pytest.raises(CorpusError, match="outside the article text"):
        parse_ann("T1\tSource 0 999\tx\n", TEXT)


def test_brat_gold_labels_by_half_content(tmp_path):
    from claimkit.annotate.corpora.brat import BratDocument

    entities, attributions = parse_ann(ANN, TEXT)
    doc = BratDocument(Article("a", TEXT), "x", entities, attributions)
    labels = gold_labels(doc, [Span(23, 43)])
    assert labels["attribution"].value == "attributed"
    assert labels["source"].value == "The Post" and labels["source"].spans == (Span(0, 8),)
    assert gold_labels(doc, [Span(61, 75)])["attribution"].value == "asserted"


@pytest.mark.corpus
def test_brat_reads_polnear_dev(polnear_dir):
    docs = list(read_brat_corpus(polnear_dir, "dev"))
    assert len(docs) == 84
    assert all(d.article.metadata.get("publisher") for d in docs)
    assert sum(len(d.attributions) for d in docs) > 1500
    for doc in docs[:10]:
        for entity in doc.entities.values():
            assert entity.text == " ".join(doc.article.text[s.start : s.end] for s in entity.spans)


def test_brat_missing_layout_is_a_clear_error(tmp_path):
    with pytest.raises(
        CorpusError, match=r"not a BRAT corpus in PolNeAR's layout .*github.com/networkdynamics/polnear"
    ):
        list(read_brat_corpus(tmp_path, "dev"))
