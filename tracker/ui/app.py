"""The Backroll app: modes for the five views, the session flow, and app-wide actions.

Screens live in `screens/`, widgets in `widgets/`; this file only wires
them. Data access that can block (opening the store, saving) runs in thread
workers, never on the event loop.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from .stylesheet import CachedStylesheet

if TYPE_CHECKING:
    from datetime import datetime

    from textual.command import Provider
    from textual.screen import ScreenResultCallbackType, ScreenResultType
    from textual.widget import AwaitMount

    from tracker.model import Prescription, Routine, Session, Settings
    from tracker.service import Backroll, Checkpoint, CheckpointFile, Runner, Settled

    from .protocol import AppLike
    from .screens.session import SessionScreen
    from .sound import CuePlayer

# The session, check-in, safety and store error screens are imported when first shown: the first frame
# needs only Today (imported by its mode factory), and every import before it is start-up time.

Clock = Callable[[], float]

# mode -> (module, class) of each view's screen; imported when first shown.
VIEW_SCREENS: dict[str, tuple[str, str]] = {
    "today": (".screens.today", "TodayScreen"),
    "history": (".screens.history", "HistoryScreen"),
    "progress": (".screens.progress", "ProgressScreen"),
    "library": (".screens.library", "LibraryScreen"),
    "settings": (".screens.settings", "SettingsScreen"),
}


def _backroll_commands() -> type[Provider]:
    """The palette's provider of the app's commands (tracker.ui.commands), imported on first use."""
    from .commands import BackrollCommands

    return BackrollCommands


def is_store_error(error: BaseException) -> bool:
    from tracker.service import StoreError

    return isinstance(error, StoreError)


CATCH_UP_INTERVAL = 60.0  # seconds between checks for sessions saved by another process
STARTUP_COLLECTOR_PAUSE = 2.0  # seconds at most without garbage collection at start-up (see resume_collector)

VIEW_KEYS = Binding.Group("Views", compact=True)


class BackrollApp(App[None]):
    # The app opens on Today's mode itself: no blank default screen first, and no switch_mode (with its
    # second CSS refresh and second ScreenResume) before the first frame.
    DEFAULT_MODE = "today"
    CSS_PATH = ["app.tcss"]  # the shell and Today: all the first frame needs
    # The session flow and the dialogs (flow.tcss), the other views (views.tcss): parsing and applying CSS is a
    # good part of start-up, so these are read once Today has loaded, or before any other screen shows
    # (push_screen, switch_mode), whichever comes first. Same order, same rules.
    DEFERRED_CSS_PATH = ["flow.tcss", "views.tcss"]
    TITLE = "Backroll"
    COMMANDS = App.COMMANDS | {_backroll_commands}  # imported when the palette first opens
    VIEWS: tuple[tuple[str, str], ...] = (
        ("today", "Today"),
        ("history", "History"),
        ("progress", "Progress"),
        ("library", "Library"),
        ("settings", "Settings"),
    )
    # The footer shows the view keys as one item ("2345 Views"): five names do not fit 60 columns; Help names each.
    BINDINGS = [
        Binding("1", "view('today')", "Today", id="view.today", group=VIEW_KEYS),
        Binding("2", "view('history')", "History", id="view.history", group=VIEW_KEYS),
        Binding("3", "view('progress')", "Progress", id="view.progress", group=VIEW_KEYS),
        Binding("4", "view('library')", "Library", id="view.library", group=VIEW_KEYS),
        Binding("5", "view('settings')", "Settings", id="view.settings", group=VIEW_KEYS),
        Binding("question_mark", "help", "Help", id="app.help", key_display="?"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self, service: Backroll | Callable[[], Backroll], *, clock: Clock = time.monotonic, cursor_blink: bool = True,
        voice_program: str | None = None, audio_player: str | None = None, web: bool = False, start: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.stylesheet = CachedStylesheet(variables=self.get_css_variables())  # each source parsed once
        self.start_with = start  # `backroll session ROUTINE`: run it once Today has loaded
        # The service, or what opens it on first use (see `service`).
        self._service: Backroll | None = None if callable(service) else service
        self._open_service: Callable[[], Backroll] | None = service if callable(service) else None
        self._service_mutex = threading.Lock()
        self.clock = clock
        self.cursor_blink = cursor_blink
        self._voice_program, self._audio_player, self._web = (
            voice_program,
            audio_player,
            web,
        )  # for the cue player
        self._cue_player: CuePlayer | None = None  # made at the first cue or Settings (see cue_player)
        self.views: dict[str, Screen[None]] = {}
        self.ready = False  # the store is open and Today has loaded once
        self.store_error: BaseException | None = None  # the last store error shown, until data loads again
        self.session_screen: SessionScreen | None = None
        self._safety_checked = False
        self._in_progress_checked = False
        self._cut_off_due = False
        self._view_after_load: str | None = None  # a view key pressed before Today's first load was done
        self.offers: list[
            tuple[CheckpointFile, Checkpoint]
        ] = []  # (checkpoint file, checkpoint) of sessions cut off, to offer one by one
        self._offering = False
        self._signals: list[int] = []
        self._deferred_css_read = False
        # Set by tracker.cli.app.open_app, which pauses the garbage collector for the start-up: turn it back on
        # once Today has shown its data (or an error, or after STARTUP_COLLECTOR_PAUSE at the latest), with the
        # objects of the start-up frozen (collections no longer walk them).
        self.resume_collector = False
        for mode in VIEW_SCREENS:
            self.add_mode(mode, self._view_factory(mode))

    @property
    def service(self) -> Backroll:
        """The core seam. Made with a function that opens it (`backroll`), it is opened on first use, by
        whichever thread asks first: Today's loader, after the first frame (importing the service and the
        model is no part of the first frame)."""
        service = self._service
        if service is None:
            with self._service_mutex:
                service = self._service
                if service is None:
                    assert self._open_service is not None
                    service = self._service = self._open_service()
        return service

    @property
    def opened_service(self) -> Backroll | None:
        """The service if it was made (open_app closes it), else None: nothing was read."""
        return self._service

    @property
    def cue_player(self) -> CuePlayer:
        """The sounds and voice, made on first use: looking for players on PATH and importing the cues
        and the runner are no part of the first frame."""
        if self._cue_player is None:
            from .sound import CuePlayer

            self._cue_player = CuePlayer(
                self, voice_program=self._voice_program, audio_player=self._audio_player, web=self._web
            )
        return self._cue_player

    def _view_factory(self, mode: str) -> Callable[[], Screen[None]]:
        def make() -> Screen[None]:
            module, name = VIEW_SCREENS[mode]
            cls = getattr(import_module(module, __package__), name)
            # A view takes the service, or reads self.app.service itself.
            takes_service = any(
                p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                for p in inspect.signature(cls).parameters.values()
            )
            screen: Screen[None] = cls(self.service) if takes_service else cls()
            self.views[mode] = screen
            return screen

        return make

    def on_mount(self) -> None:
        if not self.cursor_blink:
            self.screen_change_signal.subscribe(self, self._stop_blinking)
            self._stop_blinking(self.screen)  # Today, installed before the app's mount (DEFAULT_MODE)
        if self.resume_collector:
            self.set_timer(STARTUP_COLLECTOR_PAUSE, self._start_up_done)  # a long first load: on again anyway
        # Terminals that report focus trigger catch_up at once; the rest within a minute.
        self.set_interval(CATCH_UP_INTERVAL, self.catch_up)
        self._handle_signals()

    def _start_up_done(self) -> None:
        if self.resume_collector:
            self.resume_collector = False
            gc.freeze()
            gc.enable()

    def _handle_signals(self) -> None:
        """SIGTERM and SIGHUP (the terminal closed): write the running session's checkpoint, then exit normally."""
        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(number, self._terminate, int(number))
                self._signals.append(int(number))
        except (
            NotImplementedError,
            RuntimeError,
            ValueError,
        ):  # not the main thread, or no such signals here
            pass

    def on_unmount(self) -> None:
        if self.session_screen is not None:  # the app closes mid-session: the checkpoint stays, its lock goes
            self.session_screen.checkpoint.release()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for number in self._signals:
            loop.remove_signal_handler(number)
        self._signals.clear()

    def _terminate(self, number: int) -> None:
        """Leave the terminal as it was (the app exits through Textual, not by dying), the session on disk."""
        if self.session_screen is not None:
            try:
                self.session_screen.checkpoint.now()
            except Exception as error:
                self.log.error(f"checkpoint on signal {number}: {error!r}")
        self.exit(return_code=128 + number)

    def _load_deferred_css(self) -> None:
        """Read DEFERRED_CSS_PATH, once: after Today's first load, or before another screen shows."""
        if self._deferred_css_read:
            return
        self._deferred_css_read = True
        folder = Path(inspect.getfile(type(self))).parent
        for name in self.DEFERRED_CSS_PATH:
            path = str((folder / name).resolve())
            if not self.stylesheet.has_source(path, ""):
                self.stylesheet.read(path)
        self.refresh_css(animate=False)

    if TYPE_CHECKING:  # Textual's overloads, as they are

        @overload
        def push_screen(
            self,
            screen: Screen[ScreenResultType] | str,
            callback: ScreenResultCallbackType[ScreenResultType] | None = None,
            wait_for_dismiss: Literal[False] = False,
            *,
            mode: str | None = None,
        ) -> AwaitMount: ...

        @overload
        def push_screen(
            self,
            screen: Screen[ScreenResultType] | str,
            callback: ScreenResultCallbackType[ScreenResultType] | None = None,
            wait_for_dismiss: Literal[True] = True,
            *,
            mode: str | None = None,
        ) -> asyncio.Future[ScreenResultType]: ...

    def push_screen(
        self,
        screen: Screen[ScreenResultType] | str,
        callback: ScreenResultCallbackType[ScreenResultType] | None = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> AwaitMount | asyncio.Future[ScreenResultType]:
        """Textual's push_screen (a dialog, the session, the palette...), with every stylesheet read first."""
        self._load_deferred_css()
        if wait_for_dismiss:
            return super().push_screen(screen, callback, True, mode=mode)
        return super().push_screen(screen, callback, False, mode=mode)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's switch_mode (another view), with every stylesheet read first."""
        self._load_deferred_css()
        return super().switch_mode(mode)

    def _stop_blinking(self, screen: Screen[object]) -> None:
        def stop() -> None:
            for widget in screen.query("Input, TextArea"):
                widget.cursor_blink = False  # type: ignore[attr-defined]

        screen.call_after_refresh(stop)

    @property
    def in_session(self) -> bool:
        return self.session_screen is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            # Views wait for the first load (one thread opens the store) and never leave a running session;
            # the footer leaves out the view you are on. (A view key pressed before the first load is done is
            # kept by Today and followed then: action_view.)
            if self._showing_store_error():
                return False
            return self.ready and not self.in_session and parameters[:1] != (self.current_mode,)
        return True

    def _showing_store_error(self) -> bool:
        """The store error screen is up (its module is imported with it: none can be up before)."""
        module = sys.modules.get("tracker.ui.screens.store_error")
        return module is not None and isinstance(self.screen, module.StoreErrorScreen)

    # Data ------------------------------------------------------------------

    def data_loaded(self) -> None:
        """Called by Today after each successful load (store open, settings read)."""
        first = not self.ready
        self.ready = True
        self.store_error = None
        if first:
            self.call_after_refresh(self._start_up_done)  # after the frame that shows the data
            self.call_after_refresh(self._load_deferred_css)  # after the frame that shows the data
            self.refresh_bindings()
            settings = self.service.settings
            if settings.theme in self.available_themes and settings.theme != self.theme:
                self.theme = settings.theme
        if not self._safety_checked:
            self._safety_checked = True
            if not self.service.settings.safety_note_seen:
                from .dialogs.safety import SafetyNoteScreen

                self.push_screen(SafetyNoteScreen(), callback=self._safety_note_closed)
        if self.start_with and self.service.settings.safety_note_seen and not self.in_session:
            routine_id, self.start_with = self.start_with, None
            self.start_routine(routine_id)
        mode, self._view_after_load = self._view_after_load, None
        if mode is not None and self.screen is self.views.get("today"):  # nothing opened over Today meanwhile
            self.action_view(mode)
        if not self._in_progress_checked and not self._cut_off_due:
            self._cut_off_due = True
            self.call_after_refresh(
                self._check_cut_off
            )  # its thread starts after the frame that shows the data

    def _check_cut_off(self) -> None:
        self._in_progress_checked = True
        self._find_cut_off()

    def _safety_note_closed(self, _: None) -> None:
        self._mark_safety_seen()

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _mark_safety_seen(self) -> None:
        self._save_settings(replace(self.service.settings, safety_note_seen=True))

    def _save_settings(self, settings: Settings) -> bool:
        """Save from a worker thread; a failure is shown, not raised."""
        try:
            self.service.save_settings(settings)
        except Exception as error:
            self.call_from_thread(self.notify, f"Settings not saved: {error}", severity="error")
            return False
        return True

    def refresh_views(self) -> None:
        """After a session is saved: every view that shows data reloads it."""
        for screen in self.views.values():
            refresh = getattr(screen, "refresh_data", None)
            if callable(refresh):
                refresh()

    def show_error(self, error: BaseException) -> None:
        """A store error gets a readable screen; anything else a notification."""
        self._start_up_done()
        if is_store_error(error):
            from .screens.store_error import StoreErrorScreen

            self.store_error = error
            if not isinstance(self.screen, StoreErrorScreen):
                self.push_screen(StoreErrorScreen(error), callback=lambda _: self.refresh_views())
        else:
            self.log.error(repr(error))
            self.notify(
                f"{type(error).__name__}: {error}", title="Something went wrong", severity="error", timeout=10
            )

    # Sessions --------------------------------------------------------------

    def start_routine(self, routine_id: str) -> None:
        """Run a routine now (the bridge program at today's prescription)."""
        if self.in_session:
            self.notify("A session is already running.")
            return
        if self.current_mode != "today":
            self.switch_mode("today")
        self._prepare(routine_id)

    @work(thread=True, exclusive=True, group="start", exit_on_error=False)
    def _prepare(self, routine_id: str) -> None:
        try:
            from .screens import session  # noqa: F401 - imported here, off the event loop

            routine = self.service.routine(routine_id)
            self.service.settings  # noqa: B018 - opens the store here, not on the event loop
        except KeyError:
            self.call_from_thread(self.notify, f"No routine called {routine_id!r}.", severity="error")
            return
        except Exception as error:
            self.call_from_thread(self.show_error, error)
            return
        session_id = str(uuid.uuid4())
        try:
            checkpoint = self.service.in_progress.begin(session_id)
        except Exception as error:  # an unwritable home: the session runs, saved at the end as before
            checkpoint = None
            self.call_from_thread(self.notify, f"This session has no checkpoint: {error}", severity="warning")
        self.call_from_thread(self._run, routine, session_id=session_id, checkpoint=checkpoint)

    def resume_session(
        self, routine: Routine, runner: Runner, started_at: datetime, *, session_id: str, checkpoint: CheckpointFile,
        zone: str | None, prescription: Prescription | None, pain_before: int | None,
    ) -> None:  # fmt: skip
        """Run a session cut off from where it stopped (tracker.ui.resume_flow); its end offers the next one."""
        self._offering = False
        self._run(
            routine, runner=runner, started_at=started_at, session_id=session_id, checkpoint=checkpoint, zone=zone,
            prescription=prescription, pain_before=pain_before,
        )  # fmt: skip

    def _run(
        self, routine: Routine, runner: Runner | None = None, started_at: datetime | None = None, *,
        session_id: str | None = None, checkpoint: CheckpointFile | None = None, zone: str | None = None,
        prescription: Prescription | None = None, pain_before: int | None = None,
    ) -> None:  # fmt: skip
        from .screens.session import SessionScreen

        if self.in_session:
            if checkpoint is not None and runner is None:
                checkpoint.remove()  # a new one holds nothing yet but its lock
            elif checkpoint is not None:
                checkpoint.release()  # a resumed one stays for later
            return
        service = self.service
        ask_pain = runner is None  # a new session asks the pain before its first count
        runner = runner or service.start_run(routine, self.clock)
        self.clear_notifications()  # nothing covers the count or the it-hurts key
        self.session_screen = SessionScreen(
            service, routine, runner, started_at or service.now(), self.clock, session_id=session_id, checkpoint=checkpoint,
            zone=zone, prescription=prescription, pain_before=pain_before, ask_pain=ask_pain,
        )  # fmt: skip
        self.push_screen(self.session_screen, callback=self._session_ended)

    def _session_ended(self, saved: Session | None) -> None:
        self.session_screen = None
        self.refresh_bindings()
        if saved is not None:
            if saved.hurt:
                self.notify(
                    "Saved, with where it hurt. Rest now; the next session will not ask for more.",
                    title="Saved",
                )
            else:
                self.notify("Session saved. See you tomorrow.", title="Saved")
            self.refresh_views()
        self.offer_next()

    # Sessions cut off (tracker.resume) -----------------------------------------

    @work(thread=True, exclusive=True, group="in-progress", exit_on_error=False)
    def _find_cut_off(self) -> None:
        try:
            settled = self.service.in_progress.settle()
        except Exception as error:  # never stops the app: say so and go on
            self.call_from_thread(
                self.notify, f"Could not look for a session in progress: {error}", severity="warning"
            )
            return
        self.call_from_thread(self._cut_off_found, settled)

    def _cut_off_found(self, settled: Settled) -> None:
        from .resume_flow import tell_settled

        tell_settled(self, settled)
        if settled.saved:
            self.refresh_views()
        self.offers.extend(settled.offer)
        self.offer_next()

    def offer_next(self) -> None:
        """Offer the next session cut off, if any and if nothing else is going on."""
        if self._offering or self.in_session or not self.offers:
            return
        from .resume_flow import offer

        self._offering = True
        offer(self, *self.offers.pop(0))

    def offer_done(self) -> None:
        self._offering = False
        self.offer_next()

    # Actions ---------------------------------------------------------------

    def action_view(self, mode: str) -> None:
        if not self.ready:  # Today's first load is under way: go there once it is done (data_loaded)
            if not (self._showing_store_error() or self.in_session or mode == self.current_mode):
                self._view_after_load = mode
            return
        if not self.check_action("view", (mode,)):
            return
        self.switch_mode(mode)
        self.refresh_bindings()
        self.catch_up()

    def on_app_focus(self) -> None:
        self.catch_up()

    def catch_up(self) -> None:
        """Show what another process saved meanwhile (`backroll log` in another terminal)."""
        if not self.in_session:  # read the screen stack here, on the event loop, not in the worker
            self._catch_up()

    @work(thread=True, exclusive=True, group="catch-up", exit_on_error=False)
    def _catch_up(self) -> None:
        try:
            changed = self.service.refresh_history()
        except Exception as error:  # a file damaged meanwhile: the readable error screen
            self.call_from_thread(self.show_error, error)
            return
        if changed:
            self.call_from_thread(self.refresh_views)

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        if self.session_screen is not None and self.screen is self.session_screen:
            self.session_screen.action_stop()
            return
        self.exit()

    def action_safety_note(self) -> None:
        from .dialogs.safety import SafetyNoteScreen

        self.push_screen(SafetyNoteScreen())

    def action_toggle_sound(self) -> None:
        self._toggle("sound", "Sound")

    def action_toggle_flash(self) -> None:
        self._toggle("flash", "Flash at each change")

    def action_toggle_voice(self) -> None:
        if not self.cue_player.voice_available:
            self.notify(
                "Spoken cues need espeak-ng (apt install espeak-ng) or macOS's say; neither is installed.",
                severity="warning",
            )
            return
        self._toggle("voice", "Spoken cues")

    @work(thread=True, exclusive=True, group="settings", exit_on_error=False)
    def _toggle(self, field: Literal["sound", "flash", "voice"], label: str) -> None:
        settings = self.service.settings
        value = not getattr(settings, field)
        if field == "sound":
            toggled = replace(settings, sound=value)
        elif field == "flash":
            toggled = replace(settings, flash=value)
        else:
            toggled = replace(settings, voice=value)
        if self._save_settings(toggled):
            self.call_from_thread(self.notify, f"{label} {'on' if value else 'off'}.")
            settings_view = self.views.get("settings")
            if settings_view is not None and hasattr(settings_view, "refresh_data"):
                self.call_from_thread(settings_view.refresh_data)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def action_export(self) -> None:
        try:
            path = self.service.export_history()
        except Exception as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error", timeout=10)
            return
        self.call_from_thread(self.notify, f"History exported to {path}", title="Exported", timeout=10)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def action_report(self, fmt: str = "html") -> None:
        """The practice report of the last 12 weeks (HTML, or PDF through Chromium) in the data folder."""
        self.call_from_thread(self.notify, "Writing the practice report…", timeout=3)
        try:
            path = self.service.write_report(fmt)
        except Exception as error:  # no Chromium for a PDF (names the package), a full disk...
            self.call_from_thread(
                self.notify, f"The report was not written: {error}", severity="error", timeout=15
            )
            return
        self.call_from_thread(
            self.notify,
            f"Practice report written to {path}: open it in a browser, or print it.",
            title="Report",
            timeout=15,
        )


def make_app(
    service: Backroll | Callable[[], Backroll], *, clock: Clock = time.monotonic, cursor_blink: bool = True,
    voice_program: str | None = None, audio_player: str | None = None, web: bool = False, start: str | None = None,
) -> BackrollApp:  # fmt: skip
    """The one factory the CLI, the screenshots script and the tests share (web: served, cues play in the browser).
    `service`: the service, or a function that opens it on first use (BackrollApp.service)."""
    return BackrollApp(
        service,
        clock=clock,
        cursor_blink=cursor_blink,
        voice_program=voice_program,
        audio_player=audio_player,
        web=web,
        start=start,
    )


if TYPE_CHECKING:

    def _is_app_like(app: BackrollApp) -> AppLike:
        """mypy checks here that the app gives the rest of tracker/ui what tracker.ui.protocol.AppLike promises."""
        return app
