"""Each malformed kind of ``claim_quality`` on a small sentence, with hand-made claims (no corpus)."""

import pytest

from claimkit.annotate.types import Claim, Span
from claimkit.models.evaluation.claim_quality import claim_kinds
from tests.paths import POLNEAR


def kinds_of(nlp, sentence: str, claim_text: str, pieces: list[str], granularity: str = "clause") -> list[str]:
    """Check a claim made of ``pieces`` (substrings of ``sentence``, first occurrence, in order)."""
    doc = nlp(sentence)
    spans, start = [], 0
    for piece in pieces:
        at = sentence.index(piece, start)
        spans.append(Span(at, at + len(piece)))
        start = at + len(piece)
    claim = Claim("x", "t", claim_text, tuple(spans), 0, 0)
    tokens = [t for t in doc if not t.is_space and any(s.start <= t.idx < s.end for s in spans)]
    return claim_kinds(claim, sentence, tokens, [t for t in doc if not t.is_space], granularity)


def test_a_well_formed_claim_has_no_kind(nlp):
    s = "The council approved the budget and rejected the tax increase."
    assert kinds_of(nlp, s, "The council approved the budget", ["The council approved the budget"]) == []


@pytest.mark.parametrize(
    ("sentence", "piece", "kind"),
    [
        ("The mayor criticized the plan.", "The mayor criticized the", "dangling_determiner"),
        (
            "Delivery trucks now drive through the old town.",
            "Delivery trucks now drive through",
            "dangling_preposition",
        ),
        (
            "The council approved the budget and rejected the tax.",
            "The council approved the budget and",
            "dangling_conjunction",
        ),
        ("He left because the rain started.", "He left because", "dangling_complementizer"),
    ],
)
def test_dangling_words_at_the_end(nlp, sentence, piece, kind):
    assert kind in kinds_of(nlp, sentence, piece[:1].upper() + piece[1:], [piece])


def test_a_stranded_preposition_is_not_dangling(nlp):
    s = "They focus on the issues people care about."
    assert "dangling_preposition" not in kinds_of(nlp, s, "They focus on the issues people care about", [s[:-1]])


@pytest.mark.parametrize(
    "text", ["The bridge is closed. .", "The bridge is closed ..", ", the bridge is closed", "The bridge , is closed"]
)
def test_stray_punctuation(nlp, text):
    s = "The bridge is closed."
    assert "stray_punctuation" in kinds_of(nlp, s, text, ["The bridge is closed"])


def test_an_ellipsis_is_not_stray_punctuation(nlp):
    s = "He waited... and then he left."
    assert "stray_punctuation" not in kinds_of(nlp, s, "He waited... and then he left.", [s])


def test_unbalanced_marks_when_the_sentence_balances_them(nlp):
    s = "The Post reports that her team wanted to “keep the details under wraps.”"
    piece = "her team wanted to “keep the details under wraps"
    assert "unbalanced_marks" in kinds_of(nlp, s, "Her team wanted to “keep the details under wraps", [piece])


def test_wrong_subject(nlp):
    s = "Two other companies in Israel and Singapore are involved in the sale of hacking tools."
    piece = "Singapore are involved in the sale of hacking tools"
    assert "wrong_subject" in kinds_of(nlp, s, piece, [piece])


def test_a_relative_pronoun_stands_for_its_noun(nlp):
    s = "Traffic moved to River Road, which was never built for that load."
    kinds = kinds_of(
        nlp, s, "River Road was never built for that load", ["River Road", "was never built for that load"]
    )
    assert kinds == []


def test_text_span_mismatch(nlp):
    s = "NSO has said that its tool cannot be used in the U.S."
    piece = "that its tool cannot be used in the U.S"
    assert "text_span_mismatch" in kinds_of(nlp, s, "Its tool cannot be used in the U.S", [piece])
    assert "text_span_mismatch" not in kinds_of(nlp, s, "Its tool cannot be used in the U.S.", [piece[5:] + "."])


def test_no_finite_verb(nlp):
    s = "Her lawyer James Park said the case was closed."
    assert "no_finite_verb" in kinds_of(nlp, s, "Her lawyer James Park", ["Her lawyer James Park"])


def test_verbless_appositive_is_a_reduced_proposition(nlp):
    s = "Candiru, another Israeli company, is also blacklisted."
    kinds = kinds_of(nlp, s, "Candiru another Israeli company", ["Candiru", "another Israeli company"], "proposition")
    assert "reduced_proposition" in kinds and "no_finite_verb" not in kinds


def test_starts_inside_a_phrase(nlp):
    s = "The head of the company said the deal was off."
    assert "starts_inside_phrase" in kinds_of(
        nlp, s, "Of the company said the deal was off", ["of the company said the deal was off"]
    )


def test_stance_complement_is_reported_not_malformed(nlp):
    s = "The company wants to preserve its policy."
    kinds = kinds_of(nlp, s, "To preserve its policy", ["to preserve its policy"])
    assert kinds == ["reported_complement"]


@pytest.mark.parametrize(
    "sentence",
    [
        "That is not accepting responsibility ... you are blaming the people at the bottom.",  # a spaced ellipsis
        "The buyers are Canada, Italy , Denmark and Norway.",  # the article's own stray space
    ],
)
def test_punctuation_the_article_has_is_not_stray(nlp, sentence):
    """The claim repeats the sentence's own punctuation: the article's, not the splitter's."""
    assert "stray_punctuation" not in kinds_of(nlp, sentence, sentence, [sentence])


