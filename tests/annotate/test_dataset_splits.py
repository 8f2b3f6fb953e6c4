from hypothesis import given
from hypothesis import strategies as st

from claimkit.annotate.dataset_splits import split_by_article


@given(st.sets(st.text(min_size=1, max_size=8), min_size=0, max_size=60), st.integers(0, 1000))
def test_split_by_article_assigns_every_article_once(ids, seed):
    assignment = split_by_article(ids, seed=seed)
    assert set(assignment) == ids
    assert set(assignment.values()) <= {"train", "validation", "test"}
    if len(ids) >= 3:
        assert set(assignment.values()) == {"train", "validation", "test"}


def test_split_by_article_ignores_input_order():
    ids = [f"a{i}" for i in range(50)]
    assert split_by_article(ids, seed=1) == split_by_article(reversed(ids), seed=1)
