"""Model-marked source and cue mentions attached to the claims they speak for."""

from claimkit.annotate.types import Article, Claim, Label, Span, SplitArticle
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


class _SpanModel:
    """A model that calls every claim attributed and marks its own source and cue on each."""

    model_version = "spans-1"
    fields = frozenset({"attribution", "source", "cue"})

    def predict(self, items):
        out = []
        for item in items:
            claims = []
            for c in item.claims:
                mayor = Span(TEXT.index("the mayor"), TEXT.index("the mayor") + 9)
                labels = {
                    **c.labels,
                    "attribution": Label("attributed", 0.9),
                    "source": Label("the mayor", 0.9, (mayor,)),
                }
                labels["cue"] = Label("said", 0.9, (Span(TEXT.index("said"), TEXT.index("said") + 4),))
                claims.append(c.with_labels(labels))
            out.append(item.with_claims(claims))
        return out


class _Rules:
    model_version = "rules-x"
    fields = frozenset({"source", "source_type", "cue"})

    def predict(self, items):
        officials = Span(TEXT.index("officials"), TEXT.index("officials") + 9)
        return [
            item.with_claims(
                c.with_labels(
                    {
                        "source": Label("officials", 0.8, (officials,)),
                        "source_type": Label("government", 0.6),
                        "cue": Label(None, 0.5),
                    }
                    if c.id == "c3"
                    else {"source": Label(None, 0.5), "cue": Label(None, 0.5)}
                )
                for c in item.claims
            )
            for item in items
        ]


def test_roles_model_spans_fill_gaps_but_never_move_a_typed_source():
    """The rules' typed source stays (its source_type describes that mention); the model's source fills
    claims where the rules found none, and its cue replaces the rules' (no choice depends on a cue)."""
    from claimkit.models.nli.predictor import ModelWithRules

    (item,) = ModelWithRules(_SpanModel(), _Rules()).predict([_item()])  # type: ignore[arg-type]
    by_id = {c.id: c.labels for c in item.claims}
    assert by_id["c3"]["source"].value == "officials" and by_id["c3"]["source_type"].value == "government"
    assert by_id["c1"]["source"].value == "the mayor"
    assert all(labels["cue"].value == "said" for labels in by_id.values())


class _SourcelessRules(_Rules):
    """Rules that found a source-less frame on c2 (an attribution adverb) and none elsewhere."""

    def predict(self, items):
        out = []
        for item in super().predict(items):
            claims = []
            for c in item.claims:
                if c.id == "c2":
                    c = c.with_labels({**c.labels, "cue": Label("reportedly", 0.85, (Span(28, 33),))})
                claims.append(c)
            out.append(item.with_claims(claims))
        return out


def test_roles_a_sourceless_frame_keeps_no_source():
    """ "X has reportedly been fined" and "X is said to be ..." name no source: the model's nearest mention
    (whoever spoke in the sentence before) must not become theirs; a claim with no frame still gets it."""
    from claimkit.models.nli.predictor import ModelWithRules, sourceless_cue

    assert sourceless_cue("reportedly") and sourceless_cue("has reportedly been") and sourceless_cue("is said")
    assert not sourceless_cue("said") and not sourceless_cue(None) and not sourceless_cue("according to")
    (item,) = ModelWithRules(_SpanModel(), _SourcelessRules()).predict([_item()])  # type: ignore[arg-type]
    by_id = {c.id: c.labels for c in item.claims}
    assert by_id["c2"]["source"].value is None
    assert by_id["c1"]["source"].value == "the mayor"
