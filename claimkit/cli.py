"""The ``claimkit`` command: the front door that sees both ``annotate`` and ``models``.

Each subcommand parses options and calls one library function. Any ``ClaimkitError`` becomes a
one-line message on stderr and exit code 2; the library functions themselves never print.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from claimkit.annotate.errors import ClaimkitError, InputError
from claimkit.commands import evaluation, options, studio, training

app = typer.Typer(
    name="claimkit",
    help="News articles → atomic claims with sourcing status (asserted / attributed, source, cue, hedge, dispute).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Score the splitter and the sourcing predictors on reference corpora.", no_args_is_help=True
)
app.add_typer(eval_app, name="eval")


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


class TitleOption(str, Enum):
    auto = "auto"
    first_line = "first-line"
    none = "none"


@app.command()
def split(
    paths: Annotated[
        list[str], typer.Argument(metavar="ARTICLE", help="Article files (.txt, .jsonl), directories, or - for stdin.")
    ],
    granularity: options.GranularityOption = options.Granularity.clause,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="jsonl (the documented format), csv, or a table.")
    ] = OutputFormat.jsonl,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write here instead of stdout.", show_default=False),
    ] = None,
    predictor: options.PredictorSpec = "rules",
    id_field: Annotated[
        str, typer.Option("--id-field", metavar="NAME", help="JSONL input: field holding the article id.")
    ] = "id",
    text_field: Annotated[
        str, typer.Option("--text-field", metavar="NAME", help="JSONL input: field holding the article text.")
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
) -> None:
    """Split articles into atomic claims and label each claim's sourcing."""
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.output import render_table, write_csv, write_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.splitter import split_and_label

    _check_out_file(out)
    # All input is read (and every id checked) before any output, so a bad input never leaves half an output.
    articles = list(load_articles(paths, id_field=id_field, text_field=text_field, title=title.value))
    nlp = load_nlp(spacy_model)
    chosen = options.predictor(predictor, nlp, threads)
    items = split_and_label(articles, nlp, granularity.value, chosen, progress=True)
    with _open_out(out) as fh:
        if output_format is OutputFormat.jsonl:
            n = write_jsonl(items, fh)
        elif output_format is OutputFormat.csv:
            n = write_csv(items, fh, default_schema())
        else:
            collected = list(items)
            fh.write(render_table(collected, default_schema()))
            n = sum(len(i.claims) for i in collected)
    if out is not None:
        typer.echo(f"{n} claims written to {out}", err=True)


def _check_out_file(out: Path | None) -> None:
    if out is not None and out.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for --out (e.g. {out / 'claims.jsonl'})")


@contextmanager
def _open_out(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    _check_out_file(out)
    tmp = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = tmp.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"{out}: cannot write ({exc.strerror or exc.__class__.__name__})") from None
    try:
        with fh:
            yield fh
        tmp.replace(out)  # only a complete file ever appears under the requested name
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


evaluation.register(eval_app)
studio.register(app)
training.register(app)


def main() -> None:
    """Entry point: run the app, turning claimkit's own errors into one line and exit code 2."""
    try:
        app()
    except ClaimkitError as exc:
        print(f"claimkit: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("claimkit: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
