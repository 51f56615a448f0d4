"""Writing the history: the JSON export (and its schema), CSV, and the private file writer."""

from __future__ import annotations

import csv
import errno
import io
import json
import json.encoder
import os
import stat
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.exchange.format import (
    FORMAT,
    SCHEMA_RESOURCE,
    VERSION,
)
from tracker.files import write_all, write_atomic
from tracker.model import PainRecord, Session, UsualPain

# --------------------------------------------------------------------------- schema


@cache
def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of the export as shipped (the output of tracker.exchange.json_schema)."""
    return resources.files("tracker").joinpath("schema", SCHEMA_RESOURCE).read_text(encoding="utf-8")


def schema() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(schema_text())
    return loaded


# --------------------------------------------------------------------------- export


def filter_sessions(
    sessions: Iterable[Session], since: date | None = None, until: date | None = None
) -> list[Session]:
    """Sessions whose practice day (local_date) is within [since, until], both inclusive."""
    return [
        s
        for s in sessions
        if (since is None or s.local_date >= since) and (until is None or s.local_date <= until)
    ]


def _export_order(sessions: Iterable[Session]) -> list[Session]:
    # By instant, then id: the same history always exports to the same bytes.
    return sorted(sessions, key=lambda s: (s.started_at, s.id))


def _head(
    exported_at: datetime, usual_pain: Iterable[UsualPain], pain_records: Iterable[PainRecord]
) -> dict[str, Any]:
    """Every field of the document but its sessions, in the written order."""
    if exported_at.tzinfo is None:
        raise ValueError("exported_at must carry a UTC offset")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(),
        "usual_pain": [r.to_dict() for r in sorted(usual_pain, key=lambda r: (r.since, r.id))],
        "pain_records": [r.to_dict() for r in sorted(pain_records, key=lambda r: (r.day, r.id))],
    }


def export_document(
    sessions: Iterable[Session],
    exported_at: datetime,
    usual_pain: Iterable[UsualPain] = (),
    pain_records: Iterable[PainRecord] = (),
) -> dict[str, Any]:
    document = _head(exported_at, usual_pain, pain_records)
    document["sessions"] = [s.to_dict() for s in _export_order(sessions)]
    return document


def export_json(
    sessions: Iterable[Session],
    exported_at: datetime,
    usual_pain: Iterable[UsualPain] = (),
    pain_records: Iterable[PainRecord] = (),
) -> str:
    """export_document as text: the header fields one per line, then one session per line.

    Readable and diff-friendly, and fast: `indent=` would force Python's
    pure-Python encoder (about 5x slower at 10k sessions), while each line
    here goes through the C encoder. Each session's dict is encoded and
    dropped at once: holding all of them while they are built made the
    garbage collector walk them again and again (about a fifth of the export).
    The text is joined once: each `+` of two long strings copies the whole.
    """
    head = _head(exported_at, usual_pain, pain_records)
    encode = _line_encoder()
    fields = ",\n".join(f" {encode(key)}: {encode(value)}" for key, value in head.items())
    rows = ",\n  ".join([encode(d) for d in map(Session.to_dict, _export_order(sessions))])
    return "".join(
        ("{\n", fields, ',\n "sessions": [\n', "  " if rows else "", rows, "\n" if rows else "", " ]\n}\n")
    )


def _line_encoder() -> Callable[[object], str]:
    """json.dumps(value, ensure_ascii=False) for the values export writes (fresh dicts: no cycle to look for).

    JSONEncoder.encode makes a new C encoder at every call; one line per session makes that a tenth of the
    encoding, so the C encoder it makes is made once here (json.encoder.c_make_encoder, with the arguments
    JSONEncoder passes it), and JSONEncoder.encode is the way when this Python has no such encoder.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        chunks = make(
            None,  # markers: no check for cycles
            encoder.default,
            json.encoder.encode_basestring,  # ensure_ascii=False
            None,  # indent
            encoder.key_separator,
            encoder.item_separator,
            encoder.sort_keys,
            encoder.skipkeys,
            encoder.allow_nan,
        )
    except TypeError:  # another Python's signature
        return encoder.encode
    join = "".join
    return lambda value: join(chunks(value, 0))


