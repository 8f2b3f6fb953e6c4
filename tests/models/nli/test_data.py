"""Training-data builders of the attribution model: premises, pairs, splits, pulled annotations."""

from __future__ import annotations

import json

import pytest

from claimkit.annotate.errors import InputError
from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle
from claimkit.models.nli.data import (
    PARAGRAPH_MARK,
    UNLABELLED,
    WindowConfig,
    article_pairs,
    attribution_labels,
    build_brat_dataset,
    build_claims_dataset,
    pair_features,
    premise_text,
    read_pull_output,
    windows,
)

ASSERTED, ATTRIBUTED = default_schema()["attribution"].negative, default_schema()["attribution"].positive


def make_article(article_id: str, paragraphs: list[list[str]], labels: list[str | None] | None = None) -> SplitArticle:
    """A split article by hand: one claim per sentence, paragraphs separated by blank lines."""
    text, para_spans, sentences, sentence_para, claims = "", [], [], [], []
    for p, sents in enumerate(paragraphs):
        if text:
            text += "\n\n"
        start = len(text)
        for s, sent in enumerate(sents):
            if s:
                text += " "
            span = Span(len(text), len(text) + len(sent))
            text += sent
            sentences.append(span)
            sentence_para.append(p)
            claims.append(Claim(Claim.make_id(article_id, (span,)), article_id, sent, (span,), len(sentences) - 1, p))
        para_spans.append(Span(start, len(text)))
    if labels is not None:
        claims = [
            c.with_labels({"attribution": Label(v, 1.0)}) if v else c for c, v in zip(claims, labels, strict=True)
        ]
    return SplitArticle(
        Article(article_id, text, {"publisher": "test"}),
        tuple(para_spans),
        tuple(sentences),
        tuple(sentence_para),
        tuple(claims),
    )


ITEM = make_article(
    "a1",
    [
        ["The council met on Tuesday.", "“Taxes will rise next year.", "Schools will close,” the mayor said."],
        ["According to the report, crime fell.", "The bridge reopened in May."],
        ["Officials said the budget was balanced.", "Nobody objected."],
    ],
)


def test_nli_windows_cover_every_claim_exactly_once():
    for core in (30, 80, 600, 5000):
        ws = windows(ITEM, WindowConfig(core_chars=core, context_chars=60))
        members = sorted(i for w in ws for i in w.claims)
        assert members == list(range(len(ITEM.claims)))


def test_nli_windows_pack_claims_within_core_and_add_neighbouring_sentences():
    ws = windows(ITEM, WindowConfig(core_chars=80, context_chars=60))
    assert len(ws) > 1
    for w in ws:
        covered = [s for i in w.claims for s in ITEM.claims[i].spans]
        extent = Span(min(s.start for s in covered), max(s.end for s in covered))
        assert len(extent) <= 80 or len(w.claims) == 1
        assert w.start <= extent.start and extent.end <= w.end
    # the "…,” the mayor said." sentence is in the premise of the quote's first sentence
    first_quote = next(w for w in ws if 1 in w.claims)
    assert "the mayor said" in ITEM.article.text[first_quote.start : first_quote.end]


def test_nli_windows_cut_long_context_at_a_space():
    long_sentence = "Word " * 80 + "end."
    item = make_article("a2", [[long_sentence.strip(), "Short claim here."]])
    (window,) = [w for w in windows(item, WindowConfig(core_chars=20, context_chars=50)) if 1 in w.claims]
    assert item.claims[1].spans[0].start - window.start <= 50
    assert item.article.text[window.start - 1] == " "  # starts on a word boundary


def test_nli_premise_marks_paragraph_breaks_and_keeps_offsets():
    text = "One.\n\nTwo.\nThree."
    premise = premise_text(text, 0, len(text))
    assert len(premise) == len(text)
    assert premise == f"One.{PARAGRAPH_MARK}\nTwo.\nThree."


def test_nli_pairs_mark_the_claim_inside_its_premise():
    labels = [ASSERTED, ATTRIBUTED, ATTRIBUTED, ATTRIBUTED, ASSERTED, ATTRIBUTED, None]
    pairs = list(article_pairs(ITEM, labels, WindowConfig(core_chars=120, context_chars=80)))
    assert len(pairs) == 6  # the unlabelled claim is context only
    text = ITEM.article.text
    for row in pairs:
        claim = next(c for c in ITEM.claims if c.id == row["claim_id"])
        start = text.index(row["premise"].replace(PARAGRAPH_MARK, "\n")[:10])
        ((s, e),) = row["claim_spans"]
        assert row["premise"][s:e] == text[start + s : start + e] == claim.text
        assert row["hypothesis"] == claim.text
    unlabelled = list(article_pairs(ITEM))
    assert {r["label"] for r in unlabelled} == {UNLABELLED} and len(unlabelled) == len(ITEM.claims)


