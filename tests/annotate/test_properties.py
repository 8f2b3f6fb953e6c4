"""Properties that must hold for ANY input text: spans inside the text, claims inside one sentence."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimkit.annotate.errors import InputError
from claimkit.annotate.load import article_from_text
from claimkit.annotate.nlp import load_nlp
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label

NLP = load_nlp()
RULES = RulePredictor(NLP)

news_like = st.lists(
    st.sampled_from(
        [
            "The",
            "council",
            "said",
            "that",
            "“",
            "”",
            '"',
            "’",
            "‘",
            "''",
            ",",
            ".",
            "and",
            "which",
            "reportedly",
            "according",
            "to",
            "X",
            "denied",
            "\n",
            "\n\n",
            "(",
            ")",
            "?",
            "—",
            "it",
            "is",
            "said",
            "probably",
            " ",
        ]
    ),
    min_size=1,
    max_size=40,
).map(" ".join)

any_text = st.one_of(news_like, st.text(min_size=1, max_size=200))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, granularity=st.sampled_from(["clause", "proposition"]))
def test_property_spans_inside_text_and_claims_inside_one_sentence(text, granularity):
    try:
        article = article_from_text(text, "p")
    except InputError:
        return  # empty or HTML-looking input is refused with a message, never split
    (item,) = split_and_label([article], NLP, granularity, RULES)
    for claim in item.claims:
        assert claim.spans, "a claim always has at least one span"
        sentence = item.sentences[claim.sentence]
        for span in claim.spans:
            assert 0 <= span.start < span.end <= len(text)
            assert sentence.start <= span.start and span.end <= sentence.end
            assert not any(span.overlaps(ex) for ex in article.excluded)
        for label in claim.labels.values():
            assert 0.0 <= label.score <= 1.0
            for span in label.spans:
                assert 0 <= span.start < span.end <= len(text)
    assert len({c.id for c in item.claims}) == len(item.claims)
