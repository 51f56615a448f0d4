"""Library: routines and poses on the left, details on the right; s or Enter starts a routine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static, Tree

from tracker.model import Prescription, Routine
from tracker.ui.commands import ScreenActions
from tracker.ui.screens.base import AppScreen, header
from tracker.ui.widgets.figure import FigureStrip, FigureView
from tracker.ui.widgets.footer import AppFooter
from tracker.ui.widgets.hanging import Hanging
from tracker.ui.widgets.library_detail import (
    describe_card,
    describe_pose,
    describe_routine,
    props_filter_allows,
    props_filter_label,
    props_filters,
)
from tracker.ui.widgets.library_tree import Entry, LibraryTree

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

    from tracker.service import Briefing, Library


@dataclass(frozen=True)
class Catalogue:
    """Everything the screen shows, read off the event loop."""

    library: Library
    routines: dict[str, Routine]  # id -> routine as it would run today (the program bound to its level)
    seconds: dict[str, float]  # id -> planned length at the current settings
    levels: dict[str, Prescription]  # program id -> today's prescription
    cards: dict[str, Briefing]  # id -> the before-you-start card at the current settings


class LibraryScreen(AppScreen[None]):
    TITLE = "Library"
    AUTO_FOCUS = "#library-tree"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    COMMANDS = {ScreenActions}

    BINDINGS = [
        Binding("s", "start", "Start", tooltip="Start routine", id="library.start"),
        Binding("slash", "focus_tree", "Browse", show=False, id="library.browse"),
        Binding("p", "props_filter", "Props", tooltip="Props filter", id="library.props"),
    ]

    @dataclass
    class Loaded(Message):
        catalogue: Catalogue

    @dataclass
    class LoadFailed(Message):
        error: Exception

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.catalogue: Catalogue | None = None
        self.current: Entry | None = None
        self.props_filter: str | None = None  # a filter of PROPS_FILTERS' keys; None: every routine

    # The widgets, one typed accessor each (their ids are named here only, and in compose).

    @property
    def library_tree(self) -> LibraryTree:
        return self.query_one(LibraryTree)

    @property
    def start_button(self) -> Button:
        return self.query_one("#library-start", Button)

    @property
    def card_view(self) -> Static:
        return self.query_one("#library-card", Static)

    @property
    def figure_view(self) -> FigureView:
        return self.query_one("#library-figure", FigureView)

    @property
    def card_figures(self) -> FigureStrip:
        return self.query_one("#library-card-figures", FigureStrip)

    @property
    def detail_view(self) -> Static:
        return self.query_one("#library-detail", Static)

    @property
    def detail_pane(self) -> Widget:
        return self.query_one("#library-detail-pane")

    def compose(self) -> ComposeResult:
        yield header()
        with Horizontal(id="library-body"):
            yield LibraryTree("Library", id="library-tree")
            with VerticalScroll(id="library-detail-pane"):
                yield Static("", id="library-card")
                yield FigureView(id="library-figure")
                yield Static("Loading the library…", id="library-detail")
                yield Button("Start this routine", id="library-start", variant="primary")
                yield FigureStrip(id="library-card-figures")
        yield AppFooter(compact=True)

    def on_mount(self) -> None:
        tree = self.library_tree
        tree.show_root = False
        self.start_button.display = False
        card = self.card_view
        card.border_title = "Before you start"
        card.display = False
        self.figure_view.display = False
        strip = self.card_figures
        strip.display = False
        strip.border_title = "Before you start: the poses, at the end of each move"
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload: durations follow the settings, the program's level follows the history."""
        self._load()

    @work(thread=True, exclusive=True, group="library-load")
    def _load(self) -> None:
        service = self.backroll.service
        try:
            library = service.library
            settings = service.settings
            routines: dict[str, Routine] = {}
            seconds: dict[str, float] = {}
            levels: dict[str, Prescription] = {}
            cards: dict[str, Briefing] = {}
            for routine_id in service.routine_ids():
                routine = service.routine(routine_id)
                routines[routine_id] = routine
                seconds[routine_id] = service.planned_seconds(routine, settings)
                cards[routine_id] = service.before_you_start(routine)
                if routine_id in library.programs:
                    level = service.prescription_of(routine)
                    if level is not None:
                        levels[routine_id] = level
        except Exception as error:
            self.post_message(self.LoadFailed(error))
            return
        self.post_message(self.Loaded(Catalogue(library, routines, seconds, levels, cards)))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.detail_view.update(f"The library could not be loaded: {message.error}")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.catalogue = catalogue = message.catalogue
        tree = self.library_tree
        keep = self.current
        tree.clear()
        programs = tree.root.add("Programs", expand=True)
        routines = tree.root.add("Routines", expand=True)
        poses = tree.root.add("Poses", expand=False)
        ordered = sorted(catalogue.routines.values(), key=lambda r: r.name.lower())
        if self.props_filter is not None:
            routines.set_label(f"Routines [dim]({escape(props_filter_label(self.props_filter))})[/dim]")
            ordered = [r for r in ordered if props_filter_allows(self.props_filter, r)]
        for routine in ordered:
            branch = programs if routine.id in catalogue.library.programs else routines
            minutes = round(catalogue.seconds.get(routine.id, 0) / 60) or 1
            # The length first, in a column of its own: a long name is cut at the panel's edge, never the length.
            branch.add_leaf(
                f"[dim]{minutes:>3}m[/dim] {escape(routine.name)}", data=Entry("routine", routine.id)
            )
        for pose in sorted(catalogue.library.poses.values(), key=lambda p: p.name.lower()):
            poses.add_leaf(pose.name, data=Entry("pose", pose.id))
        first = next((node.data for branch in (programs, routines) for node in branch.children), None)
        target = keep or first
        self._move_to(target)

    def _move_to(self, entry: Entry | None) -> None:
        tree = self.library_tree

        def visit(node: TreeNode[Entry]) -> TreeNode[Entry] | None:
            if node.data == entry:
                return node
            for child in node.children:
                found = visit(child)
                if found is not None:
                    return found
            return None

        node = visit(tree.root) if entry else None
        if node is not None:
            if node.parent is not None and not node.parent.is_expanded:
                node.parent.expand()
            tree.move_cursor(node)
        self._show(entry)

    @on(Tree.NodeHighlighted, "#library-tree")
    @on(Tree.NodeSelected, "#library-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        if event.node.data is not None:
            self._show(event.node.data)

    def _show(self, entry: Entry | None) -> None:
        catalogue = self.catalogue
        if catalogue is None or entry is None:
            return
        self.current = entry
        detail = self.detail_view
        button = self.start_button
        library = catalogue.library
        if entry.kind == "routine":
            routine = catalogue.routines.get(entry.id)
            if routine is None:
                return
            names = {r.id: r.name for r in catalogue.routines.values()}
            text = describe_routine(
                routine, library.poses, catalogue.seconds.get(entry.id), catalogue.levels.get(entry.id),
                names=names, sources=library.sources,
            )  # fmt: skip
            detail.update(Hanging(text))
            button.display = True
            card = catalogue.cards.get(entry.id)
            self.card_view.update(Hanging(describe_card(card)) if card else "")
            self.card_view.display = card is not None
            self._show_figures(routine)
        else:
            pose = library.poses.get(entry.id)
            if pose is None:
                return
            used = [
                r.name for r in catalogue.routines.values() if any(step.pose == pose.id for step in r.steps)
            ]
            detail.update(Hanging(describe_pose(pose, used, sources=library.sources)))
            button.display = False
            self.card_view.display = False
            self.card_figures.display = False
            figure = self.figure_view
            frame = self.backroll.service.pose_frame(pose.id)
            figure.show(frame)
            figure.display = frame is not None
        self.detail_pane.scroll_home(animate=False)
        self.refresh_bindings()

    def _show_figures(self, routine: Routine) -> None:
        """The before-you-start card's poses, each at its end keyframe, in the routine's order."""
        self.figure_view.display = False
        strip = self.card_figures
        service = self.backroll.service
        poses = service.library.poses
        items = []
        for pose_id in dict.fromkeys(step.pose for step in routine.steps):
            frame = service.pose_frame(pose_id)
            if frame is not None:
                items.append((poses[pose_id].name, frame))
        strip.show(items)
        strip.display = bool(items)

    # Starting ------------------------------------------------------------------

    def selected_routine(self) -> str | None:
        if self.current is not None and self.current.kind == "routine":
            return self.current.id
        return None

    def action_start(self) -> None:
        routine_id = self.selected_routine()
        if routine_id is None:
            self.notify("Choose a routine to start; poses are practised inside routines.")
            return
        self.backroll.start_routine(routine_id)

    @on(LibraryTree.StartRequested)
    def _start_requested(self, message: LibraryTree.StartRequested) -> None:
        self.backroll.start_routine(message.routine_id)

    @on(Button.Pressed, "#library-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_props_filter(self) -> None:
        """Cycle the props filter: every routine, then what each needs at most (a mat only, no strap, no blocks...)."""
        catalogue = self.catalogue
        if catalogue is None:
            return
        options: list[str | None] = [None, *props_filters(catalogue.routines.values())]
        self.props_filter = (
            options[(options.index(self.props_filter) + 1) % len(options)]
            if self.props_filter in options
            else None
        )
        self.notify(f"Routines: {props_filter_label(self.props_filter)}", timeout=2)
        self.post_message(self.Loaded(catalogue))

    def action_focus_tree(self) -> None:
        self.library_tree.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return True if self.selected_routine() else None
        return True
