"""`python -m tracker`: the same as the `backroll` command."""

from tracker.cli import run

if __name__ == "__main__":
    run()
