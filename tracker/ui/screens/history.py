"""History: every saved session in a table (and each pain record, its own row kind), its details, the note,
delete with undo, filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import DataTable, Input, Label, Select

from tracker.model import PainRecord, Session
from tracker.ui.commands import ScreenActions
from tracker.ui.dialogs.confirm import ConfirmScreen
from tracker.ui.dialogs.note_edit import NoteEditScreen
from tracker.ui.screens.base import AppScreen, header
from tracker.ui.widgets.footer import AppFooter
from tracker.ui.widgets.session_detail import (
    SessionDetail,
    format_duration,
    format_level,
    format_pain,
    routine_name,
)

if TYPE_CHECKING:
    from tracker.service import Library

UNDO_SECONDS = 12.0


PAGE = 200  # sessions listed at a time: a long history opens at once, and lists more as you scroll down


class IsoDate(Validator):
    """Empty, or a date written YYYY-MM-DD."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            date.fromisoformat(value.strip())
        except ValueError:
            return self.failure(f"“{value.strip()}” is not a date; write it as YYYY-MM-DD, e.g. 2025-03-01.")
        return self.success()


def parse_day(value: str) -> date | None:
    value = value.strip()
    return date.fromisoformat(value) if value else None


def filter_sessions(
    sessions: Sequence[Session], routine: str | None, since: date | None, until: date | None
) -> list[Session]:
    """Sessions matching the filters, newest first."""
    chosen = [
        s
        for s in sessions
        if (routine is None or s.routine == routine)
        and (since is None or s.local_date >= since)
        and (until is None or s.local_date <= until)
    ]
    return sorted(chosen, key=lambda s: s.started_at, reverse=True)


PAIN_ROW = "Back today"  # the routine column of a pain record's row: never a session, never practice


def _pain_moment(record: PainRecord) -> float:
    from datetime import datetime, time

    if record.recorded_at is not None and record.recorded_at.date() == record.day:
        return record.recorded_at.timestamp()
    return datetime.combine(record.day, time(0)).astimezone().timestamp()  # given for another day: its start


def with_pain_records(
    sessions: list[Session],
    records: Sequence[PainRecord],
    routine: str | None,
    since: date | None,
    until: date | None,
) -> list[Session | PainRecord]:
    """The filtered sessions (newest first) with the pain records of the same days between them; none when a
    routine is chosen (a pain record belongs to no routine)."""
    if routine is not None:
        return list(sessions)
    chosen = [r for r in records if (since is None or r.day >= since) and (until is None or r.day <= until)]
    rows: list[Session | PainRecord] = [*sessions, *chosen]

    def moment(row: Session | PainRecord) -> float:
        return row.started_at.timestamp() if isinstance(row, Session) else _pain_moment(row)

    return sorted(rows, key=moment, reverse=True)


