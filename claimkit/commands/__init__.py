"""Subcommand groups of the ``claimkit`` command, one module per group, each a thin layer over a library call."""
