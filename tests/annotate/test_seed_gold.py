"""The seed article against its hand-checked gold (tests/fixtures/seed_gold.yaml)."""

import pytest
import yaml

from claimkit.annotate.load import load_articles
from claimkit.annotate.sourcing import RulePredictor
from claimkit.annotate.splitter import split_and_label
from claimkit.annotate.types import spans_text
from tests.paths import FIXTURES

GOLD = yaml.safe_load((FIXTURES / "seed_gold.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_claims(seed_path, nlp):
    (article,) = load_articles([seed_path])
    (item,) = split_and_label([article], nlp, "clause", RulePredictor(nlp))
    return item


def _find(item, fragment):
    found = [c for c in item.claims if fragment in c.text]
    assert found, f"no claim contains {fragment!r}; claims: {[c.text for c in item.claims]}"
    return found[0]


def test_seed_metadata_header_is_not_a_claim(seed_claims):
    assert seed_claims.article.metadata["date"] == GOLD["metadata"]["date"]
    assert not any("2021-11-04" in c.text for c in seed_claims.claims)


@pytest.mark.parametrize("gold", GOLD["claims"], ids=lambda g: g["claim"][:40])
def test_seed_claim_matches_gold(seed_claims, gold):
    claim = _find(seed_claims, gold["claim"])
    text = seed_claims.article.text
    labels = claim.labels
    for field in ("attribution", "source_type", "hedged", "status"):
        if field in gold:
            assert labels[field].value == gold[field], f"{field} of {claim.text!r}"
    if "source" in gold:
        assert labels["source"].value == gold["source"]
        if gold["source"] is not None:
            assert spans_text(text, labels["source"].spans) == gold["source"]
    if "cue" in gold:
        assert labels["cue"].value == gold["cue"]
    if "hedge_cue" in gold:
        assert spans_text(text, labels["hedged"].spans).lower() == gold["hedge_cue"]
    if "not_contains" in gold:
        assert gold["not_contains"] not in claim.text
    for label in labels.values():
        assert 0.0 <= label.score <= 1.0
