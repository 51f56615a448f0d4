"""Cues you can tell apart (tracker.cues): each phase change its own sound, bell pattern and words."""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import pytest

from tests.support import FakeClock
from tracker.cues import (
    SOUNDS,
    CuePrograms,
    SoundFiles,
    describe,
    find_audio_player,
    find_voice,
    sound_for,
    spoken_text,
    voice_command,
    wave_bytes,
)
from tracker.model import Phase
from tracker.runner import Cue
from tracker.service import Backroll


@pytest.fixture
def service(tmp_path: Path):
    with Backroll(tmp_path / "home") as service:
        yield service


def test_each_phase_change_of_a_real_run_emits_its_own_cue(service: Backroll) -> None:
    """Raise, lower and a hold (the bridge at a level with a hold): each change plays the sound of the phase begun."""
    from tracker.model import Prescription

    clock = FakeClock()
    routine = service.routine("bridge", Prescription(2, 4, 3))
    runner = service.start_run(routine, clock)
    runner.start()
    heard: list[tuple[str, str]] = []
    while not runner.done:
        cues = runner.poll()
        sound = sound_for(cues)
        view = runner.view()
        if sound is not None:
            heard.append((str(view.phase.value) if view.phase else "end", sound.name))
        else:
            assert all(cue.kind == "count" for cue in cues)  # counts are silent
        clock.advance(1.0)
    by_phase = dict(heard)
    assert by_phase == {"raise": "raise", "hold": "hold", "lower": "lower", "end": "end"}
    back_roll = [name for phase, name in heard[16 : 16 + 6]]
    assert back_roll == ["raise", "hold", "lower", "raise", "hold", "lower"]  # every change, not only some


def test_the_sounds_differ_in_shape_rising_long_falling() -> None:
    rise, hold, lower = SOUNDS["raise"], SOUNDS["hold"], SOUNDS["lower"]
    assert len(rise.tones) == 2 and rise.tones[0].hertz < rise.tones[1].hertz
    assert len(hold.tones) == 1 and hold.tones[0].seconds >= 3 * max(t.seconds for t in rise.tones)
    assert len(lower.tones) == 2 and lower.tones[0].hertz > lower.tones[1].hertz
    # Without an audio player the bell pattern still tells them apart.
    assert len({rise.bells, hold.bells, lower.bells}) == 3
    assert len({sound.tones for sound in SOUNDS.values()}) == len(SOUNDS)


def test_hurt_and_end_win_over_the_phase_begun_with_them() -> None:
    raise_cue = Cue("phase", Phase.RAISE, "Raise", 0.0)
    assert sound_for([Cue("count", Phase.RAISE, "2", 0.0, count=2)]) is None
    assert sound_for([Cue("step", Phase.RAISE, "Back roll", 0.0), raise_cue]) == SOUNDS["raise"]
    assert sound_for([raise_cue, Cue("end", None, "Session complete", 1.0)]) == SOUNDS["end"]
    assert sound_for([raise_cue, Cue("hurt", None, "Stopped", 1.0)]) == SOUNDS["hurt"]
    assert sound_for([Cue("phase", Phase.OBSERVE, "Which side?", 0.0)]) == SOUNDS["question"]
    assert (
        spoken_text([Cue("side", Phase.HOLD, "Left side", 0.0), Cue("phase", Phase.HOLD, "Hold", 0.0)])
        == "Left side. Hold"
    )


def test_the_tones_are_a_playable_wav_of_the_right_length() -> None:
    data = wave_bytes(SOUNDS["raise"])
    with wave.open(io.BytesIO(data)) as read:
        assert (read.getnchannels(), read.getsampwidth()) == (1, 2)
        seconds = read.getnframes() / read.getframerate()
    assert seconds == pytest.approx(0.16 + 0.22 + 2 * 0.05, abs=0.01)
    files = SoundFiles()
    try:
        path = files.path(SOUNDS["hold"])
        assert path.read_bytes() == wave_bytes(SOUNDS["hold"])
        assert (path.parent.stat().st_mode & 0o777) == 0o700
    finally:
        files.remove()
    assert not path.exists()


def test_players_and_voices_are_found_on_path_in_order(tmp_path: Path, monkeypatch) -> None:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    monkeypatch.setenv("PATH", str(bin_))
    assert find_audio_player() is None and find_voice() is None
    for name in ("say", "aplay", "espeak-ng"):
        (bin_ / name).write_text("#!/bin/sh\n")
        os.chmod(bin_ / name, 0o755)
    assert find_audio_player() == (str(bin_ / "aplay"), ("-q",))
    voice = find_voice()
    assert voice is not None and voice[0] == str(bin_ / "espeak-ng")  # espeak-ng before macOS say
    (bin_ / "espeak-ng").unlink()
    voice = find_voice()
    assert voice is not None and voice_command(voice, "Raise") == [str(bin_ / "say"), "-r", "170", "Raise"]


def test_the_programs_for_the_app_and_plain_mode_are_looked_for_given_or_none(
    tmp_path: Path, monkeypatch
) -> None:
    """One rule for both (tracker.cues.CuePrograms): None looks on PATH, "" is none, a path is that program."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for name in ("aplay", "espeak-ng"):
        (bin_ / name).write_text("#!/bin/sh\n")
        os.chmod(bin_ / name, 0o755)
    monkeypatch.setenv("PATH", str(bin_))
    found = CuePrograms()
    try:
        assert found.player == (str(bin_ / "aplay"), ("-q",))
        command = found.sound_command(SOUNDS["hold"])
        assert command is not None and command[:2] == [str(bin_ / "aplay"), "-q"]
        assert Path(command[2]).read_bytes() == wave_bytes(SOUNDS["hold"])
        assert found.say_command("Raise") == [str(bin_ / "espeak-ng"), "-s", "150", "Raise"]
    finally:
        found.remove_files()
    none = CuePrograms(player="", voice="")
    assert none.sound_command(SOUNDS["hold"]) is None and none.say_command("Raise") is None
    given = CuePrograms(player="/opt/play", voice="/usr/bin/say")
    assert given.player == ("/opt/play", ()) and given.say_command("Raise") == [
        "/usr/bin/say",
        "-r",
        "170",
        "Raise",
    ]
    assert CuePrograms(voice="/opt/espeak").say_command("Hold") == ["/opt/espeak", "-s", "150", "Hold"]


def test_describe_says_the_step_the_rep_the_phase_and_its_length(service: Backroll) -> None:
    clock = FakeClock()
    runner = service.start_run(service.routine("bridge"), clock)
    runner.start()
    assert describe(runner.view()) == "Hip rocks, lift 1 of 8: raise, 2 counts"
    runner.skip()
    runner.poll()
    assert describe(runner.view()) == "Back roll, lift 1 of 2: raise, 4 counts"
    clock.advance(4.0)
    runner.poll()
    assert describe(runner.view()) == "Back roll, lift 1 of 2: lower, 4 counts"
    runner.hurt()
    assert describe(runner.view()) == "Stopped because it hurts."


def test_describe_asks_the_question_of_an_observation(service: Backroll) -> None:
    runner = service.start_run(service.routine("pelvic-tilt-check"), FakeClock())
    runner.start()
    view = runner.view()
    assert view.question
    assert describe(view) == f"{view.title}. {view.question}"
