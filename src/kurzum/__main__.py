"""``python -m kurzum`` runs the CLI."""

from kurzum.cli import main

main()
