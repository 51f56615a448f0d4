"""A calendar heatmap of practice: 7 rows (Mon-Sun) by N weeks, newest on the right.

When the widget is too narrow for all N weeks it drops the oldest ones, so the
week holding today (and its marker) always shows.

Each cell shows how much was practised that day by glyph *and* colour, so it
reads without colour too: `·` nothing, `-` a declared rest day, `░▒▓█`
rising intensity (minutes, or the number of sessions when they say more).
Today carries a `◂` marker. Focus it and move with the arrow keys, or hover
with the mouse: the bottom line reads out the highlighted day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LEVEL_GLYPHS = ("·", "░", "▒", "▓", "█")
REST_GLYPH = "-"
TODAY_MARK = "◂"
LABEL_WIDTH = 4
# Minutes at which a day reaches intensity 2, 3 and 4 (anything above 0 is 1).
MINUTE_STEPS = (10.0, 20.0, 30.0)


@dataclass(frozen=True, slots=True)
class DayActivity:
    """What was practised on one day."""

    sessions: int = 0
    minutes: float = 0.0

    def describe(self) -> str:
        if not self.sessions:
            return "no practice"
        plural = "s" if self.sessions != 1 else ""
        return f"{self.sessions} session{plural}, {round(self.minutes)} min"


def intensity(activity: DayActivity | None) -> int:
    """0 for nothing, then 1..4 by minutes, at least the number of sessions."""
    if activity is None or activity.sessions <= 0:
        return 0
    by_minutes = 1 + sum(activity.minutes >= step for step in MINUTE_STEPS)
    return max(1, min(4, max(by_minutes, activity.sessions)))


def grid_start(today: date, weeks: int) -> date:
    """The Monday of the first column: the last column is the week holding today."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


