"""Loading articles: metadata lines, JSONL, directories, and bad input with clear errors."""

import json

import pytest

from claimkit.annotate.errors import InputError
from claimkit.annotate.load import MAX_ARTICLE_CHARS, article_from_text, load_articles


def test_load_header_and_title_are_metadata_not_text_changes():
    text = " date 2021-11-04 \n\n\nHarbor Bridge closure extended\n\nThe bridge will stay closed. It is old.\n"
    article = article_from_text(text, "a")
    assert article.text == text, "offsets must refer to the text exactly as read"
    assert article.metadata == {"date": "2021-11-04", "title": "Harbor Bridge closure extended"}
    assert [text[s.start : s.end].strip() for s in article.excluded] == [
        "date 2021-11-04",
        "Harbor Bridge closure extended",
    ]


def test_load_one_sentence_lede_is_not_taken_for_a_title():
    article = article_from_text("The council voted on Monday to close the bridge.\n\nMore text follows.", "a")
    assert "title" not in article.metadata and article.excluded == ()


def test_load_title_modes():
    text = "A Title Ending With A Period.\n\nBody text here."
    assert "title" not in article_from_text(text, "a").metadata
    assert article_from_text(text, "a", title="first-line").metadata["title"] == "A Title Ending With A Period."
    assert article_from_text("Short title\n\nBody.", "a", title="none").excluded == ()


def test_load_jsonl_with_custom_fields(tmp_path):
    path = tmp_path / "many.jsonl"
    rows = [{"doc": "x1", "body": "First article text.", "publisher": "AP"}, {"doc": "x2", "body": "Second one."}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    articles = list(load_articles([path], id_field="doc", text_field="body"))
    assert [a.id for a in articles] == ["x1", "x2"]
    assert articles[0].metadata["publisher"] == "AP"


def test_load_directory_reads_txt_and_jsonl(tmp_path):
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert [a.id for a in load_articles([tmp_path])] == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty article"),
        (b"   \n\n  ", "empty article"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("caf\u00e9 au lait".encode("latin-1"), "not valid UTF-8"),
        (b"<!DOCTYPE html><html><body><p>News</p></body></html>", "looks like HTML"),
    ],
    ids=["empty", "blank", "binary", "latin1", "html"],
)
def test_load_bad_input_names_file_and_fix(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        list(load_articles([path]))
    assert str(path) in str(info.value)


def test_load_refuses_a_book_sized_text():
    with pytest.raises(InputError, match="more than one article"):
        article_from_text("word " * (MAX_ARTICLE_CHARS // 5 + 1), "big")


def test_load_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:2: no string field 'text'"):
        list(load_articles([path]))


def test_load_missing_path():
    with pytest.raises(InputError, match="no such file"):
        list(load_articles(["/nonexistent/article.txt"]))


def test_load_ids_collide_across_inputs_is_an_error_naming_both(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("The bridge is closed.\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(load_articles([tmp_path / "a", tmp_path / "b"]))
    message = str(info.value)
    assert str(tmp_path / "a" / "x.txt") in message and str(tmp_path / "b" / "x.txt") in message
    assert "'x'" in message and "\n" not in message
    # also within one directory tree, and between a text file and a JSONL record
    with pytest.raises(InputError, match="already taken"):
        list(load_articles([tmp_path]))
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "x", "text": "Other text."}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"c.jsonl:1: article id 'x' is already taken by .*a/x.txt"):
        list(load_articles([tmp_path / "a", tmp_path / "c.jsonl"]))
    with pytest.raises(InputError, match="given twice"):
        list(load_articles([tmp_path / "a" / "x.txt", tmp_path / "a" / "x.txt"]))


def test_load_ids_of_a_single_directory_are_its_file_stems(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text("The bridge is closed.\n", encoding="utf-8")
    assert [a.id for a in load_articles([tmp_path])] == ["one", "two"]


def test_load_jsonl_error_says_where(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": "unterminated}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:2: not valid JSON \(Unterminated string starting at: column 21\)"):
        list(load_articles([path]))
