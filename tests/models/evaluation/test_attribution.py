"""The evaluator on hand-built gold documents and claims (exact numbers), the claims cache, the report files."""

import json

import pytest

from claimkit.annotate.corpora.brat import BratDocument, parse_ann
from claimkit.annotate.corpora.brat_claims import _read_cache, _write_cache, claim_sources, select_articles
from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle
from claimkit.models.evaluation.attribution import AttributionEvaluator, EvalConfig, EvaluationError, gold_article
from claimkit.models.evaluation.report import render_markdown, write_report

ASSERTED, ATTRIBUTED = default_schema()["attribution"].negative, default_schema()["attribution"].positive

S1 = "Taxes rose sharply, officials said."
S2 = "The bridge is old."
S3 = '"We won the game tonight," Smith said.'
TEXT = f"{S1} {S2} {S3} Read more."


def span_of(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start, start + len(piece))


def make_doc(text: str = TEXT, publisher: str = "nyt", article_id: str = "a") -> BratDocument:
    """Gold: S1's "Taxes rose sharply" by "officials"/"said"; S3's quote by "Smith"/"said"."""
    c1, src1, cue1 = span_of(text, "Taxes rose sharply"), span_of(text, "officials"), span_of(text, "said")
    c2, src2 = span_of(text, "We won the game tonight"), span_of(text, "Smith")
    cue2 = span_of(text, "said", src2.end)
    ann = "\n".join(
        [
            f"T1\tContent {c1.start} {c1.end}\tTaxes rose sharply",
            f"T2\tSource {src1.start} {src1.end}\tofficials",
            f"T3\tCue {cue1.start} {cue1.end}\tsaid",
            "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2",
            f"T4\tContent {c2.start} {c2.end}\tWe won the game tonight",
            f"T5\tSource {src2.start} {src2.end}\tSmith",
            f"T6\tCue {cue2.start} {cue2.end}\tsaid",
            "E2\tAttribution:T6 Content:T4 Cue:T6 Source:T5",
        ]
    )
    entities, attributions = parse_ann(ann, text)
    return BratDocument(Article(article_id, text, {"publisher": publisher}), "x", entities, attributions)


def make_item(text: str = TEXT, article_id: str = "a") -> SplitArticle:
    """Claims: S1 cut in two, S2 whole, S3 whole; "Read more." is in no claim."""
    s1, s2, s3 = span_of(text, S1), span_of(text, S2), span_of(text, S3)
    cut = s1.start + len("Taxes rose sharply")
    pieces = [(Span(s1.start, cut), 0), (Span(cut, s1.end), 0), (s2, 1), (s3, 2)]
    claims = tuple(
        Claim(Claim.make_id(article_id, (s,)), article_id, text[s.start : s.end], (s,), i, 0) for s, i in pieces
    )
    sentences = (s1, s2, s3, span_of(text, "Read more."))
    return SplitArticle(Article(article_id, text), (Span(0, len(text)),), sentences, (0, 0, 0, 0), claims)


def labelled(
    item: SplitArticle, values: list[tuple[str, float]], sources: list[tuple[Span, ...] | None]
) -> SplitArticle:
    claims = []
    for claim, (value, score), source in zip(item.claims, values, sources, strict=True):
        labels = {"attribution": Label(value, score)}
        if source is not None:
            labels["source"] = Label("x" if source else None, 0.5, source)
        claims.append(claim.with_labels(labels))
    return item.with_claims(claims)


@pytest.fixture
def evaluator() -> AttributionEvaluator:
    return AttributionEvaluator((gold_article(make_doc(), make_item()),))


PREDICTED = [(ATTRIBUTED, 0.9), (ASSERTED, 0.8), (ATTRIBUTED, 0.6), (ASSERTED, 0.7)]


def predicted_item() -> SplitArticle:
    officials_said = Span(TEXT.index("officials"), TEXT.index("said") + 4)
    return labelled(make_item(), PREDICTED, [(officials_said,), (), (), ()])


