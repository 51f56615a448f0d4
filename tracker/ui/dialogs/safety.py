"""The two safety notes: once on first launch, and whenever a session is stopped because it hurts."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from tracker.ui.screens.base import AppModal

FIRST_RUN_TITLE = "Before you start"
FIRST_RUN_TEXT = """\
Backroll guides a gentle daily practice for back pain. It is not medical advice \
and it gives no diagnosis.

• Talk to a doctor or physiotherapist before starting a new routine, \
whether your pain is new or long-standing.
• Go slowly. Less, more often, beats more at once.
• If anything hurts, stop. Press [b]h[/b] during a session and Backroll stops at once.
• Pain that keeps coming back is a reason to see a doctor or a trainer."""

HURT_TITLE = "Stopped. That was the right call."
HURT_TEXT = """\
Rest now, lying on your back or in child's pose, and breathe slowly.

• Don't push through pain; it is a signal, not a test.
• If the pain is sharp, spreads down a leg, or doesn't settle, talk to a doctor.
• Pain in several sessions in a row: see a doctor or a trainer before going on.

Backroll keeps a note of where it hurt, and the next session will not ask for more."""


class _NoteScreen(AppModal[None]):
    BINDINGS = [
        Binding("escape,enter", "close", "Continue", id="note.close"),
        # A short terminal scrolls the note: from the keyboard too, while the button keeps the focus.
        Binding("up", "scroll_note('up')", "Scroll up", show=False, id="note.up"),
        Binding("down", "scroll_note('down')", "Scroll down", show=False, id="note.down"),
        Binding("pageup", "scroll_note('page_up')", "Page up", show=False, id="note.page-up"),
        Binding("pagedown", "scroll_note('page_down')", "Page down", show=False, id="note.page-down"),
    ]

    AUTO_FOCUS = ""  # (None would fall back to the app's "*")
    title_text = ""
    body_text = ""
    button_label = "Continue"

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.body_text, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.button_label, id="close", variant="primary")

    def on_mount(self) -> None:
        # Focus the button without scrolling to it: a short terminal opens the note at its title.
        # (Textual's auto-focus would scroll to the button first: AUTO_FOCUS is off.)
        self.query_one("#close", Button).focus(scroll_visible=False)

    def action_scroll_note(self, how: str) -> None:
        note = self.query_one(".dialog", Vertical)
        {
            "up": note.scroll_up,
            "down": note.scroll_down,
            "page_up": note.scroll_page_up,
            "page_down": note.scroll_page_down,
        }[how](animate=False)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class SafetyNoteScreen(_NoteScreen):
    """Shown once, on first launch (Settings.safety_note_seen)."""

    title_text = FIRST_RUN_TITLE
    body_text = FIRST_RUN_TEXT
    button_label = "I understand"


class HurtNoteScreen(_NoteScreen):
    """Shown the moment a session is stopped because it hurts."""

    title_text = HURT_TITLE
    body_text = HURT_TEXT
    button_label = "Go to check-in"
