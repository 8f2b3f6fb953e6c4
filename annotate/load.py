"""Files → ``Article``: plain text, JSONL, a directory of either, or stdin.

Every failure is an ``InputError`` that names the file and what to do about it, so the CLI can print
one line instead of a traceback. Offsets always refer to the text exactly as decoded from the file:
nothing is stripped or normalised, metadata lines are only *marked* (``Article.excluded``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from claimkit.annotate.errors import InputError
from claimkit.annotate.types import Article, Span

MAX_ARTICLE_CHARS = 2_000_000
"""Longer texts are refused: news articles are 1–50k characters; 2M is a book, or a wrong file."""

TitleMode = Literal["auto", "first-line", "none"]

_HEADER_KEYS = ("date", "published", "author", "byline", "source", "publisher", "url", "title")
_HEADER_RE = re.compile(
    r"[ \t]*(?P<key>" + "|".join(_HEADER_KEYS) + r")[ \t]*[:=]?[ \t]+(?P<value>\S.*?)[ \t]*$", re.IGNORECASE
)
_HTML_RE = re.compile(r"<\s*(!doctype\s+html|html|head|body|div|p|span|script|br)\b[^>]*>", re.IGNORECASE)
_TITLE_MAX_WORDS = 25


def load_articles(
    paths: Sequence[str | Path],
    *,
    id_field: str = "id",
    text_field: str = "text",
    title: TitleMode = "auto",
) -> Iterator[Article]:
    """Yield the articles in ``paths``: ``.txt`` files, ``.jsonl`` files, directories, or ``-`` for stdin.

    An article's id is its file name without the suffix (``stdin`` for ``-``), or a JSONL record's
    ``id_field``. Ids must be unique across all of ``paths`` (claim ids are made from them): two inputs
    that would give the same id are an ``InputError`` naming both, never a silent merge.
    """
    if not paths:
        raise InputError("no input given: pass one or more article files, directories, or '-' for stdin")
    first_seen: dict[str, str] = {}
    for article, origin in _articles_with_origins(paths, id_field, text_field, title):
        earlier = first_seen.get(article.id)
        if earlier is not None:
            if earlier == origin:
                raise InputError(f"{origin}: given twice; pass each input once")
            raise InputError(
                f"{origin}: article id {article.id!r} is already taken by {earlier}; ids come from file names "
                "(and JSONL id fields) and must be unique in one run: rename one, or run them separately"
            )
        first_seen[article.id] = origin
        yield article


def _articles_with_origins(
    paths: Sequence[str | Path], id_field: str, text_field: str, title: TitleMode
) -> Iterator[tuple[Article, str]]:
    for raw in paths:
        if str(raw) == "-":
            data = sys.stdin.buffer.read()
            yield from _articles_from_bytes(data, "<stdin>", "stdin", id_field, text_field, title)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".jsonl"))
            if not files:
                raise InputError(f"{path}: directory holds no .txt or .jsonl files")
            for file in files:
                yield from _articles_from_file(file, id_field, text_field, title)
        elif path.is_file():
            yield from _articles_from_file(path, id_field, text_field, title)
        else:
            raise InputError(f"{path}: no such file or directory")


def _articles_from_file(path: Path, id_field: str, text_field: str, title: TitleMode) -> Iterator[tuple[Article, str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    yield from _articles_from_bytes(data, str(path), path.stem, id_field, text_field, title)


def _articles_from_bytes(
    data: bytes, origin: str, default_id: str, id_field: str, text_field: str, title: TitleMode
) -> Iterator[tuple[Article, str]]:
    text = decode_text(data, origin)
    if origin.endswith(".jsonl") or (origin == "<stdin>" and text.lstrip().startswith("{")):
        yield from _articles_from_jsonl(text, origin, id_field, text_field, title)
    else:
        yield article_from_text(text, default_id, origin=origin, title=title), origin


def decode_text(data: bytes, origin: str) -> str:
    """Decode UTF-8 (a BOM is dropped), refusing binary data with a message that says what to do."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{origin}: looks like a binary file (NUL bytes); give a UTF-8 text or JSONL file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{origin}: not valid UTF-8 (byte {exc.start}); re-encode it, e.g. `iconv -f latin1 -t utf-8`"
        ) from None
    return text.removeprefix("\ufeff")


def _articles_from_jsonl(
    text: str, origin: str, id_field: str, text_field: str, title: TitleMode
) -> Iterator[tuple[Article, str]]:
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{where}: not valid JSON ({exc.msg}: column {exc.colno}); one JSON object per line is expected"
            ) from None
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if text_field not in record or not isinstance(record[text_field], str):
            raise InputError(f"{where}: no string field {text_field!r}; choose the text field with --text-field")
        article_id = str(record.get(id_field, f"{Path(origin).stem}-{lineno}"))
        if article_id in seen:
            raise InputError(f"{where}: duplicate article id {article_id!r}; ids must be unique (--id-field)")
        seen.add(article_id)
        article = article_from_text(record[text_field], article_id, origin=where, title=title)
        extra = {
            k: str(v) for k, v in record.items() if k not in (id_field, text_field) and isinstance(v, str | int | float)
        }
        yield Article(article.id, article.text, {**extra, **article.metadata}, article.excluded), where


def article_from_text(text: str, article_id: str, *, origin: str = "<text>", title: TitleMode = "auto") -> Article:
    """Make an ``Article``, marking a leading header block (``date 2021-11-04``) and the title line.

    A title is the first paragraph after the header when it is one line; in ``auto`` mode it must
    also be short and not end like a sentence, so a one-sentence lede is never taken for a title.
    """
    if not text.strip():
        raise InputError(f"{origin}: empty article; nothing to split")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"{origin}: {len(text):,} characters is more than one article ({MAX_ARTICLE_CHARS:,} max); "
            "split it into articles, e.g. one JSON object per article in a .jsonl file"
        )
    if _HTML_RE.search(text[:5000]):
        raise InputError(f"{origin}: looks like HTML; extract the article text first (e.g. with trafilatura)")

    metadata: dict[str, str] = {}
    excluded: list[Span] = []
    lines = _lines_with_offsets(text)
    i = 0
    while i < len(lines):  # leading header block: `key value` lines, blank lines allowed between
        start, line = lines[i]
        if not line.strip():
            i += 1
            continue
        match = _HEADER_RE.fullmatch(line)
        if not match:
            break
        metadata[match["key"].lower()] = match["value"]
        excluded.append(Span(start, start + len(line)))
        i += 1
    while i < len(lines) and not lines[i][1].strip():
        i += 1
    if title != "none" and i < len(lines) and "title" not in metadata:
        start, line = lines[i]
        next_blank = i + 1 >= len(lines) or not lines[i + 1][1].strip()
        more_text = any(rest.strip() for _, rest in lines[i + 1 :])
        looks_like_title = len(line.split()) <= _TITLE_MAX_WORDS and not line.rstrip().endswith(
            (".", "?", "!", ":", '"', "”")
        )
        if next_blank and more_text and (title == "first-line" or looks_like_title):
            stripped = line.strip()
            lead = len(line) - len(line.lstrip())
            metadata["title"] = stripped
            excluded.append(Span(start + lead, start + lead + len(stripped)))
    return Article(id=article_id, text=text, metadata=metadata, excluded=tuple(excluded))


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((offset, body))
        offset += len(line)
    return out
