"""Export and import: the schema, the strict validator, CSV, and merging by UUID."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exchange, untrusted
from tracker.exchange import ImportRefused
from tracker.model import (
    CheckIn,
    Felt,
    HurtAt,
    Phase,
    Prescription,
    Session,
    Side,
    Stability,
    StepResult,
)

ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Adelaide", "UTC"]
EXPORTED_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = exchange.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def make_session(
    n: int = 0,
    *,
    day: date = date(2025, 3, 1),
    zone: str = "Europe/Paris",
    hour: int = 7,
    note: str = "",
    pain_after: int | None = 0,
    routine: str = "bridge",
) -> Session:
    started = datetime(day.year, day.month, day.day, hour, 30, tzinfo=ZoneInfo(zone))
    return Session(
        id=f"00000000-0000-4000-8000-{n:012d}",
        routine=routine,
        started_at=started,
        zone=zone,
        local_date=day,
        duration=312.5,
        completed=True,
        checkin=CheckIn(
            pain_before=2, pain_after=pain_after, stable=Stability.UNSURE, felt=Felt.RIGHT, note=note
        ),
        prescription=Prescription(3, 4, 0) if routine == "bridge" else None,
        steps=(
            StepResult(
                0,
                "hip-rocks",
                reps_planned=8,
                reps_done=8,
                raise_counts=2,
                lower_counts=2,
                seconds=32,
                completed=True,
            ),
            StepResult(
                1,
                "back-roll",
                reps_planned=3,
                reps_done=3,
                raise_counts=4,
                lower_counts=4,
                seconds=24.2,
                completed=True,
            ),
            StepResult(2, "constructive-rest", answer="some", question_key="space-before", completed=True),
        ),
        origin="cli",
    )


def doc_of(*sessions: Session) -> dict[str, Any]:
    return json.loads(exchange.export_json(sessions, EXPORTED_AT))


# --------------------------------------------------------------------------- sessions, any shape


@st.composite
def sessions_strategy(draw: Callable[..., Any]) -> Session:
    zone = draw(st.sampled_from(ZONES))
    started = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2099, 12, 31),
            timezones=st.just(ZoneInfo(zone)),
            allow_imaginary=False,
        )  # fmt: skip
    )
    pain = st.none() | st.integers(0, 10)
    text = st.text(max_size=40)
    seconds = st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 3))
    step = st.builds(
        StepResult,
        index=st.integers(0, 50),
        pose=st.sampled_from(["hip-rocks", "back-roll", "bridge", "child", "cat-cow"]),
        side=st.sampled_from(list(Side)),
        reps_planned=st.integers(0, 100),
        reps_done=st.integers(0, 100),
        raise_counts=st.integers(0, 20),
        lower_counts=st.integers(0, 20),
        hold_seconds=seconds,
        seconds=seconds,
        skipped=st.booleans(),
        completed=st.booleans(),
        answer=st.none() | text,
        question_key=st.sampled_from(["", "space-before", "space-after"]),
    )
    hurt = draw(st.booleans())
    return Session(
        id=str(draw(st.uuids())),
        routine=draw(st.sampled_from(["bridge", "floor-flow", "my-routine-2", "x"])),
        started_at=started,
        zone=zone,
        local_date=started.date(),
        duration=draw(seconds),
        completed=draw(st.booleans()),
        hurt=hurt,
        hurt_at=HurtAt(1, "back-roll", Side.NONE, 2, Phase.RAISE) if hurt and draw(st.booleans()) else None,
        checkin=CheckIn(
            pain_before=draw(pain),
            pain_after=draw(pain),
            stable=draw(st.none() | st.sampled_from(list(Stability))),
            felt=draw(st.none() | st.sampled_from(list(Felt))),
            note=draw(text),
        ),
        prescription=draw(
            st.none() | st.builds(Prescription, st.integers(1, 8), st.integers(4, 8), st.integers(0, 8))
        ),
        steps=tuple(draw(st.lists(step, max_size=4))),
        origin=draw(st.sampled_from(exchange.ORIGINS)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sessions_strategy(), max_size=4, unique_by=lambda s: s.id))
def test_every_export_is_valid_and_reads_back_the_same(validator, sessions: list[Session]) -> None:
    doc = json.loads(exchange.export_json(sessions, EXPORTED_AT))
    validator.validate(doc)
    assert exchange.validate_document(doc) == []
    back = exchange.sessions_from_document(doc)
    assert sorted(s.to_dict()["id"] for s in back) == sorted(s.id for s in sessions)
    assert {s.id: s.to_dict() for s in back} == {s.id: s.to_dict() for s in sessions}


def test_export_envelope_and_order() -> None:
    late, early = make_session(1, day=date(2025, 3, 2)), make_session(2, day=date(2025, 3, 1))
    doc = doc_of(late, early)
    assert list(doc) == ["format", "version", "exported_at", "usual_pain", "pain_records", "sessions"]
    assert (
        doc["format"] == "backroll.history"
        and doc["version"] == 3
        and doc["usual_pain"] == []
        and doc["pain_records"] == []
    )
    assert doc["exported_at"] == "2025-06-01T12:00:00+00:00"
    assert [s["id"] for s in doc["sessions"]] == [early.id, late.id]
    assert doc["sessions"][0] == early.to_dict()


def test_the_export_text_is_the_export_document() -> None:
    """export_json encodes each session as it goes, without the whole document: the same content, every field."""
    from tracker.model import PainRecord, UsualPain

    usual = [UsualPain("00000000-0000-4000-8000-0000000000aa", date(2025, 2, 1), 3, "ankle", EXPORTED_AT)]
    pains = [PainRecord("00000000-0000-4000-8000-0000000000bb", date(2025, 2, 2), 4, 'a "sharp" one \u00e9')]
    hurt = replace(
        make_session(3, note='line\nbreak, a "quote", a \\, a bell \x07 and \u00e9 \U0001f642'),
        hurt=True,
        hurt_at=HurtAt(1, "back-roll", Side.LEFT, 2, Phase.HOLD),
    )
    for sessions in ([], [make_session(1, day=date(2025, 3, 2)), make_session(2), hurt]):
        text = exchange.export_json(sessions, EXPORTED_AT, usual, pains)
        assert json.loads(text) == exchange.export_document(sessions, EXPORTED_AT, usual, pains)
        assert sum(line.startswith("  {") for line in text.splitlines()) == len(sessions)  # one a line
        document = exchange.export_document(sessions, EXPORTED_AT, usual, pains)
        records = document.pop("sessions")
        hurts = [r["hurt_at"] for r in records if r["hurt_at"]]
        enums = [r["origin"] for r in records] + [r["checkin"]["felt"] for r in records]
        enums += [h["side"] for h in hurts] + [h["phase"] for h in hurts]
        enums += [step["side"] for r in records for step in r["steps"]]
        assert all(type(e) is str for e in enums)  # the values, not the enum members
        lines = [json.dumps(s, ensure_ascii=False) for s in records]
        head = ",\n".join(
            f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in document.items()
        )
        rows = "".join(f"  {line},\n" for line in lines).removesuffix(",\n") + "\n" if lines else ""
        expected = "{\n" + head + ',\n "sessions": [\n' + rows + " ]\n}\n"
        assert text == expected  # json.dumps's text, to the byte


def test_export_refuses_a_naive_exported_at() -> None:
    with pytest.raises(ValueError):
        exchange.export_document([], datetime(2025, 1, 1))


def test_schema_ships_in_the_package() -> None:
    from importlib import resources

    text = resources.files("tracker").joinpath("schema", "history-v3.schema.json").read_text()
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert exchange.schema_text() == text


def test_the_shipped_schema_is_generated_from_the_declaration() -> None:
    """One declaration (exchange/format.py): the shipped schema is its output, byte for byte.

    After changing the declaration: python -m tracker.exchange.json_schema > tracker/schema/history-v3.schema.json
    """
    from tracker.exchange.json_schema import generate_text

    assert generate_text() == exchange.schema_text()


def test_a_changed_declaration_changes_the_generated_schema() -> None:
    """The generator reads the declaration (not a copy of the file): a field's range shows in the schema."""
    from dataclasses import replace

    from tracker.exchange import format as declared
    from tracker.exchange.json_schema import field_schema

    count = declared.DEFS["count"]
    assert field_schema(count) == {"type": "integer", "minimum": 0, "maximum": declared.MAX_COUNT}
    assert field_schema(replace(count, high=7))["maximum"] == 7
    assert field_schema(replace(count, nullable=True))["oneOf"][0] == {"type": "null"}


