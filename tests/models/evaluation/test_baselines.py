"""The majority and TF-IDF + logistic regression baselines on hand-built split articles (no spaCy)."""

import itertools

import pytest

from claimkit.annotate.predictor import Predictor
from claimkit.annotate.schema import default_schema
from claimkit.annotate.types import Article, Claim, Span, SplitArticle
from claimkit.models.evaluation.baselines import CLAIM_MARKER, MajorityBaseline, TfidfLogRegBaseline, claim_example
from claimkit.models.evaluation.metrics import p_attributed

ASSERTED, ATTRIBUTED = default_schema()["attribution"].negative, default_schema()["attribution"].positive


def make_item(article_id: str, sentences: list[str], cuts: dict[int, list[int]] | None = None) -> SplitArticle:
    """One paragraph of sentences joined by a space; a sentence is one claim unless ``cuts`` splits it at
    the given character offsets (relative to the sentence)."""
    text = " ".join(sentences)
    spans, claims, start = [], [], 0
    for i, sentence in enumerate(sentences):
        s = Span(start, start + len(sentence))
        spans.append(s)
        bounds = [0, *(cuts or {}).get(i, []), len(sentence)]
        for a, b in itertools.pairwise(bounds):
            piece = (Span(s.start + a, s.start + b),)
            claims.append(
                Claim(Claim.make_id(article_id, piece), article_id, text[s.start + a : s.start + b], piece, i, 0)
            )
        start += len(sentence) + 1
    return SplitArticle(
        Article(article_id, text), (Span(0, len(text)),), tuple(spans), (0,) * len(spans), tuple(claims)
    )


def test_baselines_claim_example_marks_the_claim_in_its_sentence():
    item = make_item("a", ["Taxes rose, officials said."], cuts={0: [10]})
    first, second = item.claims
    assert claim_example(item, first).claim == "Taxes rose"
    assert claim_example(item, first).context == f" {CLAIM_MARKER} , officials said."
    assert claim_example(item, second).context == f"Taxes rose {CLAIM_MARKER} "


def test_baselines_are_predictors():
    assert isinstance(MajorityBaseline(), Predictor)
    assert isinstance(TfidfLogRegBaseline(), Predictor)


def test_baselines_majority_predicts_the_training_majority_with_its_share():
    item = make_item("a", ["One.", "Two.", "Three."])
    model = MajorityBaseline().fit([item], [[ATTRIBUTED, ATTRIBUTED, ASSERTED]])
    (out,) = model.predict([make_item("b", ["Four.", "Five."])])
    assert [c.labels["attribution"].value for c in out.claims] == [ATTRIBUTED, ATTRIBUTED]
    assert out.claims[0].labels["attribution"].score == pytest.approx(2 / 3)


def test_baselines_majority_tie_goes_to_the_first_schema_value():
    item = make_item("a", ["One.", "Two."])
    assert MajorityBaseline().fit([item], [[ATTRIBUTED, ASSERTED]]).value == ASSERTED


def test_baselines_reject_labels_outside_the_schema():
    item = make_item("a", ["One."])
    with pytest.raises(ValueError, match="not attribution values"):
        MajorityBaseline().fit([item], [["quoted"]])
    with pytest.raises(ValueError, match="one label per claim"):
        MajorityBaseline().fit([item], [[ASSERTED, ASSERTED]])


TRAIN = [
    ("Taxes will rise next year, the minister said.", ATTRIBUTED),
    ("“We will win,” the coach said.", ATTRIBUTED),
    ("According to the report, exports fell.", ATTRIBUTED),
    ("The senator said the bill was dead.", ATTRIBUTED),
    ('"It is over," she said.', ATTRIBUTED),
    ("Officials said the road was closed.", ATTRIBUTED),
    ("The bridge opened in 1932.", ASSERTED),
    ("The company is based in Ohio.", ASSERTED),
    ("The river runs through the city.", ASSERTED),
    ("The vote is scheduled for Tuesday.", ASSERTED),
    ("Exports fell in May.", ASSERTED),
    ("The museum opened last year.", ASSERTED),
]


CUT_TRAIN = [
    "Taxes will rise, the minister said.",
    "Exports fell, officials said.",
    "Exports fell.",
    "Taxes will rise.",
]
CUT_GOLD = [ATTRIBUTED, ASSERTED, ATTRIBUTED, ASSERTED, ASSERTED, ASSERTED]  # source + cue are not content


def fitted_tfidf() -> TfidfLogRegBaseline:
    whole = make_item("train", [s for s, _ in TRAIN])
    cut = make_item("train-cut", CUT_TRAIN, cuts={0: [15], 1: [12]})
    return TfidfLogRegBaseline(min_df=1).fit([whole, cut], [[g for _, g in TRAIN], CUT_GOLD])


def test_baselines_tfidf_learns_reporting_verbs_and_quotes():
    model = fitted_tfidf()
    (out,) = model.predict(
        [make_item("dev", ["“Prices will fall,” the senator said.", "The bridge is based in Ohio."])]
    )
    labels = [c.labels["attribution"] for c in out.claims]
    assert [label.value for label in labels] == [ATTRIBUTED, ASSERTED]
    assert all(type(label.value) is str for label in labels)  # plain names, not numpy strings
    assert all(0.5 <= label.score <= 1.0 for label in labels)


def test_baselines_tfidf_sees_the_attribution_cut_off_by_the_splitter():
    # the claim "Prices will fall next year" alone is the same text in both articles; only its marked
    # sentence tells that a separate claim "the minister said" attributes it
    model = fitted_tfidf()
    (cut,) = model.predict([make_item("dev", ["Prices will fall next year, the minister said."], cuts={0: [26]})])
    (bare,) = model.predict([make_item("dev", ["Prices will fall next year."], cuts={0: [26]})])
    assert cut.claims[0].text == bare.claims[0].text == "Prices will fall next year"
    assert p_attributed(cut.claims[0].labels["attribution"], ATTRIBUTED) > p_attributed(
        bare.claims[0].labels["attribution"], ATTRIBUTED
    )


def test_baselines_tfidf_is_deterministic():
    item = make_item("dev", ["Prices will fall, officials said.", "The museum is in Ohio."])
    a = [c.labels["attribution"] for c in fitted_tfidf().predict([item])[0].claims]
    b = [c.labels["attribution"] for c in fitted_tfidf().predict([item])[0].claims]
    assert a == b


def test_baselines_tfidf_needs_both_classes():
    item = make_item("a", ["One.", "Two."])
    with pytest.raises(ValueError, match="both attribution values"):
        TfidfLogRegBaseline(min_df=1).fit([item], [[ASSERTED, ASSERTED]])


def test_baselines_predict_keeps_claims_and_other_labels():
    item = make_item("dev", ["Exports fell in May."])
    (out,) = fitted_tfidf().predict([item])
    assert [c.id for c in out.claims] == [c.id for c in item.claims]
    assert set(out.claims[0].labels) == {"attribution"}
