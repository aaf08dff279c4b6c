"""`python -m isaccheck`."""

from .cli import main

main()