# --------------------------------------------------------------------------- the validator agrees with the schema


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return mutate


_DELETE = object()

# Each breaks the document in a way the schema alone can see; both must refuse.
SCHEMA_BREAKS = {
    "wrong tag": _set("format", "backroll.other"),
    "wrong version": _set("version", 4),
    "version as string": _set("version", "1"),
    "version true": _set("version", True),
    "no sessions": _set("sessions", _DELETE),
    "sessions not a list": _set("sessions", {}),
    "extra top field": _set("extra", 1),
    "naive exported_at": _set("exported_at", "2025-06-01T12:00:00"),
    "bad uuid": _set("sessions.0.id", "not-a-uuid"),
    "uppercase uuid": _set("sessions.0.id", "00000000-0000-4000-8000-00000000000A"),
    "naive started_at": _set("sessions.0.started_at", "2025-03-01T07:30:00"),
    "date only started_at": _set("sessions.0.started_at", "2025-03-01"),
    "bad zone name": _set("sessions.0.zone", "../../etc/passwd"),
    "local_date not a date": _set("sessions.0.local_date", "01/03/2025"),
    "pain 11": _set("sessions.0.checkin.pain_after", 11),
    "pain -1": _set("sessions.0.checkin.pain_before", -1),
    "pain 2.5": _set("sessions.0.checkin.pain_before", 2.5),
    "pain as string": _set("sessions.0.checkin.pain_before", "3"),
    "pain true": _set("sessions.0.checkin.pain_before", True),
    "bad stable": _set("sessions.0.checkin.stable", "maybe"),
    "bad felt": _set("sessions.0.checkin.felt", "great"),
    "note not a string": _set("sessions.0.checkin.note", ["x"]),
    "note too long": _set("sessions.0.checkin.note", "x" * 10_001),
    "checkin missing": _set("sessions.0.checkin", _DELETE),
    "extra session field": _set("sessions.0.weight", 80),
    "negative duration": _set("sessions.0.duration", -1),
    "duration string": _set("sessions.0.duration", "300"),
    "completed as 1": _set("sessions.0.completed", 1),
    "prescription lifts 0.5": _set("sessions.0.prescription.lifts", 0.5),
    "prescription 1000 lifts": _set("sessions.0.prescription.lifts", 1000),
    "prescription list": _set("sessions.0.prescription", [3, 4, 0]),
    "bad step side": _set("sessions.0.steps.0.side", "middle"),
    "step extra": _set("sessions.0.steps.0.x", 1),
    "step missing index": _set("sessions.0.steps.0.index", _DELETE),
    "answer without key": _set("sessions.0.steps.2.question_key", _DELETE),
    "hurt_at wrong phase": _set(
        "sessions.0.hurt_at", {"step": 1, "pose": "back-roll", "side": "none", "rep": 1, "phase": "jump"}
    ),
    "bad origin": _set("sessions.0.origin", "cloud"),
    "routine with spaces": _set("sessions.0.routine", "rm -rf"),
    "nested note": _set("sessions.0.checkin.note", {"a": {"b": {"c": [[[]]]}}}),
    "session is a list": _set("sessions.0", []),
    "pain record value 11": _set(
        "pain_records",
        [
            {
                "id": "8c2d3f2e-7a1b-4c3d-9e8f-0a1b2c3d4e5f",
                "date": "2025-03-01",
                "value": 11,
                "note": "",
                "recorded_at": None,
            }
        ],
    ),  # fmt: skip
    "pain record extra key": _set(
        "pain_records",
        [
            {
                "id": "8c2d3f2e-7a1b-4c3d-9e8f-0a1b2c3d4e5f",
                "date": "2025-03-01",
                "value": 2,
                "note": "",
                "recorded_at": None,
                "x": 1,
            }
        ],
    ),  # fmt: skip
    "pain records missing": _set("pain_records", _DELETE),
}


