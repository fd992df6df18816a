"""`python -m softpace` runs the command line."""

from softpace.cli import main

main()
