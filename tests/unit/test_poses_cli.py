"""`backroll poses [ID] [--json]` through real processes, against the shape the README documents."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.unit.test_cli import ok, run
from tracker.model.figure import JOINTS


def check_figure(figure: dict) -> None:
    assert set(figure) == {"view", "floor", "bones", "keyframes"}
    assert figure["view"] in ("side", "front") and isinstance(figure["floor"], bool)
    joints = set()
    for bone in figure["bones"]:
        assert isinstance(bone, list) and len(bone) == 2 and all(j in JOINTS[figure["view"]] for j in bone)
        joints.update(bone)
    assert isinstance(figure["keyframes"], dict) and figure["keyframes"]
    for name, points in figure["keyframes"].items():
        assert isinstance(name, str) and set(points) == joints
        for x, y in points.values():
            assert math.isfinite(x) and math.isfinite(y)
            if figure["floor"]:
                assert y >= 0  # y up, the floor at y = 0


def test_poses_json_gives_every_pose_with_its_figure(tmp_path: Path) -> None:
    data = json.loads(ok(run(tmp_path / "home", "poses", "--json")).stdout)
    assert set(data) == {"version", "poses"} and data["version"] == 1
    assert len(data["poses"]) == 41
    for pose in data["poses"]:
        assert set(pose) == {"id", "name", "sided", "figure"}
        assert isinstance(pose["sided"], bool) and pose["name"]
        check_figure(pose["figure"])
    bridge = next(p for p in data["poses"] if p["id"] == "bridge")
    assert list(bridge["figure"]["keyframes"]) == ["floor", "top"]
    assert not (tmp_path / "home").exists()  # reading the library writes nothing


def test_poses_id_json_is_one_pose_and_text_draws_it(tmp_path: Path) -> None:
    data = json.loads(ok(run(tmp_path, "poses", "low-lunge", "--json")).stdout)
    assert [p["id"] for p in data["poses"]] == ["low-lunge"] and data["poses"][0]["sided"] is True
    drawn = ok(run(tmp_path, "poses", "bridge")).stdout
    assert "floor:" in drawn and "top:" in drawn
    assert sum(1 for ch in drawn if 0x2801 <= ord(ch) <= 0x28FF) > 50  # braille dots
    listing = ok(run(tmp_path, "poses")).stdout.splitlines()
    assert len(listing) == 42 and listing[0].startswith("ID")


def test_an_unknown_pose_is_refused_with_a_clear_line(tmp_path: Path) -> None:
    done = run(tmp_path, "poses", "brige")
    assert done.returncode == 1 and "unknown pose 'brige'" in done.stderr and not done.stdout
