"""The before-you-start card (tracker.briefing), `backroll routines ID`, and `backroll check` on the shipped files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.briefing import before_you_start
from tracker.content import check_file, load_builtin
from tracker.model import Prop, Settings
from tracker.plan import planned_seconds

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_builtin()


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    environ["TZ"] = "Europe/London"
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(home), *args],
        cwd=ROOT, capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


def test_the_class_card_names_props_time_at_the_tempo_cautions_and_room():
    routine = LIBRARY.routines["back-strengthening-30"]
    slow = Settings(tempo=1.5, breath_seconds=6.0)
    card = before_you_start(routine, slow)
    assert card.props == (Prop("mat"), Prop("strap"), Prop("block", 2), Prop("blanket", 1, True))
    assert card.needed == ("a mat", "a strap", "2 blocks") and card.optional == ("a blanket",)
    assert card.seconds == planned_seconds(routine, slow) > planned_seconds(routine, Settings())
    lines = card.lines()
    assert "Have at hand: a mat, a strap, 2 blocks" in lines
    assert "If you like: a blanket" in lines
    assert any(line.startswith("Time: ") and "1.5 s a count" in line for line in lines)
    assert any(line.startswith("Room: ") for line in lines)
    assert all(f"  - {c}" in lines for c in routine.cautions)


def test_a_routine_without_room_or_props_says_so_plainly():
    card = before_you_start(LIBRARY.routines["pelvic-tilt-check"], Settings())
    lines = card.lines()
    assert not any(line.startswith("Room:") for line in lines)
    assert lines[2].startswith("Have at hand: ")


def test_backroll_routines_id_prints_the_card_and_json(tmp_path):
    home = tmp_path / "home"
    human = run(home, "routines", "back-strengthening-30")
    assert human.returncode == 0, human.stderr
    assert "Before you start: Back strengthening, 30 minutes" in human.stdout
    assert "Have at hand: a mat, a strap, 2 blocks" in human.stdout
    assert "Room: " in human.stdout and "Time: 28:28 at 1 s a count" in human.stdout
    data = json.loads(run(home, "routines", "floor-flow", "--json").stdout)
    assert (
        data["version"] == 1
        and data["id"] == "floor-flow"
        and any("Samabhasana" in note for note in data["notes"])
    )
    assert {"id": "mat", "count": 1, "optional": False} in data["props"]
    unknown = run(home, "routines", "no-such-routine")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("backroll: There is no routine 'no-such-routine'; known routines: ")
    assert (
        unknown.stderr.endswith(".\n") and len(unknown.stderr.splitlines()) == 1
    )  # like every other refusal


SHIPPED = sorted(p for p in (ROOT / "content").rglob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_check_accepts_every_shipped_file(path):
    assert check_file(path) == []


def test_backroll_check_accepts_a_shipped_file_and_names_a_broken_copy(tmp_path):
    shipped = ROOT / "content" / "routines" / "back-strengthening-30.toml"
    result = run(tmp_path / "home", "check", str(shipped))
    assert result.returncode == 0 and result.stdout.strip().endswith(": valid"), result.stderr
    broken = tmp_path / "class.toml"
    text = shipped.read_text().replace('id = "back-strengthening-30"', 'id = "my-class"')
    broken.write_text(
        text.replace(
            'sequence = "lunge-to-split"\ntighter_extra',
            'sequence = "lunge-to-split"\nsides = "left"\ntighter_extra',
            1,
        )
    )
    result = run(tmp_path / "home", "check", str(broken))
    line = text.splitlines().index('sequence = "lunge-to-split"') + 2
    assert (
        result.returncode == 1
        and f"{broken}:{line}: routine.steps[1].sides: a sequence runs on one side" in result.stderr
    )
