"""Help (`?`): the keys of every screen, read from their bindings, and a calm safety reminder."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from tracker.ui.commands import binding_name
from tracker.ui.screens.base import AppModal

SAFETY = (
    "Backroll guides a gentle practice; it is not medical advice and gives no diagnosis. "
    "Move slowly and within what feels comfortable. If anything hurts, stop: press h during a "
    "session and it stops at once, and stopping still counts as practice. Talk to a doctor or a "
    "physiotherapist before you start, and again if pain keeps coming back, spreads, or feels sharp."
)

# Screens in the order a person meets them: (title, module, class name or None for any Screen in it).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Today", "tracker.ui.screens.today"),
    ("Pain before a session (type 0-10; 1 then 0 for 10)", "tracker.ui.dialogs.pain_before"),
    ("Session", "tracker.ui.screens.session"),
    ("Check-in", "tracker.ui.dialogs.checkin"),
    ("History", "tracker.ui.screens.history"),
    ("Progress", "tracker.ui.screens.progress"),
    ("Library", "tracker.ui.screens.library"),
    ("Settings", "tracker.ui.screens.settings"),
)


def screen_bindings(module_name: str) -> list[Binding]:
    """The shown-or-described bindings of the Screen classes a module defines (none if it is missing)."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return []
    found: list[Binding] = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module_name or not issubclass(cls, Screen) or cls.__name__.startswith("App"):
            continue  # the screens this module defines, dialogs included (not the imported ones, not the bases)
        found.extend(_bindings(cls.BINDINGS))
    return found


def _bindings(items: Iterable[BindingType]) -> list[Binding]:
    result = []
    for item in items:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.description:
            result.append(binding)
    return result


class HelpScreen(AppModal[None]):
    """Every key, grouped by screen; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("Help", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(SAFETY, id="help-safety")
                yield Static(self.keys_text(), id="help-keys")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="help-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def _key(self, binding: Binding) -> str:
        keys = (
            self.app._keymap.get(binding.id, binding.key) if binding.id else binding.key
        )  # remapped keys win
        shown = [self.app.get_key_display(Binding(key.strip(), "")) for key in keys.split(",")]
        return " ".join(shown)

    def keys_text(self) -> str:
        sections: list[tuple[str, list[Binding]]] = [("Everywhere", _bindings(type(self.app).BINDINGS))]
        sections += [(title, screen_bindings(module)) for title, module in SECTIONS]
        lines: list[str] = []
        for title, bindings in sections:
            if not bindings:
                continue
            lines.append(f"[b]{escape(title)}[/b]")
            seen: set[str] = set()
            for binding in bindings:
                name = binding_name(binding)
                if name in seen:
                    continue
                seen.add(name)
                lines.append(f"  {escape(self._key(binding)):<14} {escape(name)}")
            lines.append("")
        lines.append(
            "[dim]Mouse: click tabs, rows, buttons and calendar days. Ctrl+P opens the command palette.[/dim]"
        )
        return "\n".join(lines)

    @on(Button.Pressed, "#help-close")
    def action_close(self) -> None:
        self.dismiss(None)
