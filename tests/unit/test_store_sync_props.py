"""Issue 18, property: devices converge to the same history whatever the sync engine does.

Two or three devices (real Stores on real folders) add, edit, delete and
change settings while a simulated sync engine delivers the versions of their
files in any order, any number of times, sometimes truncated (still being
written), sometimes as a conflict copy. Once every file's newest version has
reached every device, all devices hold the same sessions, settings and usual
pain, and that history is the one the operations' (time, device, seq) order
gives: the latest edit or delete of each session wins, nothing else is lost.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import UTC, date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.unit.test_store import make_session
from tracker.model import CheckIn, UsualPain
from tracker.store import Store
from tracker.store.events import now_stamp

POOL = [make_session(i, day=date(2026, 11 + i % 2, 1 + i)) for i in range(3)]
USUAL = [
    UsualPain(id=f"5b0e1c52-5b0e-4d3e-9d0a-bac4011000{i:02d}", since=date(2026, 11, 1 + i), value=i)
    for i in range(3)
]

op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), st.integers(0, len(POOL) - 1)),
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, len(POOL) - 1), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, len(POOL) - 1)),
    st.tuples(st.just("settings"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("usual"), st.integers(0, 2), st.integers(0, len(USUAL) - 1)),
    # deliver version #k (counted back from the newest) of some file to a device: 0 plain, 1 truncated, 2 conflict copy
    st.tuples(st.just("deliver"), st.integers(0, 2), st.integers(0, 6), st.integers(0, 2)),
    st.tuples(st.just("deliver"), st.integers(0, 2), st.integers(0, 6), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, len(POOL) - 1)),
    st.tuples(st.just("tick"), st.integers(0, 2)),
)


class World:
    def __init__(self, root: Path, devices: int) -> None:
        self.homes = [root / f"device{i}" for i in range(devices)]
        self.stores = [Store.open(h) for h in self.homes]
        self.ids = [s.device for s in self.stores]
        self.time = 0
        for store in self.stores:
            store._replica._clock = self.clock
        self.versions: list[
            tuple[int, str, bytes]
        ] = []  # (owner, file name, bytes) every version ever written
        self.seen: set[tuple[int, str, bytes]] = set()
        self.added: set[str] = set()
        self.log: list[tuple[str, str, int, str, str, str]] = []  # (at, device, seq, kind, session id, note)
        self.conflicts = 0

    def clock(self) -> str:
        return f"2026-12-01T08:00:{self.time % 60:02d}.{self.time:06d}Z"

    def publish(self, i: int) -> None:
        for path in sorted(self.homes[i].joinpath("data").glob(f"*.{self.ids[i]}.json")):
            version = (i, path.name, path.read_bytes())
            if version not in self.seen:
                self.seen.add(version)
                self.versions.append(version)

    def last_event(self, i: int) -> Any:
        return max(
            (e for e in self.stores[i]._replica.all_events() if e.device == self.ids[i]), key=lambda e: e.seq
        )

    def apply(self, step: tuple[Any, ...]) -> None:
        kind, i = step[0], step[1]
        if kind == "tick":
            self.time += 1
            return
        if kind == "deliver":
            self.deliver(i, step[2], step[3])
            return
        store = self.stores[i]
        store.refresh()
        if kind == "add":
            s = POOL[step[2]]
            if s.id in self.added:
                return
            store.add(s)
            self.added.add(s.id)
        elif kind == "edit":
            current = store.get(POOL[step[2]].id)
            if current is None:
                return
            note = f"note {step[3]}"
            if current.checkin.note == note:
                return
            store.update(
                dataclasses.replace(current, checkin=dataclasses.replace(current.checkin, note=note))
            )
            e = self.last_event(i)
            self.log.append((e.at, e.device, e.seq, "edit", current.id, note))
        elif kind == "delete":
            sid = POOL[step[2]].id
            if store.get(sid) is None:
                return
            store.delete(sid)
            e = self.last_event(i)
            self.log.append((e.at, e.device, e.seq, "delete", sid, ""))
        elif kind == "settings":
            store.save_settings(dataclasses.replace(store.load_settings(), rest_days_per_week=step[2]))
        elif kind == "usual":
            store.add_usual_pain(USUAL[step[2]])
        self.publish(i)

    def deliver(self, dst: int, back: int, how: int) -> None:
        if not self.versions:
            return
        owner, name, data = self.versions[-1 - back % len(self.versions)]
        folder = self.homes[dst] / "data"
        if how == 2:  # the engine kept another version and set this one aside as a conflict copy
            stem = name[: -len(".json")]
            self.conflicts += 1
            (
                folder / f"{stem}.sync-conflict-20261201-0800{self.conflicts % 60:02d}-ABCDEFG.json"
            ).write_bytes(data)
        elif owner != dst:  # a device's own files are written by that device only
            if how == 1:
                (folder / name).write_bytes(data[: max(1, len(data) // 3)])  # still arriving
            else:
                tmp = folder / f".syncthing.{name}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, folder / name)
        store = self.stores[dst]
        store.refresh()
        store.add_usual_pain(
            USUAL[0]
        ) if how == 2 else None  # a write: conflict copies are merged under the lock
        self.publish(dst)

    def settle(self) -> None:
        """Deliver every file's newest version everywhere until nothing new is written."""
        for _ in range(6):
            before = len(self.versions)
            newest: dict[tuple[int, str], bytes] = {}
            for owner, name, data in self.versions:
                newest[(owner, name)] = data
            for dst, home in enumerate(self.homes):
                for (owner, name), data in newest.items():
                    if owner != dst:
                        (home / "data" / name).write_bytes(data)
            for i, store in enumerate(self.stores):
                store.close()
                self.stores[i] = Store.open(self.homes[i])
                self.publish(i)
            if len(self.versions) == before:
                return
        raise AssertionError("the devices kept writing new versions")

    def expected(self) -> dict[str, str]:
        """session id -> its note, from the operations alone."""
        alive = {s.id: s.checkin.note for s in POOL if s.id in self.added}
        for _, _, _, kind, sid, note in sorted(self.log):
            if kind == "delete":
                alive.pop(sid, None)
            else:
                alive[sid] = note
        return alive


