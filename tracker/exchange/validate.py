"""The export's validator: walks the one declaration (tracker.exchange.format) that the shipped schema is generated
from, every problem as `json.path: message`; what a schema cannot say (a local_date on its started_at's day, a
zone this computer knows) is checked here in code."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple, TypeGuard

from tracker.exchange.format import (
    DEFS,
    DOCUMENT,
    FORMAT,
    MAX_PROBLEMS,
    MAX_SESSIONS,
    READS,
    SESSION,
    Field,
    Record,
)
from tracker.exchange.reading import HugeNumber
from tracker.model.limits import FIRST_DAY, LAST_DAY
from tracker.zones import valid_zone

# --------------------------------------------------------------------------- import: validation


class _Checker:
    """Walks the document along our own shape; collects problems as 'path: message'."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.count = 0

    def fail(self, path: str, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{path}: {message}")

    # -- leaves
    def obj(self, value: object, path: str, required: Sequence[str], optional: Sequence[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return False
        ok = True
        for key in required:
            if key not in value:
                self.fail(path, f"missing field {key!r}")
                ok = False
        if ok and len(value) == len(required) and not optional:
            return True  # every required key present and nothing else
        allowed = _allowed(required, optional)
        for key in value:
            if key not in allowed:
                self.fail(path, f"unexpected field {key!r}")
                ok = False
        return ok

    def integer(self, value: object, path: str, low: int, high: int) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not (math.isfinite(value) and value.is_integer()))
        ):
            self.fail(path, f"must be a whole number, not {_kind(value)}")
        elif not low <= value <= high:
            self.fail(path, f"must be from {low} to {high}, not {_show(value)}")

    def number(self, value: object, path: str, low: float, high: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(path, f"must be a number, not {_kind(value)}")
        elif not low <= value <= high:
            self.fail(path, f"must be from {low:g} to {high:g}, not {_show(value)}")

    def boolean(self, value: object, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {_kind(value)}")

    def string(self, value: object, path: str, *, pattern: re.Pattern[str] | None = None,
               max_length: int | None = None, what: str = "") -> TypeGuard[str]:  # fmt: skip
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {_kind(value)}")
            return False
        if max_length is not None and len(value) > max_length:
            self.fail(path, f"must be at most {max_length} characters, not {len(value)}")
            return False
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(path, f"must be {what or 'well formed'}, not {_show(value)}")
            return False
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:  # a lone surrogate: "\ud800" is valid JSON but not text
                self.fail(
                    path,
                    f"holds a lone surrogate (U+{ord(value[error.start]):04X}) at character {error.start + 1}",
                )
                return False
        return True

    def choice(self, value: object, path: str, choices: Sequence[str | None]) -> None:
        if isinstance(value, bool) or value not in choices:
            shown = ", ".join("null" if c is None else c for c in choices)
            self.fail(path, f"must be one of {shown}, not {_show(value)}")

    def instant(self, value: object, path: str) -> datetime | None:
        declared = DEFS["instant"]
        if not self.string(value, path, pattern=declared.pattern, what=declared.what):
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date and time: {_show(value)}")
            return None
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            self.fail(path, f"must fall from {FIRST_DAY} to {LAST_DAY}, not {_show(value)}")
            return None
        return moment

    def day(self, value: object, path: str) -> date | None:
        declared = DEFS["day"]
        if not self.string(value, path, pattern=declared.pattern, what=declared.what):
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"is not a real date: {_show(value)}")
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail(path, f"must be from {FIRST_DAY} to {LAST_DAY}, not {_show(value)}")
            return None
        return day

    # -- the declaration
    def array(self, value: object, field: Field, path: str) -> None:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, not {_kind(value)}")
            return
        if len(value) > field.max_items:
            self.fail(path, f"holds {len(value)} {field.noun}; the limit is {field.max_items}")
            return
        items = field.record or DEFS[field.items].record
        assert items is not None
        for i in unproven(value, items):
            self.record(value[i], items, f"{path}[{i}]")

    def record(self, value: object, record: Record, path: str) -> None:
        """An object of the declaration: its keys, then each field in order. A session (record.partial) has
        every field present checked even when others are missing or unknown."""
        if not self.obj(value, path, record.required, record.optional) and not (
            record.partial and isinstance(value, dict)
        ):
            return
        assert isinstance(value, dict)
        checked: dict[str, object] = {}
        for name, check in _plan(record):
            if name in value:  # a missing field was reported once by obj()
                checked[name] = check(self, value[name], path, name)
                if record is SESSION:
                    self.session_rules(value, name, checked, path)
        if record.together:
            present = [name for name in record.together if name in value]
            if present and len(present) != len(record.together):
                self.fail(path, f"{' and '.join(record.together)} go together")
            elif present:
                for name, check in _plan(record, together=True):
                    check(self, value[name], path, name)

    def session_rules(self, s: dict[str, object], name: str, checked: dict[str, object], path: str) -> None:
        """What the schema cannot say about a session, checked right after the field it concerns."""
        if name == "zone" and checked["zone"] is True and not valid_zone(str(s["zone"])):
            self.fail(f"{path}.zone", f"is not a time zone this computer knows: {_show(s['zone'])}")
        if name == "local_date":
            started, day = checked.get("started_at"), checked["local_date"]
            if isinstance(started, datetime) and isinstance(day, date) and started.date() != day:
                self.fail(
                    f"{path}.local_date",
                    f"is {day.isoformat()} but started_at {s['started_at']} falls on {started.date().isoformat()}",
                )

    def document(self, doc: object) -> None:
        if not isinstance(doc, dict):
            self.fail("$", f"must be an object, not {_kind(doc)}")
            return
        if doc.get("format") != FORMAT:
            self.fail("format", f"must be {FORMAT!r}, not {_show(doc.get('format'))}")
            return
        version = doc.get("version")
        if isinstance(version, bool) or version not in READS:
            readable = " or ".join(str(v) for v in READS)
            self.fail(
                "version",
                f"must be {readable}, not {_show(version)} (this Backroll reads versions {readable})",
            )
            return
        keys = _document_keys(version)
        self.obj(doc, "$", keys)
        fields = dict(DOCUMENT.fields)
        if "exported_at" in doc:
            self.instant(doc["exported_at"], "exported_at")
        if version >= 2 and "usual_pain" in doc:
            self.array(doc["usual_pain"], fields["usual_pain"], "usual_pain")
        if version >= 3 and "pain_records" in doc:
            self.array(doc["pain_records"], fields["pain_records"], "pain_records")
        self.array(doc.get("sessions"), fields["sessions"], "sessions")

    def session(self, s: object, path: str) -> None:
        self.record(s, SESSION, path)


# --------------------------------------------------------------------------- the declaration, compiled

# One field's check: (checker, value, the record's path, the field's name) -> a parsed date or date and time,
# True for a well-formed string, else None. The path is only built for a message: a plain, in-range value is
# accepted without the detailed check; NaN fails the comparison.
Check = Callable[["_Checker", object, str, str], object]
_PLANS: dict[tuple[int, bool], tuple[tuple[str, Check], ...]] = {}


def _plan(record: Record, *, together: bool = False) -> tuple[tuple[str, Check], ...]:
    """The checks of a record's fields, compiled from the declaration once: all but `together`, or those."""
    key = (id(record), together)
    if key not in _PLANS:
        _PLANS[key] = tuple(
            (name, _compile(field)) for name, field in record.fields if (name in record.together) == together
        )
    return _PLANS[key]


def _compile(field: Field, what: str = "") -> Check:
    check = (
        _compile(DEFS[field.ref], field.what)
        if field.type == "ref"
        else _compile_value(field, what or field.what)
    )
    if not field.nullable:
        return check

    def or_null(checker: _Checker, value: object, path: str, name: str) -> object:
        return None if value is None else check(checker, value, path, name)

    return or_null


def _compile_value(field: Field, what: str) -> Check:
    kind, low, high = field.type, field.low, field.high
    if kind == "integer":
        whole_low, whole_high = int(low), int(high)

        def integer(checker: _Checker, value: object, path: str, name: str) -> object:
            if type(value) is not int or not whole_low <= value <= whole_high:
                checker.integer(value, f"{path}.{name}", whole_low, whole_high)
            return None

        return integer
    if kind == "number":

        def number(checker: _Checker, value: object, path: str, name: str) -> object:
            if (type(value) is not int and type(value) is not float) or not low <= value <= high:
                checker.number(value, f"{path}.{name}", low, high)
            return None

        return number
    if kind == "boolean":

        def boolean(checker: _Checker, value: object, path: str, name: str) -> object:
            if type(value) is not bool:
                checker.boolean(value, f"{path}.{name}")
            return None

        return boolean
    if kind == "enum":
        choices = field.choices

        def choice(checker: _Checker, value: object, path: str, name: str) -> object:
            if type(value) is not str or value not in choices:
                checker.choice(value, f"{path}.{name}", choices)
            return None

        return choice
    if kind == "string" and field.format == "date-time":
        return lambda checker, value, path, name: checker.instant(value, f"{path}.{name}")
    if kind == "string" and field.format == "date":
        return lambda checker, value, path, name: checker.day(value, f"{path}.{name}")
    if kind == "string":
        pattern, max_length = field.pattern, field.max_length
        return lambda checker, value, path, name: checker.string(
            value, f"{path}.{name}", pattern=pattern, max_length=max_length, what=what
        )
    if kind == "object" and field.record is not None:
        record = field.record
        return lambda checker, value, path, name: checker.record(value, record, f"{path}.{name}")
    if kind == "array":
        return lambda checker, value, path, name: checker.array(value, field, f"{path}.{name}")
    raise ValueError(f"no check for a field of type {kind!r}")


def _document_keys(version: int) -> tuple[str, ...]:
    """The fields of a document of `version`, in the order a missing one is reported."""
    keys = ("format", "version", "exported_at", "sessions") + (("usual_pain",) if version >= 2 else ())
    return keys + (("pain_records",) if version >= 3 else ())


# --------------------------------------------------------------------------- the declaration, a column at a time
# The fast answer for a well-formed file. The values of one field across every record of a list are checked
# together, in passes that run in C (map, set, min, max, one regex call per distinct value), instead of a Python
# call per value; the declaration is read once per column, not once per record. It answers yes, with what it
# read on the way (a Proof: the columns, the parsed instants and days, for tracker.exchange.build), or no: a
# no, or a shape it does not try to prove (3.0 for a whole number, an older version), sends those records
# through the _Checker above, which says what is wrong and where. So a yes must never be said of anything the
# _Checker would refuse; the tests hold the two to the same verdicts.

_CHUNK = 64  # records proven at a time: a bad one sends only its own chunk to the _Checker
_NUMBER_TYPES = frozenset({int, float})


def unproven(items: list[Any], record: Record) -> range | list[int]:
    """The indices of `items` (records of `record`) not proven well formed: only these need the _Checker."""
    if _records_ok(record, items):
        return range(0)
    found: list[int] = []
    for start in range(0, len(items), _CHUNK):
        if not _records_ok(record, items[start : start + _CHUNK]):
            found.extend(range(start, min(start + _CHUNK, len(items))))
    return found


def document_ok(doc: object) -> bool:
    """True when validate_document(doc) finds nothing wrong (False also for what this does not try to prove)."""
    return proven_document(doc) is not None


class Proof(NamedTuple):
    """What the column check read of a list of records it proved, for whoever makes objects of them
    (tracker.exchange.build) without reading it all again."""

    records: Sequence[Any]
    columns: dict[str, Sequence[Any]]  # each required field's values across the records, in their order
    read: dict[str, Any]  # by field: a date or date and time never null, parsed (a list in the records'
    # order); an object field, the Proof of its records that are not null; a list field, of its records chained
    optional: dict[str, Sequence[Any]]  # each optional field's values, across the records that hold it


def proven_document(doc: object) -> Proof | None:
    """The Proof of `doc` (a document: one record of DOCUMENT) when validate_document(doc) finds nothing
    wrong with it, else None (also for what this does not try to prove). Its sessions: .read["sessions"]."""
    if type(doc) is not dict or doc.get("format") != FORMAT:
        return None
    version = doc.get("version")
    if type(version) is not int or version not in READS:
        return None
    keys = _document_keys(version)
    if doc.keys() != set(keys):
        return None
    fields = dict(DOCUMENT.fields)
    read: dict[str, Any] = {}
    if not all(_values_ok(fields[name], [doc[name]], read, name) for name in keys[2:]):
        return None
    return Proof((doc,), {name: (doc[name],) for name in keys}, read, {})


def keys_and_colons(proof: Proof, record: Record = DOCUMENT) -> tuple[int, int]:
    """How many keys the objects of what `proof` proved (as `record`) hold in all, and how many colons their
    keys and strings hold: what tracker.untrusted.repeats_no_key weighs against the text they were read from.

    Each string is counted once, from its column; each object once, from the records of its Proof.
    """
    keys = sum(map(len, proof.records))
    colons = 0
    for name, field in record.fields:
        while field.type == "ref":
            field = DEFS[field.ref]
        for column in (proof.columns.get(name, ()), proof.optional.get(name, ())):
            colons += name.count(":") * len(column)  # the key, in each record that holds it (none has one)
            if column and _holds_text(field):  # strings, and nulls (dropped by filter, as "" is: no colon)
                colons += "".join(filter(None, column)).count(":")
        nested = proof.read.get(name)
        items = field.record or (DEFS[field.items].record if field.items else None)
        if isinstance(nested, Proof) and items is not None:
            more_keys, more_colons = keys_and_colons(nested, items)
            keys, colons = keys + more_keys, colons + more_colons
    return keys, colons


def _holds_text(field: Field) -> bool:
    """A proven value of `field` is a string or null (a choice of strings; not the document's version)."""
    if field.type == "enum":
        return bool(field.choices) and all(choice is None or type(choice) is str for choice in field.choices)
    return field.type == "string"


def _records_ok(record: Record, dicts: Sequence[Any]) -> bool:
    """True when the _Checker finds nothing wrong with any of `dicts` as `record`."""
    return _proof(record, dicts) is not None


def _proof(record: Record, dicts: Sequence[Any]) -> Proof | None:
    """The Proof of `dicts` as `record` when the _Checker finds nothing wrong with any of them, else None."""
    if not dicts:
        return Proof(dicts, {}, {}, {})
    if set(map(type, dicts)) != {dict}:
        return None
    layout = _layout(record)
    width = len(layout.required)
    try:  # one pass over the records for every required value (a KeyError: one is missing)
        rows = list(map(layout.required_getter, dicts))
        wider = [d for d in dicts if len(d) != width] if set(map(len, dicts)) != {width} else []
        optional_rows = list(map(layout.optional_getter, wider)) if wider else []
    except KeyError:
        return None
    if wider and (not layout.together or set(map(len, wider)) != {width + len(layout.optional)}):
        return None  # an unexpected key, or optional keys that do not go together (left to the _Checker)
    columns: dict[str, Sequence[Any]] = dict(zip(layout.required, zip(*rows)))
    optional_columns: dict[str, Sequence[Any]] = dict(zip(layout.optional, zip(*optional_rows)))  # wider only
    read: dict[str, Any] = {}
    for name, field in record.fields:
        if name in columns:
            if not _values_ok(field, columns[name], read, name):
                return None
        elif name in optional_columns and not _values_ok(field, optional_columns[name]):
            return None
    if record is SESSION and not _session_rules_ok(columns, read):
        return None
    return Proof(dicts, columns, read, optional_columns)


def _values_ok(
    field: Field, values: Sequence[Any], read: dict[str, Any] | None = None, name: str = ""
) -> bool:
    """True when the _Checker finds nothing wrong with any of `values` as `field`; what it parsed or proved on
    the way, into read[name] (see Proof.read)."""
    nullable = field.nullable
    while field.type == "ref":
        field = DEFS[field.ref]
        nullable = nullable or field.nullable
    if nullable:
        values = [value for value in values if value is not None]
        read = None if field.type == "string" else read  # parsed values would not line up with the records
    if not values:
        return True
    kind, types = field.type, set(map(type, values))
    if kind == "integer":  # a whole float (3.0) is valid, but left to the _Checker
        return types == {int} and field.low <= min(values) and max(values) <= field.high
    if kind == "number":  # a NaN would hide from min and max: no JSON parser here makes one, but a dict might
        return (
            types <= _NUMBER_TYPES
            and field.low <= min(values)
            and max(values) <= field.high
            and not any(map(math.isnan, values))
        )
    if kind == "boolean":
        return types == {bool}
    if kind == "enum":  # the choices' own types only, so no list reaches set() and no True equals a 1
        return types <= {type(choice) for choice in field.choices} and set(values) <= set(field.choices)
    if kind == "string":
        return types == {str} and _strings_ok(field, values, read, name)
    if kind == "object":
        return types == {dict} and field.record is not None and _kept(field.record, values, read, name)
    if kind == "array":
        items = field.record or DEFS[field.items].record
        return (
            types == {list}
            and max(map(len, values)) <= field.max_items
            and items is not None
            and _kept(items, list(chain.from_iterable(values)), read, name)
        )
    return False


def _kept(record: Record, dicts: Sequence[Any], read: dict[str, Any] | None, name: str) -> bool:
    proof = _proof(record, dicts)
    if proof is not None and read is not None:
        read[name] = proof
    return proof is not None


def _strings_ok(
    field: Field, values: Sequence[str], read: dict[str, Any] | None = None, name: str = ""
) -> bool:
    if field.max_length is not None and max(map(len, values)) > field.max_length:
        return False
    if field.pattern is not None and not all(map(field.pattern.fullmatch, set(values))):
        return False
    if not all(map(str.isascii, values)):
        try:  # a lone surrogate anywhere fails the whole (joining never pairs two: str has no pairs)
            "".join(values).encode("utf-8")
        except UnicodeEncodeError:
            return False
    parsed: list[Any]
    if field.format == "date-time":
        try:
            parsed = list(map(datetime.fromisoformat, values))
        except ValueError:
            return False
        days = list(map(datetime.date, parsed))
    elif field.format == "date":
        try:
            days = parsed = list(map(date.fromisoformat, values))
        except ValueError:
            return False
    else:
        return True
    if read is not None:
        read[name] = parsed
    return min(days) >= FIRST_DAY and max(days) <= LAST_DAY


def _session_rules_ok(columns: Mapping[str, Sequence[Any]], read: Mapping[str, Any]) -> bool:
    """session_rules for well-formed sessions: zones this computer knows, each local_date its start's day
    (both parsed once, by _strings_ok)."""
    if not all(map(valid_zone, set(columns["zone"]))):
        return False
    days: list[date] = read["local_date"]
    return list(map(datetime.date, read["started_at"])) == days


class _Layout(NamedTuple):
    """A record's keys as the column check reads them: each getter takes a record's values in one call."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    together: bool  # its optional keys come all or none (then a record holds all of them or none)
    required_getter: Callable[[Any], tuple[Any, ...]]
    optional_getter: Callable[[Any], tuple[Any, ...]]


_LAYOUTS: dict[int, _Layout] = {}


def _layout(record: Record) -> _Layout:
    """Made once per record of the declaration (kept by id: a Record's hash walks every field it holds)."""
    if id(record) not in _LAYOUTS:
        _LAYOUTS[id(record)] = _Layout(
            record.required,
            record.optional,
            bool(record.optional) and set(record.optional) == set(record.together),
            _getter(record.required),
            _getter(record.optional),
        )
    return _LAYOUTS[id(record)]


def _getter(keys: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """itemgetter that always gives a tuple, even of one key or none."""
    if not keys:
        return lambda d: ()
    if len(keys) == 1:
        key = keys[0]
        return lambda d: (d[key],)
    return itemgetter(*keys)


@functools.cache
def _allowed(required: Sequence[str], optional: Sequence[str]) -> frozenset[str]:
    return frozenset(required) | frozenset(optional)


def _kind(value: object) -> str:
    if isinstance(value, HugeNumber):
        return f"a number {len(value.text.lstrip('-'))} digits long"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {_show(value)}"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: object) -> str:
    if isinstance(value, HugeNumber):
        return _kind(value)
    if isinstance(value, float) and not math.isfinite(value):
        text = str(value)
    else:  # a HugeNumber inside a list or an object is shown by its kind
        text = json.dumps(value, ensure_ascii=False, default=_kind)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_document(doc: object) -> list[str]:
    """Every problem of a parsed export (up to MAX_PROBLEMS), as 'json.path: message'; [] = valid."""
    if document_ok(doc):
        return []
    checker = _Checker()
    checker.document(doc)
    if checker.count > len(checker.problems):
        checker.problems.append(f"... and {checker.count - len(checker.problems)} more problems")
    return checker.problems


def validate_envelope(doc: object) -> list[str]:
    """The problems of everything but the sessions themselves (format, version, usual pain, the list)."""
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("sessions"), list)
        and len(doc["sessions"]) <= MAX_SESSIONS
    ):
        return validate_document({**doc, "sessions": []})
    return validate_document(doc)


def session_problems(session: object, path: str) -> list[str]:
    """Every problem of one session (up to MAX_PROBLEMS), as 'json.path: message'; [] = valid."""
    checker = _Checker()
    checker.session(session, path)
    return checker.problems