class HistoryScreen(AppScreen[None]):
    """Sessions table on the left (top when narrow), the selected session's details beside it."""

    TITLE = "History"
    AUTO_FOCUS = "#history-table"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    COMMANDS = {ScreenActions}

    BINDINGS = [
        # Short words: the footer fits 60 columns; Help and the palette say the rest.
        Binding("e", "edit_note", "Note", tooltip="Edit note", id="history.edit_note"),
        Binding("d,delete", "delete", "Delete", id="history.delete"),
        Binding("u", "undo", "Undo", tooltip="Undo delete", id="history.undo"),
        Binding("c", "clear_filters", "Clear filters", show=False, id="history.clear_filters"),
        Binding("slash", "focus_filters", "Filter", show=False, id="history.filter"),
        Binding("escape", "leave_filters", "Back to the list", show=False, id="history.leave_filters"),
    ]

    @dataclass
    class Loaded(Message):
        sessions: list[Session]
        library: Library
        pains: list[PainRecord] = field(default_factory=list)

    @dataclass
    class Deleted(Message):
        session: Session

    @dataclass
    class Restored(Message):
        session: Session

    @dataclass
    class NoteSaved(Message):
        session_id: str

    @dataclass
    class WriteFailed(Message):
        what: str
        error: Exception

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.sessions: list[Session] = []
        self.pains: list[PainRecord] = []  # pain records: rows of their own kind
        self.shown: list[Session | PainRecord] = []
        self.library: Library | None = None
        self.deleted: Session | None = None
        self._select_after_load: str | None = None
        self.listed = 0  # rows in the table: the first pages of `shown` (PAGE at a time)

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def table(self) -> DataTable[str]:
        return self.query_one(DataTable)

    @property
    def detail(self) -> SessionDetail:
        return self.query_one(SessionDetail)

    @property
    def routine_select(self) -> Select[str]:
        return self.query_one("#history-routine", Select)

    @property
    def filter_error(self) -> Label:
        return self.query_one("#history-filter-error", Label)

    @property
    def count_label(self) -> Label:
        return self.query_one("#history-count", Label)

    @property
    def since_input(self) -> Input:
        return self.query_one("#history-since", Input)

    @property
    def until_input(self) -> Input:
        return self.query_one("#history-until", Input)

    def compose(self) -> ComposeResult:
        yield header()
        with Horizontal(id="history-filters"):
            yield Select[str]([], prompt="All routines", id="history-routine", allow_blank=True, compact=True)
            yield Input(
                placeholder="from YYYY-MM-DD",
                id="history-since",
                validators=[IsoDate()],
                max_length=10,
                compact=True,
            )
            yield Input(
                placeholder="to YYYY-MM-DD",
                id="history-until",
                validators=[IsoDate()],
                max_length=10,
                compact=True,
            )
        yield Label("", id="history-filter-error")
        with Horizontal(id="history-body"):
            with Vertical(id="history-list"):
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
                yield Label("", id="history-count")
            with VerticalScroll(id="history-detail-pane"):
                yield SessionDetail(id="history-detail")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Date", key="date")
        table.add_column("Routine", key="routine")
        table.add_column("Time", key="time")
        table.add_column("Level", key="level")
        table.add_column("Pain", key="pain")
        table.add_column("Hurt", key="hurt")
        self.refresh_data()

    # Data ------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload the sessions (the app calls this after a session is saved)."""
        self._load()

    @work(thread=True, exclusive=True, group="history-load")
    def _load(self) -> None:
        service = self.backroll.service
        self.post_message(
            self.Loaded(list(service.sessions()), service.library, list(service.pain_records()))
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.sessions = message.sessions
        self.pains = message.pains
        self.library = message.library
        self._update_routine_options()
        self._show()

    def _update_routine_options(self) -> None:
        select = self.routine_select
        ids = sorted(
            {s.routine for s in self.sessions}, key=lambda rid: routine_name(self.library, rid).lower()
        )
        options = [(routine_name(self.library, rid), rid) for rid in ids]
        current = select.value
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current in ids:
                select.value = current

    def _filters(self) -> tuple[str | None, date | None, date | None] | None:
        """The filters as typed, or None (with a message shown) while a date is invalid."""
        error = self.filter_error
        select = self.routine_select
        routine = None if select.is_blank() else str(select.value)
        problems: list[str] = []
        days: list[date | None] = []
        for box in (self.since_input, self.until_input):
            result = box.validate(box.value)
            if result is not None and not result.is_valid:
                problems.extend(result.failure_descriptions)
                days.append(None)
            else:
                days.append(parse_day(box.value))
        since, until = days
        if not problems and since and until and since > until:
            problems.append("The “from” date is after the “to” date.")
        error.update(" ".join(problems))
        error.set_class(bool(problems), "-error")
        return None if problems else (routine, since, until)

    def _show(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        table = self.table
        keep = self._select_after_load or self.selected_id()
        self._select_after_load = None
        self.shown = with_pain_records(filter_sessions(self.sessions, *filters), self.pains, *filters)
        table.clear()
        self.listed = 0
        wanted = PAGE
        if keep is not None:  # keep the selected session in view, however far down it is
            position = next(
                (i for i, s in enumerate(self.shown) if s.id == keep or f"pain-{s.id}" == keep), -1
            )
            wanted = max(PAGE, (position // PAGE + 1) * PAGE)
        self._list_more(wanted)
        self._count()
        if keep and keep in {s.id if isinstance(s, Session) else f"pain-{s.id}" for s in self.shown}:
            table.move_cursor(row=table.get_row_index(keep))
        self._show_detail()

    def _list_more(self, rows: int) -> None:
        """Add the next `rows` sessions of `shown` to the table (a long history is listed a page at a time)."""
        table = self.table
        for session in self.shown[self.listed : self.listed + rows]:
            if isinstance(session, PainRecord):
                table.add_row(
                    session.day.isoformat(),
                    PAIN_ROW,
                    "",
                    "",
                    str(session.value),
                    "",
                    key=f"pain-{session.id}",
                )
                continue
            table.add_row(
                session.local_date.isoformat(),
                routine_name(self.library, session.routine),
                format_duration(session.duration),
                format_level(session),
                format_pain(session),
                "hurt" if session.hurt else "",
                key=session.id,
            )
        self.listed = min(len(self.shown), self.listed + rows)

    def _count(self) -> None:
        count = self.count_label
        total = len(self.sessions)
        more = f" · {self.listed} listed, more as you scroll down" if self.listed < len(self.shown) else ""
        shown_sessions = sum(1 for row in self.shown if isinstance(row, Session))
        pains = len(self.shown) - shown_sessions
        if pains:
            more = f" · {pains} pain record{'s' if pains != 1 else ''}" + more
        if not total:
            count.update("No sessions yet. Start one from Today or the Library.")
        elif shown_sessions == total:
            count.update(f"{total} session{'s' if total != 1 else ''}{more}")
        else:
            count.update(f"{shown_sessions} of {total} sessions match the filters{more}")

    def selected_row(self) -> Session | PainRecord | None:
        table = self.table
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= self.listed:
            return None
        return self.shown[table.cursor_row]

    def selected(self) -> Session | None:
        """The selected session (None on a pain record's row)."""
        row = self.selected_row()
        return row if isinstance(row, Session) else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        if isinstance(row, PainRecord):
            return f"pain-{row.id}"
        return row.id if row else None

    def _show_detail(self) -> None:
        row = self.selected_row()
        if isinstance(row, PainRecord):
            note = f"\n{escape(row.note)}" if row.note else ""
            self.detail.update(
                f"[b]{PAIN_ROW}[/b]\n{row.day.isoformat()} · pain {row.value} (0-10), given without practising: "
                f"read as that day's first pain score, never as a practice day.{note}"
            )
            return
        self.detail.show(self.selected(), self.library)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        table = self.table
        if self.listed < len(self.shown) and table.cursor_row >= self.listed - 1:
            self._list_more(PAGE)  # the last listed row: list the next page under it
            self._count()
        self._show_detail()

    # Filters ---------------------------------------------------------------

    @on(Select.Changed, "#history-routine")
    @on(Input.Changed, "#history-filters Input")
    def _filter_changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#history-filters Input")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_clear_filters(self) -> None:
        self.routine_select.clear()
        for box in (self.since_input, self.until_input):
            box.value = ""
        self._show()

    def action_focus_filters(self) -> None:
        self.routine_select.focus()

    # Edit the note ---------------------------------------------------------

    def action_edit_note(self) -> None:
        session = self.selected()
        if session is None:
            self.notify("Choose a session first.", severity="warning")
            return
        title = f"Note for {routine_name(self.library, session.routine)}, {session.local_date.isoformat()}"

        def saved(note: str | None) -> None:
            if note is not None and note != session.checkin.note:
                self._save_note(session.id, note)

        self.app.push_screen(NoteEditScreen(session.checkin.note, title), saved)

    @work(thread=True, group="history-write")
    def _save_note(self, session_id: str, note: str) -> None:
        try:
            self.backroll.service.update_note(session_id, note)
        except Exception as error:  # the store's errors are one plain sentence
            self.post_message(self.WriteFailed("The note was not saved", error))
            return
        self.post_message(self.NoteSaved(session_id))

    @on(NoteSaved)
    def _note_saved(self, message: NoteSaved) -> None:
        self.notify("Note saved.")
        self._select_after_load = message.session_id
        self.refresh_data()

    # Delete and undo -------------------------------------------------------

    def action_delete(self) -> None:
        session = self.selected()
        if session is None:
            self.notify("Choose a session first.", severity="warning")
            return
        when = f"{session.local_date.isoformat()} at {session.started_at.strftime('%H:%M')}"  # a day may hold two
        question = f"Delete the {routine_name(self.library, session.routine)} session of {when}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(session.id)

        self.app.push_screen(ConfirmScreen(question, "You can undo this for a few seconds with u."), answered)

    @work(thread=True, group="history-write")
    def _delete(self, session_id: str) -> None:
        try:
            removed = self.backroll.service.delete_session(session_id)
        except Exception as error:
            self.post_message(self.WriteFailed("The session was not deleted", error))
            return
        self.post_message(self.Deleted(removed))

    @on(Deleted)
    def _deleted(self, message: Deleted) -> None:
        self.deleted = message.session
        self.refresh_bindings()
        name = routine_name(self.library, message.session.routine)
        self.notify(
            f"Deleted {name}, {message.session.local_date.isoformat()}. Press u to undo.",
            title="Session deleted",
            timeout=UNDO_SECONDS,
        )
        self.refresh_data()

    def action_leave_filters(self) -> None:
        """Esc in a filter field goes back to the sessions (the filters keep their values)."""
        self.table.focus()

    def on_screen_suspend(self) -> None:
        """Leaving History: its "Press u to undo" would be stale anywhere else (u undoes only here)."""
        for notification in list(self.app._notifications):
            if notification.title == "Session deleted":
                self.app._unnotify(notification)

    def action_undo(self) -> None:
        if self.deleted is None:
            self.notify("Nothing to undo.")
            return
        session, self.deleted = self.deleted, None
        self.refresh_bindings()
        self._restore(session)

    @work(thread=True, group="history-write")
    def _restore(self, session: Session) -> None:
        try:
            self.backroll.service.restore_session(session)
        except Exception as error:
            self.post_message(self.WriteFailed("The session was not restored", error))
            return
        self.post_message(self.Restored(session))

    @on(Restored)
    def _restored(self, message: Restored) -> None:
        self.notify("Session restored.")
        self._select_after_load = message.session.id
        self.refresh_data()

    @on(WriteFailed)
    def _write_failed(self, message: WriteFailed) -> None:
        self.notify(f"{message.what}: {message.error}", severity="error", timeout=10)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.deleted is not None
        if action in ("edit_note", "delete"):
            return True if self.shown else None
        return True
