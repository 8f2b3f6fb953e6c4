"""``claimkit eval ...``: scoring the splitter and the sourcing predictors."""

from __future__ import annotations

import typer


def register(eval_app: typer.Typer) -> None:
    """Add the evaluation subcommands to ``claimkit eval``."""
