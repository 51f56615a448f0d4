"""The command palette: every palette provider of the app, in one place.

`BackrollCommands` offers the app's actions (views, routines, sound,
export, help); `ScreenActions` offers the calling screen's own keys (a
screen opts in with `COMMANDS = {ScreenActions}`), which is how the runner's
keys (pause, skip, back, it hurts, stop) reach the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .protocol import AppLike, backroll_of

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


def first_sentence(text: str, limit: int = 70) -> str:
    sentence = text.split(". ")[0].strip().rstrip(".")
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence or "Run this routine"


def app_commands(app: AppLike, screen: Screen[object]) -> list[Command]:
    """Every action that makes sense from `screen` (the screen under the palette)."""
    commands: list[Command] = []
    if not app.in_session:  # a running session's own keys come from its ScreenActions
        for mode, title in app.VIEWS:
            commands.append(
                Command(f"Go to {title}", f"Show the {title} view", partial(app.action_view, mode))
            )
        library = app.service.library
        for program in library.programs.values():
            commands.append(
                Command(
                    f"Start: {program.name}",
                    "At today's prescription",
                    partial(app.start_routine, program.id),
                )
            )
        for routine in sorted(library.routines.values(), key=lambda r: r.name.lower()):
            commands.append(
                Command(
                    f"Start: {routine.name}",
                    first_sentence(routine.summary),
                    partial(app.start_routine, routine.id),
                )
            )
        commands.append(
            Command(
                "Export history (JSON)",
                "Write every session to a file in your data folder",
                app.action_export,
            )
        )
        commands.append(
            Command(
                "Practice report (HTML)",
                "The last 12 weeks on one printable page, for a trainer or doctor",
                partial(app.action_report, "html"),
            )
        )
        commands.append(
            Command(
                "Practice report (PDF)",
                "The same report as a PDF (needs Chromium installed)",
                partial(app.action_report, "pdf"),
            )
        )
        commands.append(
            Command(
                "Show the safety note", "Talk to a doctor first; stop if it hurts", app.action_safety_note
            )
        )
    commands += [
        Command(
            "Toggle sound",
            "A sound for each phase: rising to raise, long to hold, falling to lower",
            app.action_toggle_sound,
        ),
        Command(
            "Toggle spoken cues",
            "Speak each phase through espeak-ng or macOS say, when installed",
            app.action_toggle_voice,
        ),
        Command("Toggle the flash", "Flash the session screen at each change", app.action_toggle_flash),
        Command("Help", "Keys and how Backroll works", app.action_help),
        Command("Quit", "Leave Backroll", app.action_quit),
    ]
    return commands


def binding_name(binding: Binding) -> str:
    """A key's name in Help and the palette: the tooltip's full words where the footer shows a short one
    ("Edit note" for the footer's "Note")."""
    return binding.tooltip or binding.description


class BackrollCommands(Provider):
    """Command palette source for Backroll's own actions."""

    def _commands(self) -> list[Command]:
        return app_commands(backroll_of(self.app), self.screen)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


class ScreenActions(Provider):
    """The calling screen's own bindings (History: delete, undo; Session: pause, it hurts...).

    Set `COMMANDS = {ScreenActions}` on a Screen: Textual merges it with the
    app's providers, so the palette reaches every action a screen has a key for.
    """

    def _actions(self) -> Iterator[tuple[str, str, Binding]]:
        screen = self.screen
        title = getattr(screen, "TITLE", None) or type(screen).__name__
        for item in type(screen).BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description:
                continue
            action, _, _ = binding.action.partition("(")
            if screen.check_action(action, ()) is not True:
                continue  # disabled or hidden right now (e.g. nothing to undo)
            key = self.app.get_key_display(Binding(binding.key.split(",")[0], ""))
            yield f"{title}: {binding_name(binding)}", f"Key: {key}", binding

    def _run(self, binding: Binding) -> object:
        return self.screen.run_action(binding.action)

    async def discover(self) -> Hits:
        for name, help_text, binding in self._actions():
            yield DiscoveryHit(name, partial(self._run, binding), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, binding in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, binding), help=help_text)
