"""The Ray engine: ``BatchSplitter`` in Ray Data actors, on a local Ray instance or an existing cluster.

Each actor builds one ``BatchSplitter`` (spaCy and the predictor loaded once) and is called with
batches of articles, exactly as a local worker process is; the driver receives the rendered articles
in input order (``preserve_order``) and writes them with the same writers as the local engine, so the
output is byte for byte the same.

Input: Parquet files are read by Ray itself (``read_parquet``, in parallel, on the cluster's nodes, and
must have an id column); any other input is read here, on the driver, and handed to Ray as rows (fine
for what fits in the driver's memory; convert a large corpus to Parquet first). Ray is an optional
dependency (``pip install 'claimkit[ray]'``), imported only when this engine runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from claimkit.annotate.batch import (
    BATCH_ARTICLES,
    BatchSplitter,
    Rendered,
    SplitSettings,
    article_from_row,
    article_to_row,
    content_digest,
)
from claimkit.annotate.errors import InputError
from claimkit.annotate.load import INPUT_SUFFIXES, TitleMode, article_from_record, is_hf_dataset, load_articles

if TYPE_CHECKING:
    import pyarrow as pa

    from claimkit.annotate.types import Article

RAY_MISSING = "--engine ray needs Ray, an optional extra: pip install 'claimkit[ray]'"


def parquet_inputs(paths: Sequence[str | Path]) -> list[Path] | None:
    """The Parquet files ``paths`` name, in the order ``load_articles`` reads them; ``None`` if any input is not Parquet."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if str(raw) == "-" or (path.is_dir() and is_hf_dataset(path)):
            return None
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            if any(p.suffix.lower() != ".parquet" for p in found):
                return None
            files += found
        elif path.suffix.lower() == ".parquet":
            files.append(path)
        else:
            return None
    return files


class _SplitActor:
    """A Ray actor: rows in (raw Parquet records, or ``article_to_row`` rows), rendered articles out."""

    def __init__(
        self, settings: SplitSettings, fields: dict[str, str] | None, skip: dict[str, str] | None = None
    ) -> None:
        self.splitter = BatchSplitter(settings)
        self.fields = fields  # id_field/text_field/title for raw records; None for article rows
        self.skip = skip or {}

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        articles: list[Article] = []
        for row in batch.to_pylist():
            article = self._article(row)
            if article is not None and self.skip.get(article.id) != content_digest(article):
                articles.append(article)
        rendered = self.splitter(articles)
        return pa.table(
            {
                "id": [a.id for a in articles],
                "digest": [content_digest(a) for a in articles],
                "claims": [r.claims for r in rendered],
                "text": [r.text for r in rendered],
                "rows": [json.dumps(r.rows, ensure_ascii=False) for r in rendered],
            },
            schema=_RESULT_SCHEMA(),
        )

    def _article(self, row: dict[str, Any]) -> Article | None:
        if self.fields is None:
            return article_from_row(row)
        where = str(row.get(self.fields["id_field"]))
        try:
            return article_from_record(
                row,
                where,
                where,
                id_field=self.fields["id_field"],
                text_field=self.fields["text_field"],
                title=self.fields["title"],  # type: ignore[arg-type]
            )
        except InputError:
            return None  # the driver's check pass already stopped the run, or recorded it (--skip-bad)


def _RESULT_SCHEMA() -> pa.Schema:  # noqa: N802 - a constant that needs pyarrow imported
    import pyarrow as pa

    return pa.schema(
        [("id", pa.string()), ("digest", pa.string()), ("claims", pa.int64()), ("text", pa.string()),
         ("rows", pa.string())]
    )  # fmt: skip


def split_ray(
    paths: Sequence[str | Path],
    settings: SplitSettings,
    *,
    id_field: str = "id",
    text_field: str = "text",
    title: TitleMode = "auto",
    address: str | None = None,
    skip: dict[str, str] | None = None,
    actors: int | None = None,
    batch_articles: int = BATCH_ARTICLES,
) -> Iterator[tuple[list[tuple[str, str]], list[Rendered]]]:
    """Each batch's ``(article id, content digest)`` keys and rendered articles, in input order.

    ``address`` joins an existing cluster (``ray://host:10001``, ``auto``); without it a local Ray instance
    is started for this run with ``actors`` cores (default: all) and stopped at the end. ``actors`` is the
    number of actors (default: one per CPU of the instance or cluster). ``skip`` (id → digest) drops the
    articles an interrupted run already wrote. A repeated id (which ``--skip-bad`` lets through the check
    pass) is kept only the first time, as the local engine does.
    """
    try:
        import ray
        import ray.data
    except ImportError:
        raise InputError(RAY_MISSING) from None

    started = False
    if not ray.is_initialized():
        ray.init(
            address=address,
            num_cpus=actors if address is None else None,  # a local instance: --workers cores (default: all)
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        started = True
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        files = parquet_inputs(paths)
        if files is not None:
            _check_parquet_ids(files, id_field)
            dataset = ray.data.read_parquet([str(f) for f in files], shuffle=None, num_cpus=0)
            fields: dict[str, str] | None = {"id_field": id_field, "text_field": text_field, "title": title}
        else:
            rows = [article_to_row(a) for a in load_articles(paths, id_field=id_field, text_field=text_field,
                                                               title=title, on_bad=_ignore)]  # fmt: skip
            if not rows:
                return
            dataset = ray.data.from_items(rows)
            fields = None
        # blocks of one batch each: the actor pool hands out blocks, so one big file would otherwise go to one actor
        dataset = dataset.repartition(target_num_rows_per_block=batch_articles)
        cpus = float(ray.cluster_resources().get("CPU", 1))
        n_actors = actors or max(1, int(cpus))
        # The actors live for the whole run; if they claimed every logical CPU, Ray Data's file-listing task
        # (1 CPU, not configurable) would wait for one forever. So they claim all but one between them:
        # still one process per core doing the work, scheduling only sees slightly smaller actors.
        actor_cpus = min(1.0, max(0.1, (cpus - 1) / n_actors))
        dataset = dataset.map_batches(
            _SplitActor,
            fn_constructor_args=(settings, fields, skip),
            batch_size=batch_articles,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=n_actors),
            num_cpus=actor_cpus,
        )
        seen: set[str] = set()
        for table in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
            keys: list[tuple[str, str]] = []
            rendered: list[Rendered] = []
            for row in cast("pa.Table", table).to_pylist():
                if row["id"] not in seen:
                    seen.add(row["id"])
                    keys.append((row["id"], row["digest"]))
                    rendered.append(Rendered(row["id"], row["claims"], row["text"], tuple(json.loads(row["rows"]))))
            if keys:
                yield keys, rendered
    finally:
        if started:
            ray.shutdown()


def _check_parquet_ids(files: list[Path], id_field: str) -> None:
    """Ray reads rows without their position, so a row's id must come from the file, not its row number."""
    import pyarrow.parquet as pq

    for f in files:
        if id_field not in pq.ParquetFile(f).schema_arrow.names:
            raise InputError(
                f"{f}: no column {id_field!r}; --engine ray reads Parquet rows in parallel and needs an id column "
                "(choose it with --id-field)"
            )


def _ignore(origin: str, message: str, raw: str | None) -> None:
    """Bad records were handled by the driver's check pass (stopped, or written to the side file)."""