def test_evaluate_gold_and_slice_flags(evaluator):
    (a,) = evaluator.articles
    # S3: 19 of its 32 non-space characters are Content (>= 50%); the cue-and-source half of S1 is not
    assert a.gold == (ATTRIBUTED, ASSERTED, ASSERTED, ATTRIBUTED)
    assert a.whole_sentence == (False, False, True, True)
    assert a.quoted == (False, False, False, True)
    assert a.publisher == "nyt"


def test_evaluate_claim_scores(evaluator):
    report = evaluator.score([predicted_item()])
    assert report["primary_metric"] == "claim_macro_f1" and report["greater_is_better"] is True
    assert report["claim_macro_f1"] == pytest.approx(0.5)
    assert report["claim"][ATTRIBUTED] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["claim"][ASSERTED]["f1"] == pytest.approx(0.5)
    assert report["confusion"]["matrix"] == [[1, 1], [1, 1]]


def test_evaluate_char_scores(evaluator):
    char = evaluator.score([predicted_item()])["char"]
    # predicted: "Taxes rose sharply" (16) + "The bridge is old." (15); gold: 16 + "We won the game tonight" (19)
    assert (char["tp"], char["fp"], char["fn"]) == (16, 15, 19)
    assert char["f1"] == pytest.approx(32 / 66)


def test_evaluate_content_char_scores_marked_content_or_else_the_claims(evaluator):
    claims_only = evaluator.score([predicted_item()])
    assert claims_only["content_char"]["source"] == "claims"
    assert claims_only["content_char_f1"] == claims_only["char_f1"]
    # marking exactly "Taxes rose sharply" and "won the game tonight": 16 + 17 of 35 gold, nothing wrong
    marked = predicted_item().with_attributed_content(
        [span_of(TEXT, "Taxes rose sharply"), span_of(TEXT, "won the game tonight")]
    )
    report = evaluator.score([marked])
    content = report["content_char"]
    assert content["source"] == "attributed_content"
    assert (content["tp"], content["fp"], content["fn"]) == (33, 0, 2)
    assert report["content_char_f1"] == pytest.approx(66 / 68)
    assert report["char_f1"] == claims_only["char_f1"]  # the claims' own score does not change
    full = fake_report(evaluator)
    full["systems"]["sys one"].update(report)
    assert "Content marked character by character" in render_markdown(full)
    assert "Content marked character by character" not in render_markdown(fake_report(evaluator))


def test_evaluate_source_spans_exact_and_overlap(evaluator):
    spans = evaluator.score([predicted_item()])["spans"]
    assert set(spans) == {"source"}  # the system predicts no cue label: cue is not scored
    assert (spans["source"]["exact"]["tp"], spans["source"]["exact"]["fp"], spans["source"]["exact"]["fn"]) == (0, 1, 2)
    assert (spans["source"]["overlap"]["tp"], spans["source"]["overlap"]["fp"], spans["source"]["overlap"]["fn"]) == (
        1,
        0,
        1,
    )


def test_evaluate_source_spans_only_from_attributed_claims(evaluator):
    smith = Span(TEXT.index("Smith"), TEXT.index("Smith") + 5)
    # the claim holding Smith is predicted asserted: its source span does not count
    item = labelled(make_item(), PREDICTED, [(), (), (), (smith,)])
    assert evaluator.score([item])["spans"]["source"]["exact"]["tp"] == 0
    item = labelled(make_item(), [(ATTRIBUTED, 0.9)] * 4, [(), (), (), (smith,)])
    assert evaluator.score([item])["spans"]["source"]["exact"]["tp"] == 1


def test_evaluate_slices(evaluator):
    slices = evaluator.score([predicted_item()])["slices"]
    assert slices["split_sentence"]["claims"] == 2 and slices["split_sentence"]["macro_f1"] == 1.0
    assert slices["whole_sentence"]["macro_f1"] == 0.0
    assert slices["quoted_sentence"]["claims"] == 1 and slices["quoted_sentence"]["gold_attributed_share"] == 1.0
    assert slices["unquoted_sentence"]["macro_f1"] == pytest.approx(2 / 3)


def test_evaluate_pr_curve_uses_p_attributed(evaluator):
    curve = evaluator.score([predicted_item()])["pr_curve"]
    # P(attributed): 0.9, 0.2, 0.6, 0.3 for gold att, ass, ass, att -> ranks: hit, miss, hit -> AP (1 + 2/3) / 2
    assert curve["average_precision"] == pytest.approx(5 / 6)


