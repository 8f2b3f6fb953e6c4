"""The options several ``claimkit`` commands share, each defined once: name, help, metavar and default.

A command declares ``spacy_model: SpacyModel = DEFAULT_SPACY_MODEL`` and gets the same flag, help and
default as every other command. Defaults come from the library's own constants, never from a string
repeated here. Metavars name what a value is (``DIR``, ``FILE``, ``NAME``, ``N``, ``URL``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claimkit.annotate.corpora.brat_claims import DEFAULT_CACHE_DIR
from claimkit.annotate.nlp import DEFAULT_SPACY_MODEL

if TYPE_CHECKING:
    from spacy.language import Language

    from claimkit.annotate.predictor import Predictor
    from claimkit.annotate.studio.client import Connection

__all__ = ["DEFAULT_CACHE_DIR", "DEFAULT_SPACY_MODEL"]


class Granularity(str, Enum):
    clause = "clause"
    proposition = "proposition"


SpacyModel = Annotated[
    str, typer.Option("--spacy-model", metavar="NAME|DIR", help="spaCy pipeline name or path (needs a parser).")
]
CacheDir = Annotated[
    Path,
    typer.Option(
        "--cache-dir", metavar="DIR", help="Cache of split corpus claims (rebuilt when the splitter changes)."
    ),
]
PredictorSpec = Annotated[
    str,
    typer.Option(
        "--predictor",
        metavar="rules|none|MODEL_DIR",
        help="'rules', 'none', or a model directory from `claimkit train`.",
    ),
]
GranularityOption = Annotated[
    Granularity,
    typer.Option("--granularity", help="clause: what annotators label; proposition: finer (PropSegmEnt's unit)."),
]
Threads = Annotated[
    int | None,
    typer.Option(
        "--threads",
        metavar="N",
        min=1,
        help="torch CPU threads for a model predictor (default: torch's choice, all cores).",
        show_default=False,
    ),
]
Url = Annotated[
    str | None,
    typer.Option(
        "--url",
        metavar="URL",
        help="Label Studio URL (default: $LABEL_STUDIO_URL, then `claimkit studio start`'s server).",
        show_default=False,
    ),
]
ApiKey = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        metavar="TOKEN",
        help="Token on the command line: visible in the process list and shell history; prefer --api-key-file "
        "or $LABEL_STUDIO_API_KEY.",
        show_default=False,
    ),
]
ApiKeyFile = Annotated[
    Path | None,
    typer.Option(
        "--api-key-file",
        metavar="FILE",
        help="File holding the legacy token or personal access token (default: $LABEL_STUDIO_API_KEY, "
        "then the local server's).",
        show_default=False,
    ),
]


def connection(url: str | None, api_key: str | None, api_key_file: Path | None) -> Connection:
    """Resolve the connection options, warning (never echoing the token) when ``--api-key`` was used."""
    from claimkit.annotate.studio.client import resolve_connection

    if api_key is not None:
        typer.echo(
            "claimkit: warning: --api-key leaves the token in the process list and your shell history; "
            "use --api-key-file FILE or LABEL_STUDIO_API_KEY instead",
            err=True,
        )
    return resolve_connection(url, api_key, api_key_file=api_key_file)


def set_threads(threads: int | None) -> None:
    """Set torch's CPU threads: the one place claimkit does, at the command's entry (a process-wide setting)."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def predictor(spec: str, nlp: Language, threads: int | None = None) -> Predictor | None:
    """The predictor a ``--predictor`` value names (``None`` for ``none``), threads set first."""
    from claimkit.models.predictor_spec import load_predictor

    if spec == "none":
        return None
    if spec != "rules":
        set_threads(threads)
    return load_predictor(spec, nlp)
