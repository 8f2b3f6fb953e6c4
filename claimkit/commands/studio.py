"""``claimkit studio|push|pull|import-brat``: the Label Studio round trip."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the Label Studio subcommands to ``claimkit``."""
