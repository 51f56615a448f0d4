"""Issue 24: hostile peers. What another device (or anyone who can write into the synced data folder) puts in
`<home>/data` never crashes a command (exit 4), never stops this device saving, never changes what this
device saved, and the history stays readable and exportable.

Two parts, both used by `make reliability` (`peers`) and by tests/unit/test_hostile_sync.py:

- ATTACKS: each attack of the issue, reproduced for real: two homes, real files in data/, real `backroll`
  processes (`python -m tracker`), and the Store API only where no command exists (a delete, a settings
  change, which the app makes). Each returns its problems (empty: it held) and how much it lost.
- `arrivals` (hypothesis): any bytes, names and file kinds (regular files, links, pipes, folders) arriving
  in data/ next to this device's files: the Store opens, reads, exports, saves and reopens (in process, for
  many examples), with this device's own records unchanged; `real_runs` runs a few of them through real
  `backroll` processes.

Rows: tried / survived ("held") / lost (a session this device saved, missing or changed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st

from tests.sync_engine import device_id, sync
from tracker.model import CheckIn, UsualPain
from tracker.store import Store
from tracker.store.devices import DEVICE_FORMAT, machine_key

from .scenarios import Tally, run_cli, temp_root, timed
from .store_worker import make_session

Result = tuple[list[str], int]  # (problems, sessions lost)
PEER = "peer-0a1b2c"  # a device id that is not this one's
COMMANDS: tuple[tuple[str, ...], ...] = (("status",), ("log", "bridge"), ("export",), ("sync-check",))


# ----------------------------------------------------------------------------- homes


def make_home(home: Path, device: str | None = None, *logs: tuple[str, ...]) -> Path:
    """A home made by real `backroll log` runs; `device` fixes its device id (as device.json holds it)."""
    if device is not None:
        home.mkdir(parents=True, mode=0o700)
        (home / "device.json").write_text(
            json.dumps({"format": DEVICE_FORMAT, "id": device, "machines": {machine_key(): device}})
        )
    for args in logs or (("bridge", "--date", "2026-12-01 07:30", "--note", "logged here"),):
        done = run_cli(home, "log", *args)
        assert done.returncode == 0, done.stderr
    return home


def own_month(home: Path, month: str = "2026-12") -> Path:
    return home / "data" / f"sessions-{month}.{device_id(home)}.json"


def crashed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode == 4 or "Traceback" in result.stderr or "unexpected error" in result.stderr


def all_commands_work(home: Path, label: str, commands: tuple[tuple[str, ...], ...] = COMMANDS) -> list[str]:
    """Every command exits 0 (within the timeout: a pipe is never waited on), without a traceback."""
    problems = []
    for args in commands:
        try:
            result = run_cli(home, *args, timeout=60)
        except subprocess.TimeoutExpired:
            problems.append(f"{label}: `{' '.join(args)}` hung")
            continue
        if result.returncode != 0 or crashed(result):
            problems.append(
                f"{label}: `{' '.join(args)}` exit {result.returncode}: {result.stderr.strip()[:240]}"
            )
    return problems


def exported(home: Path) -> dict[str, dict[str, Any]]:
    result = run_cli(home, "export")
    if result.returncode != 0:
        return {}
    return {s["id"]: s for s in json.loads(result.stdout)["sessions"]}


def ids_in(path: Path) -> list[str]:
    return [doc["id"] for doc in json.loads(path.read_bytes())["sessions"].values()]


# ----------------------------------------------------------------------------- the attacks of the issue


def restore_after_a_delete_elsewhere(root: Path) -> Result:
    """Item 2: log, export, a peer deletes that session, import the export here: a restore is an event."""
    a = make_home(root / "a")
    b = make_home(root / "b", None, ("floor-flow", "--date", "2026-11-02 07:30"))
    export = root / "e.json"
    assert run_cli(a, "export", "-o", str(export)).returncode == 0
    [sid] = [s["id"] for s in json.loads(export.read_text())["sessions"]]
    sync(a, b)
    with Store.open(b) as peer:
        peer.delete(sid)  # the delete, made on the other device
    sync(b, a)
    problems = []
    if sid in exported(a):
        problems.append("the delete from the other device was not applied")
    done = run_cli(a, "import", str(export))
    if done.returncode != 0 or "added 1" not in done.stdout + done.stderr:
        problems.append(f"import: exit {done.returncode}: {done.stdout.strip()} {done.stderr.strip()[:200]}")
    problems += all_commands_work(a, "after the restore")
    if ids_in(own_month(a)).count(sid) != 1:
        problems.append(f"the month file holds the session {ids_in(own_month(a)).count(sid)} times")
    sync(a, b)
    lost = int(sid not in exported(a)) + int(sid not in exported(b))  # restored here, and everywhere
    return problems, lost


DEEP = b"[" * 5000


def _peer_names(device: str = PEER) -> dict[str, str]:
    return {
        "month": f"sessions-2026-12.{device}.json",
        "events": f"events-2026-12.{device}.json",
        "usual pain": f"usual-pain.{device}.json",
        "schema-1 month": "sessions-2026-11.json",
    }


CONFLICT_COPY = "sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json"


def deep_json(root: Path, kind: str) -> Result:
    """Item 3: `'[' * 5000` as another device's file, or as a conflict copy."""
    a = make_home(root / "a")
    before = exported(a)
    name = CONFLICT_COPY if kind == "conflict copy" else _peer_names()[kind]
    (a / "data" / name).write_bytes(DEEP)
    problems = all_commands_work(a, kind)
    if kind == "conflict copy":
        aside = a / "sync-conflicts" / name
        if not aside.exists() or aside.read_bytes() != DEEP:
            problems.append("the conflict copy was not set aside whole")
    else:
        if (a / "data" / name).read_bytes() != DEEP:
            problems.append("the peer's file was changed")
        check = run_cli(a, "sync-check")
        if "nested more than" not in check.stdout:
            problems.append(f"sync-check does not say why it was not read: {check.stdout[-300:]!r}")
    refused = run_cli(
        a, "import", str(a / "sync-conflicts" / name if kind == "conflict copy" else a / "data" / name)
    )
    if refused.returncode != 1 or crashed(refused):
        problems.append(f"import of the same bytes: exit {refused.returncode} {refused.stderr[:200]!r}")
    after = exported(a)
    return problems, sum(1 for sid, s in before.items() if after.get(sid) != s)


