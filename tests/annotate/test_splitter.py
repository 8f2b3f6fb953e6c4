"""Each splitting rule on a small sentence (real spaCy parse, clause granularity unless stated)."""

import pytest

from claimkit.annotate.splitter import split_articles
from claimkit.annotate.types import Article, Claim, spans_text


def claims_of(nlp, text, granularity="clause"):
    (item,) = split_articles([Article("t", text)], nlp, granularity)
    return item.claims


def texts(nlp, text, granularity="clause"):
    return [c.text for c in claims_of(nlp, text, granularity)]


def test_split_reported_content_leaves_the_frame(nlp):
    assert texts(nlp, "NSO has said its tool cannot be used to target U.S. phone numbers.") == [
        "Its tool cannot be used to target U.S. phone numbers"
    ]


def test_split_trailing_said_frame_is_dropped(nlp):
    out = texts(nlp, "The bridge will stay closed until June, the department said on Friday.")
    assert out == ["The bridge will stay closed until June"]


def test_split_according_to_is_cut_from_the_claim(nlp):
    (claim,) = claims_of(nlp, "Inspectors found two cracks, according to a report by the department.")
    assert "according" not in claim.text and claim.text.startswith("Inspectors found two cracks")


def test_split_coordinated_clauses_with_own_subjects(nlp):
    out = texts(nlp, "WhatsApp sued NSO in 2019, and the FBI investigated the company.")
    assert len(out) == 2
    assert out[0].startswith("WhatsApp sued NSO") and out[1].startswith("The FBI investigated")


def test_split_coordinated_verbs_share_the_subject(nlp):
    claims = claims_of(nlp, "The council approved the budget and rejected the tax increase.")
    assert [c.text.rstrip(".") for c in claims] == [
        "The council approved the budget",
        "The council rejected the tax increase",
    ]
    assert len(claims[1].spans) == 2, "the shared subject makes the second claim discontinuous"


def test_split_non_restrictive_relative_clause_gets_its_noun(nlp):
    out = texts(nlp, "Traffic moved to River Road, which residents say was never built for that load.")
    assert "River Road was never built for that load" in out
    assert any(t.startswith("Traffic moved to River Road") for t in out)


def test_split_restrictive_relative_clause_stays_in_clause_mode(nlp):
    assert len(texts(nlp, "The company that sells spyware was blacklisted.")) == 1


def test_split_proposition_mode_gives_one_claim_per_list_member(nlp):
    out = texts(nlp, "The list included journalists, activists and lawyers.", "proposition")
    assert out == ["The list included journalists", "The list included activists", "The list included lawyers"]


def test_split_proposition_mode_splits_appositives(nlp):
    out = texts(nlp, "Candiru, another Israeli company, is also blacklisted.", "proposition")
    assert "Candiru is also blacklisted" in out
    assert any("another Israeli company" in t and "blacklisted" not in t for t in out)


def test_split_proposition_mode_is_finer(nlp):
    text = "He was married for ten years to actress Meg Ryan, whom he met in 1989."
    assert len(texts(nlp, text, "proposition")) > len(texts(nlp, text, "clause"))


def test_split_quoted_frame_does_not_split_the_quote(nlp):
    out = texts(nlp, "“I hope Russia is listening,” he said.")
    assert out == ["I hope Russia is listening"], out


@pytest.mark.parametrize(
    "text",
    [
        "NSO says it can’t target US-based phone numbers",
        "Delmar Steel denied that its crews had skipped any inspection, and the department has not disputed that account.",
        "Candiru, another Israeli IT company that sells spyware (which is said to be used for similar purposes), is also blacklisted.",
    ],
)
def test_split_spans_point_into_the_original_text(nlp, text):
    for claim in claims_of(nlp, text):
        pieces = spans_text(text, claim.spans)
        assert all(0 <= s.start < s.end <= len(text) for s in claim.spans)
        assert claim.spans == tuple(sorted(claim.spans))
        for word in claim.text.replace("“", " ").split()[1:3]:
            assert word.strip(".,") in pieces


def test_split_claim_ids_are_stable_and_unique(nlp):
    text = "A said B is true. C is false, and D is unknown."
    first, second = claims_of(nlp, text), claims_of(nlp, text)
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert all(c.id == Claim.make_id("t", c.spans) for c in first)


def test_split_paragraph_and_sentence_indices(nlp):
    text = "Heading without a period\n\nFirst sentence here. Second one there.\n\nThird paragraph."
    claims = claims_of(nlp, text)
    assert [(c.paragraph, c.sentence) for c in claims] == [(0, 0), (1, 1), (1, 2), (2, 3)]
