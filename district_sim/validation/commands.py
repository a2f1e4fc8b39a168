"""Subcommands of this face (placeholder until it is built)."""


def register(sub) -> None:
    """Add this face's subcommands to the ``district-sim`` parser."""