def _duration(value: bytes) -> Callable[[bytes], bytes]:
    def damage(good: bytes) -> bytes:
        bad = re.sub(rb'"duration":[0-9.]+', b'"duration":' + value, good, count=1)
        assert bad != good
        return bad

    return damage


NUMBERS_AND_ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    "a 5000-digit number": _duration(b"9" * 5000),
    "1e999": _duration(b"1e999"),
    "NaN": _duration(b"NaN"),
    "a repeated key": lambda good: good.replace(b'{"sessions":{', b'{"sessions":{},"sessions":{', 1),
    "not UTF-8": lambda good: good.replace(b"logged here", b"logged \xff\xfe here", 1),
    "UTF-16": lambda good: good.decode("utf-8").encode("utf-16"),
    "a byte-order mark": lambda good: b"\xef\xbb\xbf" + good,
    "65 MB (sparse)": lambda good: b"",  # made below with truncate: read never
}


def numbers_and_encodings(root: Path) -> Result:
    """Item 3, the other defences import has: size, numbers, repeated keys, encodings, on a peer's month."""
    a = make_home(root / "a")
    good = own_month(a).read_bytes().replace(b" ", b"")
    problems: list[str] = []
    for label, damage in NUMBERS_AND_ENCODINGS.items():
        path = a / "data" / f"sessions-2026-10.{PEER}.json"
        if label.startswith("65 MB"):
            with open(path, "wb") as f:
                f.truncate(65 * 1024 * 1024)
        else:
            path.write_bytes(damage(good))
        before = path.read_bytes() if not label.startswith("65 MB") else None
        problems += all_commands_work(a, label, (("status",), ("log", "bridge")))
        if before is not None and path.read_bytes() != before:
            problems.append(f"{label}: the peer's file was changed")
        path.unlink()
    return problems, int(len(exported(a)) < 1 + len(NUMBERS_AND_ENCODINGS))


def _make_odd(path: Path, kind: str, a: Path) -> None:
    if kind == "link to /etc/passwd":
        path.symlink_to("/etc/passwd")
    elif kind == "link to this device's month":
        path.symlink_to(own_month(a))
    elif kind == "dangling link":
        path.symlink_to(a / "nowhere.json")
    elif kind == "FIFO":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()


