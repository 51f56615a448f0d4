"""Progress: streaks, consistency, a calendar heatmap, the pain trend, the bridge level over time, the advice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tracker.model import Prescription, Session, Settings
from tracker.ui.commands import ScreenActions
from tracker.ui.screens.base import AppScreen, header
from tracker.ui.widgets.advice import AdviceCard
from tracker.ui.widgets.footer import AppFooter
from tracker.ui.widgets.heatmap import CalendarHeatmap, DayActivity
from tracker.ui.widgets.level_chart import LevelChart
from tracker.ui.widgets.pain_chart import PainChart

if TYPE_CHECKING:
    from tracker.model import UsualPain
    from tracker.service import Status

PAIN_SESSIONS = 30  # how many recent sessions the pain trend shows
TREND_POINTS = 1.0  # change in average pain (0-10) between the older and newer half that counts as a trend
WEEKS = 26


def activity_by_day(sessions: Sequence[Session]) -> dict[date, DayActivity]:
    counts: dict[date, int] = defaultdict(int)
    minutes: dict[date, float] = defaultdict(float)
    for session in sessions:
        counts[session.local_date] += 1
        minutes[session.local_date] += session.duration / 60.0
    return {day: DayActivity(counts[day], minutes[day]) for day in counts}


def pain_trend(sessions: Sequence[Session], limit: int = PAIN_SESSIONS) -> list[int]:
    """pain_after of the most recent sessions that recorded it, oldest first."""
    ordered = sorted(sessions, key=lambda s: s.started_at)
    values = [s.checkin.pain_after for s in ordered if s.checkin.pain_after is not None]
    return values[-limit:]


def describe_pain(values: Sequence[int]) -> str:
    if not values:
        return "No pain scores yet: the check-in after a session asks for one (0-10, optional)."
    average = sum(values) / len(values)
    text = f"Pain after the last {len(values)} session{'s' if len(values) != 1 else ''} (0-10): latest {values[-1]}, average {average:.1f}"
    if len(values) >= 6:
        half = len(values) // 2
        early = sum(values[:half]) / half
        late = sum(values[half:]) / (len(values) - half)
        # A whole point on the 0-10 scale before calling it a trend: "rising" must not alarm
        # someone whose average went from 0.1 to 0.5.
        trend = (
            "easing"
            if late <= early - TREND_POINTS
            else "rising"
            if late >= early + TREND_POINTS
            else "steady"
        )
        text += f", {trend}"
    return text + "."


def describe_usual(record: UsualPain | None) -> str:
    """The usual-pain record in force (tracker.model.UsualPain), or how to record one."""
    if record is None:
        return "\nNo usual pain recorded: any pain after a session counts as pain (Settings records it)."
    note = f"; {escape(record.note)}" if record.note else ""
    return (
        f"\nUsual pain [b]{record.value}[/b] since {record.since.isoformat()}{note}: "
        f"pain after at or below {record.value} does not count as pain."
    )


def describe_day_after(status: Status) -> str:
    """The first pain score of each day (pain records and pains before), week by week, and the last morning after."""
    weeks = [w for w in getattr(status, "weekly_pain", ()) if w.median is not None]
    text = ""
    if weeks:
        medians = " → ".join(
            f"{w.median:g}" for w in getattr(status, "weekly_pain", ()) if w.median is not None
        )
        text += f"\nFirst pain score of the day, weekly median (last 3 weeks): {medians}"
        if status.pain_today is not None:
            text += f"; today {status.pain_today.value}"
        text += "."
    response = getattr(status, "day_after", None)
    if response is not None:
        sentence = escape(response.sentence())
        text += f"\nThe day after: {sentence}" + ("" if response.worse else ".")
    return text


@dataclass(frozen=True)
class ProgressData:
    today: date
    status: Status  # streak, advice, prescription
    sessions: list[Session]
    levels: list[tuple[date, Prescription]]
    settings: Settings


class ProgressScreen(AppScreen[None]):
    TITLE = "Progress"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    COMMANDS = {ScreenActions}

    BINDINGS = [
        Binding(
            "r", "reload", "Refresh", show=False, id="progress.refresh"
        ),  # Help and the palette: the footer fits 60 columns
        Binding("t", "focus_heatmap", "Calendar", id="progress.calendar"),
        Binding("p", "report", "Report", id="progress.report"),
    ]

    @dataclass
    class Loaded(Message):
        data: ProgressData

    @dataclass
    class LoadFailed(Message):
        error: Exception

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def heatmap(self) -> CalendarHeatmap:
        return self.query_one(CalendarHeatmap)

    @property
    def calendar_panel(self) -> Widget:
        return self.query_one("#progress-calendar")

    @property
    def pain_caption(self) -> Static:
        return self.query_one("#pain-caption", Static)

    @property
    def pain_chart(self) -> PainChart:
        return self.query_one("#pain-sparkline", PainChart)

    @property
    def level_chart(self) -> LevelChart:
        return self.query_one(LevelChart)

    @property
    def advice_card(self) -> AdviceCard:
        return self.query_one(AdviceCard)

    @property
    def next_text(self) -> Static:
        return self.query_one("#progress-next", Static)

    def compose(self) -> ComposeResult:
        yield header()
        with VerticalScroll(id="progress-body"):
            with Horizontal(id="progress-stats"):
                yield Static("", id="stat-current", classes="stat")
                yield Static("", id="stat-longest", classes="stat")
                yield Static("", id="stat-consistency", classes="stat")
                yield Static("", id="stat-days", classes="stat")
            with Vertical(id="progress-calendar", classes="panel"):
                yield CalendarHeatmap(today=date.today(), weeks=WEEKS, id="heatmap")
            with Horizontal(id="progress-charts"):
                with Vertical(id="progress-pain", classes="panel"):
                    yield Static("", id="pain-caption")
                    yield PainChart(id="pain-sparkline")
                with Vertical(id="progress-level", classes="panel"):
                    yield LevelChart(weeks=WEEKS, id="level-chart")
            yield AdviceCard(id="progress-advice")
            yield Static("", id="progress-next")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        self.calendar_panel.border_title = f"Last {WEEKS} weeks"
        self.query_one("#progress-pain").border_title = "Pain trend"
        self.query_one("#progress-level").border_title = "Bridge program level"
        self.refresh_data()

    @on(CalendarHeatmap.WeeksShown)
    def _weeks_shown(self, message: CalendarHeatmap.WeeksShown) -> None:
        # Narrow terminals show fewer (the latest) weeks: the title says how many.
        self.calendar_panel.border_title = f"Last {message.weeks} weeks"

    def refresh_data(self) -> None:
        """Recompute everything (the app calls this after a session is saved)."""
        self._load()

    def action_reload(self) -> None:
        self.refresh_data()

    def action_focus_heatmap(self) -> None:
        self.heatmap.focus()

    def action_report(self) -> None:
        """Write the printable practice report (the app's worker; the path is shown when it is done)."""
        self.backroll.action_report("html")

    @work(thread=True, exclusive=True, group="progress-load")
    def _load(self) -> None:
        service = self.backroll.service
        try:
            today = service.today()
            data = ProgressData(
                today=today,
                status=service.status(today),
                sessions=[s for s in service.sessions() if s.local_date <= today],
                levels=service.level_history(),
                settings=service.settings,
            )
        except Exception as error:  # StoreError and friends: one plain sentence
            self.post_message(self.LoadFailed(error))
            return
        self.post_message(self.Loaded(data))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.notify(f"Progress could not be loaded: {message.error}", severity="error")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        data = message.data
        streak = data.status.streak
        self._stat("#stat-current", "Current streak", _days(streak.current))
        self._stat("#stat-longest", "Longest streak", _days(streak.longest))
        self._stat("#stat-consistency", "Consistency", f"{round(streak.consistency * 100)}%")
        self._stat("#stat-days", "Practice days", str(streak.practice_days))

        self.heatmap.update(
            activity_by_day(data.sessions), today=data.today, rest_weekdays=data.settings.rest_weekdays
        )
        pains = pain_trend(data.sessions)
        self.pain_caption.update(
            describe_pain(pains) + describe_usual(data.status.usual_pain) + describe_day_after(data.status)
        )
        self.pain_chart.data = [float(v) for v in pains]
        self.level_chart.show(data.levels, data.today)

        advice = data.status.advice
        self.advice_card.show(advice)
        self.next_text.update(f"Next bridge session: [b]{data.status.prescription.describe()}[/b]")

    def _stat(self, selector: str, label: str, value: str) -> None:
        self.query_one(selector, Static).update(f"[b]{value}[/b]\n[dim]{label}[/dim]")


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"
