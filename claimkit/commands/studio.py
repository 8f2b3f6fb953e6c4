"""``claimkit studio start|stop|status|credentials``, ``push``, ``pull``, ``import-brat``: the Label Studio round trip.

Each command parses options and calls one library function (``annotate.studio_server``,
``annotate.studio``, ``annotate.annotations``); shared options come from ``commands.options``.. Results go to stdout, progress and notes to stderr.
Connection settings come from ``--url`` / ``--api-key-file`` (or ``--api-key``, with a warning), else
``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``, else the file ``claimkit studio start`` wrote. The token is never printed,
except by ``claimkit studio credentials``, which exists to show it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claimkit.commands import options

if TYPE_CHECKING:
    from claimkit.annotate.studio.push import PushReport

studio_app = typer.Typer(help="Run a local Label Studio server for annotators.", no_args_is_help=True)

Project = Annotated[
    str, typer.Option("--project", "-p", metavar="NAME", help="Label Studio project title (created when missing).")
]
ExistingProject = Annotated[
    str,
    typer.Option("--project", "-p", metavar="NAME", help="Label Studio project title (one that `claimkit push` made)."),
]
BatchSize = Annotated[int, typer.Option("--batch-size", metavar="N", help="Tasks per import request.", min=1, max=5000)]


def _say(message: str) -> None:
    typer.echo(message, err=True)


@studio_app.command("start")
def start(
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            metavar="N",
            help="Port on 127.0.0.1 (default: the last one, else a free one).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the local Label Studio server (first start: database, admin user and API token; ~1 min)."""
    from claimkit.annotate.studio.server import read_state, studio_home
    from claimkit.annotate.studio.server import start as start_server

    first = read_state() is None
    if first:
        _say("claimkit: first start of Label Studio: creating its database (about a minute)...")
    state = start_server(port=port)
    typer.echo(state.url)
    _say(f"claimkit: Label Studio runs at {state.url} (pid {state.pid}; data in {studio_home()}).")
    _say("claimkit: log in with the e-mail and password from `claimkit studio credentials`.")


@studio_app.command("stop")
def stop() -> None:
    """Stop the local Label Studio server."""
    from claimkit.annotate.studio.server import stop as stop_server

    _say("claimkit: Label Studio stopped." if stop_server() else "claimkit: Label Studio was not running.")


@studio_app.command("status")
def status() -> None:
    """Say whether the local server runs, where, and where its data and log are (exit 1 when stopped)."""
    from claimkit.annotate.studio.server import status as server_status

    st = server_status()
    typer.echo(f"running: {'yes' if st.running else 'no'}")
    typer.echo(f"url: {st.url or '-'}")
    typer.echo(f"pid: {st.pid or '-'}")
    typer.echo(f"label-studio: {st.label_studio_version or '-'}")
    typer.echo(f"data: {st.data_dir}")
    typer.echo(f"log: {st.log_file}")
    if not st.running:
        raise typer.Exit(1)


@studio_app.command("credentials")
def credentials() -> None:
    """Show the local server's URL, admin e-mail, password and API token (this is the only command that does)."""
    from claimkit.annotate.errors import StudioError
    from claimkit.annotate.studio.server import read_state

    state = read_state()
    if state is None:
        raise StudioError("no local Label Studio yet; run `claimkit studio start` first")
    typer.echo(f"url: {state.url}")
    typer.echo(f"email: {state.username}")
    typer.echo(f"password: {state.password}")
    typer.echo(f"api_key: {state.api_key}")


class ImportAs(str, Enum):
    annotations = "annotations"
    predictions = "predictions"


def push(
    articles: Annotated[
        list[str], typer.Argument(metavar="ARTICLE", help="Article files (.txt, .jsonl), directories, or - for stdin.")
    ],
    project: Project,
    predictor: options.PredictorSpec = "rules",
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
    batch_size: BatchSize = 500,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
    threads: options.Threads = None,
) -> None:
    """Split articles into claims and push one task per claim, with pre-annotations, to a project.

    Idempotent: a re-run adds only new claims, a new predictor version adds its predictions, annotations are never touched.
    """
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.splitter import split_and_label
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.push import push as push_claims

    conn = options.connection(url, api_key, api_key_file)
    studio = connect(conn)  # fail fast, before minutes of splitting
    loaded = list(load_articles(articles))  # every input read and its id checked before any work
    nlp = load_nlp(spacy_model)
    chosen = options.predictor(predictor, nlp, threads)
    items = list(split_and_label(loaded, nlp, "clause", chosen, progress=True))
    report = push_claims(conn, project, items, default_schema(), model_version=chosen.model_version if chosen else None,
                         batch_size=batch_size, progress=True, studio=studio)  # fmt: skip
    _report_push(project, report, chosen.model_version if chosen else None)