def test_nli_pairs_carry_gold_content_in_premise_offsets():
    text = ITEM.article.text
    quote = text.index("Taxes")
    content = [Span(quote, text.index("”"))]
    pairs = list(
        article_pairs(
            ITEM, [ASSERTED] * len(ITEM.claims), WindowConfig(core_chars=120, context_chars=80), content=content
        )
    )
    with_quote = [p for p in pairs if p["content_spans"]]
    assert with_quote and all(p["has_content"] for p in pairs)
    for row in with_quote:
        ((s, e),) = row["content_spans"]
        assert row["premise"][s:e].replace(PARAGRAPH_MARK, "\n") in text[content[0].start : content[0].end]
    assert not any(p["has_content"] for p in article_pairs(ITEM, [ASSERTED] * len(ITEM.claims)))


def test_nli_label_feature_is_the_sorted_schema_values():
    names = pair_features()["label"].names
    assert names == attribution_labels() == sorted(default_schema()["attribution"].value_names)


def test_nli_claims_dataset_splits_by_article():
    items = [
        make_article(f"art{i}", [["A plain fact.", "“A quote,” she said."]], [ASSERTED, ATTRIBUTED]) for i in range(20)
    ]
    dsd = build_claims_dataset(items, seed=3)
    assert set(dsd) == {"train", "validation", "test"}
    seen: dict[str, str] = {}
    for split, ds in dsd.items():
        for article in ds["article_id"]:
            assert seen.setdefault(article, split) == split
    assert sum(len(ds) for ds in dsd.values()) == 40
    assert dsd["train"].features["label"].int2str(dsd["train"][0]["label"]) in (ASSERTED, ATTRIBUTED)


def test_nli_claims_dataset_refuses_unlabelled_input():
    with pytest.raises(InputError, match="attribution label"):
        build_claims_dataset([make_article("x", [["Nothing labelled."]])])


def test_nli_pull_output_takes_the_majority_and_drops_ties(tmp_path):
    pd = pytest.importorskip("pandas")
    item = make_article("p1", [["Fact one.", "“Quote two,” he said.", "Fact three.", "Odd four."]])
    rows = []

    def add(claim, annotator, value, bad=False):
        rows.append(
            {
                "article_id": "p1",
                "claim_id": claim.id,
                "claim_text": claim.text,
                "claim_spans": [[s.start, s.end] for s in claim.spans],
                "sentence": claim.sentence,
                "paragraph": claim.paragraph,
                "annotator": annotator,
                "attribution": value,
                "not_a_claim": bad,
            }
        )

    c = item.claims
    add(c[0], "ann1", ASSERTED)
    add(c[1], "ann1", ATTRIBUTED)
    add(c[1], "ann2", ATTRIBUTED)
    add(c[1], "ann3", ASSERTED)
    add(c[2], "ann1", ASSERTED)
    add(c[2], "ann2", ATTRIBUTED)  # tie: left out
    add(c[3], "ann1", None, bad=True)  # not a claim: left out
    pd.DataFrame(rows).to_parquet(tmp_path / "annotations.parquet")
    unlabelled = item.with_claims(())  # the pushed article as `claimkit split` wrote it (claims do not matter)
    (got,), counts, _ = read_pull_output(tmp_path, [unlabelled])
    assert counts == {"claims": 2, "gold": 0, "ties": 1, "not_a_claim": 1, "unanswered": 0, "unknown_article": 0}
    values = {cl.id: cl.labels["attribution"] for cl in got.claims}
    assert values[c[0].id].value == ASSERTED
    assert values[c[1].id].value == ATTRIBUTED and values[c[1].id].score == pytest.approx(2 / 3)
    pairs = list(article_pairs(got, [str(cl.labels["attribution"].value) for cl in got.claims]))
    assert [p["hypothesis"] for p in pairs] == ["Fact one.", "“Quote two,” he said."]


def test_nli_pull_output_needs_the_table(tmp_path):
    with pytest.raises(InputError, match="annotations.parquet"):
        read_pull_output(tmp_path, [])


@pytest.mark.corpus
def test_nli_brat_dataset_from_polnear_through_the_splitter(polnear_dir, nlp):
    dsd = build_brat_dataset(polnear_dir, nlp, max_articles=6, eval_splits=("dev",), validation_fraction=0.34)
    assert set(dsd) == {"train", "validation", "dev"}
    assert not set(dsd["train"]["article_id"]) & set(dsd["validation"]["article_id"])
    row = dsd["train"][0]
    (s, e), *_ = row["claim_spans"]
    assert 0 <= s < e <= len(row["premise"])
    labels = set(dsd["train"]["label"])
    assert labels == {0, 1}
    json.dumps(row)  # plain, serialisable values