class CalendarHeatmap(Widget, can_focus=True):
    """Practice per day over the last `weeks` weeks."""

    DEFAULT_CSS = """
    CalendarHeatmap {
        width: 100%;
        height: auto;
        min-width: 36;
    }
    CalendarHeatmap > .heatmap--label { color: $text-muted; }
    CalendarHeatmap > .heatmap--empty { color: $text-muted 50%; }
    CalendarHeatmap > .heatmap--rest { color: $secondary; }
    CalendarHeatmap > .heatmap--level-1 { color: $success 40%; }
    CalendarHeatmap > .heatmap--level-2 { color: $success 65%; }
    CalendarHeatmap > .heatmap--level-3 { color: $success 85%; }
    CalendarHeatmap > .heatmap--level-4 { color: $success; }
    CalendarHeatmap > .heatmap--today { color: $warning; text-style: bold; }
    CalendarHeatmap > .heatmap--cursor { background: $accent 40%; }
    CalendarHeatmap > .heatmap--readout { color: $text; }
    """

    COMPONENT_CLASSES = {
        "heatmap--label",
        "heatmap--empty",
        "heatmap--rest",
        "heatmap--level-1",
        "heatmap--level-2",
        "heatmap--level-3",
        "heatmap--level-4",
        "heatmap--today",
        "heatmap--cursor",
        "heatmap--readout",
    }

    BINDINGS = [
        Binding("left", "move(-7)", "Week before", show=False, id="heatmap.left"),
        Binding("right", "move(7)", "Week after", show=False, id="heatmap.right"),
        Binding("up", "move(-1)", "Day before", show=False, id="heatmap.up"),
        Binding("down", "move(1)", "Day after", show=False, id="heatmap.down"),
        Binding("home", "jump_today", "Today", show=False, id="heatmap.today"),
    ]

    cursor: reactive[date | None] = reactive(None)

    @dataclass
    class DayHighlighted(Message):
        """The highlighted day changed (keys or mouse)."""

        heatmap: CalendarHeatmap
        day: date
        activity: DayActivity

        @property
        def control(self) -> CalendarHeatmap:
            return self.heatmap

    @dataclass
    class WeeksShown(Message):
        """The number of weeks that fit changed (the widget was resized)."""

        heatmap: CalendarHeatmap
        weeks: int

        @property
        def control(self) -> CalendarHeatmap:
            return self.heatmap

    def __init__(
        self,
        activity: Mapping[date, DayActivity] | None = None,
        *,
        today: date,
        rest_weekdays: Iterable[int] = (),
        weeks: int = 26,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.weeks = weeks
        self.activity: dict[date, DayActivity] = dict(activity or {})
        self.today = today
        self.rest_weekdays = frozenset(rest_weekdays)
        self._weeks_announced = 0

    # Data in ---------------------------------------------------------------

    def update(
        self,
        activity: Mapping[date, DayActivity],
        *,
        today: date | None = None,
        rest_weekdays: Iterable[int] | None = None,
    ) -> None:
        self.activity = dict(activity)
        if today is not None:
            self.today = today
        if rest_weekdays is not None:
            self.rest_weekdays = frozenset(rest_weekdays)
        self.refresh()

    # Geometry --------------------------------------------------------------

    def shown_weeks(self, width: int | None = None) -> int:
        """How many of the latest weeks fit: all `weeks` when there is room, else the newest ones."""
        width = self.size.width if width is None else width
        if width <= 0:  # not laid out yet
            return self.weeks
        return max(1, min(self.weeks, (width - LABEL_WIDTH) // 2))

    @property
    def start(self) -> date:
        return grid_start(self.today, self.shown_weeks())

    def cell_width(self, width: int | None = None) -> int:
        """Columns per day: 2 at 80 columns, up to 4 when there is room."""
        width = self.size.width if width is None else width
        return max(2, min(4, (width - LABEL_WIDTH) // self.shown_weeks(width)))

    def day_at(self, column: int, row: int) -> date:
        return self.start + timedelta(days=column * 7 + row)

    def cell_at(self, x: int, y: int) -> date | None:
        """The day under widget-relative (x, y), if any."""
        row = y - 1
        if not 0 <= row < 7 or x < LABEL_WIDTH:
            return None
        column = (x - LABEL_WIDTH) // self.cell_width()
        if column >= self.shown_weeks():
            return None
        day = self.day_at(column, row)
        return day if day <= self.today else None

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return LABEL_WIDTH + self.shown_weeks(container.width) * self.cell_width(container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 10  # months, 7 weekdays, legend, readout

    # Rendering -------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            segments = self._month_line()
        elif 1 <= y <= 7:
            segments = self._week_row(y - 1)
        elif y == 8:
            segments = self._legend()
        elif y == 9:
            segments = self._readout()
        else:
            segments = []
        return Strip(segments).apply_style(base).adjust_cell_length(width, base).crop(0, width)

    def _month_line(self) -> list[Segment]:
        cw = self.cell_width()
        weeks = self.shown_weeks()
        label = self._style("heatmap--label")
        chars = [" "] * (LABEL_WIDTH + weeks * cw)
        free_from = 0
        for column in range(weeks):
            monday = self.day_at(column, 0)
            sunday = monday + timedelta(days=6)
            starts_month = sunday.month != monday.month or monday.day == 1 or column == 0
            if not starts_month:
                continue
            # Name the month that owns the week's last day (the one starting here).
            month = sunday if column else monday
            text = MONTHS[month.month - 1]
            x = LABEL_WIDTH + column * cw
            if x < free_from or x + len(text) > len(chars):
                continue
            chars[x : x + len(text)] = text
            free_from = x + len(text) + 1
        return [Segment("".join(chars), label)]

    def _week_row(self, row: int) -> list[Segment]:
        cw = self.cell_width()
        segments = [Segment(f"{WEEKDAYS[row]:<{LABEL_WIDTH}}", self._style("heatmap--label"))]
        for column in range(self.shown_weeks()):
            day = self.day_at(column, row)
            if day > self.today:
                segments.append(Segment(" " * cw))
                continue
            level = intensity(self.activity.get(day))
            if level:
                glyph, style = LEVEL_GLYPHS[level], self._style(f"heatmap--level-{level}")
            elif day.weekday() in self.rest_weekdays:
                glyph, style = REST_GLYPH, self._style("heatmap--rest")
            else:
                glyph, style = LEVEL_GLYPHS[0], self._style("heatmap--empty")
            if day == self.today:
                style = style + self._style("heatmap--today")
            if day == self.cursor:
                style = style + self._style("heatmap--cursor")
            segments.append(Segment(glyph * (cw - 1), style))
            if day == self.today:
                segments.append(Segment(TODAY_MARK, self._style("heatmap--today")))
            else:
                segments.append(Segment(" "))
        return segments

    def _legend(self) -> list[Segment]:
        label = self._style("heatmap--label")
        segments = [Segment(" " * LABEL_WIDTH + "less ", label)]
        segments.append(Segment(LEVEL_GLYPHS[0], self._style("heatmap--empty")))
        for level in range(1, 5):
            segments.append(Segment(LEVEL_GLYPHS[level], self._style(f"heatmap--level-{level}")))
        segments.append(Segment(" more  ", label))
        segments.append(Segment(REST_GLYPH, self._style("heatmap--rest")))
        segments.append(Segment(" rest  ", label))
        segments.append(Segment(TODAY_MARK, self._style("heatmap--today")))
        segments.append(Segment(" today", label))
        return segments

    def _readout(self) -> list[Segment]:
        day = self.cursor or self.today
        activity = self.activity.get(day, DayActivity())
        text = f"{WEEKDAYS[day.weekday()]} {day.isoformat()}: {activity.describe()}"
        if not activity.sessions and day.weekday() in self.rest_weekdays:
            text += " (rest day)"
        if day == self.today:
            text += " (today)"
        return [Segment(" " * LABEL_WIDTH + text, self._style("heatmap--readout"))]

    # Interaction -----------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        shown = self.shown_weeks(event.size.width)
        if shown != self._weeks_announced:
            self._weeks_announced = shown
            self.post_message(self.WeeksShown(self, shown))

    def watch_cursor(self, day: date | None) -> None:
        if day is not None:
            self.post_message(self.DayHighlighted(self, day, self.activity.get(day, DayActivity())))

    def action_move(self, days: int) -> None:
        current = self.cursor or self.today
        target = current + timedelta(days=days)
        if self.start <= target <= self.today:
            self.cursor = target

    def action_jump_today(self) -> None:
        self.cursor = self.today

    def on_mouse_move(self, event: events.MouseMove) -> None:
        day = self.cell_at(event.x, event.y)
        if day is not None and day != self.cursor:
            self.cursor = day

    def on_click(self, event: events.Click) -> None:
        day = self.cell_at(event.x, event.y)
        if day is not None:
            self.cursor = day

    def on_leave(self, event: events.Leave) -> None:
        if not self.has_focus:
            self.cursor = None