def _report_push(project: str, r: PushReport, version: str | None) -> None:
    _say(f"claimkit: project {project!r} (id {r.project_id}{', new' if r.project_created else ''}): "
         f"{r.tasks_created} tasks added, {r.tasks_existing} already there")  # fmt: skip
    if version:
        _say(f"claimkit: predictions {version}: {r.predictions_added} added, {r.predictions_existing} already there")
    if r.annotations_added:
        _say(f"claimkit: {r.annotations_added} annotations imported")
    if r.duplicates_removed:
        _say(f"claimkit: removed {r.duplicates_removed} duplicate tasks left by an interrupted push")
    if r.spans_dropped:
        _say(f"claimkit: {r.spans_dropped} spans lay outside the paragraph a task shows and were left out")
    typer.echo(r.project_url)


def pull(
    project: ExistingProject,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Folder for annotations.parquet/.csv, dataset/, README.md, summary.json (made when missing).",
        ),
    ],
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Seed of the train/validation/test split by article.")
    ] = 13,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
) -> None:
    """Pull a project's annotations: a DataFrame (Parquet, CSV) and a DatasetDict split by article."""
    import datasets

    from claimkit.annotate.annotations import check_out_dir, write_pull
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.pull import pull as pull_records

    datasets.disable_progress_bars()
    schema = default_schema()
    check_out_dir(out)  # before the export, which can take a minute
    result = pull_records(options.connection(url, api_key, api_key_file), project, schema)
    files = write_pull(result, schema, out, seed=seed)
    _say(f"claimkit: {files.rows} annotations (claim x annotator) from project {project!r} written to {out}")
    _say(
        f"claimkit: {files.unannotated} tasks not annotated yet, {files.skipped} skipped; claim ids in {files.summary}"
    )
    if result.offset_mismatches:
        _say(f"claimkit: warning: {result.offset_mismatches} regions' text differs from the paragraph at their offsets")
    if result.malformed_regions:
        _say(f"claimkit: warning: {result.malformed_regions} malformed regions were skipped (counted in summary.json)")
    if result.foreign_tasks:
        _say(f"claimkit: {result.foreign_tasks} tasks were not made by claimkit and were left out")
    typer.echo(str(out))


def import_brat(
    corpus: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="BRAT corpus folder (PolNeAR layout: <split>/text, <split>/attributions)."),
    ],
    project: Project,
    as_: Annotated[
        ImportAs, typer.Option("--as", help="Gold labels as annotations (training data) or predictions (for review).")
    ] = ImportAs.predictions,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            metavar="NAME",
            help="Split folder inside the corpus (e.g. dev); default: the corpus folder itself.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="Import the first N articles only.", min=1)
    ] = None,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
    batch_size: BatchSize = 500,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
) -> None:
    """Split BRAT-annotated articles into claims with gold sourcing labels and push them to a project."""
    from itertools import islice

    from claimkit.annotate.corpora.brat import read_brat_corpus
    from claimkit.annotate.corpora.brat_claims import BRAT_MODEL_VERSION, brat_split_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.push import push as push_claims

    conn = options.connection(url, api_key, api_key_file)
    studio = connect(conn)
    schema = default_schema()
    docs = list(islice(read_brat_corpus(corpus, split), limit))
    items = list(brat_split_articles(docs, load_nlp(spacy_model), schema))
    as_annotations = as_ is ImportAs.annotations
    report = push_claims(conn, project, items, schema, model_version=None if as_annotations else BRAT_MODEL_VERSION,
                         as_annotations=as_annotations, batch_size=batch_size, progress=True, studio=studio)  # fmt: skip
    _report_push(project, report, None if as_annotations else BRAT_MODEL_VERSION)


def register(app: typer.Typer) -> None:
    """Add the Label Studio subcommands to ``claimkit``."""
    app.add_typer(studio_app, name="studio")
    app.command("push")(push)
    app.command("pull")(pull)
    app.command("import-brat")(import_brat)