def test_evaluate_corpus_stats(evaluator):
    stats = evaluator.corpus_stats()
    assert (stats["articles"], stats["sentences"], stats["claims"]) == (1, 4, 4)
    assert stats["gold_attributed_share"] == 0.5
    assert stats["coverage"]["text"] == pytest.approx(78 / 87)  # "Read more." is in no claim
    assert stats["coverage"]["gold_content"] == 1.0
    assert stats["oracle_char_f1"] == pytest.approx(70 / 83)  # S3's source and cue ride along with its content
    assert stats["gold_entities"] == {"source": 2, "cue": 2}


def test_evaluate_by_publisher_groups_articles():
    other_text = "It rained."
    other_item = SplitArticle(
        Article("b", other_text),
        (Span(0, 10),),
        (Span(0, 10),),
        (0,),
        (Claim("c", "b", other_text, (Span(0, 10),), 0, 0),),
    )
    other_doc = BratDocument(Article("b", other_text, {"publisher": "breitbart"}), "x", {}, ())
    ev = AttributionEvaluator((gold_article(make_doc(), make_item()), gold_article(other_doc, other_item)))
    out = ev.score([predicted_item(), labelled(other_item, [(ASSERTED, 0.9)], [None])])
    assert list(out["by_publisher"]) == ["breitbart", "nyt"]
    assert out["by_publisher"]["breitbart"]["claims"] == 1
    assert out["by_publisher"]["nyt"]["macro_f1"] == pytest.approx(0.5)
    assert out["by_publisher"]["nyt"]["char_f1"] == pytest.approx(32 / 66)


def test_evaluate_rejects_resplit_claims(evaluator):
    item = predicted_item()
    with pytest.raises(EvaluationError, match="never re-split"):
        evaluator.score([item.with_claims(item.claims[:2])])


def test_evaluate_rejects_missing_attribution(evaluator):
    item = make_item()
    with pytest.raises(EvaluationError, match="expected one of"):
        evaluator.score([item], name="broken")


def test_evaluate_evaluator_runs_a_predictor(evaluator):
    class Fixed:
        model_version = "fixed-1"
        fields = frozenset({"attribution"})

        def predict(self, items):
            return [labelled(i, PREDICTED, [None] * 4) for i in items]

    assert evaluator(Fixed())["claim_macro_f1"] == pytest.approx(0.5)


def test_evaluate_prediction_rows(evaluator):
    rows = list(evaluator.prediction_rows({"sys": [predicted_item()]}))
    assert len(rows) == 4
    assert rows[2]["gold"] == ASSERTED and rows[2]["systems"]["sys"] == {"value": ATTRIBUTED, "p_attributed": 0.6}
    assert rows[3]["quoted_sentence"] is True


def test_evaluate_select_articles_spreads_the_limit():
    docs = [make_doc(article_id=f"{p}_{i}") for p in "abc" for i in range(4)]
    assert [d.article.id for d in select_articles(docs, 3)] == ["a_0", "b_0", "c_0"]
    assert select_articles(docs, None) == docs
    assert select_articles(docs, 100) == docs


def test_evaluate_config_rejects_bad_runs():
    with pytest.raises(EvaluationError, match="positive"):
        EvalConfig("corpus", limit=0)
    with pytest.raises(EvaluationError, match="trained on the split"):
        EvalConfig("corpus", split="train", train_split="train")
    EvalConfig("corpus", split="train", baselines=False)


def test_evaluate_cache_round_trip_and_staleness(tmp_path):
    doc, item = make_doc(), make_item()
    path = tmp_path / "claims.jsonl.gz"
    _write_cache(path, [item])
    assert TEXT not in path.read_bytes().decode("latin-1")  # the corpus text itself is never cached
    (back,) = _read_cache(path, [doc])
    assert back.claims == item.claims and back.sentences == item.sentences
    assert back.article.text == TEXT
    changed = BratDocument(Article("a", TEXT.replace("old", "new")), "x", {}, ())  # corpus edited since
    assert _read_cache(path, [changed]) is None
    assert _read_cache(tmp_path / "missing.jsonl.gz", [doc]) is None


