"""Files → ``Article``: plain text, JSONL, Parquet, a directory of them, a saved Hugging Face dataset, or stdin.

Every failure is an ``InputError`` that names the file and what to do about it, so the CLI can print
one line instead of a traceback. Offsets always refer to the text exactly as decoded from the file:
nothing is stripped or normalised, metadata lines are only *marked* (``Article.excluded``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

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


BadRecord = Callable[[str, str, str | None], None]
"""``on_bad(origin, message, raw)``: a malformed record, skipped; ``raw`` is its JSONL line where it has one."""

INPUT_SUFFIXES = (".txt", ".jsonl", ".parquet")
"""What a directory is searched for (a Hugging Face dataset directory is read as one dataset instead)."""


def load_articles(
    paths: Sequence[str | Path],
    *,
    id_field: str = "id",
    text_field: str = "text",
    title: TitleMode = "auto",
    on_bad: BadRecord | None = None,
) -> Iterator[Article]:
    """Yield the articles in ``paths``: ``.txt``, ``.jsonl`` and ``.parquet`` files, directories of them,
    Hugging Face datasets saved with ``save_to_disk``, or ``-`` for stdin.

    An article's id is its file name without the suffix (``stdin`` for ``-``), or a record's
    ``id_field``. Ids must be unique across all of ``paths`` (claim ids are made from them): two inputs
    that would give the same id are an ``InputError`` naming both, never a silent merge.

    Records stream: a JSONL file is read line by line and a Parquet file or dataset a batch of rows at a
    time, so memory does not grow with the corpus (only the set of ids seen does). With ``on_bad``, a
    malformed record (bad JSON, no text, an empty or HTML article, a duplicate id) is handed to it and
    skipped instead of stopping the run; a missing file or a wrong column name still stops it.
    """
    if not paths:
        raise InputError("no input given: pass one or more article files, directories, or '-' for stdin")
    first_seen: dict[str, str] = {}
    for loaded in _articles_with_origins(paths, id_field, text_field, title):
        try:
            article, origin = loaded.get()
            earlier = first_seen.get(article.id)
            if earlier is not None:
                if earlier == origin:
                    raise InputError(f"{origin}: given twice; pass each input once")
                raise InputError(
                    f"{origin}: article id {article.id!r} is already taken by {earlier}; ids come from file names "
                    "(and JSONL id fields) and must be unique in one run: rename one, or run them separately"
                )
        except InputError as exc:
            if on_bad is None:
                raise
            on_bad(loaded.origin, str(exc), loaded.raw)
            continue
        first_seen[article.id] = origin
        yield article


class _Loaded:
    """One record as read: its article, or the ``InputError`` that reading it raised (kept for ``on_bad``)."""

    __slots__ = ("article", "error", "origin", "raw")

    def __init__(
        self, origin: str, article: Article | None = None, error: InputError | None = None, raw: str | None = None
    ) -> None:
        self.origin, self.article, self.error, self.raw = origin, article, error, raw

    def get(self) -> tuple[Article, str]:
        if self.error is not None:
            raise self.error
        assert self.article is not None
        return self.article, self.origin


def _attempt(origin: str, raw: str | None, make: Callable[..., Article], *args: Any, **kwargs: Any) -> _Loaded:
    """``make(*args, **kwargs)``, its ``InputError`` kept rather than raised (``load_articles`` decides)."""
    try:
        return _Loaded(origin, make(*args, **kwargs), raw=raw)
    except InputError as exc:
        return _Loaded(origin, error=exc, raw=raw)


def _articles_with_origins(
    paths: Sequence[str | Path], id_field: str, text_field: str, title: TitleMode
) -> Iterator[_Loaded]:
    for raw in paths:
        if str(raw) == "-":
            data = _stdin_bytes()
            yield from _articles_from_bytes(data, "<stdin>", "stdin", id_field, text_field, title)
            continue
        path = Path(raw)
        if path.is_dir() and is_hf_dataset(path):
            yield from _articles_from_hf_dataset(path, id_field, text_field, title)
        elif path.is_dir():
            if (path / "dataset_dict.json").is_file():
                raise InputError(f"{path}: a Hugging Face DatasetDict; give one of its splits (e.g. {path / 'train'})")
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            if not files:
                raise InputError(f"{path}: directory holds no .txt, .jsonl or .parquet files")
            for file in files:
                yield from _articles_from_file(file, id_field, text_field, title)
        elif path.is_file():
            yield from _articles_from_file(path, id_field, text_field, title)
        else:
            raise InputError(f"{path}: no such file or directory")


_STDIN: dict[int, bytes] = {}


def _stdin_bytes() -> bytes:
    """Standard input, read once per stream: a run reads its inputs twice (check, then split).

    Keyed by the stream object, so a test harness that swaps ``sys.stdin`` between runs is read afresh.
    """
    key = id(sys.stdin)
    if key not in _STDIN:
        _STDIN.clear()
        _STDIN[key] = sys.stdin.buffer.read()
    return _STDIN[key]


def _articles_from_file(path: Path, id_field: str, text_field: str, title: TitleMode) -> Iterator[_Loaded]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _articles_from_jsonl_file(path, id_field, text_field, title)
        return
    if suffix == ".parquet":
        yield from _articles_from_parquet(path, id_field, text_field, title)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    yield from _articles_from_bytes(data, str(path), path.stem, id_field, text_field, title)


def _articles_from_bytes(
    data: bytes, origin: str, default_id: str, id_field: str, text_field: str, title: TitleMode
) -> Iterator[_Loaded]:
    if origin == "<stdin>" and data.lstrip()[:1] == b"{":
        lines = iter(data.splitlines(keepends=True))
        yield from _articles_from_jsonl(lines, origin, id_field, text_field, title)
        return
    yield _attempt(origin, None, _article_from_bytes, data, origin, default_id, title)


def _article_from_bytes(data: bytes, origin: str, default_id: str, title: TitleMode) -> Article:
    return article_from_text(decode_text(data, origin), default_id, origin=origin, title=title)


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


def _articles_from_jsonl_file(path: Path, id_field: str, text_field: str, title: TitleMode) -> Iterator[_Loaded]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with fh:
        if b"\x00" in fh.read(8192):
            raise InputError(f"{path}: looks like a binary file (NUL bytes); give a UTF-8 text or JSONL file")
        fh.seek(0)
        yield from _articles_from_jsonl(fh, str(path), id_field, text_field, title)


def _articles_from_jsonl(
    lines: Iterable[bytes], origin: str, id_field: str, text_field: str, title: TitleMode
) -> Iterator[_Loaded]:
    """JSONL records, one line at a time; a line that is not UTF-8 names its byte offset in the file."""
    seen: set[str] = set()
    offset = 0
    for lineno, raw_line in enumerate(lines, start=1):
        line_start, offset = offset, offset + len(raw_line)
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{origin}: not valid UTF-8 (byte {line_start + exc.start}); re-encode it, "
                "e.g. `iconv -f latin1 -t utf-8`"
            ) from None
        line = line.rstrip("\r\n")
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        default_id = f"{Path(origin).stem}-{lineno}"
        loaded = _attempt(where, line, _article_from_json_line, line, where, default_id, id_field, text_field, title)
        if (article := loaded.article) is not None:
            if article.id in seen:
                loaded = _Loaded(
                    where,
                    error=InputError(f"{where}: duplicate article id {article.id!r}; ids must be unique (--id-field)"),
                    raw=loaded.raw,
                )
            else:
                seen.add(article.id)
        yield loaded


def _article_from_json_line(
    line: str, where: str, default_id: str, id_field: str, text_field: str, title: TitleMode
) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: not valid JSON ({exc.msg}: column {exc.colno}); one JSON object per line is expected"
        ) from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    return article_from_record(record, where, default_id, id_field=id_field, text_field=text_field, title=title)


def article_from_record(
    record: Mapping[str, Any],
    where: str,
    default_id: str,
    *,
    id_field: str = "id",
    text_field: str = "text",
    title: TitleMode = "auto",
) -> Article:
    """One record (a JSONL object, a Parquet or dataset row) → ``Article``; the one rule for every record format.

    The text is ``text_field``; the id ``id_field`` (``default_id`` when absent or null); the record's
    other string and number fields become metadata, under the metadata found in the text itself.
    """
    if not isinstance(record.get(text_field), str):
        raise InputError(f"{where}: no string field {text_field!r}; choose the text field with --text-field")
    raw_id = record.get(id_field)
    article = article_from_text(
        record[text_field], default_id if raw_id is None else str(raw_id), origin=where, title=title
    )
    extra = {
        k: str(v)
        for k, v in record.items()
        if k not in (id_field, text_field) and isinstance(v, str | int | float) and not isinstance(v, bool)
    }
    return Article(article.id, article.text, {**extra, **article.metadata}, article.excluded)


def is_hf_dataset(path: Path) -> bool:
    """A directory written by ``datasets.Dataset.save_to_disk`` (its ``state.json`` lists Arrow files)."""
    return (path / "state.json").is_file() and (path / "dataset_info.json").is_file()


def _articles_from_parquet(path: Path, id_field: str, text_field: str, title: TitleMode) -> Iterator[_Loaded]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    _check_column(path, parquet.schema_arrow.names, text_field)
    yield from _articles_from_batches(parquet.iter_batches(batch_size=256), path, id_field, text_field, title)


def _articles_from_hf_dataset(path: Path, id_field: str, text_field: str, title: TitleMode) -> Iterator[_Loaded]:
    """A ``save_to_disk`` dataset: its Arrow files (IPC streams) in ``state.json``'s order, a batch at a time."""
    import pyarrow as pa

    try:
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
        files = [path / entry["filename"] for entry in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: unreadable Hugging Face dataset state.json ({exc!r}); save it again") from None

    def batches() -> Iterator[pa.RecordBatch]:
        for file in files:
            try:
                with pa.memory_map(str(file)) as source:
                    reader = pa.ipc.open_stream(source)
                    _check_column(path, reader.schema.names, text_field)
                    yield from reader
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{file}: unreadable dataset file ({exc}); save the dataset again") from None

    yield from _articles_from_batches(batches(), path, id_field, text_field, title)


def _check_column(path: Path, names: Sequence[str], text_field: str) -> None:
    if text_field not in names:
        raise InputError(
            f"{path}: no column {text_field!r} (columns: {', '.join(names)}); choose the text column with --text-field"
        )


def _articles_from_batches(
    batches: Iterable[Any], path: Path, id_field: str, text_field: str, title: TitleMode
) -> Iterator[_Loaded]:
    seen: set[str] = set()
    row = 0
    for batch in batches:
        for record in batch.to_pylist():
            row += 1
            where = f"{path}:row {row}"
            loaded = _attempt(
                where,
                None,
                article_from_record,
                record,
                where,
                f"{path.stem}-{row}",
                id_field=id_field,
                text_field=text_field,
                title=title,
            )
            if (article := loaded.article) is not None:
                if article.id in seen:
                    loaded = _Loaded(
                        where,
                        error=InputError(
                            f"{where}: duplicate article id {article.id!r}; ids must be unique (--id-field)"
                        ),
                    )
                else:
                    seen.add(article.id)
            yield loaded


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