def test_a_stray_stop_the_sentence_lacks_still_counts(nlp):
    s = "The buyers are Canada, Italy , Denmark and Norway."
    assert "stray_punctuation" in kinds_of(nlp, s, "The buyers are Canada. .", ["The buyers are Canada"])


def test_glued_words(nlp):
    """A cut that took out ', Clinton said:' must not glue the quotation to the word before it."""
    s = "Later that month on CNN, Clinton said: “I've never said we made a mistake.”"
    pieces = ["Later that month on CNN", "“I've never said we made a mistake.”"]
    assert "glued_words" in kinds_of(nlp, s, "Later that month on CNN“I've never said we made a mistake.”", pieces)
    spaced = "Later that month on CNN “I've never said we made a mistake.”"
    assert "glued_words" not in kinds_of(nlp, s, spaced, pieces)


def test_glued_words_the_article_has_are_not_counted(nlp):
    s = "However, the“fact-checking” website has some issues."
    assert "glued_words" not in kinds_of(nlp, s, s, [s])


@pytest.mark.parametrize(
    ("sentence", "piece"),
    [
        ("In the end, Patriot agreed to lend Mr. Clarke $5 million.", "In the end, Patriot agreed"),
        ("Axelrod calls on Dean to apologize for his remarks.", "Axelrod calls on Dean"),
        ("The senator forced Stumpf to admit that nobody was held accountable.", "The senator forced Stumpf to admit"),
    ],
)
def test_missing_complement(nlp, sentence, piece):
    """The verb's complement was cut away whole: the claim stops where its meaning goes on."""
    assert "missing_complement" in kinds_of(nlp, sentence, piece, [piece])


def test_a_fronted_object_is_no_missing_complement(nlp):
    s = "Nobody knows what they call it."
    assert "missing_complement" not in kinds_of(nlp, s, "Nobody knows what they call it", [s[:-1]])


@pytest.mark.corpus
@pytest.mark.slow
def test_malformed_rate_on_polnear_dev(nlp):
    """The issue's target, pinned on 20 PolNeAR dev articles: at most 1% malformed in each granularity
    (the full dev split is in docs/evaluation.md; the subset keeps the suite fast)."""
    from claimkit.models.evaluation.claim_quality import evaluate_claim_quality

    if not POLNEAR.exists():
        pytest.skip(f"{POLNEAR} is not available")
    report = evaluate_claim_quality(nlp, polnear=POLNEAR, limit=20)
    for granularity, summary in report["corpora"]["polnear-dev"]["granularities"].items():
        assert summary["claims"] > 500, granularity
        assert summary["malformed_rate"] <= 0.01, (granularity, summary["malformed_rate"])


def test_complement_clause_without_any_subject_is_wrong_subject(nlp):
    s = "Everything Trump says is a lie unless proven otherwise."
    assert "wrong_subject" in kinds_of(nlp, s, "Is a lie unless proven otherwise", ["is a lie unless proven otherwise"])


@pytest.mark.parametrize(
    ("sentence", "piece"),
    [
        ("“You winning?” she said, but Kevin was drifting off again.", "she said"),
        ("The mayor never said, as far as we know, and the council agreed.", "The mayor never said"),
    ],
)
def test_bare_frame(nlp, sentence, piece):
    assert "bare_frame" in kinds_of(nlp, sentence, piece[0].upper() + piece[1:], [piece])


def test_a_signature_name_alone_is_a_bare_frame(nlp):
    s = "― Pamela Padilla"
    assert "bare_frame" in kinds_of(nlp, s, "Pamela Padilla", ["Pamela Padilla"])


@pytest.mark.parametrize(
    ("sentence", "piece"),
    [
        ("The mayor said the bridge was unsafe.", "the bridge was unsafe"),
        ("The language as a whole is not specified, she said.", "The language as a whole is not specified"),
        ("He said so, and the council agreed.", "the council agreed"),
    ],
)
def test_a_claim_is_no_bare_frame(nlp, sentence, piece):
    assert "bare_frame" not in kinds_of(nlp, sentence, piece, [piece])


def test_bare_subordinate(nlp):
    s = "Eric Garner said it before he died."
    assert "bare_subordinate" in kinds_of(nlp, s, "Before he died", ["before he died"])


def test_a_clause_with_its_main_clause_is_no_bare_subordinate(nlp):
    s = "Before he died, Eric Garner said it."
    assert "bare_subordinate" not in kinds_of(nlp, s, s, [s])


def test_an_aspectual_verb_is_no_bare_frame(nlp):
    s = "Those discussions are continuing, he said."
    piece = "Those discussions are continuing"
    assert "bare_frame" not in kinds_of(nlp, s, piece, [piece])


def test_a_question_word_is_no_frame_adverb(nlp):
    s = "It has shown it knows how."
    assert "bare_frame" not in kinds_of(nlp, s, "It knows how", ["it knows how"])


def test_a_signed_quotation_is_checked_against_the_sentences_it_covers(nlp):
    """'“A. B.”― Name': the claim of B took its signature from the next sentence; the closing mark
    is the article's (its opening one is in an earlier sentence), not an unbalanced mark."""
    from claimkit.annotate.nlp import parse_articles
    from claimkit.annotate.types import Article
    from claimkit.models.evaluation.claim_quality import check_parsed

    text = "“He is ignorant of our culture. He makes statements about people.”― Pamela Padilla"
    (parsed,) = parse_articles([Article("t", text)], nlp)
    findings = list(check_parsed(parsed, "clause"))
    assert findings[-1].claim.text.endswith("”― Pamela Padilla")
    assert findings[-1].kinds == []
