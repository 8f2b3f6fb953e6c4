"""``claimkit split``: articles → claims, on all cores, streaming, resumable, or on a Ray cluster.

The command reads its input twice: a check pass (every record decoded and validated, ids checked for
duplicates, the articles counted for the progress bar's ETA) before any output, so a bad record stops
the run before anything is written (or, with ``--skip-bad``, goes to a side file); then the split pass,
which streams batches through an engine (``annotate.parallel`` or ``annotate.ray_engine``), both calling
the same per-batch function (``annotate.batch.BatchSplitter``). See docs/scale.md.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections import deque
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, cast

import typer

from claimkit.annotate.errors import InputError, ModelError
from claimkit.commands import options

if TYPE_CHECKING:
    from claimkit.annotate.batch import OutputFormat as FormatName
    from claimkit.annotate.batch import Rendered, SplitSettings
    from claimkit.annotate.resume import Output
    from claimkit.annotate.types import Article


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"
    parquet = "parquet"


class TitleOption(str, Enum):
    auto = "auto"
    first_line = "first-line"
    none = "none"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def split(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="ARTICLE",
            help="Article files (.txt, .jsonl, .parquet), directories, saved Hugging Face datasets, or - for stdin.",
        ),
    ],
    granularity: options.GranularityOption = options.Granularity.clause,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="jsonl (the documented format), csv, a table, or parquet (needs -o)."),
    ] = OutputFormat.jsonl,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write here instead of stdout; a re-run after a crash resumes where it stopped.",
            show_default=False,
        ),
    ] = None,
    predictor: options.PredictorSpec = "rules",
    id_field: Annotated[
        str, typer.Option("--id-field", metavar="NAME", help="JSONL/Parquet/dataset input: field holding the id.")
    ] = "id",
    text_field: Annotated[
        str, typer.Option("--text-field", metavar="NAME", help="JSONL/Parquet/dataset input: field holding the text.")
    ] = "text",
    title: Annotated[
        TitleOption,
        typer.Option(
            "--title",
            help="auto: a short first line (no final period) is a title; first-line: the first line always is; "
            "none: no title. A title is metadata, never claims.",
        ),
    ] = TitleOption.auto,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
    threads: options.Threads = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            metavar="N",
            min=1,
            help="Worker processes (default: all cores); each loads spaCy and the predictor once.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option("--engine", help="local: this machine's cores; ray: Ray Data (claimkit's optional ray extra)."),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            metavar="ADDR",
            help="--engine ray: the cluster to join (e.g. ray://head:10001, or auto); default: a local instance.",
            show_default=False,
        ),
    ] = None,
    skip_bad: Annotated[
        bool,
        typer.Option(
            "--skip-bad",
            help="Write malformed records to a side file (FILE.bad.jsonl) and go on, instead of stopping at the first.",
        ),
    ] = False,
) -> None:
    """Split articles into atomic claims and label each claim's sourcing."""
    from claimkit.annotate.batch import BATCH_ARTICLES, SplitSettings
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.parallel import available_cores

    fmt = cast("FormatName", output_format.value)
    if fmt == "parquet" and out is None:
        raise InputError("--format parquet writes a file, not a terminal stream: give -o FILE (e.g. -o claims.parquet)")
    if address is not None and engine is not Engine.ray:
        raise InputError("--address is for --engine ray; add --engine ray, or drop --address")
    _check_out_file(out)
    _check_predictor(predictor)
    load = functools.partial(load_articles, paths, id_field=id_field, text_field=text_field, title=title.value)

    bad = _BadRecords(_bad_path(out)) if skip_bad else None
    try:
        total = sum(1 for _ in load(on_bad=bad))  # the check pass: every record read before any output
    finally:
        if bad is not None:
            bad.close()

    # no more workers than batches: one article is split in this process, as it always was
    n_workers = max(1, min(workers or available_cores(), -(-total // BATCH_ARTICLES)))
    if threads is None and engine is Engine.ray:
        threads = 1  # an actor holds one CPU
    elif threads is None and n_workers > 1:
        threads = max(1, available_cores() // n_workers)  # a model's torch threads: no oversubscription
    settings = SplitSettings(
        spacy_model=spacy_model,
        granularity=granularity.value,
        output_format=fmt,
        make_predictor=functools.partial(options.predictor, predictor, threads=threads),
    )
    run_options = {
        "format": fmt,
        "granularity": granularity.value,
        "predictor": predictor,
        "spacy_model": spacy_model,
        "title": title.value,
        "id_field": id_field,
        "text_field": text_field,
    }
    output = _open_output(out, fmt, run_options)
    results = (
        _run_ray(paths, settings, run_options, address, workers, output.done)
        if engine is Engine.ray
        else _run_local(load(on_bad=_ignore if skip_bad else None), settings, n_workers, output.done)
    )
    n = _write_all(results, output, total)
    output.finish()
    if out is not None:
        typer.echo(f"{n} claims written to {out}", err=True)
    if bad is not None and bad.count:
        typer.echo(f"claimkit: {bad.count} malformed record(s) skipped, each with its error in {bad.path}", err=True)


def _run_local(
    articles: Iterator[Article], settings: SplitSettings, workers: int, done: dict[str, str]
) -> Iterator[tuple[list[tuple[str, str]], list[Rendered]]]:
    from claimkit.annotate.batch import content_digest
    from claimkit.annotate.parallel import batched, split_local

    todo = _skip_done(((a, content_digest(a)) for a in articles), done)
    keys: deque[list[tuple[str, str]]] = deque()  # batches come back in the order they were read

    def batches() -> Iterator[list[Article]]:
        for chunk in batched(todo):
            keys.append([(a.id, digest) for a, digest in chunk])
            yield [a for a, _ in chunk]

    for _, rendered in split_local(batches(), settings, workers):
        yield keys.popleft(), rendered


def _skip_done(items: Iterator[tuple[Article, str]], done: dict[str, str]) -> Iterator[tuple[Article, str]]:
    """Drop the articles an interrupted run already wrote: they must be the input's first ``len(done)`` articles,
    unchanged; anything else means the input changed, and the partial output cannot be reused."""
    skipped = 0
    for article, digest in items:
        if skipped < len(done):
            if done.get(article.id) != digest:
                what = "changed" if article.id in done else "is new, before articles already written"
                raise InputError(
                    f"article {article.id!r} {what} since the interrupted run; delete the .partial* files "
                    "next to --out to start over"
                )
            skipped += 1
            continue
        yield article, digest
    if skipped < len(done):
        raise InputError("the input lost articles since the interrupted run; delete the .partial* files to start over")


def _run_ray(
    paths: list[str],
    settings: SplitSettings,
    run_options: dict[str, str],
    address: str | None,
    workers: int | None,
    done: dict[str, str],
) -> Iterator[tuple[list[tuple[str, str]], list[Rendered]]]:
    """The Ray engine; ``--workers`` is its number of actors (and a local instance's cores)."""
    from claimkit.annotate.ray_engine import split_ray

    for keys, rendered in split_ray(
        paths,
        settings,
        id_field=run_options["id_field"],
        text_field=run_options["text_field"],
        title=run_options["title"],  # type: ignore[arg-type]
        address=address,
        skip=done,
        actors=workers,
    ):
        for article_id, _ in keys:
            if article_id in done:  # the actors drop written articles whose digest still matches
                raise InputError(
                    f"article {article_id!r} changed since the interrupted run; delete the .partial* files "
                    "next to --out to start over"
                )
        yield keys, rendered


def _write_all(results: Iterator[tuple[list[tuple[str, str]], list[Rendered]]], output: Output, total: int) -> int:
    from tqdm import tqdm

    remaining = total - len(output.done)
    n = 0
    with tqdm(total=remaining, desc="articles", unit=" art", disable=None, file=sys.stderr) as bar:
        for keys, rendered in results:
            output.write([(key[0], key[1], r) for key, r in zip(keys, rendered, strict=True)])
            n += sum(r.claims for r in rendered)
            bar.update(len(rendered))
    return n


def _check_predictor(spec: str) -> None:
    """Refuse a missing model directory before any worker starts (each worker loads the model itself)."""
    if spec not in ("rules", "none") and not Path(spec).is_dir():
        raise ModelError(f"predictor {spec!r}: not 'rules' and not a model directory; train one with `claimkit train`")


def _check_out_file(out: Path | None) -> None:
    if out is not None and out.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for --out (e.g. {out / 'claims.jsonl'})")


def _bad_path(out: Path | None) -> Path:
    return Path("claimkit-split.bad.jsonl") if out is None else out.with_name(out.name + ".bad.jsonl")


class _BadRecords:
    """``on_bad`` for the check pass: one JSON line per malformed record (where, error, and the raw line)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: TextIO | None = None

    def __call__(self, origin: str, message: str, raw: str | None) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        self._fh.write(json.dumps({"where": origin, "error": message, "record": raw}, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _ignore(origin: str, message: str, raw: str | None) -> None:
    """The split pass skips what the check pass already wrote to the side file."""


def _open_output(out: Path | None, fmt: str, run_options: dict[str, str]) -> Output:
    """stdout, or ``-o FILE`` resumable (``annotate.resume``); the options key refuses a resume with other options."""
    from claimkit.annotate.output import csv_header, parquet_schema
    from claimkit.annotate.resume import ResumableParquetOutput, ResumableTextOutput, StreamOutput
    from claimkit.annotate.schema import default_schema

    header = csv_header(default_schema()) if fmt == "csv" else ""
    if out is None:
        return StreamOutput(sys.stdout, header)
    key = hashlib.sha256(json.dumps(run_options, sort_keys=True).encode()).hexdigest()[:16]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            return ResumableParquetOutput(out, key, parquet_schema(default_schema()))
        return ResumableTextOutput(out, key, header)
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from None


def register(app: typer.Typer) -> None:
    app.command()(split)
