"""Edit one session's note; dismisses with the new text, or None when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, TextArea

from tracker.ui.screens.base import AppModal

MAX_NOTE = 2000


class NoteEditScreen(AppModal["str | None"]):
    """A small editor: ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="note_edit.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note_edit.cancel"),
    ]

    def __init__(self, note: str, title: str = "Note") -> None:
        super().__init__(classes="dialog-screen")
        self.note = note
        self.title_text = title

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#note-text", TextArea)

    @property
    def error_label(self) -> Label:
        return self.query_one("#note-error", Label)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield TextArea(self.note, soft_wrap=True, id="note-text")
            yield Label("", id="note-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        area = self.text_area
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.text_area.text.strip()
        if len(text) > MAX_NOTE:
            self.error_label.update(f"Keep the note under {MAX_NOTE} characters ({len(text)} now).")
            return
        self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