SESSION_COLUMNS = (
    "id", "local_date", "started_at", "zone", "routine", "duration_seconds", "completed",
    "hurt", "hurt_step", "hurt_pose", "pain_before", "pain_after", "stable", "felt",
    "lifts", "count", "hold", "steps", "note", "origin",
)  # fmt: skip
STEP_COLUMNS = (
    "session_id", "local_date", "started_at", "routine", "index", "pose", "side",
    "reps_planned", "reps_done", "raise_counts", "lower_counts", "hold_seconds",
    "seconds", "skipped", "completed", "question_key", "answer",
)  # fmt: skip


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 3)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _text(value: str) -> str:
    # Free text opened in a spreadsheet must not run as a formula (CSV injection).
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _session_row(s: Session) -> list[str]:
    c, p, h = s.checkin, s.prescription, s.hurt_at
    return [
        _cell(v)
        for v in (
            s.id, s.local_date.isoformat(), s.started_at.isoformat(), s.zone, s.routine,
            round(s.duration, 3), s.completed, s.hurt,
            h.step if h else None, h.pose if h else None,
            c.pain_before, c.pain_after,
            c.stable.value if c.stable else None, c.felt.value if c.felt else None,
            p.lifts if p else None, p.count if p else None, p.hold if p else None,
            len(s.steps), _text(c.note), s.origin,
        )
    ]  # fmt: skip


def _step_rows(s: Session) -> Iterable[list[str]]:
    for r in s.steps:
        yield [
            _cell(v)
            for v in (
                s.id, s.local_date.isoformat(), s.started_at.isoformat(), s.routine,
                r.index, r.pose, r.side.value, r.reps_planned, r.reps_done,
                r.raise_counts, r.lower_counts, round(r.hold_seconds, 3), round(r.seconds, 3),
                r.skipped, r.completed, r.question_key if r.answer is not None else None,
                _text(r.answer) if r.answer is not None else None,
            )
        ]  # fmt: skip


def export_csv(sessions: Iterable[Session], *, steps: bool = False) -> str:
    """One row per session, or with `steps` one row per step; dates and instants in ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    ordered = _export_order(sessions)
    if steps:
        writer.writerow(STEP_COLUMNS)
        for s in ordered:
            writer.writerows(_step_rows(s))
    else:
        writer.writerow(SESSION_COLUMNS)
        writer.writerows(_session_row(s) for s in ordered)
    return out.getvalue()


def write_private(path: Path, text: str | bytes) -> None:
    """Write `text` (str as UTF-8, or bytes as they are) to what `path` is, never swapping it for something else.

    A regular file (or a new one): atomically (tracker.files.write_atomic), readable by the
    owner only. A symlink: its target, atomically (the link stays). A FIFO or a character
    device (/dev/null, /dev/stdout, a terminal): written through, not replaced. A folder,
    a socket or a block device: IsADirectoryError / OSError, nothing written.
    """
    path = Path(path)
    payload = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    target = path
    if path.is_symlink():
        target = Path(os.path.realpath(path))  # a dangling link: its target is created
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        write_atomic(target, payload)
        return
    if stat.S_ISREG(mode):
        write_atomic(target, payload)
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        try:  # a FIFO nobody reads would block for ever: refuse it instead (ENXIO)
            fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno == errno.ENXIO:
                raise OSError(errno.ENXIO, "it is a pipe that no program is reading", str(path)) from None
            raise
        try:
            os.set_blocking(fd, True)
            write_all(fd, payload)
        finally:
            os.close(fd)
    elif stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    else:
        raise OSError(
            errno.EINVAL, "it is a socket or a block device, not a file Backroll writes to", str(path)
        )
