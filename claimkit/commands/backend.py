"""``claimkit backend serve|status``: claimkit's Label Studio ML backend (``claimkit.backend``).

``serve`` loads the predictor (``rules`` or a model directory, as ``push --predictor``) and serves the
endpoints Label Studio calls; ``status`` asks a running backend what it serves and what it answered.
Basic-auth credentials come from ``--auth-file`` or ``CLAIMKIT_BACKEND_USER`` / ``CLAIMKIT_BACKEND_PASSWORD``,
never from the command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimkit.commands import options

backend_app = typer.Typer(
    help="claimkit's ML backend for Label Studio: predictions when a task is opened.", no_args_is_help=True
)

AuthFile = Annotated[
    Path | None,
    typer.Option(
        "--auth-file",
        metavar="FILE",
        help="File holding user:password for HTTP basic auth (default: $CLAIMKIT_BACKEND_USER and "
        "$CLAIMKIT_BACKEND_PASSWORD; none: loopback only, no auth).",
        show_default=False,
    ),
]


@backend_app.command("serve")
def serve(
    model: Annotated[str, typer.Argument(metavar="MODEL_DIR|rules", help="'rules' or a model directory.")],
    host: Annotated[
        str, typer.Option("--host", metavar="ADDR", help="Address to bind; beyond loopback needs credentials.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="N", min=1, max=65535, help="Port to listen on.")] = 9090,
    auth_file: AuthFile = None,
    retrain: Annotated[
        bool,
        typer.Option(
            "--retrain/--no-retrain",
            help="Retrain on Label Studio's 'Start training' and every --retrain-every annotations (a worker process).",
        ),
    ] = False,
    retrain_every: Annotated[
        int, typer.Option("--retrain-every", metavar="N", min=0, help="Annotations between retrainings (0: never).")
    ] = 100,
    base_corpus: Annotated[
        str | None,
        typer.Option(
            "--base-corpus", metavar="DIR", help="BRAT corpus mixed into retraining (e.g. PolNeAR).", show_default=False
        ),  # fmt: skip
    ] = None,
    corpus_weight: Annotated[
        float, typer.Option("--corpus-weight", metavar="W", help="Share of the base corpus in retraining.")
    ] = 1.0,
    train_minutes: Annotated[
        float, typer.Option("--train-minutes", metavar="M", help="Time budget of one retraining.")
    ] = 5.0,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            metavar="DIR",
            help="Retrained models and logs (default: CLAIMKIT_HOME/backend).",
            show_default=False,
        ),  # fmt: skip
    ] = None,
    spacy_model: options.SpacyModel = options.DEFAULT_SPACY_MODEL,
    threads: options.Threads = None,
) -> None:
    """Serve predictions to Label Studio (connect it with `claimkit studio connect-backend`)."""
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.studio.server import studio_home
    from claimkit.backend.app import Served, create_app
    from claimkit.backend.auth import read_credentials
    from claimkit.backend.retrain import RetrainOptions
    from claimkit.backend.serve import ServeOptions, attach_retraining, check_bind, run
    from claimkit.backend.served import ServedSpec, load_task_predictor

    opts = ServeOptions(host, port, read_credentials(auth_file))
    check_bind(opts)  # before a model load that can take seconds
    spec = ServedSpec.of(model)
    if spec.spec != "rules":
        options.set_threads(threads)
    nlp = load_nlp(spacy_model)
    predictor = load_task_predictor(spec, nlp)
    served = Served(predictor)
    retrainer = None
    if retrain:
        retrain_options = RetrainOptions(state_dir or studio_home() / "backend", every=retrain_every,
                                         corpus_dir=base_corpus, corpus_weight=corpus_weight,
                                         max_train_minutes=train_minutes)  # fmt: skip
        retrainer = attach_retraining(served, nlp, retrain_options)
        typer.echo(f"claimkit: retraining on 'Start training' and every {retrain_every} annotations; "
                   f"models and logs in {retrain_options.state_dir}", err=True)  # fmt: skip
    typer.echo(f"claimkit: serving {predictor.model_version} at http://{host}:{port}"
               f"{' (basic auth)' if opts.credentials else ''}", err=True)  # fmt: skip
    try:
        run(lambda: create_app(served, opts.credentials), opts)
    finally:
        if retrainer is not None:
            retrainer.stop()


@backend_app.command("status")
def status(
    url: Annotated[str, typer.Option("--url", metavar="URL", help="The backend's URL.")] = "http://127.0.0.1:9090",
    auth_file: AuthFile = None,
) -> None:
    """Ask a running backend what it serves and what it answered (exit 1 when it does not answer)."""
    import httpx

    from claimkit.backend.auth import read_credentials

    creds = read_credentials(auth_file)
    auth = (creds.user, creds.password) if creds else None
    try:
        answer = httpx.get(url.rstrip("/") + "/health", auth=auth, timeout=5.0, trust_env=False)
    except httpx.HTTPError as exc:
        typer.echo(f"claimkit: no backend answers at {url} ({exc.__class__.__name__})", err=True)
        raise typer.Exit(1) from None
    if answer.status_code != 200:
        typer.echo(f"claimkit: the backend at {url} answered {answer.status_code}", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(answer.json(), indent=2))


def register(app: typer.Typer) -> None:
    """Add ``claimkit backend`` to ``claimkit``."""
    app.add_typer(backend_app, name="backend")
