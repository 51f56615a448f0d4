"""Settings: tempo, breath, practice time, cues, theme, rest days and the tighter side per pose; saved in a worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    Static,
    Switch,
)

from tracker.model import (
    BREATH_RANGE,
    MAX_REST_DAYS,
    TEMPO_RANGE,
    Settings,
    Side,
    UsualPain,
    parse_clock,
)
from tracker.service import INSTALL_AUDIO, INSTALL_VOICE
from tracker.ui.commands import ScreenActions
from tracker.ui.screens.base import AppScreen, header
from tracker.ui.widgets.footer import AppFooter
from tracker.ui.widgets.heatmap import WEEKDAYS
from tracker.ui.widgets.tick_box import TickBox

CUE_SWITCHES = (("sound", "Tone at each phase"), ("voice", "Spoken cues"), ("flash", "Flash at each change"))
SIDE_CHOICES = [
    ("no tighter side", Side.NONE.value),
    ("left is tighter", Side.LEFT.value),
    ("right is tighter", Side.RIGHT.value),
]


def parse_number(text: str, label: str, low: float, high: float, unit: str) -> tuple[float | None, str]:
    """The number typed, or None and a message saying what to type."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None, f"{label}: type a number of {unit} between {low:g} and {high:g}, e.g. {low * 2:g}."
    if not low <= value <= high:
        return None, f"{label}: {value:g} is out of range; choose between {low:g} and {high:g} {unit}."
    return value, ""


def parse_rest_allowance(text: str) -> tuple[int | None, str]:
    text = text.strip() or "0"
    if not (text.isascii() and text.isdigit() and len(text) <= 3):  # "²" is a digit to isdigit, not to int()
        return None, f"Rest days per week: type a whole number from 0 to {MAX_REST_DAYS}."
    value = int(text)
    if value > MAX_REST_DAYS:
        return None, f"Rest days per week: at most {MAX_REST_DAYS}, so you still practise 4 days a week."
    return value, ""


def build_settings(
    base: Settings,
    *,
    tempo: str,
    breath: str,
    sound: bool,
    voice: bool,
    theme: str,
    rest_weekdays: set[int],
    rest_per_week: str,
    tighter: Mapping[str, str],
    flash: bool | None = None,
    practice_time: str | None = None,
) -> tuple[Settings | None, dict[str, str]]:
    """The settings the form describes, or None with one message per field that needs fixing."""
    errors: dict[str, str] = {}
    tempo_value, message = parse_number(tempo, "Tempo", *TEMPO_RANGE, "seconds per count")
    if message:
        errors["tempo"] = message
    breath_value, message = parse_number(breath, "Breath length", *BREATH_RANGE, "seconds")
    if message:
        errors["breath"] = message
    allowance, message = parse_rest_allowance(rest_per_week)
    if message:
        errors["rest"] = message
    elif allowance is not None and len(rest_weekdays) + allowance > MAX_REST_DAYS:
        errors["rest"] = (
            f"Rest days: {len(rest_weekdays)} weekdays plus {allowance} a week is more than {MAX_REST_DAYS}; "
            "keep at least 4 practice days a week."
        )
    clock = base.practice_time
    if practice_time is not None:
        try:
            clock = parse_clock(practice_time).strftime("%H:%M")
        except ValueError:
            errors["practice"] = (
                "Practice time: type the time of day as HH:MM (24-hour), e.g. 07:30 or 18:15."
            )
    if errors:
        return None, errors
    assert tempo_value is not None and breath_value is not None and allowance is not None
    sides = {
        pose: Side(side) for pose, side in tighter.items() if side in (Side.LEFT.value, Side.RIGHT.value)
    }
    return (
        replace(
            base,
            tempo=tempo_value,
            breath_seconds=breath_value,
            sound=sound,
            voice=voice,
            flash=base.flash if flash is None else flash,
            theme=theme,
            rest_weekdays=frozenset(rest_weekdays),
            rest_days_per_week=allowance,
            tighter_side=sides,
            practice_time=clock,
        ),
        {},
    )