def test_a_pain_record_is_valid_to_both_and_a_version_2_file_needs_none(validator) -> None:
    doc = doc_of(make_session(1))
    doc["pain_records"] = [{"id": "8c2d3f2e-7a1b-4c3d-9e8f-0a1b2c3d4e5f", "date": "2025-03-01", "value": 2,
                            "note": "stiff", "recorded_at": "2025-03-01T07:00:00+01:00"}]  # fmt: skip
    assert not list(validator.iter_errors(doc))
    assert exchange.validate_document(doc) == []
    old = {k: v for k, v in doc.items() if k != "pain_records"} | {"version": 2}
    assert exchange.validate_document(old) == []
    assert exchange.sessions_from_document(old)


@pytest.mark.parametrize("name", sorted(SCHEMA_BREAKS))
def test_validator_and_schema_both_refuse(validator, name: str) -> None:
    doc = doc_of(make_session(1))
    SCHEMA_BREAKS[name](doc)
    assert list(validator.iter_errors(doc)), f"the schema accepts {name}"
    problems = exchange.validate_document(doc)
    assert problems, f"the validator accepts {name}"
    assert not exchange.validate.document_ok(doc), f"the column check accepts {name}"
    with pytest.raises(ImportRefused):
        exchange.sessions_from_document(doc)