ODD_KINDS = (
    "link to /etc/passwd",
    "link to this device's month",
    "dangling link",
    "FIFO",
    "folder",
    "socket",
)


def not_regular(root: Path, name_kind: str, kind: str) -> Result:
    """Item 4: another device's file that is a link, a pipe, a folder or a socket: never followed, never
    waited on, never a stop; left where it is and named once."""
    a = make_home(root / "a")
    name = _peer_names()[name_kind]
    path = a / "data" / name
    if len(str(path)) > 100 and kind == "socket":  # AF_UNIX paths are short
        return [], 0
    _make_odd(path, kind, a)
    own_before = own_month(a).read_bytes()
    problems = all_commands_work(
        a, f"{name_kind} as a {kind}", (("status",), ("log", "bridge"), ("sync-check",))
    )
    after = os.lstat(path)
    if kind.startswith("link") or kind == "dangling link":
        if not stat.S_ISLNK(after.st_mode):
            problems.append("the link was replaced")
    elif kind == "FIFO" and not stat.S_ISFIFO(after.st_mode):
        problems.append("the FIFO was replaced")
    check = run_cli(a, "sync-check")
    if name not in check.stdout:
        problems.append("sync-check does not name it")
    status = run_cli(a, "status")
    if "not read" not in status.stderr:
        problems.append(f"status does not say so: {status.stderr!r}")
    if not own_month(a).read_bytes().startswith(own_before[:-2]):  # the log added to it; nothing else changed
        problems.append("this device's month file lost something")
    return problems, int(len(exported(a)) != 2)


def conflicting_versions(root: Path, ours_first: bool) -> Result:
    """Item 5: a peer's month file with the same session id and other content (a forged pain and note)."""
    ours, theirs = ("aaaa-000001", "zzzz-000002") if ours_first else ("zzzz-000002", "aaaa-000001")
    a = make_home(
        root / "a", ours, ("bridge", "--date", "2026-12-01 07:30", "--note", "mine", "--pain-after", "1")
    )
    b = make_home(root / "b", theirs, ("floor-flow", "--date", "2026-11-02 07:30"))
    export = root / "e.json"
    run_cli(a, "export", "-o", str(export))
    doc = json.loads(export.read_text())
    [session] = doc["sessions"]
    session["checkin"]["note"], session["checkin"]["pain_after"] = "forged", 9
    export.write_text(json.dumps(doc))
    assert (
        run_cli(b, "import", str(export)).returncode == 0
    )  # the other version, in the other device's month file
    sync(b, a)
    problems = all_commands_work(a, "two versions")
    shown = exported(a).get(session["id"], {})
    if shown.get("checkin", {}).get("note") != "mine":
        problems.append(f"the other device's version replaced this one: {shown.get('checkin')}")
    status = run_cli(a, "status")
    if "two versions" not in status.stderr or session["id"] not in status.stderr:
        problems.append(f"status does not report it: {status.stderr!r}")
    check = run_cli(a, "sync-check", "--json")
    found = json.loads(check.stdout).get("session_conflicts", []) if check.returncode == 0 else []
    if [c["session"] for c in found] != [session["id"]] or not found[0]["other_versions_in"][0].endswith(
        f".{theirs}.json"
    ):
        problems.append(f"sync-check --json does not report it: {found}")
    text = run_cli(a, "sync-check").stdout
    if session["id"] not in text or theirs not in text:
        problems.append("sync-check does not name the session and the other file")
    theirs_file = b / "data" / f"sessions-2026-12.{theirs}.json"
    kept = [
        d["checkin"]["note"]
        for d in json.loads((a / "data" / theirs_file.name).read_bytes())["sessions"].values()
    ]
    if kept != ["forged"]:
        problems.append("the other version was not kept")
    sync(a, b)  # the other device shows its own copy, and reports the conflict too
    if exported(b).get(session["id"], {}).get("checkin", {}).get("note") != "forged":
        problems.append("the other device lost its own version")
    if "two versions" not in run_cli(b, "status").stderr:
        problems.append("the other device does not report it")
    return problems, int(session["id"] not in exported(a))


