"""A readable screen for data that cannot be opened: which file, and what to do, never a traceback."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from tracker.ui.screens.base import AppScreen
from tracker.ui.widgets.footer import AppFooter


def explain(error: BaseException) -> tuple[str, str]:
    """A title and a few plain lines for a store error (duck-typed on tracker.store's errors)."""
    kind = type(error).__name__
    path = getattr(error, "path", None)
    where = f"\nFile: [b]{escape(str(path))}[/b]" if path else ""
    if kind == "StoreLocked":
        pid = getattr(error, "pid", None)
        who = f" (process {pid})" if pid else ""
        return (
            "Your practice data is in use",
            f"Another Backroll{who} has this data open.{where}\n\n"
            "Close the other window, then press [b]r[/b] to try again.\n"
            "Nothing was changed.",
        )
    if kind == "StoreCorrupt":
        backup = getattr(error, "backup", None)
        restore = (
            f"The latest good backup is [b]{escape(str(backup))}[/b].\n"
            "To go back to it: quit, move the damaged file aside, and copy the backup in its place."
            if backup
            else "No backup was found. Keep the damaged file: it can often be repaired by hand."
        )
        reason = getattr(error, "reason", None)
        # str(error) already names the file and the backup: say each once, file first.
        problem = f"\nProblem: {escape(str(reason))}." if reason else f"\n{escape(str(error))}"
        return (
            "Your practice data looks damaged",
            f"{where.lstrip()}{problem}\n\nBackroll has not changed or overwritten it.\n{restore}",
        )
    return (
        "Backroll could not open your data",
        f"{escape(str(error) or kind)}{where}\n\nNothing was changed. Press [b]r[/b] to try again, [b]q[/b] to quit.",
    )


class StoreErrorScreen(AppScreen[None]):
    BINDINGS = [
        Binding("r", "retry", "Try again", id="error.retry"),
        Binding("q,escape", "app.quit", "Quit", id="error.quit"),
    ]

    def __init__(self, error: BaseException) -> None:
        super().__init__(id="store-error")
        self.error = error

    def compose(self) -> ComposeResult:
        title, text = explain(self.error)
        with Vertical(classes="dialog", id="error-dialog"):
            yield Label(title, classes="dialog-title")
            yield Static(text, classes="dialog-text")
        yield AppFooter(compact=True)

    def action_retry(self) -> None:
        self.dismiss(None)