# Valid variations: both must accept.
SCHEMA_ACCEPTS = {
    "empty history": _set("sessions", []),
    "Z offset": _set("exported_at", "2025-06-01T12:00:00Z"),
    "null check-in answers": _set(
        "sessions.0.checkin",
        {"pain_before": None, "pain_after": None, "stable": None, "felt": None, "note": ""},
    ),
    "no prescription": _set("sessions.0.prescription", None),
    "hurt_at": _set(
        "sessions.0.hurt_at", {"step": 1, "pose": "back-roll", "side": "left", "rep": 2, "phase": "raise"}
    ),
    "integral float pain": _set("sessions.0.checkin.pain_after", 3.0),
    "no steps": _set("sessions.0.steps", []),
    "unicode note": _set("sessions.0.checkin.note", "Dos un peu raide 🙂 ce matin"),
}


@pytest.mark.parametrize("name", sorted(SCHEMA_ACCEPTS))
def test_validator_and_schema_both_accept(validator, name: str) -> None:
    doc = doc_of(make_session(1))
    SCHEMA_ACCEPTS[name](doc)
    validator.validate(doc)
    assert exchange.validate_document(doc) == []


def test_a_well_formed_file_takes_the_column_check_and_reads_as_the_checker_reads_it(tmp_path: Path) -> None:
    """parse_history proves a well-formed file a column at a time; a file with one bad session goes through the
    strict parser and the checker: both give what the precise path gives."""
    sessions = [make_session(i, day=date(2025, 3, 1) + timedelta(days=i), note="é 🙂") for i in range(150)]
    text = exchange.export_json(sessions, EXPORTED_AT)
    assert exchange.validate.document_ok(json.loads(text))
    good = exchange.parse_history(text.encode())
    assert [s.to_dict() for s in good.sessions] == [s.to_dict() for s in sessions] and not good.refused
    doc = json.loads(text)
    doc["sessions"][100]["checkin"]["pain_after"] = 11
    doc["sessions"][3]["zone"] = "Mars/Olympus_Mons"
    assert not exchange.validate.document_ok(doc)
    bad = exchange.parse_history(json.dumps(doc).encode())
    assert [i for i, _ in bad.refused] == [3, 100] and len(bad.sessions) == 148
    assert bad.refused[1][1] == ("sessions[100].checkin.pain_after: must be from 0 to 10, not 11",)
    with pytest.raises(ImportRefused, match="repeats the key"):
        exchange.parse_history(
            text.replace('"origin": "cli"}', '"origin": "cli", "origin": "app"}', 1).encode()
        )


def _built_as_from_dict(records: list[dict[str, Any]]) -> None:
    """The column builder gives what Session.from_dict gives, record by record: repr, not ==, so that a
    32 for a 32.0 or a string for its enum member shows (== would take them as equal)."""
    proof = exchange.validate.proven_document({**doc_of(), "sessions": records})
    assert proof is not None and exchange.validate.document_ok({**doc_of(), "sessions": records})
    built = exchange.build.proven_sessions(proof.read["sessions"])
    assert [repr(s) for s in built] == [repr(Session.from_dict(r)) for r in records]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sessions_strategy(), max_size=6, unique_by=lambda s: s.id))
def test_proven_records_are_built_as_from_dict_reads_them(sessions: list[Session]) -> None:
    _built_as_from_dict(doc_of(*sessions)["sessions"])


def test_the_column_builder_reads_every_shape_of_a_field_as_from_dict() -> None:
    """Whole numbers for seconds, a Z offset and fractions of a second, null and present hurt stops,
    prescriptions and check-in answers, answered steps among plain ones, sessions without steps."""
    plain, hurt = make_session(1), make_session(2, routine="floor-flow", pain_after=None)
    hurt = replace(
        hurt,
        hurt=True,
        hurt_at=HurtAt(1, "back-roll", Side.LEFT, 2, Phase.HOLD),
        checkin=CheckIn(),
        steps=(),
    )
    records = doc_of(plain, hurt, make_session(3, day=date(2025, 3, 2)))["sessions"]
    records[0]["started_at"] = "2025-03-01T06:30:00.25Z"
    records[0]["duration"] = 300
    records[0]["steps"][0]["seconds"] = 32
    records[2]["steps"] = [records[2]["steps"][2]]  # only an answered step
    _built_as_from_dict(records)
    _built_as_from_dict([records[1]])  # no steps at all, no prescription
    _built_as_from_dict([])
    built = exchange.parse_history(json.dumps({**doc_of(), "sessions": records}).encode()).sessions
    assert (
        built[1].hurt_at == HurtAt(1, "back-roll", Side.LEFT, 2, Phase.HOLD) and built[1].prescription is None
    )
    assert built[0].steps[2].answer == "some" and type(built[0].steps[0].seconds) is float
    assert built[0].started_at == datetime(2025, 3, 1, 6, 30, 0, 250_000, tzinfo=UTC)


