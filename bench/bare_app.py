"""The baseline app: a bare Textual app with Header, Footer and a Static.

Run as a process by the startup and memory benchmarks, exactly like ours:
`python -m bench.bare_app [--exit-after-first-frame] [--idle SECONDS]`.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from bench.probe import watch


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello from a bare Textual app.")
        yield Footer()


def main() -> None:
    app = BareApp()
    app.run(headless=True, auto_pilot=watch(app, sys.argv[1:]))


if __name__ == "__main__":
    main()
