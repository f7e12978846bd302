"""`python -m vaultkit` runs the command-line interface."""

from vaultkit.cli import main

main()