def test_an_import_gives_the_garbage_collector_back_as_it_found_it() -> None:
    """parse_history holds the cyclic collector off while it reads; after a good file, a refused one, and
    with the collector already off (left off), it is as it was."""
    import gc

    good = exchange.export_json([make_session(1)], EXPORTED_AT).encode()
    assert gc.isenabled()
    assert len(exchange.parse_history(good).sessions) == 1 and gc.isenabled()
    with pytest.raises(ImportRefused):
        exchange.parse_history(b'{"format": "backroll.history", "version": 9}')
    assert gc.isenabled()
    gc.disable()
    try:
        exchange.parse_history(good)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_local_date_must_match_the_start_at_its_own_offset() -> None:
    # 23:30 in Tokyo is still that day there, whatever zone reads the file.
    good = make_session(1, day=date(2025, 3, 1), zone="Asia/Tokyo", hour=23)
    doc = doc_of(good)
    assert exchange.validate_document(doc) == []
    doc["sessions"][0]["local_date"] = "2025-03-02"
    [problem] = exchange.validate_document(doc)
    assert problem.startswith("sessions[0].local_date:") and "2025-03-01" in problem


def test_impossible_dates_and_unknown_zones_are_refused() -> None:
    doc = doc_of(make_session(1))
    doc["sessions"][0]["started_at"] = "2025-02-30T07:30:00+01:00"
    doc["sessions"][0]["zone"] = "Mars/Olympus_Mons"
    problems = exchange.validate_document(doc)
    assert any("started_at" in p for p in problems)
    assert any("zone" in p and "Mars" in p for p in problems)


def test_problems_name_the_json_path() -> None:
    doc = doc_of(make_session(1), make_session(2))
    doc["sessions"][1]["checkin"]["pain_after"] = 11
    with pytest.raises(ImportRefused) as caught:
        exchange.sessions_from_document(doc)
    assert caught.value.problems == ("sessions[1].checkin.pain_after: must be from 0 to 10, not 11",)


def test_problem_list_is_bounded() -> None:
    doc = doc_of(*(make_session(i) for i in range(200)))
    for s in doc["sessions"]:
        s["checkin"]["pain_after"] = 99
    problems = exchange.validate_document(doc)
    assert len(problems) == exchange.MAX_PROBLEMS + 1
    assert problems[-1].startswith("... and 150 more")


def test_duplicates_in_one_file() -> None:
    a = make_session(1)
    same = doc_of(a)
    same["sessions"].append(copy.deepcopy(same["sessions"][0]))
    assert [s.id for s in exchange.sessions_from_document(same)] == [a.id]
    different = doc_of(a)
    twin = copy.deepcopy(different["sessions"][0])
    twin["checkin"]["note"] = "edited"
    different["sessions"].append(twin)
    with pytest.raises(ImportRefused) as caught:
        exchange.sessions_from_document(different)
    assert "appears again with different content" in caught.value.problems[0]


def test_a_well_formed_file_with_one_id_twice_folds_or_refuses_both() -> None:
    """parse_history of a proven file (the column builder's way): the same session twice is read once; two
    with one id and different content are both refused, naming each other, and the others are read."""
    a, b = make_session(1), make_session(2, day=date(2025, 3, 2))
    same = doc_of(a, b)
    same["sessions"].insert(1, copy.deepcopy(same["sessions"][0]))
    assert exchange.validate.proven_document(same) is not None
    history = exchange.parse_history(json.dumps(same).encode())
    assert [s.id for s in history.sessions] == [a.id, b.id] and history.refused == ()
    different = copy.deepcopy(same)
    different["sessions"][1]["checkin"]["note"] = "edited"
    assert exchange.validate.proven_document(different) is not None  # the ids are the importer's to fold
    history = exchange.parse_history(json.dumps(different).encode())
    assert [s.id for s in history.sessions] == [b.id]
    twice = f"{a.id} appears at sessions[0] and sessions[1] with different content"
    assert history.refused == ((0, (f"sessions[0].id: {twice}",)), (1, (f"sessions[1].id: {twice}",)))


# --------------------------------------------------------------------------- parsing hostile bytes


def test_parse_refuses_what_is_not_strict_json() -> None:
    for data in (
        b"",
        b"not json",
        b"{",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b"\xff\xfe{}",
        b'{"a": 1, "a": 2}',
    ):
        with pytest.raises(ImportRefused):
            exchange.parse_json(data)