def _run(devices: int, steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = World(Path(tmp), devices)
        try:
            for step in steps:
                if step[1] < devices:
                    world.apply(step)
            world.settle()
            histories = [
                [(s.id, s.checkin.note, s.to_dict()) for s in store.sessions()] for store in world.stores
            ]
            assert all(h == histories[0] for h in histories), "the devices disagree on the sessions"
            assert {sid: note for sid, note, _ in histories[0]} == world.expected()
            settings_ = {store.load_settings().rest_days_per_week for store in world.stores}
            assert len(settings_) == 1, "the devices disagree on a person setting"
            usual = {tuple(r.id for r in store.usual_pain()) for store in world.stores}
            assert len(usual) == 1
            for store in world.stores:
                assert store.skipped() == {}
                assert not list(store.locations.data.glob("*sync-conflict*"))
        finally:
            for store in world.stores:
                store.close()


@settings(
    max_examples=int(os.environ.get("BACKROLL_SYNC_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(devices=st.integers(2, 3), steps=st.lists(op, min_size=1, max_size=40))
# an old version of a month file, arriving as a conflict copy after the delete, must not bring the session back
@example(devices=2, steps=[("add", 0, 0), ("delete", 0, 0), ("deliver", 0, 2, 2)])
# a delete and an edit made apart, delivered in both orders, twice, one of them truncated first
@example(
    devices=3,
    steps=[
        ("add", 0, 1),
        ("deliver", 1, 0, 0),
        ("deliver", 2, 0, 0),
        ("delete", 1, 1),
        ("tick", 0),
        ("edit", 2, 1, 3),
        ("deliver", 0, 0, 1),
        ("deliver", 0, 1, 0),
        ("deliver", 0, 0, 0),
        ("deliver", 1, 0, 0),
        ("deliver", 1, 0, 0),
    ],
)
def test_any_interleaving_and_delivery_converges_to_the_same_history_everywhere(
    devices: int, steps: list[tuple[Any, ...]]
) -> None:
    _run(devices, steps)


def test_a_delete_and_an_edit_made_apart_resolve_by_time_then_device_on_every_device() -> None:
    steps = [("add", 0, 0), ("deliver", 1, 0, 0), ("tick", 0), ("delete", 0, 0), ("edit", 1, 0, 1)]
    _run(2, steps)  # the same stamp: the device id decides, the same way on both
    _run(
        3,
        [
            ("add", 0, 0),
            ("deliver", 1, 0, 0),
            ("deliver", 2, 0, 0),
            ("edit", 2, 0, 2),
            ("tick", 0),
            ("delete", 1, 0),
        ],
    )


def test_now_stamps_sort_as_times() -> None:
    from datetime import datetime, timedelta, timezone

    a = datetime(2026, 12, 1, 8, 0, 0, 999999, tzinfo=UTC)
    assert now_stamp(a) < now_stamp(a + timedelta(microseconds=1)) < now_stamp(a + timedelta(hours=1))
    assert (
        now_stamp(a.astimezone(timezone(timedelta(hours=-5))))
        == now_stamp(a)
        == "2026-12-01T08:00:00.999999Z"
    )


# --------------------------------------------------------------------------- the resolution alone


def _events(draw: Any, devices: int) -> list[Any]:
    from tracker.store.events import Event

    names = [f"dev{i}-00000{i}" for i in range(devices)]
    seqs = {name: 0 for name in names}
    made = []
    for _ in range(draw(st.integers(1, 25))):
        device = draw(st.sampled_from(names))
        seqs[device] += 1
        at = f"2026-12-01T08:00:{draw(st.integers(0, 3)):02d}.000000Z"  # few distinct times: many ties
        kind = draw(st.sampled_from(["edit", "delete", "settings"]))
        target = POOL[draw(st.integers(0, len(POOL) - 1))]
        if kind == "edit":
            body = dataclasses.replace(target, checkin=CheckIn(note=f"{device} {seqs[device]}")).to_dict()
            made.append(Event(at, device, seqs[device], kind, target.id, body))
        elif kind == "delete":
            made.append(Event(at, device, seqs[device], kind, target.id))
        else:
            made.append(
                Event(at, device, seqs[device], kind, "", {"rest_days_per_week": draw(st.integers(0, 3))})
            )
    return made


@st.composite
def deliveries(draw: Any) -> tuple[list[Any], list[list[Any]]]:
    """The events of 2-3 devices, and several ways of receiving them: any order, any repetitions, in batches."""
    made = _events(draw, draw(st.integers(2, 3)))
    ways = []
    for _ in range(3):
        copies = made + draw(st.lists(st.sampled_from(made), max_size=10))  # some more than once
        order = draw(st.permutations(copies))
        cut = draw(st.integers(0, len(order)))
        ways.append([order[:cut], order[cut:]])  # two files, or two syncs
    return made, ways


@settings(max_examples=200, deadline=None)
@given(deliveries())
def test_the_resolution_ignores_order_and_repetition(case: tuple[list[Any], list[list[Any]]]) -> None:
    from tracker.model import Settings
    from tracker.store.events import distinct, overlay, resolve_settings

    made, ways = case
    expected = overlay(sorted(made, key=lambda e: e.order))
    settings_ = resolve_settings(Settings(), made)
    for batches in ways:
        got = distinct(batches)
        assert overlay(got) == expected
        assert overlay(reversed(got)) == expected
        assert resolve_settings(Settings(), list(reversed(got))) == settings_
    last = {}
    for e in sorted(
        made, key=lambda e: e.order
    ):  # the rule, spelled out: the latest (time, device, seq) wins
        if e.kind != "settings":
            last[e.target] = None if e.kind == "delete" else e.body["checkin"]["note"]
    assert {sid: (s.checkin.note if s else None) for sid, s in expected.items()} == last