PANEL_TITLES = {
    "settings-usual": "Usual pain, after seeing a professional",
    "settings-timing": "Timing",
    "settings-cues": "Cues and look",
    "settings-rest": "Rest days",
    "settings-sides": "Tighter side",
}


class SettingsScreen(AppScreen[None]):
    TITLE = "Settings"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    COMMANDS = {ScreenActions}

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("ctrl+r", "revert", "Revert", id="settings.revert"),
        # A text field takes q, the digits and ?; Esc gives them back to the app (as in History's filters).
        Binding("escape", "leave_field", "Leave the field", id="settings.leave-field"),
    ]

    @dataclass
    class Loaded(Message):
        settings: Settings
        sided: list[tuple[str, str]]  # (pose id, pose name) of every pose done on both sides
        usual: UsualPain | None  # the usual-pain record in force today
        today: date

    @dataclass
    class Saved(Message):
        """Settings were written; the app may refresh screens that depend on them."""

        settings: Settings

    @dataclass
    class SaveFailed(Message):
        error: Exception

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.saved: Settings | None = None
        self.sided: list[tuple[str, str]] = []

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def tempo_input(self) -> Input:
        return self.query_one("#tempo", Input)

    @property
    def breath_input(self) -> Input:
        return self.query_one("#breath", Input)

    @property
    def practice_time_input(self) -> Input:
        return self.query_one("#practice-time", Input)

    @property
    def sound_switch(self) -> Switch:
        return self.query_one("#sound", Switch)

    @property
    def voice_switch(self) -> Switch:
        return self.query_one("#voice", Switch)

    @property
    def flash_switch(self) -> Switch:
        return self.query_one("#flash", Switch)

    @property
    def rest_per_week_input(self) -> Input:
        return self.query_one("#rest-per-week", Input)

    @property
    def sides_hint(self) -> Static:
        return self.query_one("#sides-hint", Static)

    @property
    def sides_panel(self) -> Widget:
        return self.query_one("#settings-sides")

    @property
    def errors_box(self) -> Static:
        return self.query_one("#settings-errors", Static)

    @property
    def state_label(self) -> Label:
        return self.query_one("#settings-state", Label)

    @property
    def usual_current(self) -> Static:
        return self.query_one("#usual-current", Static)

    @property
    def usual_value_input(self) -> Input:
        return self.query_one("#usual-value", Input)

    @property
    def usual_date_input(self) -> Input:
        return self.query_one("#usual-date", Input)

    @property
    def usual_note_input(self) -> Input:
        return self.query_one("#usual-note", Input)

    @property
    def body(self) -> Widget:
        return self.query_one("#settings-body")

    @property
    def theme_select(self) -> Select[str]:
        return self.query_one("#theme", Select)

    def rest_box(self, weekday: int) -> Checkbox:
        return self.query_one(f"#rest-{weekday}", Checkbox)

    def side_select(self, pose_id: str) -> Select[str]:
        return self.query_one(f"#side-{pose_id}", Select)

    def cue_switch(self, switch_id: str) -> Switch:
        return self.query_one(f"#{switch_id}", Switch)

    def cue_switch_state(self, switch_id: str) -> Label:
        """The on/off word beside a cue switch."""
        return self.query_one(f"#{switch_id}-state", Label)

    def compose(self) -> ComposeResult:
        yield header()
        with VerticalScroll(id="settings-body"), Horizontal(id="settings-columns"):
            with Vertical(id="settings-left", classes="settings-column"):
                yield from self._timing()
                yield from self._cues()
                yield from self._usual_pain()
            with Vertical(id="settings-right", classes="settings-column"):
                yield from self._rest()
                with Vertical(classes="panel", id="settings-sides"):
                    yield Static("Loading poses…", classes="hint", id="sides-hint")
        with Vertical(id="settings-bar"):
            yield Static("", id="settings-errors")
            with Horizontal(id="settings-buttons"):
                yield Button("Save", id="settings-save", variant="primary", compact=True)
                yield Button("Revert", id="settings-revert", compact=True)
                yield Label("", id="settings-state")
        yield AppFooter(compact=True)

    def _timing(self) -> ComposeResult:
        with Vertical(classes="panel", id="settings-timing"):
            with Horizontal(classes="field"):
                yield Label("Tempo (seconds per count)", classes="field-label")
                yield Input(id="tempo", type="number", classes="field-input", compact=True)
            with Horizontal(classes="field"):
                yield Label("Breath length (seconds)", classes="field-label")
                yield Input(id="breath", type="number", classes="field-input", compact=True)
            with Horizontal(classes="field"):
                yield Label("Practice time (HH:MM)", classes="field-label")
                yield Input(id="practice-time", max_length=5, classes="field-input", compact=True)

    def _cues(self) -> ComposeResult:
        with Vertical(classes="panel", id="settings-cues"):
            for switch_id, label in CUE_SWITCHES:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Switch(id=switch_id)
                    yield Label("", id=f"{switch_id}-state", classes="switch-state")
            yield Static(self._cue_hint(), classes="hint", id="cues-hint")
            with Horizontal(classes="field"):
                yield Label("Theme", classes="field-label")
                themes = [(name, name) for name in sorted(self.app.available_themes)]
                yield Select[str](
                    themes,
                    id="theme",
                    allow_blank=False,
                    value=self.app.theme,
                    classes="field-input",
                    compact=True,
                )

    def _cue_hint(self) -> str:
        """What the cue switches will do on this machine, and which program to install for what is missing."""
        player = self.backroll.cue_player
        if player.web:
            return "Served to a browser: tones and spoken cues play in the browser, not on the host."
        lines = []
        if not player.tones_available:
            lines.append(
                f"No audio player found: the terminal bell rings a pattern per phase instead. For tones install {INSTALL_AUDIO}."
            )
        if not player.voice_available:
            lines.append(f"Spoken cues need {INSTALL_VOICE}: not found, so the switch is off.")
        return "\n".join(lines)

    def _rest(self) -> ComposeResult:
        with Vertical(classes="panel", id="settings-rest"):
            yield Static("Declared rest days neither break nor extend a streak.", classes="hint")
            with Grid(id="rest-weekdays"):
                for number, name in enumerate(WEEKDAYS):
                    yield TickBox(name, id=f"rest-{number}", compact=True)
            with Horizontal(classes="field"):
                yield Label("Or rest days per week", classes="field-label")
                yield Input(
                    id="rest-per-week", type="integer", classes="field-input", max_length=1, compact=True
                )

    def _usual_pain(self) -> ComposeResult:
        with Vertical(classes="panel", id="settings-usual"):
            yield Static("", classes="hint", id="usual-current")
            with Horizontal(classes="field"):
                yield Label("Usual pain (0-10)", classes="field-label")
                yield Input(
                    id="usual-value", type="integer", max_length=2, classes="field-input", compact=True
                )
            with Horizontal(classes="field"):
                yield Label("From (YYYY-MM-DD)", classes="field-label")
                yield Input(id="usual-date", classes="field-input", max_length=10, compact=True)
            with Horizontal(classes="field"):
                yield Label("Note", classes="field-label")
                yield Input(
                    id="usual-note",
                    placeholder="who you saw",
                    max_length=200,
                    classes="field-input",
                    compact=True,
                )
            yield Button("Record usual pain", id="usual-record", compact=True)

    def on_mount(self) -> None:
        for panel_id, title in PANEL_TITLES.items():
            self.query_one(f"#{panel_id}").border_title = title
        self.refresh_data()

    # Load and fill -------------------------------------------------------------

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="settings-load")
    def _load(self) -> None:
        service = self.backroll.service
        poses = service.library.poses
        sided = sorted(((p.id, p.name) for p in poses.values() if p.sided), key=lambda item: item[1].lower())
        self.post_message(self.Loaded(service.settings, sided, service.usual_pain_on(), service.today()))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        self._show_usual(message.usual, message.today)
        self.saved = message.settings
        if message.sided != self.sided:
            self.sided = message.sided
            await self._build_sides()
        self._fill(message.settings)

    async def _build_sides(self) -> None:
        panel = self.sides_panel
        await panel.query(".side-field").remove()
        hint = self.sides_hint
        if not self.sided:
            hint.update("No pose in the library is done on one side at a time.")
            return
        hint.update("Sided poses hold a little longer on the tighter side.")
        rows = []
        for pose_id, pose_name in self.sided:
            row = Horizontal(
                Label(pose_name, classes="field-label"),
                Select[str](
                    SIDE_CHOICES, id=f"side-{pose_id}", allow_blank=False, classes="field-input", compact=True
                ),
                classes="field side-field",
            )
            rows.append(row)
        await panel.mount_all(rows)

    def _fill(self, settings: Settings) -> None:
        with self.prevent(Input.Changed, Switch.Changed, Checkbox.Changed, Select.Changed):
            self.tempo_input.value = f"{settings.tempo:g}"
            self.breath_input.value = f"{settings.breath_seconds:g}"
            self.practice_time_input.value = settings.practice_time
            self.sound_switch.value = settings.sound
            voice = self.voice_switch
            voice.value = settings.voice and self.backroll.cue_player.voice_available
            voice.disabled = (
                not self.backroll.cue_player.voice_available
            )  # greyed: the hint says what to install
            self.flash_switch.value = settings.flash
            theme = self.theme_select
            if settings.theme in self.app.available_themes:
                theme.value = settings.theme
            for number in range(7):
                self.rest_box(number).value = number in settings.rest_weekdays
            self.rest_per_week_input.value = str(settings.rest_days_per_week)
            for pose_id, _ in self.sided:
                side = settings.tighter_side.get(pose_id, Side.NONE)
                self.side_select(pose_id).value = Side(side).value
        self._show_switches()
        self._show_errors({})
        self._set_state("")

    # Edit --------------------------------------------------------------------

    def read_form(self) -> tuple[Settings | None, dict[str, str]]:
        base = self.saved or Settings()
        theme = self.theme_select
        return build_settings(
            base,
            tempo=self.tempo_input.value,
            breath=self.breath_input.value,
            sound=self.sound_switch.value,
            voice=self.voice_switch.value if self.backroll.cue_player.voice_available else base.voice,
            flash=self.flash_switch.value,
            theme=str(theme.value) if not theme.is_blank() else base.theme,
            rest_weekdays={n for n in range(7) if self.rest_box(n).value},
            rest_per_week=self.rest_per_week_input.value,
            tighter={pose_id: str(self.side_select(pose_id).value) for pose_id, _ in self.sided},
            practice_time=self.practice_time_input.value,
        )

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self, event: Message) -> None:
        if isinstance(event, Select.Changed) and event.select.id == "theme" and not event.select.is_blank():
            self.app.theme = str(event.value)  # applied live; kept only when saved
        settings, errors = self.read_form()
        self._show_switches()
        self._show_errors(errors)
        self._set_state("unsaved changes" if settings != self.saved else "")

    def _show_switches(self) -> None:
        for switch_id, _ in CUE_SWITCHES:
            on_ = self.cue_switch(switch_id).value
            self.cue_switch_state(switch_id).update("on" if on_ else "off")

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        inputs = {
            "tempo": self.tempo_input,
            "breath": self.breath_input,
            "rest": self.rest_per_week_input,
            "practice": self.practice_time_input,
        }
        for field_id, field_input in inputs.items():
            field_input.set_class(field_id in errors, "-invalid")
        box = self.errors_box
        box.update("\n".join(errors.values()))
        box.display = bool(errors)

    def _set_state(self, text: str) -> None:
        self.state_label.update(text)

    def on_screen_suspend(self) -> None:
        """Leaving with edits not saved: say so (they stay in the form until saved or reverted)."""
        if self.saved is None:
            return
        settings, errors = self.read_form()
        if errors or settings != self.saved:
            self.notify(
                "Your changes in Settings are not saved yet: press 5, then ctrl+s to save or ctrl+r to revert.",
                title="Settings not saved",
                severity="warning",
                timeout=8,
            )

    # Save and revert ---------------------------------------------------------

    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        settings, errors = self.read_form()
        self._show_errors(errors)
        if settings is None:
            self.notify("Some settings need fixing before they can be saved.", severity="warning")
            return
        self._set_state("saving…")
        self._save(settings)

    @work(thread=True, exclusive=True, group="settings-save")
    def _save(self, settings: Settings) -> None:
        try:
            self.backroll.service.save_settings(settings)
        except Exception as error:  # StoreError: one plain sentence
            self.post_message(self.SaveFailed(error))
            return
        self.post_message(self.Saved(settings))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saved = message.settings
        self._set_state("saved")
        self.notify("Settings saved.")
        # Durations (Library) and rest days (Progress, History) depend on the settings.
        for screen in getattr(self.app, "views", {}).values():
            if screen is not self and hasattr(screen, "refresh_data"):
                screen.refresh_data()

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._set_state("not saved")
        self.notify(f"Settings were not saved: {message.error}", severity="error", timeout=10)

    # Usual pain: a dated record kept with the history (not a setting: Save/Revert leave it alone) -----------

    def _show_usual(self, record: UsualPain | None, today: date) -> None:
        if record is None:
            text = (
                "None recorded: any pain after a session counts as pain. Once a trainer or doctor has looked "
                "at your practice, record the pain that is usual for you: from that date, pain after at or "
                "below it no longer holds the program back."
            )
        else:
            note = f" ({escape(record.note)})" if record.note else ""
            text = f"Your usual pain: [b]{record.value}[/b], since {record.since.isoformat()}{note}."
        self.usual_current.update(text)
        date_input = self.usual_date_input
        if not date_input.value:
            date_input.value = today.isoformat()

    @on(Button.Pressed, "#usual-record")
    def _record_usual(self) -> None:
        raw_value = self.usual_value_input.value.strip()
        raw_date = self.usual_date_input.value.strip()
        try:
            value = int(raw_value)
            if not 0 <= value <= 10:
                raise ValueError
        except ValueError:
            self.notify("Usual pain is a whole number from 0 to 10.", severity="warning")
            return
        try:
            since = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            self.notify(f"{raw_date!r} is not a date; use YYYY-MM-DD.", severity="warning")
            return
        self._save_usual(value, since, self.usual_note_input.value)

    @work(thread=True, exclusive=True, group="settings-usual")
    def _save_usual(self, value: int, since: date | None, note: str) -> None:
        service = self.backroll.service
        try:
            record = service.record_usual_pain(value, since, note)
        except Exception as error:  # ValueError (a future date) or StoreError: one plain sentence
            self.app.call_from_thread(self.notify, f"Usual pain was not recorded: {error}", severity="error")
            return
        self.app.call_from_thread(self._usual_saved, record, service.today())

    def _usual_saved(self, record: UsualPain, today: date) -> None:
        self._show_usual(record, today)
        self.usual_value_input.value = ""
        self.notify(f"Usual pain {record.value} recorded from {record.since.isoformat()}.")
        for screen in getattr(self.app, "views", {}).values():
            if screen is not self and hasattr(screen, "refresh_data"):
                screen.refresh_data()

    @on(Button.Pressed, "#settings-revert")
    def action_leave_field(self) -> None:
        """Esc in a text field: out of it (its value kept), so 1-5, q and ? work again."""
        self.body.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return isinstance(self.focused, Input)  # shown in the footer only while in a field
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_revert(self) -> None:
        if self.saved is None:
            return
        if self.saved.theme in self.app.available_themes:
            self.app.theme = self.saved.theme
        self._fill(self.saved)
