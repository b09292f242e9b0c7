"""Command modules: each registers its subcommands on the main parser."""
