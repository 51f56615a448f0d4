"""Issue 24 in `make test`: hostile peers. Each attack of the issue reproduced for real (two homes, real files in
data/, real `backroll` processes: tests/reliability/hostile_peers.py), the property over anything arriving in
data/ with a few examples (`make reliability` runs many), and the small rules underneath."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.reliability import hostile_peers as hp
from tests.sync_engine import sync
from tracker.store.conflicts import NAME_MAX, aside_name
from tracker.untrusted import MAX_DEPTH, DuplicateKey, Rejected, loads, parse_strict, read_regular, too_deep

# Every attack but the full matrix of odd file kinds x file names (make reliability runs all 24 of those):
# here each kind once and each name at least once.
ODD = {"month as a FIFO", "events as a link to /etc/passwd", "usual pain as a socket", "schema-1 month as a folder",
       "month as a link to this device's month", "events as a dangling link"}  # fmt: skip
CASES = [name for name in hp.ATTACKS if " as a " not in name or name in ODD]


@pytest.mark.parametrize("name", CASES)
def test_an_attack_of_issue_24_holds(name: str, tmp_path: Path) -> None:
    if name in hp.NEEDS_ROOT and not hp.can_drop_privileges():
        pytest.skip("needs root and `unshare -U` to read as another user")
    problems, lost = hp.run_attack(name, tmp_path)
    assert problems == [] and lost == 0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> hp.World:
    return hp.World(tmp_path_factory.mktemp("peers"))


def test_anything_arriving_in_data_never_stops_crashes_or_rewrites_this_device(world: hp.World) -> None:
    failures: list[str] = []
    lost = 0

    def record(result: hp.Result) -> None:
        nonlocal lost
        failures.extend(result[0])
        lost += result[1]

    hp.run_property(world, 25, None, record)
    assert failures == [] and lost == 0


def test_hostile_arrivals_through_real_processes(world: hp.World) -> None:
    for problems, lost in hp.real_runs(world):
        assert problems == [] and lost == 0


# ----------------------------------------------------------------------------- the rules underneath


def test_a_set_aside_name_always_fits_and_never_repeats() -> None:
    base = "sessions-2026-12.sync-conflict-20261201-081500-ABCDEFG.json"
    for pad in ("x", "é", "💥"):
        name = pad * ((NAME_MAX - len(base)) // len(pad.encode())) + base
        made = [aside_name(name, n) for n in range(12)]
        assert all(len(os.fsencode(m)) <= NAME_MAX for m in made)
        assert len(set(made)) == 12 and made[0] == name and all(m.endswith(".json") for m in made)
    assert aside_name("short.json", 0) == "short.json" and aside_name("short.json", 2) == "short.json.2"


def test_depth_is_refused_before_the_parser_recurses() -> None:
    assert not too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert too_deep("[" * 5000) and too_deep('{"a":' * 5000)
    assert not too_deep('["' + "[" * 5000 + '"]')  # brackets inside a string are text
    for data in (b"[" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000):
        with pytest.raises(Rejected, match="nested more than"):
            parse_strict(data)
    for data, why in ((b'{"n": ' + b"9" * 5000 + b"}", "digits"), (b'{"n": 1e999}', "too large"),
                      (b'{"n": NaN}', "not a number"), (b"\xff{}", "UTF-8"), (b"", "empty")):  # fmt: skip
        with pytest.raises(Rejected, match=why):
            parse_strict(data)
    assert parse_strict(b'{"id": "4e123", "n": 1e300}') == {"id": "4e123", "n": 1e300}
    with pytest.raises(DuplicateKey):  # import's extra rule
        loads('{"k": 1, "k": 2}')


def test_the_safe_reader_never_follows_a_link_nor_waits_on_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done: list[str] = []

    def read() -> None:
        try:
            read_regular(fifo)
        except Rejected as exc:
            done.append(exc.reason)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert done and "pipe" in done[0]
    (tmp_path / "real").write_text("{}")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(Rejected, match="symbolic link"):
        read_regular(tmp_path / "link")
    assert read_regular(tmp_path / "link", follow=True)[0] == b"{}"
    sparse = tmp_path / "big"
    with open(sparse, "wb") as f:
        f.truncate(10_000)
    with pytest.raises(Rejected, match="more than"):
        read_regular(sparse, limit=1000)


def test_undoing_a_delete_another_device_made_is_an_edit_not_a_second_copy(tmp_path: Path) -> None:
    """Item 2 through the app's path (Store.save: the undo of a delete), not only `import`."""
    import json
    from datetime import date

    from tests.unit.test_store import make_session
    from tracker.store import Store

    a, b = tmp_path / "a", tmp_path / "b"
    with Store.open(a) as here:
        here.add(session := make_session(0, day=date(2026, 12, 1)))
    Store.open(b).close()
    sync(a, b)
    with Store.open(b) as there:
        there.delete(session.id)
    sync(b, a)
    with Store.open(a) as here:
        assert here.get(session.id) is None
        here.save(session)  # the undo
    with Store.open(a) as here:  # reopens: no "appears twice"
        assert here.sessions() == [session]
    month = hp.own_month(a)
    assert [d["id"] for d in json.loads(month.read_text())["sessions"].values()] == [session.id]
    sync(a, b)
    with Store.open(b) as there:
        assert there.sessions() == [session]  # brought back on the other device too


def test_a_store_locked_by_the_old_restore_opens_again_and_a_delete_removes_both_copies(
    tmp_path: Path,
) -> None:
    """Before issue 24 a restore wrote a second copy of the id into the month file ("appears twice", exit 3 on
    every command for good). Such a file now opens: the later copy is read, and removing it removes both."""
    import dataclasses
    import json
    from datetime import date

    from tests.unit.test_store import make_session
    from tracker.model import CheckIn
    from tracker.store import Store

    home = tmp_path / "home"
    with Store.open(home) as store:
        store.add(first := make_session(0, day=date(2026, 12, 1)))
        store.add(other := make_session(1, day=date(2026, 12, 2)))
    month = hp.own_month(home)
    document = json.loads(month.read_text())
    restored = dataclasses.replace(first, checkin=CheckIn(note="restored"))
    document["sessions"]["3"] = restored.to_dict()  # what the old restore left
    month.write_text(json.dumps(document))
    assert hp.run_cli(home, "status").returncode == 0
    with Store.open(home) as store:
        assert store.get(first.id) == restored
        store.delete(first.id)
    assert [d["id"] for d in json.loads(month.read_text())["sessions"].values()] == [other.id]
    with Store.open(home) as store:
        assert store.sessions() == [other]