def _repeat(text: str, key: str, value: str, *, nth: int = 0) -> str:
    """`text` with `"key": value, ` put before the nth `"key": ` written in it: that object repeats the key."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(f'"{key}": ', at + 1)
    return text[:at] + f'"{key}": {value}, ' + text[at:]


def test_a_repeated_key_is_refused_in_every_kind_of_object() -> None:
    """A well-formed export is read without object_pairs_hook and proven free of repeated keys by a count of
    colons (untrusted.repeats_no_key): a key repeated anywhere, with any value, still sends it to the strict
    parser, which refuses it. Colons in the notes, and a \\u003a escape to make up for a dropped colon, too."""
    from tracker.model import PainRecord, UsualPain

    usual = [UsualPain("00000000-0000-4000-8000-0000000000aa", date(2025, 2, 1), 3, "at 10:30", EXPORTED_AT)]
    pains = [PainRecord("00000000-0000-4000-8000-0000000000bb", date(2025, 2, 2), 4, "a: b", EXPORTED_AT)]
    hurt = replace(
        make_session(2, note="a:b::c"), hurt=True, hurt_at=HurtAt(1, "back-roll", Side.LEFT, 2, Phase.HOLD)
    )
    text = exchange.export_json([make_session(1, note="7:30, then 8:00"), hurt], EXPORTED_AT, usual, pains)
    assert len(exchange.parse_history(text.encode()).sessions) == 2  # as it is: read, and read the fast way
    plain = exchange.reading.parse_plain(text.encode())
    assert plain is not None and (proof := exchange.validate.proven_document(plain.doc)) is not None
    assert untrusted.repeats_no_key(plain.colons, *exchange.validate.keys_and_colons(proof))
    cases = {
        "the document": _repeat(text, "format", '"backroll.history"'),
        "the version": _repeat(text, "version", "3"),
        "a session": _repeat(text, "origin", '"app"'),
        "a session's id, valued with a colon": _repeat(
            text, "id", '"00000000-0000-4000-8000-00000000003a"', nth=2
        ),
        "a check-in": _repeat(text, "note", '"x: y"', nth=1),
        "a check-in, same value": _repeat(text, "pain_before", "2"),
        "a hurt stop": _repeat(text, "phase", '"raise"'),
        "a prescription": _repeat(text, "lifts", "3"),
        "a step": _repeat(text, "seconds", "32.0"),
        "an answered step": _repeat(text, "question_key", '"a:b"'),
        "a usual-pain record": _repeat(text, "recorded_at", "null"),
        "a pain record": _repeat(text, "value", "4", nth=1),
        "a step, its colon made up by an escape": _repeat(text, "seconds", "32.0").replace(
            '"7:30, then 8:00"', '"7\\u003a30, then 8:00"'
        ),
        "a session, all its colons made up": _repeat(
            text, "started_at", '"2025-03-01T07:30:00+01:00"'
        ).replace('"a:b::c"', '"a:b::c\\u003a\\u003A\\u003a\\u003a"'),
    }
    for name, bad in cases.items():
        assert bad != text
        with pytest.raises(ImportRefused, match="repeats the key"):
            exchange.parse_history(bad.encode())
        assert json.loads(bad) is not None, name  # valid JSON all the same: json.loads keeps the last value


_KEYS = st.sampled_from(["a", "b", ":", "a:b", "\\u", "é", '"', "u003a"])
_LEAVES = st.none() | st.integers(-5, 5) | st.sampled_from(["", ":", "::x", "\\u003a", "é:", '"', "\\"])


def _json_of(value: object, ascii_only: bool, escaped: bool) -> str:
    """Text of a value whose objects are lists of (key, value) pairs: a key may come twice. With `escaped`,
    every colon in a string is written \\u003a."""
    if isinstance(value, tuple):
        return (
            "{"
            + ", ".join(
                f"{_json_of(k, ascii_only, escaped)}: {_json_of(v, ascii_only, escaped)}" for k, v in value
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_json_of(v, ascii_only, escaped) for v in value) + "]"
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.replace(":", "\\u003a") if escaped else text  # in a string's text, a colon is only itself


def _repeats(value: object) -> bool:
    if isinstance(value, tuple):
        keys = [k for k, _ in value]
        return len(set(keys)) != len(keys) or any(_repeats(v) for _, v in value)
    return isinstance(value, list) and any(map(_repeats, value))


def _keys_and_colons(doc: object) -> tuple[int, int]:
    """What keys_and_colons counts from a Proof, counted by walking any parsed JSON."""
    if isinstance(doc, dict):
        inner = [_keys_and_colons(v) for v in doc.values()]
        return len(doc) + sum(k for k, _ in inner), sum(k.count(":") for k in doc) + sum(c for _, c in inner)
    if isinstance(doc, list):
        inner = [_keys_and_colons(v) for v in doc]
        return sum(k for k, _ in inner), sum(c for _, c in inner)
    return 0, doc.count(":") if isinstance(doc, str) else 0


_OBJECTS = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.lists(st.tuples(_KEYS, inner), max_size=4).map(tuple),
    max_leaves=12,
).filter(lambda value: isinstance(value, tuple))


@settings(max_examples=400, deadline=None)
@given(_OBJECTS, st.booleans(), st.booleans())
def test_the_colon_count_tells_a_repeated_key_exactly_when_the_text_has_no_unicode_escape(
    value: tuple[tuple[str, object], ...], ascii_only: bool, escaped: bool
) -> None:
    text = _json_of(value, ascii_only, escaped)
    told = untrusted.repeats_no_key(untrusted.colons_of(text), *_keys_and_colons(json.loads(text)))
    if _repeats(value):
        assert not told  # never a repeated key let through
    elif "\\u" not in text:
        assert told  # and every text without one, told


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sessions_strategy(), max_size=4, unique_by=lambda s: s.id))
def test_every_export_without_a_unicode_escape_takes_the_counted_way(sessions: list[Session]) -> None:
    """keys_and_colons counts every key and every string of a proven export once: the counts agree."""
    text = exchange.export_json(sessions, EXPORTED_AT)
    plain = exchange.reading.parse_plain(text.encode())
    assert plain is not None and (proof := exchange.validate.proven_document(plain.doc)) is not None
    assert exchange.validate.keys_and_colons(proof) == _keys_and_colons(plain.doc)
    assert untrusted.repeats_no_key(plain.colons, *_keys_and_colons(plain.doc)) == ("\\u" not in text)


def test_parse_accepts_a_utf8_bom() -> None:
    assert exchange.parse_json(b"\xef\xbb\xbf{}") == {}


def test_deep_nesting_is_refused_without_crashing() -> None:
    with pytest.raises(ImportRefused, match="nested too deeply"):
        exchange.parse_json(b"[" * 200_000 + b"]" * 200_000)


def test_huge_numbers_are_refused_naming_their_path() -> None:
    doc = exchange.parse_json(b'{"format": "backroll.history", "version": ' + b"9" * 100_000 + b"}")
    with pytest.raises(ImportRefused) as caught:
        exchange.sessions_from_document(doc)  # parsed (int() refuses over 4300 digits), then named by path
    assert caught.value.problems[0].startswith("version: ") and "100000 digits" in caught.value.problems[0]


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(exchange.MAX_BYTES + 1)  # sparse: no time spent writing it
    with pytest.raises(ImportRefused, match="limit"):
        exchange.read_bytes_limited(big)


def test_read_export_reports_missing_and_folders(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="does not exist"):
        exchange.read_export(tmp_path / "nope.json")
    with pytest.raises(ImportRefused, match="folder"):
        exchange.read_export(tmp_path)


# --------------------------------------------------------------------------- merge planning


def test_plan_import_classifies_by_uuid() -> None:
    a, b, c = make_session(1), make_session(2), make_session(3)
    changed = Session(**{**{f: getattr(b, f) for f in b.__slots__}, "checkin": CheckIn(note="mine")})
    report = exchange.plan_import({a.id: a, b.id: changed}, [a, b, c])
    assert [s.id for s in report.added] == [c.id]
    assert [s.id for s in report.present] == [a.id]
    [(rejected, reason)] = report.rejected
    assert rejected.id == b.id and "checkin" in reason and "kept the stored one" in reason
    assert report.summary() == "added 1 session, 1 already present, 1 rejected"
    assert report.to_json_dict()["rejected"][0]["id"] == b.id


def test_import_sessions_writes_once_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    from tracker.store import Store

    home = tmp_path / "home"
    with Store.open(home) as store:
        store.add(make_session(1))
        incoming = [make_session(1), make_session(2), make_session(3)]
        before = {p.name: p.read_bytes() for p in (home / "data").iterdir()}
        dry = exchange.import_sessions(store, incoming, dry_run=True)
        assert len(dry.added) == 2 and len(store.sessions()) == 1
        assert {p.name: p.read_bytes() for p in (home / "data").iterdir()} == before
        assert dry.summary().startswith("would add 2 sessions")
        real = exchange.import_sessions(store, incoming)
        assert len(real.added) == 2 and len(store.sessions()) == 3
        after = {p.name: p.read_bytes() for p in (home / "data").iterdir()}
        again = exchange.import_sessions(store, incoming)
        assert not again.added and len(again.present) == 3
        assert {p.name: p.read_bytes() for p in (home / "data").iterdir()} == after


def test_import_with_the_real_store_is_idempotent(tmp_path: Path) -> None:
    from tracker.store import Store

    home = tmp_path / "home"
    incoming = [make_session(i, day=date(2025, 1 + i % 3, 1 + i)) for i in range(6)]
    with Store.open(home) as store:
        first = exchange.import_sessions(store, incoming)
        assert len(first.added) == 6
    before = {p: p.read_bytes() for p in sorted((home / "data").glob("*.json"))}
    with Store.open(home) as store:
        second = exchange.import_sessions(store, incoming)
        assert not second.added and len(second.present) == 6
        assert [s.to_dict() for s in store.sessions()] == [
            s.to_dict() for s in sorted(incoming, key=lambda s: s.started_at)
        ]
    assert {p: p.read_bytes() for p in sorted((home / "data").glob("*.json"))} == before


# --------------------------------------------------------------------------- CSV and filters


def test_csv_one_row_per_session() -> None:
    sessions = [
        make_session(1, note='=HYPERLINK("x")'),
        make_session(2, day=date(2025, 3, 2), routine="floor-flow"),
    ]
    rows = list(csv.DictReader(io.StringIO(exchange.export_csv(sessions))))
    assert list(rows[0]) == list(exchange.SESSION_COLUMNS)
    assert len(rows) == 2
    first = rows[0]
    assert first["local_date"] == "2025-03-01"
    assert first["started_at"] == "2025-03-01T07:30:00+01:00"
    assert first["zone"] == "Europe/Paris"
    assert (first["lifts"], first["count"], first["hold"]) == ("3", "4", "0")
    assert first["completed"] == "true" and first["hurt"] == "false"
    assert first["duration_seconds"] == "312.5"
    assert first["note"] == '\'=HYPERLINK("x")'  # never runs as a spreadsheet formula
    assert rows[1]["lifts"] == "" and rows[1]["routine"] == "floor-flow"


def test_csv_steps_mode_one_row_per_step() -> None:
    rows = list(
        csv.DictReader(io.StringIO(exchange.export_csv([make_session(1), make_session(2)], steps=True)))
    )
    assert list(rows[0]) == list(exchange.STEP_COLUMNS)
    assert len(rows) == 6
    assert rows[0]["pose"] == "hip-rocks" and rows[0]["reps_done"] == "8"
    assert rows[2]["answer"] == "some" and rows[2]["question_key"] == "space-before"
    assert rows[1]["answer"] == "" and rows[1]["question_key"] == ""


def test_csv_of_nothing_is_a_header() -> None:
    assert exchange.export_csv([]) == ",".join(exchange.SESSION_COLUMNS) + "\n"


def test_filter_by_local_date_inclusive() -> None:
    sessions = [make_session(i, day=date(2025, 3, 1) + timedelta(days=i)) for i in range(5)]
    picked = exchange.filter_sessions(sessions, date(2025, 3, 2), date(2025, 3, 4))
    assert [s.local_date.day for s in picked] == [2, 3, 4]
    assert len(exchange.filter_sessions(sessions, since=date(2025, 3, 4))) == 2
    assert len(exchange.filter_sessions(sessions, until=date(2025, 3, 1))) == 1


def test_write_private_is_atomic_and_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    exchange.write_private(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


# --------------------------------------------------------------------------- the validator walks the declaration


def _declared_ranges() -> list[tuple[str, str, float]]:
    """(path in a session, name, high) of every integer or number a step or a session declares, refs followed."""
    from tracker.exchange import format as declared

    found = []
    for where, record in (
        ("", declared.SESSION),
        ("steps.0.", declared.STEP),
        ("prescription.", declared.PRESCRIPTION),
    ):
        for name, field in record.fields:
            while field.type == "ref":
                field = declared.DEFS[field.ref]
            if field.type in ("integer", "number") and not field.nullable:
                found.append((f"{where}{name}", field.type, field.high))
    return found


@pytest.mark.parametrize("path, kind, high", _declared_ranges(), ids=[p for p, _, _ in _declared_ranges()])
def test_the_validator_refuses_past_each_declared_maximum(path: str, kind: str, high: float) -> None:
    """Every range the declaration states (and so the schema) is the validator's: one past it is refused there."""
    session = make_session().to_dict()
    _set(path, high)(session)
    assert exchange.validate.session_problems(session, "s") == []
    over = high + 1 if kind == "integer" else high + 0.5
    _set(path, int(over) if kind == "integer" else over)(session)
    problems = exchange.validate.session_problems(session, "s")
    assert len(problems) == 1 and problems[0].startswith(
        f"s.{path.replace('.0.', '[0].')}: must be from 0 to "
    ), problems