def fake_report(evaluator: AttributionEvaluator) -> dict:
    system = {
        "kind": "predictor",
        "model_version": "fixed-1",
        **evaluator.score([predicted_item()]),
        "predict_seconds": 0.1,
    }
    return {
        "task": "attribution",
        "primary_metric": "claim_macro_f1",
        "greater_is_better": True,
        "ranking": [{"system": "sys one", "claim_macro_f1": system["claim_macro_f1"], "char_f1": system["char_f1"]}],
        "corpus": {"path": "corpus", "split": "dev", **evaluator.corpus_stats()},
        "train": None,
        "systems": {"sys one": system},
        "reference": {"note": "context", "rules": {"claim_macro_f1": 0.877}},
        "config": {"splitter_fingerprint": "abc", "granularity": "clause", "limit": None, "train_limit": None},
        "environment": {
            "cpu": "cpu",
            "cpu_count": 2,
            "platform": "linux",
            "python": "3.11",
            "packages": {},
            "spacy_pipeline": None,
        },
        "timing": {"total_seconds": 1.0, "split_seconds": 0.5},
        "created": "now",
        "predictions": list(evaluator.prediction_rows({"sys one": [predicted_item()]})),
    }


def test_evaluate_write_report_files(evaluator, tmp_path):
    written = write_report(fake_report(evaluator), tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "by-publisher.png",
        "confusion-sys-one.png",
        "pr-curve.png",
        "predictions.jsonl",
        "report.json",
        "report.md",
    ]
    saved = json.loads((tmp_path / "report.json").read_text())
    assert "predictions" not in saved and saved["systems"]["sys one"]["claim_macro_f1"] == 0.5
    assert len((tmp_path / "predictions.jsonl").read_text().splitlines()) == 4
    assert written["markdown"].endswith("report.md")


def test_evaluate_markdown_summary(evaluator):
    md = render_markdown(fake_report(evaluator))
    assert "| sys one | predictor | 0.500 |" in md
    assert "confusion" not in md  # no plot links when no plots were written
    assert "rules / claim_macro_f1: 0.877" in md


def test_evaluate_cache_key_covers_every_module_that_shapes_claims():
    names = {p.name for p in claim_sources()}
    # the splitter, the loader and the gold rule all shape the cached claims and their labels
    assert {"splitter.py", "nlp.py", "types.py", "load.py", "brat.py"} <= names
    assert not any("studio" in p.parts for p in claim_sources())  # Label Studio code does not


def test_span_agreement_scores_annotator_pairs(tmp_path):
    """Two annotators of one article agree on one of their two sources and on their one cue; a corpus
    without ``annotator-training`` has no agreement to report."""
    from claimkit.models.evaluation.attribution import span_agreement

    split = tmp_path / "annotator-training"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "art.txt").write_text(TEXT)
    officials, smith = span_of(TEXT, "officials"), span_of(TEXT, "Smith")
    smith_said = Span(smith.start, smith.end + 5)
    said = span_of(TEXT, "said")
    for annotator, second in (("ann1", smith), ("ann2", smith_said)):
        (split / "attributions" / f"art_{annotator}.ann").write_text(
            f"T1\tSource {officials.start} {officials.end}\tofficials\n"
            f"T2\tSource {second.start} {second.end}\t{TEXT[second.start : second.end]}\n"
            f"T3\tCue {said.start} {said.end}\tsaid\n"
        )
    found = span_agreement(tmp_path)
    assert found is not None and (found["articles"], found["annotators"], found["pairs"]) == (1, 2, 1)
    assert found["source"] == {"exact": 0.5, "overlap": 1.0}
    assert found["cue"] == {"exact": 1.0, "overlap": 1.0}
    assert span_agreement(tmp_path / "elsewhere") is None
    report = fake_report(AttributionEvaluator([gold_article(make_doc(), make_item())]))
    md = render_markdown({**report, "span_agreement": found})
    assert "annotators agree with each other at: source exact 0.500, overlap 1.000; cue exact 1.000" in md
