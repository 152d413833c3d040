"""`python -m webapp.cli`: the same as the `vroeg` command."""
from webapp.cli.main import main

main(prog_name="vroeg")