def events_from_the_future(root: Path, stamp: str) -> Result:
    """Item 6: a peer's settings event dated `stamp` (9999-12-31, or a clock 12 hours fast); then a change here."""
    a = make_home(root / "a")
    b = make_home(root / "b", None, ("floor-flow", "--date", "2026-11-02 07:30"))
    with Store.open(b) as peer:
        peer._replica._clock = lambda: stamp  # that device's clock
        peer.save_settings(replace(peer.load_settings(), rest_days_per_week=3))
    sync(b, a)
    with Store.open(a) as here:
        here.save_settings(
            replace(here.load_settings(), rest_days_per_week=1)
        )  # the person's change, here, later
    problems = all_commands_work(a, "future event")
    with Store.open(a) as here:
        if here.load_settings().rest_days_per_week != 1:
            problems.append(
                f"the change made here does not read back: {here.load_settings().rest_days_per_week}"
            )
    far = stamp > (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H")
    check = run_cli(a, "sync-check", "--json")
    future = json.loads(check.stdout).get("future_events", []) if check.returncode == 0 else []
    if far and not any(
        e["device"] == device_id(b) and e.get("settings") == ["rest_days_per_week"] for e in future
    ):
        problems.append(f"sync-check --json does not name the event from the future: {future}")
    if far and "ahead of this machine's clock" not in run_cli(a, "status").stderr:
        problems.append("status does not say a change is dated ahead")
    if not far and future:
        problems.append("an event within the day's allowance was flagged")
    return problems, int(len(exported(a)) != 3)


def long_conflict_names(root: Path) -> Result:
    """Item 7: a 255-byte conflict-copy name arriving three times, and one of multibyte characters."""
    a = make_home(root / "a")
    base = CONFLICT_COPY
    names = ["x" * (255 - len(base)) + base, "é" * ((255 - len(base)) // 2) + base]
    problems = []
    for name in names:
        for i in range(3):
            (a / "data" / name).write_text(json.dumps({"sessions": {}}) + " " * i)
            result = run_cli(a, "status")
            if result.returncode != 0 or "permission" in result.stderr:
                problems.append(f"arrival {i + 1}: exit {result.returncode}: {result.stderr.strip()[:200]}")
    aside = sorted((a / "sync-conflicts").iterdir()) if (a / "sync-conflicts").exists() else []
    if len(aside) != 6 or any(len(os.fsencode(p.name)) > 255 for p in aside):
        problems.append(
            f"{len(aside)} copies set aside (6 expected), longest {max((len(os.fsencode(p.name)) for p in aside), default=0)} bytes"
        )
    if sorted(len(p.read_bytes()) for p in aside) != sorted(
        [len(json.dumps({"sessions": {}})) + i for i in range(3)] * 2
    ):
        problems.append("a set-aside copy lost its content")
    return problems, 0


def can_drop_privileges() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and \
        subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode == 0  # fmt: skip


STRANGER = 12345


def unreadable_month(root: Path, whose: str) -> Result:
    """Also: a month file owned by another user (read without privileges, in a user namespace)."""
    a = make_home(root / "a")
    if whose == "this device's":
        target = own_month(a)
    else:
        target = a / "data" / f"sessions-2026-10.{PEER}.json"
        shutil.copyfile(own_month(a), target)
    os.chown(target, STRANGER, STRANGER)
    os.chmod(target, 0o600)
    problems = []
    for args in (("status",), ("log", "bridge"), ("export",), ("sync-check",)):
        result = run_cli(a, *args, unprivileged=True)
        if crashed(result):
            problems.append(f"`{args[0]}` crashed: {result.stderr.strip()[:200]}")
        elif whose == "this device's":
            lines = result.stderr.strip().splitlines()
            if (
                result.returncode != 3
                or len(lines) != 1
                or str(target) not in lines[0]
                or "permission" not in lines[0]
            ):
                problems.append(f"`{args[0]}` exit {result.returncode}: {result.stderr.strip()[:240]!r}")
        elif result.returncode != 0:
            problems.append(f"`{args[0]}` exit {result.returncode}: {result.stderr.strip()[:240]!r}")
    if (a / "crash-reports").exists():
        problems.append("a crash report was written")
    os.chown(target, 0, 0)
    return problems, int(not exported(a))


ATTACKS: dict[str, Callable[[Path], Result]] = {
    "restore after a delete elsewhere": restore_after_a_delete_elsewhere,
    **{f"5000-deep {k}": (lambda root, k=k: deep_json(root, k)) for k in (*_peer_names(), "conflict copy")},
    "numbers, sizes, encodings": numbers_and_encodings,
    **{
        f"{n} as a {k}": (lambda root, n=n, k=k: not_regular(root, n, k))
        for n in ("month", "events", "usual pain", "schema-1 month")
        for k in ODD_KINDS
    },
    "two versions, ours sorts first": lambda root: conflicting_versions(root, True),
    "two versions, theirs sorts first": lambda root: conflicting_versions(root, False),
    "settings event dated 9999-12-31": lambda root: events_from_the_future(
        root, "9999-12-31T00:00:00.000000Z"
    ),
    "settings event 12 hours ahead": lambda root: events_from_the_future(
        root, (datetime.now(UTC) + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ),
    "255-byte conflict names, three times": long_conflict_names,
    "this device's month owned by another user": lambda root: unreadable_month(root, "this device's"),
    "a peer's month owned by another user": lambda root: unreadable_month(root, "a peer's"),
}
NEEDS_ROOT = {"this device's month owned by another user", "a peer's month owned by another user"}


def run_attack(name: str, root: Path) -> Result:
    folder = root / name.replace(" ", "-").replace("/", "_").replace("'", "")[:40]
    folder.mkdir()
    return ATTACKS[name](folder)


# ----------------------------------------------------------------------------- the property: anything arriving


class World:
    """Device A (this one) with a history, and device B's real files to mutate and deliver to A."""

    def __init__(self, root: Path) -> None:
        self.a, self.b = root / "a", root / "b"
        with Store.open(self.a) as store:
            for i in range(3):
                store.add(make_session(i, day=date(2026, 11, 3 + i)))
            store.add_usual_pain(
                UsualPain(id="5b0e1c52-5b0e-4d3e-9d0a-bac401100001", since=date(2026, 11, 1), value=2)
            )
            store.save_settings(replace(store.load_settings(), rest_days_per_week=2))
            store.update(replace(store.sessions()[0], checkin=CheckIn(note="edited here")))
            self.device = store.device
            self.expected = {s.id: s.to_dict() for s in store.sessions()}
        with Store.open(self.b) as store:
            for i in range(2):
                store.add(make_session(10 + i, day=date(2026, 12, 1 + i)))
            store.delete(store.sessions()[0].id)
            store.add_usual_pain(
                UsualPain(id="5b0e1c52-5b0e-4d3e-9d0a-bac401100002", since=date(2026, 12, 1), value=1)
            )
            self.peer = store.device
        self.peer_files = {p.name: p.read_bytes() for p in (self.b / "data").glob(f"*.{self.peer}.json")}

    def own_records(self) -> dict[str, set[str]]:
        """Every record in this device's own files, as canonical JSON: what must never change."""
        found: dict[str, set[str]] = {}
        for path in (self.a / "data").glob(f"*.{self.device}.json"):
            data = json.loads(path.read_bytes())
            items = (
                data["sessions"].values()
                if "sessions" in data
                else data.get("events", data.get("records", []))
            )
            found[path.name] = {json.dumps(item, sort_keys=True) for item in items}
        return found

    def clear(self) -> None:
        """Remove every arrival (A's own files, meta.json and .stignore stay)."""
        keep = {"meta.json", ".stignore"}
        for entry in os.scandir(self.a / "data"):
            if entry.name in keep or entry.name.endswith(f".{self.device}.json"):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        shutil.rmtree(self.a / "sync-conflicts", ignore_errors=True)

    def place(self, arrivals: list[tuple[str, str, bytes]]) -> None:
        for name, kind, payload in arrivals:
            path = self.a / "data" / name
            if (
                os.path.lexists(path)
                or name in ("meta.json", "merge-journal.json")
                or name.endswith(f".{self.device}.json")
            ):
                continue  # this device's own names: the sync engine's to overwrite, not a peer's (see the README)
            if kind == "file":
                path.write_bytes(payload)
            elif kind == "dir":
                path.mkdir()
                (path / "inside.json").write_bytes(payload)
            else:
                _make_odd(path, kind, self.a)

    def check(self, arrivals: list[tuple[str, str, bytes]]) -> Result:
        from tracker.exchange import export_json
        from tracker.store.sync_notes import status_lines, warning_lines
        from tracker.store.synccheck import report

        self.clear()
        before = self.own_records()
        self.place(arrivals)
        problems: list[str] = []
        lost = 0
        try:
            with Store.open(self.a) as store:
                sessions = {s.id: s.to_dict() for s in store.sessions()}
                lost = sum(1 for sid, s in self.expected.items() if sessions.get(sid) != s)
                export_json(store.sessions(), datetime.now(UTC), store.usual_pain())
                report(store)
                status_lines(store.locations, store), warning_lines(store)
                after = self.own_records()
                for name, records in before.items():
                    if not records <= after.get(name, set()):
                        problems.append(f"this device's {name} lost or changed a record")
                new = make_session(99, day=date(2026, 12, 20))
                store.add(new)  # saving still works
                store.delete(new.id)
            with Store.open(self.a) as store:
                if new.id in store:
                    problems.append("the save did not read back")
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        if problems or lost:
            problems.append(f"arrivals: {[(n, k, p[:60]) for n, k, p in arrivals]}")
        return problems, lost


ENGINES = (
    "{stem}.sync-conflict-20261201-081500-ABCDEFG{ext}",
    "{stem} (conflicted copy 2026-12-01 081500){ext}",
    "{stem}_conflict-20261201-081500{ext}",
    "{stem} (Ana's conflicted copy 2026-12-01){ext}",
    "{stem} (Case Conflict){ext}",
)
STEMS = ("sessions-2026-12", f"sessions-2026-12.{PEER}", f"events-2026-12.{PEER}", f"usual-pain.{PEER}",
         "merge-journal", "summary-cache", "meta", "usual-pain", "events-2026-12")  # fmt: skip


@st.composite
def names(draw: st.DrawFn, world: World) -> str:
    how = draw(st.sampled_from(["peer", "peer", "conflict", "long", "odd"]))
    if how == "peer":
        device = draw(st.sampled_from([world.peer, PEER, "a" * 40, "0", "zzzz-ffffff"]))
        return draw(st.sampled_from([
            f"sessions-2026-{draw(st.integers(1, 12)):02d}.{device}.json", f"events-2026-12.{device}.json",
            f"usual-pain.{device}.json", "sessions-2026-12.json", "usual-pain.json", "summary-cache.json",
        ]))  # fmt: skip
    if how == "conflict":
        return draw(st.sampled_from(ENGINES)).format(stem=draw(st.sampled_from(STEMS)), ext=".json")
    if how == "long":
        pad = draw(st.sampled_from(["x", "é", "€", "💥"]))
        base = draw(st.sampled_from(ENGINES)).format(stem=draw(st.sampled_from(STEMS)), ext=".json")
        room = 255 - len(os.fsencode(base))
        return pad * (room // len(os.fsencode(pad))) + base
    text = draw(st.text(st.characters(blacklist_characters="/\x00", codec="utf-8"), min_size=1, max_size=30))
    return text if text not in (".", "..") else "dot.json"


def payloads(world: World) -> st.SearchStrategy[bytes]:
    real = st.sampled_from(sorted(world.peer_files.values()))

    def cut(data: bytes, at: int) -> bytes:
        return data[: at % (len(data) + 1)]

    def flip(data: bytes, at: int) -> bytes:
        at %= max(len(data), 1)
        return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :] if data else b"\x5a"

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=10,
    )
    return st.one_of(
        real,
        st.builds(cut, real, st.integers(0, 10**6)),
        st.builds(flip, real, st.integers(0, 10**6)),
        st.binary(max_size=200),
        st.integers(65, 20000).map(lambda n: b"[" * n),
        st.integers(65, 5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        json_values.map(lambda v: json.dumps(v).encode()),
        real.map(lambda d: d.replace(b'"seq":1', b'"seq":' + b"9" * 5000)),
        real.map(lambda d: d.replace(b'"value":1', b'"value":1e999')),
        real.map(lambda d: b"\xef\xbb\xbf" + d),
        real.map(lambda d: d.decode("utf-8").encode("utf-16")),
        real.map(lambda d: d.replace(b"{", b'{"k":1,"k":2,', 1)),
    )


def arrivals(world: World) -> st.SearchStrategy[list[tuple[str, str, bytes]]]:
    kind = st.sampled_from(["file", "file", "file", "file", *[k for k in ODD_KINDS if k != "socket"], "dir"])
    return st.lists(st.tuples(names(world), kind, payloads(world)), min_size=1, max_size=6)


def run_property(world: World, examples: int, seed: int | None, record: Callable[[Result], None]) -> None:
    common = dict(max_examples=examples, deadline=None, database=None, derandomize=seed is None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip

    @settings(**common)  # type: ignore[arg-type]
    @given(arrivals(world))
    def anything_arriving(found: list[tuple[str, str, bytes]]) -> None:
        record(world.check(found))

    (hseed(seed)(anything_arriving) if seed is not None else anything_arriving)()


REAL_RUNS: list[list[tuple[str, str, bytes]]] = [
    [(f"sessions-2026-12.{PEER}.json", "FIFO", b""), (f"events-2026-12.{PEER}.json", "file", DEEP),
     (f"usual-pain.{PEER}.json", "link to /etc/passwd", b""), ("x" * 195 + CONFLICT_COPY, "file", b"{}")],
    [("sessions-2026-12.json", "folder", b""), (f"sessions-2026-11.{PEER}.json", "file", b'{"sessions":{"1":' * 3000),
     ("summary-cache.json", "FIFO", b""), (CONFLICT_COPY, "FIFO", b"")],
    [(f"events-2026-12.{PEER}.json", "file", b'{"format":"backroll.events","events":[' + b"9" * 5000 + b"]}"),
     ("usual-pain (conflicted copy 2026-12-01 081500).json", "dangling link", b""),
     (f"sessions-2026-10.{PEER}.json", "link to this device's month", b"")],
]  # fmt: skip


def real_runs(world: World) -> list[Result]:
    """A few sets of arrivals through real `backroll` processes: no exit 4, no stop, nothing of A's changed."""
    results = []
    for found in REAL_RUNS:
        world.clear()
        before = world.own_records()
        world.place(found)
        problems = all_commands_work(world.a, f"arrivals {[n[:30] for n, _, _ in found]}")
        after = world.own_records()
        if any(not records <= after.get(name, set()) for name, records in before.items()):
            problems.append("this device's own records changed")
        have = exported(world.a)
        results.append((problems, sum(1 for sid, s in world.expected.items() if have.get(sid) != s)))
    return results


# ----------------------------------------------------------------------------- the row


def peers() -> Tally:
    """`make reliability`'s row for the attacks of issue 24, each for real."""
    tally = Tally("24 hostile peers", "each attack of issue 24 for real: two homes, real files in data/, real `backroll` runs: "
                  "a restore after a delete elsewhere; 5000-deep JSON as each peer file and a conflict copy; long numbers, "
                  "1e999, NaN, UTF-16, 65 MB; links, FIFOs, folders, sockets as each peer file; a second version of a "
                  "session; settings dated 9999-12-31 and 12 h ahead; 255-byte conflict names; another user's month file")  # fmt: skip
    held = 0
    with timed(tally), temp_root("br-peers-") as root:
        for name in ATTACKS:
            if name in NEEDS_ROOT and not can_drop_privileges():
                tally.notes.append(f"{name}: not run (needs root and `unshare -U`)")
                continue
            problems, lost = run_attack(name, root)
            held += tally.attempt([f"{name}: {p}" for p in problems], lost=lost)
    tally.notes.append(f"{held} of {len(ATTACKS)} attacks held")
    return tally


def arrivals_row(examples: int = 200, seed: int | None = None) -> Tally:
    """`make reliability`'s row for the property: `examples` hypothesis arrivals in process, then real runs."""
    tally = Tally("24 anything arriving in data/", "hypothesis: any bytes (real peer files cut, flipped, 20,000-deep, "
                  "5000-digit, UTF-16...), names (peer, schema-1, conflict copies of 5 engines, 255 bytes, odd code points) "
                  "and kinds (file, link, FIFO, folder) next to this device's files: opens, reads, exports, saves, "
                  "reopens; this device's records unchanged; then 3 sets through real `backroll` processes")  # fmt: skip
    count = [0, 0]
    with timed(tally), temp_root("br-arrive-") as root:
        world = World(root / "world")

        def record(result: Result) -> None:
            count[0] += 1
            count[1] += int(not tally.attempt(result[0], lost=result[1]))

        run_property(world, examples, seed, record)
        for result in real_runs(world):
            tally.attempt(*result)
    tally.notes.append(
        f"{count[0]} hypothesis arrivals, {count[1]} failed; {len(REAL_RUNS)} sets through real processes"
    )
    return tally
