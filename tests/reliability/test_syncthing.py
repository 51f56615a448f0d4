"""Issue 18 end to end: two Backroll homes whose data folders two REAL Syncthing instances keep in sync.

Both instances run on 127.0.0.1 only (tests/reliability/syncthing.py: their
own config folders, free ports, discovery, relays, NAT and reporting off).
Sessions are logged on both sides by real `backroll log` processes while the
link is paused, then it is resumed: both homes must end with the same
sessions (count and content), every logged session present, and no conflict
copy left unmerged in either data folder. A second round makes Syncthing
produce a real conflict copy (an old Backroll writing the single-machine
file name on both sides) and checks it is merged and set aside on both.

Skipped when the `syncthing` binary is missing, except under CI (CI=true),
where a missing Syncthing fails: `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from reliability.syncthing import SyncthingPair, syncthing_binary

ROOT = Path(__file__).resolve().parents[2]


def _need_syncthing() -> str:
    binary = syncthing_binary()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("syncthing is not installed; under CI it must be (.ci/run installs it with apt-get)")
        pytest.skip("syncthing is not installed (apt-get install syncthing)")
    return binary


def backroll(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    env["TZ"] = "Europe/Paris"
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--home", str(home), *args],
        cwd=ROOT, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, f"backroll {' '.join(args)}: {result.stderr}"
    return result


def exported(home: Path) -> list[dict[str, object]]:
    sessions = json.loads(backroll(home, "export").stdout)["sessions"]
    return sorted(sessions, key=lambda s: str(s["id"]))


def leftovers(home: Path) -> list[str]:
    names = [p.name for p in (home / "data").iterdir()]
    return [n for n in names if "sync-conflict" in n or "conflicted copy" in n]


def test_two_real_syncthing_instances_carry_both_homes_to_the_same_history() -> None:
    binary = _need_syncthing()
    with tempfile.TemporaryDirectory(prefix="backroll-syncthing-") as tmp:  # removed whatever happens
        _two_instances(binary, Path(tmp))
    assert not Path(tmp).exists()


def _two_instances(binary: str, tmp_path: Path) -> None:
    a, b = tmp_path / "laptop", tmp_path / "desktop"
    for home in (a, b):
        backroll(home, "sync-check")  # creates the home: data folder, device id, meta.json, .stignore
    with SyncthingPair(tmp_path, a / "data", b / "data", binary) as pair:
        pair.start()
        pair.settle()
        addresses = pair.peer_addresses()
        assert addresses and all(addr.startswith("127.0.0.1:") for addr in addresses), (
            addresses
        )  # loopback only

        pair.pause()
        for i, day in enumerate(("2026-11-20", "2026-11-21", "2026-11-22")):
            backroll(
                a,
                "log",
                "bridge",
                "--date",
                f"{day} 07:3{i}",
                "--lifts",
                "3",
                "--count",
                "4",
                "--hold",
                "0",
                "--note",
                f"laptop {i}",
            )
            backroll(b, "log", "floor-flow", "--date", f"{day} 19:1{i}", "--note", f"desktop {i}")
        backroll(a, "usual-pain", "2", "--date", "2026-11-01")
        assert len(exported(a)) == 3 and len(exported(b)) == 3  # apart: each has its own
        pair.resume()
        pair.settle()

        for home in (a, b):
            backroll(home, "status")  # reads (and would merge) whatever arrived
        left, right = exported(a), exported(b)
        assert len(left) == len(right) == 6
        assert left == right  # the same sessions, field for field
        notes = sorted(str(s["checkin"]["note"]) for s in left)  # type: ignore[index]
        assert notes == [f"desktop {i}" for i in range(3)] + [f"laptop {i}" for i in range(3)]
        assert leftovers(a) == leftovers(b) == []
        check = json.loads(backroll(b, "sync-check", "--json").stdout)
        assert sorted(d["sessions"] for d in check["devices"]) == [3, 3]
        assert sum(d["usual_pain_records"] for d in check["devices"]) == 1

        # Round 2: an old, single-machine Backroll on both sides writes the same file name while apart;
        # Syncthing keeps one version and makes a conflict copy of the other.
        pair.pause()
        old = {}
        for home, hour in ((a, 6), (b, 20)):
            sid = str(uuid.uuid4())
            doc = dict(
                left[0], id=sid, started_at=f"2026-12-01T{hour:02d}:00:00+01:00", local_date="2026-12-01"
            )
            (home / "data" / "sessions-2026-12.json").write_text(json.dumps({"sessions": {"1": doc}}))
            os.chmod(home / "data" / "sessions-2026-12.json", 0o600)
            old[home] = sid
        pair.resume()
        pair.settle()
        for _ in range(
            3
        ):  # each side merges what arrived and sets the copy aside; Syncthing carries the result
            for home in (a, b):
                backroll(home, "status")
            pair.settle()
        left, right = exported(a), exported(b)
        assert left == right and len(left) == 8
        assert set(old.values()) <= {str(s["id"]) for s in left}
        assert leftovers(a) == leftovers(b) == []
        aside = list((a / "sync-conflicts").glob("*")) + list((b / "sync-conflicts").glob("*"))
        assert any("sync-conflict" in p.name for p in aside), "Syncthing made no conflict copy in round 2"
        assert "merged and set aside" in backroll(a, "status").stdout + backroll(b, "status").stdout
