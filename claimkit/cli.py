"""The ``claimkit`` command: the front door that sees both ``annotate`` and ``models``.

Each subcommand parses options and calls one library function. Any ``ClaimkitError`` becomes a
one-line message on stderr and exit code 2; the library functions themselves never print.
"""

from __future__ import annotations

import sys

import typer

from claimkit.annotate.errors import ClaimkitError
from claimkit.commands import backend, evaluation, split, studio, team, training

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


split.register(app)
evaluation.register(eval_app)
studio.register(app)
training.register(app)
backend.register(app)
team.register(app)


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
