"""``claimkit train``: the NLI attribution model."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the model subcommands to ``claimkit``."""
