"""``claimkit studio start|stop|status|credentials|add-user|connect-backend``, ``push``, ``pull``,
``import-brat``: the Label Studio round trip.

Each command parses options and calls one library function (``annotate.studio.*``,
``annotate.annotations``); shared options come from ``commands.options``. Results go to stdout,
progress and notes to stderr.
Connection settings come from ``--url`` / ``--api-key-file`` (or ``--api-key``, with a warning), else
``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``, else the file ``claimkit studio start`` wrote. The token is never printed,
except by ``claimkit studio credentials``, which exists to show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from claimkit.commands import options

if TYPE_CHECKING:
    from claimkit.annotate.studio.push import PushReport

T = TypeVar("T")

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
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="URL",
            help="postgresql://USER@HOST:PORT/DB on this machine (default: embedded SQLite). Password from "
            "$CLAIMKIT_PG_PASSWORD / $PGPASSWORD or --database-password-file, never in the URL.",
            show_default=False,
        ),
    ] = None,
    database_password_file: Annotated[
        Path | None,
        typer.Option("--database-password-file", metavar="FILE", help="File holding the PostgreSQL password alone."),
    ] = None,
) -> None:
    """Start the local Label Studio server (first start: database, admin user and API token; ~1 min)."""
    from claimkit.annotate.studio.database import resolve_database
    from claimkit.annotate.studio.server import read_state, studio_home
    from claimkit.annotate.studio.server import start as start_server
    from claimkit.annotate.studio.server import status as server_status

    recorded = read_state()
    first = recorded is None
    db = None  # a running server needs no password; a stopped PostgreSQL one needs it again
    if database is not None or (recorded is not None and recorded.database and not server_status().running):
        db = resolve_database(database, recorded.database if recorded else None, database_password_file)
    if first:
        took = "a few minutes" if db else "about a minute"
        _say(f"claimkit: first start of Label Studio: creating its database ({took})...")
    state = start_server(port=port, database=db)
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
    typer.echo(f"database: {st.database or 'sqlite'}")
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


@studio_app.command("add-user")
def add_user(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The annotator's e-mail (their login).")],
    first_name: Annotated[str, typer.Option("--first-name", metavar="NAME", help="Shown in Label Studio.")] = "",
    last_name: Annotated[str, typer.Option("--last-name", metavar="NAME", help="Shown in Label Studio.")] = "",
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
) -> None:
    """Create an annotator account (a member of the organisation) with a random password, shown once here only."""
    from claimkit.annotate.studio.users import add_user as create_user

    conn = options.connection(url, api_key, api_key_file)
    user = create_user(conn, email, first_name, last_name)
    typer.echo(f"url: {conn.url}")
    typer.echo(f"email: {user.email}")
    typer.echo(f"password: {user.password}")
    _say(f"claimkit: user {user.email} (id {user.id}) created; the password is shown only this once and not stored.")


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
    annotators_per_task: Annotated[
        int | None,
        typer.Option(
            "--annotators-per-task",
            metavar="N",
            min=1,
            max=50,
            help="Each claim is labelled by N people (Label Studio's overlap; also changes an existing project).",
            show_default=False,
        ),
    ] = None,
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
    _say(f"claimkit: splitting {len(loaded)} article{'s' * (len(loaded) != 1)} into claims (predictor: {predictor})...")
    nlp = load_nlp(spacy_model)
    chosen = options.predictor(predictor, nlp, threads)
    items = list(_counted(split_and_label(loaded, nlp, "clause", chosen), len(loaded), "split"))
    report = push_claims(conn, project, items, default_schema(), model_version=chosen.model_version if chosen else None,
                         batch_size=batch_size, progress=True, studio=studio,
                         annotators_per_task=annotators_per_task)  # fmt: skip
    _report_push(project, report, chosen.model_version if chosen else None)


def _counted(items: Iterator[T], total: int, desc: str) -> Iterator[T]:
    """``items`` with a progress bar on stderr that knows the total (percent and time left); hidden off a terminal."""
    import sys

    from tqdm import tqdm

    yield from tqdm(items, total=total, desc=desc, unit=" art", file=sys.stderr, disable=None, leave=False)


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
    if r.overlap is not None:
        _say(f"claimkit: each claim is labelled by {r.overlap.annotators_per_task} annotators (overlap on all tasks)")
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

    from claimkit.annotate.adjudication import rule_counts
    from claimkit.annotate.annotations import check_out_dir, to_dataframe, write_pull
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.studio.client import connect
    from claimkit.annotate.studio.pull import pull as pull_records
    from claimkit.annotate.studio.review import team_gold

    datasets.disable_progress_bars()
    schema = default_schema()
    check_out_dir(out)  # before the export, which can take a minute
    conn = options.connection(url, api_key, api_key_file)
    studio = connect(conn)
    result = pull_records(conn, project, schema, studio)
    gold = team_gold(conn, studio, project, schema, to_dataframe(result, schema))  # None: a single annotator
    files = write_pull(result, schema, out, seed=seed, gold=gold)
    _say(f"claimkit: {files.rows} annotations (claim x annotator) from project {project!r} written to {out}")
    if gold is not None:
        _say("claimkit: gold_* columns by rule: " + ", ".join(f"{k} {v}" for k, v in rule_counts(gold).items()))
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


@studio_app.command("connect-backend")
def connect_backend(
    project: ExistingProject,
    backend_url: Annotated[
        str, typer.Option("--backend-url", metavar="URL", help="URL of `claimkit backend serve`.")
    ] = "http://127.0.0.1:9090",
    backend_auth_file: Annotated[
        Path | None,
        typer.Option(
            "--backend-auth-file",
            metavar="FILE",
            help="user:password the backend wants (default: $CLAIMKIT_BACKEND_USER/$CLAIMKIT_BACKEND_PASSWORD).",
            show_default=False,
        ),
    ] = None,
    url: options.Url = None,
    api_key_file: options.ApiKeyFile = None,
    api_key: options.ApiKey = None,
) -> None:
    """Register a running `claimkit backend serve` with a project: predictions when a task is opened."""
    from claimkit.annotate.studio.backend_link import connect_backend as link
    from claimkit.annotate.studio.client import connect
    from claimkit.backend.auth import read_credentials

    creds = read_credentials(backend_auth_file)
    studio = connect(options.connection(url, api_key, api_key_file))
    done = link(studio, project, backend_url, auth=(creds.user, creds.password) if creds else None)
    _say(f"claimkit: backend {done.url} ({done.model_version}) {'connected to' if done.created else 'updated on'} "
         f"project {project!r} (id {done.project_id}); tasks get its predictions when opened")  # fmt: skip
    typer.echo(done.model_version)


def register(app: typer.Typer) -> None:
    """Add the Label Studio subcommands to ``claimkit``."""
    app.add_typer(studio_app, name="studio")
    app.command("push")(push)
    app.command("pull")(pull)
    app.command("import-brat")(import_brat)
