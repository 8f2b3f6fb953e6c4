"""Where ``claimkit split`` writes: stdout, or a file it can resume after a crash or ``kill -9``.

A run with ``-o FILE`` never writes ``FILE`` until it is complete. Until then it keeps:

- ``FILE.partial``: the output so far, appended to one whole batch at a time (for Parquet, a folder
  ``FILE.partial.d/`` of part files, each a complete Parquet file of whole articles);
- ``FILE.partial.progress``: a JSONL log. Its first line records the run's options; each further line
  records one checkpoint: the articles it completed (id and ``content_digest``) and where ``FILE.partial``
  ends after them (for Parquet, the part file that holds them).

A checkpoint is written data first (flushed and fsynced), log line second (fsynced), so the log never
claims bytes that are not on disk. A re-run with the same options reads the log, drops a half-written
last line, cuts ``FILE.partial`` back to the last checkpoint (removing half an article, or part files the
log does not name), and skips the articles the log lists: they are a prefix of the input, because output
is written in input order. The finished output is therefore byte for byte what an uninterrupted run
writes. An article whose text changed since it was written, or a re-run with other options, is an
``InputError``: the old partial output cannot be reused, and the message says to delete it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Protocol, TextIO

from claimkit.annotate.batch import Rendered
from claimkit.annotate.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

PROGRESS_FORMAT = "claimkit.split.progress"
PARQUET_PART_ROWS = 20_000
"""Claims per Parquet part file (= per row group of the final file): a few MB held in memory at most."""


class Output(Protocol):
    """A sink for rendered articles, written in input order."""

    done: dict[str, str]
    """Articles already in the output from an interrupted run: id → content digest (empty when fresh)."""

    def write(self, items: Sequence[tuple[str, str, Rendered]]) -> None:
        """Append whole articles, each as ``(article id, content digest, rendered)``."""
        ...

    def finish(self) -> None:
        """Make the output complete (rename into place, merge parts)."""
        ...


class StreamOutput:
    """Text output to a stream (stdout): no checkpoints, nothing to resume."""

    def __init__(self, stream: TextIO, header: str = "") -> None:
        self.stream = stream
        self.header = header
        self.done: dict[str, str] = {}
        self._started = False

    def write(self, items: Sequence[tuple[str, str, Rendered]]) -> None:
        self._start()
        for _, _, rendered in items:
            self.stream.write(rendered.text)
        self.stream.flush()

    def finish(self) -> None:
        self._start()
        self.stream.flush()

    def _start(self) -> None:
        if not self._started:
            self.stream.write(self.header)
            self._started = True


def partial_paths(out: Path) -> tuple[Path, Path]:
    """``FILE.partial`` (or ``FILE.partial.d`` for Parquet parts) and ``FILE.partial.progress``."""
    return out.with_name(out.name + ".partial"), out.with_name(out.name + ".partial.progress")


class _ProgressLog:
    """The checkpoint log: read (tolerating a half-written last line), then appended to with fsync."""

    def __init__(self, path: Path, options: str, out: Path) -> None:
        self.path = path
        self.options = options
        self.entries: list[dict[str, Any]] = []
        self.resumed = False
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            parsed = []
            for i, line in enumerate(lines):
                try:
                    parsed.append(json.loads(line))
                except json.JSONDecodeError:
                    if i == len(lines) - 1:
                        break  # the line a kill interrupted: its checkpoint never completed
                    raise InputError(f"{path}: corrupt progress log; delete {out}.partial* to start over") from None
            if parsed:
                head = parsed[0]
                if head.get("format") != PROGRESS_FORMAT or head.get("options") != options:
                    raise InputError(
                        f"{out}.partial was written by a run with other options (format, predictor, granularity, "
                        f"fields); rerun with those options, or delete {out}.partial* to start over"
                    )
                self.entries = parsed[1:]
                self.resumed = True
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:  # rewritten whole, so no half line stays in the middle
            for entry in [{"format": PROGRESS_FORMAT, "options": options}, *self.entries]:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            _sync(fh)
        tmp.replace(path)
        self._fh = path.open("a", encoding="utf-8")

    def reset(self) -> None:
        """Start over: the log keeps only its options line (the partial output it described is gone)."""
        self.entries = []
        self._fh.truncate(0)
        self._fh.seek(0)
        self._fh.write(json.dumps({"format": PROGRESS_FORMAT, "options": self.options}) + "\n")
        _sync(self._fh)

    def done(self) -> dict[str, str]:
        return {article_id: digest for entry in self.entries for article_id, digest in entry["done"]}

    def append(self, entry: dict[str, Any]) -> None:
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        _sync(self._fh)
        self.entries.append(entry)

    def remove(self) -> None:
        self._fh.close()
        self.path.unlink(missing_ok=True)


def _sync(fh: IO[Any]) -> None:
    fh.flush()
    os.fsync(fh.fileno())


class ResumableTextOutput:
    """JSONL, CSV or table text in ``FILE.partial``, checkpointed after every ``write``."""

    def __init__(self, out: Path, options: str, header: str = "") -> None:
        self.out = out
        self.partial, progress = partial_paths(out)
        self.log = _ProgressLog(progress, options, out)
        if self.log.resumed and self.partial.is_file():
            end = self.log.entries[-1]["end"] if self.log.entries else 0
            if self.partial.stat().st_size < end:
                raise InputError(f"{self.partial}: shorter than its progress log says; delete {out}.partial*")
            self._fh: BinaryIO = self.partial.open("r+b")
            self._fh.truncate(end)  # drop whatever a kill left after the last checkpoint
            self._fh.seek(end)
            self.done = self.log.done()
        else:
            self.log.reset()
            self._fh = self.partial.open("wb")
            self.done = {}
            self._write_checkpoint(header.encode("utf-8"), [])

    def write(self, items: Sequence[tuple[str, str, Rendered]]) -> None:
        data = "".join(rendered.text for _, _, rendered in items).encode("utf-8")
        self._write_checkpoint(data, [[article_id, digest] for article_id, digest, _ in items])

    def _write_checkpoint(self, data: bytes, done: list[list[str]]) -> None:
        self._fh.write(data)
        _sync(self._fh)
        self.log.append({"end": self._fh.tell(), "done": done})

    def finish(self) -> None:
        self._fh.close()
        self.partial.replace(self.out)
        self.log.remove()


class ResumableParquetOutput:
    """Claim rows as Parquet: part files of whole articles in ``FILE.partial.d``, merged into ``FILE`` at the end.

    A part is cut after the article that brings it to ``part_rows`` claims, so where parts (and the final
    file's row groups) begin depends only on the input, never on batches, workers or interruptions.
    """

    def __init__(self, out: Path, options: str, schema: pa.Schema, part_rows: int = PARQUET_PART_ROWS) -> None:
        self.out = out
        self.schema = schema
        self.part_rows = part_rows
        partial, progress = partial_paths(out)
        self.parts_dir = partial.with_name(partial.name + ".d")
        self.log = _ProgressLog(progress, options, out)
        if not self.log.resumed:
            self.log.reset()
            shutil.rmtree(self.parts_dir, ignore_errors=True)
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        named = {entry["part"] for entry in self.log.entries}
        for stray in self.parts_dir.iterdir():  # parts a kill left before their log line
            if stray.name not in named:
                stray.unlink()
        missing = [name for name in named if not (self.parts_dir / name).is_file()]
        if missing:
            raise InputError(f"{self.parts_dir}: part {missing[0]} is missing; delete {out}.partial* to start over")
        self.done = self.log.done()
        self._rows: list[dict[str, Any]] = []
        self._articles: list[list[str]] = []

    def write(self, items: Sequence[tuple[str, str, Rendered]]) -> None:
        for article_id, digest, rendered in items:
            self._rows.extend(rendered.rows)
            self._articles.append([article_id, digest])
            if len(self._rows) >= self.part_rows:
                self._cut()

    def _cut(self) -> None:
        import pyarrow.parquet as pq

        from claimkit.annotate.output import parquet_table

        name = f"part-{len(self.log.entries):06d}.parquet"
        tmp = self.parts_dir / (name + ".tmp")
        pq.write_table(parquet_table(self._rows, self.schema), tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(self.parts_dir / name)
        self.log.append({"part": name, "done": self._articles})
        self._rows, self._articles = [], []

    def finish(self) -> None:
        import pyarrow.parquet as pq

        if self._articles or not self.log.entries:
            self._cut()
        partial = self.out.with_name(self.out.name + ".partial")
        with pq.ParquetWriter(partial, self.schema) as writer:
            for entry in self.log.entries:
                writer.write_table(pq.read_table(self.parts_dir / entry["part"], schema=self.schema))
        partial.replace(self.out)
        shutil.rmtree(self.parts_dir)
        self.log.remove()
