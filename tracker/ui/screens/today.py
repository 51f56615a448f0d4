"""Today: the streak, the next prescription, the advice with its reasons, and one key to start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tracker.ui.screens.base import AppScreen, header
from tracker.ui.widgets.footer import AppFooter

from ..widgets.advice import AdviceCard
from ..widgets.back_today import BackTodayCard
from ..widgets.streak import StreakCard

if TYPE_CHECKING:
    from tracker.service import Backroll, Status


@dataclass(frozen=True)
class RoutineRow:
    id: str
    name: str
    detail: str


@dataclass(frozen=True)
class TodayData:
    today: date
    status: Status  # streaks, advice, prescription
    routines: tuple[RoutineRow, ...]
    content_problems: tuple[str, ...] = ()
    plan: str = ""  # what the next bridge session holds, in a few words
    back_question: str | None = None  # "How is your back today?": what an answer will do; None: not asked


SHORT = 24  # rows: a terminal shorter than this gets the folded-up Today
# The routine list's keys (OptionList's bindings): key -> its action.
LIST_KEYS = {
    "up": "cursor_up", "down": "cursor_down", "home": "first", "end": "last",
    "pageup": "page_up", "pagedown": "page_down", "enter": "select",
}  # fmt: skip


def breakpoint_class(height: int) -> str:
    """The VERTICAL_BREAKPOINTS class Textual gives TodayScreen at this height."""
    return "-short" if height < SHORT else "-tall"


def minutes(seconds: float) -> str:
    return f"~{max(1, round(seconds / 60))} min"


def load_today(service: Backroll) -> TodayData:
    """Everything Today shows, read in one go (called in a worker thread)."""
    with service.one_read():  # the status and the back question from one read of the history
        return _load_today(service)


def _load_today(service: Backroll) -> TodayData:
    from tracker.model import PROGRAM_ID

    today = service.today()
    status = service.status(today, quick=True)  # the summary cache until the store is opened for a write
    library = service.library
    settings = service.settings
    rows: list[RoutineRow] = []
    plan = ""
    if PROGRAM_ID in library.programs:
        bridge = service.routine(PROGRAM_ID, status.prescription)  # as advised: no second status
        program = library.programs[PROGRAM_ID]
        length = minutes(library.planned_seconds(bridge, settings))
        rows.append(
            RoutineRow(PROGRAM_ID, program.name, f"today: {status.prescription.describe()} · {length}")
        )
        names = [
            library.poses[s.pose].name if s.pose in library.poses else s.pose
            for s in bridge.steps
            if not s.optional
        ]
        plan = f"{' → '.join(names)} · {length}"
    for routine in sorted(library.routines.values(), key=lambda r: r.name.lower()):
        if routine.id == PROGRAM_ID:
            continue
        rows.append(RoutineRow(routine.id, routine.name, minutes(library.planned_seconds(routine, settings))))
    problems = tuple(str(error) for error in library.errors)
    return TodayData(today, status, tuple(rows), problems, plan, service.back_question(today))


class TodayScreen(AppScreen[None]):
    """The screen Backroll opens on."""

    # Under 24 rows the cards fold up (the streak without its big digits, the advice a few scrolling lines)
    # so the routine list keeps its rows; the body scrolls for what still does not fit.
    AUTO_FOCUS = "#routines"  # the arrows choose a routine; Tab reaches the advice, which scrolls
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT, "-tall")]

    BINDINGS = [
        Binding("s", "start", "Start", id="today.start"),
        Binding("r", "refresh", "Reload", id="today.reload", show=False),
    ]

    def __init__(self) -> None:
        # Made with the breakpoint class of the app's size now (Textual sets it at the first Resize): then
        # that Resize changes no class, and every widget is not styled a second time before the first frame.
        super().__init__(id="today", classes=breakpoint_class(self.app.size.height))
        self.data: TodayData | None = None
        self._announced: tuple[str, ...] = ()  # the routine-file problems last said
        self._back_dismissed: date | None = None  # the day Esc put the back card away
        self._early_keys: list[str] = []  # the routine list's keys pressed before the first load filled it

    @property
    def service(self) -> Backroll:
        """The app's (opened by the first load, in its worker, when the app was made with a way to open it)."""
        return self.backroll.service

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def streak_card(self) -> StreakCard:
        return self.query_one(StreakCard)

    @property
    def advice_card(self) -> AdviceCard:
        return self.query_one(AdviceCard)

    @property
    def routine_list(self) -> OptionList:
        return self.query_one("#routines", OptionList)

    @property
    def next_card(self) -> Static:
        return self.query_one("#next", Static)

    @property
    def back_today_card(self) -> BackTodayCard:
        return self.query_one(BackTodayCard)

    @property
    def start_line(self) -> Static:
        return self.query_one("#start-line", Static)

    def compose(self) -> ComposeResult:
        yield header()
        with VerticalScroll(id="today-body", can_focus=False):
            with Horizontal(id="today-top"):
                yield StreakCard(id="streak")
                yield Static("Loading…", id="next", classes="card")
            back = BackTodayCard(id="back-today")
            back.display = False
            yield back
            yield AdviceCard(id="advice")
            routines = OptionList(id="routines", classes="card")
            routines.border_title = "Routines"
            yield routines
        # What `s` starts, named in sight at every size, whether or not the list's highlighted row is.
        yield Static("", id="start-line")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.next_card.border_title = "Next session: bridge program"
        # Paint first, then read: opening a long history in a thread competes with the first frame. The app's
        # call_later runs once Textual's start-up batch is over, as the first frame goes out (the screen's
        # call_after_refresh ran at once inside that batch; the app's waited a few frames for the screen to settle).
        self.app.call_later(self.refresh_data)

    def refresh_data(self) -> None:
        """Reload from the service, off the event loop."""
        self._load()

    def action_refresh(self) -> None:
        self.refresh_data()

    @work(thread=True, exclusive=True, group="today-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.service.refresh_history()  # a session `backroll log` saved meanwhile counts too
            data = load_today(self.service)
        except Exception as error:  # store errors become a readable screen, not a traceback
            self.app.call_from_thread(self.backroll.show_error, error)
            return
        self.app.call_from_thread(self.show, data)

    def show(self, data: TodayData) -> None:
        previous = self.highlighted_routine()
        self.data = data
        status = data.status
        self.streak_card.show(status.streak, data.today)
        self.advice_card.show(status.advice)
        self._show_next()
        routines = self.routine_list
        routines.clear_options()
        routines.add_options(
            Option(f"[b]{escape(row.name)}[/b]  [dim]{escape(row.detail)}[/dim]", id=row.id)
            for row in data.routines
        )
        if data.routines:
            ids = [row.id for row in data.routines]
            routines.highlighted = ids.index(previous) if previous in ids else 0
        self._play_early_keys()
        self._show_start_line()
        self._show_back_card(data)
        self._announce_problems(data.content_problems)
        self.backroll.data_loaded()

    def _show_next(self) -> None:
        """The next session's level; what changed and its poses too where there is room (a short terminal keeps its
        rows for the routine list)."""
        if self.data is None:
            return
        status = self.data.status
        current = getattr(status.advice, "current", None)
        text = f"[b]{escape(status.prescription.describe())}[/b]"
        if not self.short:  # a short terminal shows the level alone: the advice below says what changed
            if current is not None and current != status.prescription:
                text += (
                    f"\n[dim]up from {escape(current.describe())}[/dim]"
                    if status.prescription > current
                    else f"\n[dim]was {escape(current.describe())}[/dim]"
                )
            if self.data.plan:
                text += f"\n[dim]{escape(self.data.plan)}[/dim]"
        self.next_card.update(text)

    @property
    def short(self) -> bool:
        return self.size.height < SHORT

    def on_resize(self) -> None:
        self._show_next()
        self.back_today_card.show_compact(self.short)

    # -- "How is your back today?" (practice-rules.md, "The day after")

    def _show_back_card(self, data: TodayData) -> None:
        card = self.back_today_card
        if data.back_question is None or self._back_dismissed == data.today:
            was_focused = card.has_focus
            card.display = False
            if was_focused:
                self.routine_list.focus()
            return
        card.show_compact(self.short)
        card.ask(data.back_question)

    def on_key(self, event: events.Key) -> None:
        """While the back card is shown it takes the digits, Esc and (after a 1) Enter; the list keeps the focus.
        Before the first load has filled the routine list, its keys are kept, and played on it once it has; a
        view key is kept too, and followed once the load is done."""
        card = self.back_today_card
        if card.display and card.take_key(event):
            event.stop()
            event.prevent_default()
        elif self.data is None and event.key in LIST_KEYS and self.routine_list.has_focus:
            self._early_keys.append(event.key)
            event.stop()
            event.prevent_default()
        elif self.data is None and (mode := self._view_keys().get(event.key)) is not None:
            self.backroll.action_view(mode)  # kept, and followed once the load is done
            event.stop()
            event.prevent_default()

    def _view_keys(self) -> dict[str, str]:
        """The app's view keys (1 to 5, in the order of its views), which wait for the first load."""
        return {str(number): mode for number, (mode, _) in enumerate(self.backroll.VIEWS, 1)}

    def _play_early_keys(self) -> None:
        keys, self._early_keys = self._early_keys, []
        routines = self.routine_list
        for key in keys:
            getattr(routines, f"action_{LIST_KEYS[key]}")()

    @on(BackTodayCard.Dismissed)
    def _back_dismissed_today(self) -> None:
        self._back_dismissed = self.data.today if self.data is not None else None
        self.back_today_card.display = False
        self.routine_list.focus()

    @on(BackTodayCard.Answered)
    def _back_answered(self, message: BackTodayCard.Answered) -> None:
        self.back_today_card.display = False
        self.routine_list.focus()
        self._record_back(message.value)

    @work(thread=True, exclusive=True, group="today-back", exit_on_error=False)
    def _record_back(self, value: int) -> None:
        try:
            effect = self.service.pain_answer_effect(value)  # said before saving: what this answer does
            self.service.record_pain(value)
        except Exception as error:
            self.app.call_from_thread(self.backroll.show_error, error)
            return
        self.app.call_from_thread(self.notify, f"{effect}", title=f"Your back today: {value}", timeout=10)
        self.app.call_from_thread(self.refresh_data)

    def _announce_problems(self, problems: tuple[str, ...]) -> None:
        """Say what is wrong in the routine files once per change, never over a running session."""
        if problems == self._announced or self.backroll.in_session:
            return
        self._announced = problems
        if problems:
            count = len(problems)
            self.notify(
                "\n".join(problems[:3]),
                title=f"{count} problem{'s' if count != 1 else ''} in your routine files",
                severity="warning",
                timeout=10,
            )

    def highlighted_routine(self) -> str | None:
        routines = self.routine_list
        if routines.highlighted is None or routines.option_count == 0:
            return None
        return routines.get_option_at_index(routines.highlighted).id

    def start_target(self) -> str | None:
        """The name of the routine `s` starts now."""
        if self.data is None:
            return None
        from tracker.model import PROGRAM_ID

        target = self.highlighted_routine() or PROGRAM_ID
        return next((row.name for row in self.data.routines if row.id == target), None)

    @on(OptionList.OptionHighlighted, "#routines")
    def _show_start_line(self) -> None:
        # A body scrolled away from the list comes back to the row chosen: after the next refresh, so the
        # list is laid out whether the highlight came before the layout or after it (the same screen every time).
        self.call_after_refresh(self.routine_list.scroll_visible, animate=False)
        name = self.start_target()
        line = self.start_line
        line.update(
            f"[b]s[/b] starts [b]{escape(name)}[/b] [dim]· ↑↓ choose · Enter starts[/dim]" if name else ""
        )

    def action_start(self) -> None:
        from tracker.model import PROGRAM_ID  # imported by the first load; a key pressed before it imports it

        self.backroll.start_routine(self.highlighted_routine() or PROGRAM_ID)

    @on(OptionList.OptionSelected, "#routines")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.backroll.start_routine(event.option.id)
