"""Cues you can hear from the mat: the terminal bell, and spoken words through espeak-ng when present.

Speaking runs in a thread worker so a slow synthesiser never stalls the
countdown; a new cue replaces one still being spoken (exclusive group).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from textual.app import App

# Cue kinds that mark a change worth a sound; per-count cues stay silent.
AUDIBLE = frozenset({"phase", "side", "step", "end", "hurt"})
VOICES = ("espeak-ng", "espeak")


def find_voice() -> str | None:
    """The path of a speech synthesiser on PATH, or None."""
    for name in VOICES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _speak(program: str, text: str) -> None:
    try:
        subprocess.run(
            [program, "-s", "150", text],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        pass  # a missing or broken synthesiser must never break a session


class CuePlayer:
    """Turns runner cues into a bell and, optionally, a spoken word."""

    def __init__(self, app: App[Any], *, voice_program: str | None = None) -> None:
        self.app = app
        self.voice_program = voice_program if voice_program is not None else find_voice()
        self.spoken: list[str] = []  # what was sent to the synthesiser; tests read it

    @property
    def voice_available(self) -> bool:
        return bool(self.voice_program)

    def play(self, cues: Iterable[object], *, sound: bool, voice: bool) -> None:
        audible = [cue for cue in cues if getattr(cue, "kind", "") in AUDIBLE]
        if not audible:
            return
        if sound:
            self.app.bell()
        if voice and self.voice_program:
            text = ". ".join(str(getattr(cue, "text", "")) for cue in audible if getattr(cue, "text", ""))
            if text:
                self.say(text)

    def say(self, text: str) -> None:
        self.spoken.append(text)
        program = self.voice_program
        if not program or self.app.is_headless:
            return
        self.app.run_worker(
            lambda: _speak(program, text),
            thread=True,
            exclusive=True,
            group="voice",
            name="speak",
            exit_on_error=False,
        )
