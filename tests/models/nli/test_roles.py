"""Model-marked source and cue mentions attached to the claims they speak for."""

from claimkit.annotate.types import Article, Claim, Span, SplitArticle
from claimkit.models.nli.roles import attach_mentions

TEXT = "Taxes rose, the mayor said. Roads are fine. New paragraph here, officials said."


def _item() -> SplitArticle:
    s1, s2, s3 = Span(0, 27), Span(28, 43), Span(44, len(TEXT))
    claims = (
        Claim("c1", "a", "Taxes rose", (Span(0, 10),), 0, 0, {}),
        Claim("c2", "a", "Roads are fine", (Span(28, 42),), 1, 0, {}),
        Claim("c3", "a", "New paragraph here", (Span(44, 62),), 2, 1, {}),
    )
    return SplitArticle(Article("a", TEXT), (Span(0, 43), s3), (s1, s2, s3), (0, 0, 1), claims)


def test_roles_nearest_mention_in_the_sentence_then_its_neighbours():
    mayor = Span(TEXT.index("the mayor"), TEXT.index("the mayor") + 9)
    officials = Span(TEXT.index("officials"), TEXT.index("officials") + 9)
    got = attach_mentions(_item(), [mayor, officials], [True, True, True])
    assert got == [mayor, mayor, officials]  # c2's sentence has none: the previous sentence's, same paragraph


def test_roles_only_for_wanted_claims_and_never_across_paragraphs():
    mayor = Span(TEXT.index("the mayor"), TEXT.index("the mayor") + 9)
    assert attach_mentions(_item(), [mayor], [False, True, True]) == [None, mayor, None]
    assert attach_mentions(_item(), [], [True, True, True]) == [None, None, None]
