"""The one object the CLI and the UI use to reach the core.

`Backroll(home)` loads the content library (built-in plus `<home>/routines`)
and opens the store lazily, on first use (so a screen that only shows the
library never takes the lock, and the app draws its first frame before
reading anything), and answers the questions the screens ask: today's status
(streaks + advice + the next prescription), the history, the routine to run
now, and the saving of a finished session.

Time is injected: `now` returns an aware datetime and `zone` is the IANA
name sessions are stamped with, so tests and snapshots never depend on the
machine's clock or zone.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.model import (
    PAIN_NOTE_MAX,
    CheckIn,
    PainRecord,
    Prescription,
    Program,
    ProgressionRules,
    Routine,
    Session,
    Settings,
    Side,
    UsualPain,
)
from tracker.paths import Locations
from tracker.sessions import build_session, derive_prescription, planned_results
from tracker.status import PROGRAM_ID, Status
from tracker.store.errors import StoreCorrupt, StoreError, StoreLocked, StoreWriteError
from tracker.zones import local_zone_name, valid_zone, zone_for, zone_of

if TYPE_CHECKING:  # named in annotations here only
    from tracker.content import ContentError
    from tracker.practice import Carry
    from tracker.quick import Quick
    from tracker.report import Report
    from tracker.resume import InProgress
    from tracker.store import Store

# Content, progression and streaks are imported where they are first needed: the app's first
# frame needs none of them (Today reads them in a worker), and neither does `backroll --help`.
# The runner, the cues, the checkpoint and the briefing are the UI's (a session, the settings
# screen): re-exported lazily (PEP 562), so `status` or `log` never builds their dataclasses.
# This table declares them: name -> the module that defines it; __getattr__ and __all__ read it.
_LAZY = {
    "Briefing": "tracker.briefing",
    **dict.fromkeys(("CHECKPOINT_INTERVAL", "Checkpoint", "CheckpointFile"), "tracker.checkpoint"),
    **dict.fromkeys(
        (
            "INSTALL_AUDIO",
            "INSTALL_VOICE",
            "CuePrograms",
            "CueSound",
            "describe",
            "run_quietly",
            "sound_for",
            "spoken_text",
        ),
        "tracker.cues",
    ),  # fmt: skip
    **dict.fromkeys(("Clock", "Cue", "Runner", "RunnerView", "RunResult"), "tracker.runner"),
    **dict.fromkeys(("Frame", "Geometry", "Segment", "move_phase"), "tracker.figure"),
    **dict.fromkeys(("FAR", "FLOOR", "NEAR", "raster"), "tracker.braille"),
    "Settled": "tracker.resume",
    "StreakSummary": "tracker.streaks",
    "Library": "tracker.content",  # the routine library the UI shows (History, Library, a session's detail)
    "Advice": "tracker.progression",  # the advice card's
}

if TYPE_CHECKING:
    # The same names again for type checkers, which cannot follow __getattr__ (mypy would type each one
    # `object`); tests/unit/test_service.py holds the two to the same names from the same modules.
    from tracker.braille import FAR as FAR
    from tracker.braille import FLOOR as FLOOR
    from tracker.braille import NEAR as NEAR
    from tracker.braille import raster as raster
    from tracker.briefing import Briefing as Briefing
    from tracker.checkpoint import CHECKPOINT_INTERVAL as CHECKPOINT_INTERVAL
    from tracker.checkpoint import Checkpoint as Checkpoint
    from tracker.checkpoint import CheckpointFile as CheckpointFile
    from tracker.content import Library as Library
    from tracker.cues import INSTALL_AUDIO as INSTALL_AUDIO
    from tracker.cues import INSTALL_VOICE as INSTALL_VOICE
    from tracker.cues import CuePrograms as CuePrograms
    from tracker.cues import CueSound as CueSound
    from tracker.cues import describe as describe
    from tracker.cues import run_quietly as run_quietly
    from tracker.cues import sound_for as sound_for
    from tracker.cues import spoken_text as spoken_text
    from tracker.figure import Frame as Frame
    from tracker.figure import Geometry as Geometry
    from tracker.figure import Segment as Segment
    from tracker.figure import move_phase as move_phase
    from tracker.progression import Advice as Advice
    from tracker.resume import Settled as Settled
    from tracker.runner import Clock as Clock
    from tracker.runner import Cue as Cue
    from tracker.runner import Runner as Runner
    from tracker.runner import RunnerView as RunnerView
    from tracker.runner import RunResult as RunResult
    from tracker.streaks import StreakSummary as StreakSummary


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


Now = Callable[[], datetime]


class Backroll:
    """The service: content, history, settings, advice; shared by the CLI, the UI and the tests."""

    def __init__(
        self,
        home: Path | str,
        *,
        now: Now | None = None,
        zone: str | None = None,
        library: Library | None = None,
        store_wait: float = 5.0,
        label: str | None = None,
        reading: bool = False,
    ) -> None:
        self.home = Path(home)
        self._reading = (
            reading  # a command that only reads: while nothing is saved, an empty history and no folder made
        )
        self.locations = Locations(self.home)
        self._now: Now = now or (lambda: datetime.now().astimezone())
        if zone is None and now is not None:
            zone = zone_of(self._now())
        self.zone = zone or local_zone_name()
        if not valid_zone(self.zone):
            raise ValueError(f"{self.zone!r} is not a time zone this computer knows.")
        self.tzinfo = ZoneInfo(self.zone)
        self._library: Library | None = library  # loaded on first use (see the library property)
        self._library_mutex = threading.Lock()
        self._store_wait = store_wait
        self._label = label
        self._store: Store | None = None
        self._store_mutex = (
            threading.Lock()
        )  # the app opens the store in a worker; one open, however many ask
        self._settings: Settings | None = None
        self._prescribed: dict[Routine, Prescription] = {}
        self._in_progress: InProgress | None = None
        # The practice days (and the settings) the last quick status read, until any other write:
        # `current_streak_with` counts a session just saved without reading the history again.
        self._days_read: tuple[Settings, list[date]] | None = None
        self._ids_read: dict[str, tuple[tuple[int, int, int, int], str]] = {}  # and its month files' ids
        # Inside `one_read`: each quick read made, by (day, program), for the next question to reuse.
        self._read_once: dict[tuple[date, str], Quick | None] | None = None

    # ------------------------------------------------------------------ time

    def now(self) -> datetime:
        """The current instant, in the service's zone."""
        return self._now().astimezone(self.tzinfo)

    def today(self) -> date:
        return self.now().date()

    def localize(self, moment: datetime) -> datetime:
        """An aware instant in the service's zone; a naive one is read as local wall time."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tzinfo)
        return moment.astimezone(self.tzinfo)

    def stamp(self, moment: datetime) -> tuple[datetime, str]:
        """(start instant, zone) to record for a session that started at `moment`.

        Naive: local wall time in the service's zone. Aware with a zone name (a
        ZoneInfo): kept in it. Aware with only an offset (a time typed with
        "-05:00"): the offset is kept, so its local date is the practice day,
        and the zone is chosen by `tracker.zones.zone_for`.
        """
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tzinfo), self.zone
        zone = zone_for(moment, self.zone)
        if zone_of(moment) is None and moment.astimezone(ZoneInfo(zone)).utcoffset() == moment.utcoffset():
            return moment.astimezone(ZoneInfo(zone)), zone
        return moment, zone

    # ------------------------------------------------------------------ store and settings

    @property
    def store(self) -> Store:
        """The history store, opened (and locked) on first use. Raises StoreLocked / StoreCorrupt."""
        store = self._store
        if store is None:
            with self._store_mutex:
                store = self._store
                if store is None:
                    store = self._store = self._open_store()
        return store

    def _open_store(self) -> Store:
        """Store.open; where nothing can be written (read-only, full), the history opened for reading only."""
        from tracker.store import Store
        from tracker.store.readonly import CANNOT_WRITE, open_read_only

        try:
            # Lazy: months are read when something needs the whole history, so saving a session reads one.
            return Store.open(
                self.home, wait=self._store_wait, label=self._label, today=self.today, lazy=True
            )
        except StoreWriteError as error:
            if error.errno not in CANNOT_WRITE:
                raise
            return open_read_only(
                self.home, error, wait=self._store_wait, label=self._label, today=self.today
            )

    def refresh_history(self) -> bool:
        """Pick up sessions another process saved (`backroll log`, an import) since we last read.

        Cheap (a stat per month file, only changed files re-read); False when
        nothing changed or the store is not open yet (it will read fresh).
        """
        store = self._store
        return bool(store is not None and store.refresh())

    @property
    def in_progress(self) -> InProgress:
        """Sessions in progress: their checkpoints, resume, save as ended early (tracker.resume)."""
        if self._in_progress is None:
            from tracker.resume import InProgress

            self._in_progress = InProgress(self, self.locations.in_progress)
        return self._in_progress

    @property
    def store_is_open(self) -> bool:
        return self._store is not None

    @property
    def saved(self) -> bool:
        """Something was ever saved in this home: the store is open, or its data folder or settings file exists.

        A home that cannot be looked into counts as saved: opening the store then says what is wrong."""
        if self._store is not None:
            return True
        try:
            return self.locations.data.exists() or self.locations.settings.exists()
        except OSError:
            return True

    @property
    def _nothing_to_read(self) -> bool:
        """A reading service (Backroll(reading=True): the CLI's read-only commands) with nothing saved yet.

        Its readers then answer an empty history and the default settings without opening the store,
        which would make the data folder, the lock and the device id. The first save makes them."""
        return self._reading and not self.saved

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            if self._nothing_to_read:
                return Settings()
            self._settings = self.store.load_settings()
        return self._settings

    def save_settings(self, settings: Settings) -> None:
        self._wrote()
        self.store.save_settings(settings)
        self._settings = settings

    def close(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            finally:
                self._store = None

    def __enter__(self) -> Backroll:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ content

    @property
    def library(self) -> Library:
        """The built-in content plus `<home>/routines`, read on first use (once, whichever thread asks)."""
        library = self._library
        if library is None:
            with self._library_mutex:
                library = self._library
                if library is None:
                    from tracker.content.cache import load_library_cached

                    user_dir = self.locations.routines
                    library = self._library = load_library_cached(user_dir if user_dir.is_dir() else None)
        return library

    @property
    def library_errors(self) -> tuple[ContentError, ...]:
        return tuple(self.library.errors)

    def program(self, program_id: str = PROGRAM_ID) -> Program | None:
        return self.library.programs.get(program_id)

    def rules(self, program_id: str = PROGRAM_ID) -> ProgressionRules:
        program = self.program(program_id)
        return program.rules if program is not None else ProgressionRules()

    def routine(self, routine_id: str, prescription: Prescription | None = None) -> Routine:
        """A runnable routine; the program is bound to `prescription`, by default today's advice. KeyError if unknown."""
        if routine_id in self.library.programs:
            if prescription is None:
                prescription = self.status().prescription
            routine = self.library.routine(routine_id, prescription)
            self._prescribed[routine] = prescription
            return routine
        return self.library.routine(routine_id)

    def routine_ids(self) -> list[str]:
        return sorted({*self.library.routines, *self.library.programs})

    def pose_frame(self, pose_id: str, phase: float = 1.0, side: Side = Side.NONE) -> Frame | None:
        """A pose's figure at `phase` (default its end keyframe), the right side's mirror image when
        `side` is RIGHT; None for an unknown pose or one without a figure."""
        from tracker.figure import frame

        pose = self.library.poses.get(pose_id)
        if pose is None or pose.figure is None:
            return None
        return frame(pose.figure, phase, side is Side.RIGHT)

    def runner_frame(self, view: RunnerView) -> Frame | None:
        """The figure the runner shows now: its pose, moving with the phase, on the working side."""
        if not view.pose_id:
            return None
        from tracker.figure import move_phase

        phase = move_phase(view.phase, view.phase_left, view.phase_seconds)
        return self.pose_frame(view.pose_id, phase, view.side)

    def planned_seconds(self, routine: Routine, settings: Settings | None = None) -> float:
        return float(self.library.planned_seconds(routine, settings or self.settings))

    def before_you_start(self, routine: Routine) -> Briefing:
        """The before-you-start card of `routine` at the current settings (tracker.briefing)."""
        from tracker.briefing import before_you_start

        return before_you_start(routine, self.settings)

    def prescription_of(self, routine: Routine) -> Prescription | None:
        """The prescription a program routine was bound to (None for other routines)."""
        if not routine.program:
            return None
        known = self._prescribed.get(routine)
        if known is not None:
            return known
        program = self.program(routine.program)
        return derive_prescription(program, routine) if program else None

    # ------------------------------------------------------------------ history

    def sessions(
        self, since: date | None = None, until: date | None = None, routine: str | None = None
    ) -> list[Session]:
        """Stored sessions, oldest first, filtered by practice day (inclusive) and routine id."""
        if self._nothing_to_read:
            return []
        return [
            s
            for s in self.store.sessions()
            if (since is None or s.local_date >= since)
            and (until is None or s.local_date <= until)
            and (routine is None or s.routine == routine)
        ]

    def get_session(self, session_id: str) -> Session | None:
        return None if self._nothing_to_read else self.store.get(session_id)

    def save_session(self, session: Session) -> None:
        """Save under the session's id: added when new, replaced when saved already (the check-in completing what `h` saved)."""
        store = self.store
        if self._ids_read:  # what the quick status just read of each month file: no need to read its bytes
            store.known_ids(self._ids_read)
            self._ids_read = {}
        if self._read_once:  # (the practice days read stay: current_streak_with counts this session on them)
            self._read_once.clear()
        store.save(session)

    def delete_session(self, session_id: str) -> Session:
        """Delete and return the session, so the UI can offer undo through restore_session."""
        self._wrote()
        return self.store.delete(session_id)

    def restore_session(self, session: Session) -> None:
        """Put back a session deleted a moment ago (History's undo)."""
        self._wrote()
        self.store.save(session)

    def update_note(self, session_id: str, note: str) -> Session:
        session = self.store.get(session_id)
        if session is None:
            raise KeyError(session_id)
        updated = replace(session, checkin=replace(session.checkin, note=note))
        self._wrote()
        self.store.update(updated)
        return updated

    # ------------------------------------------------------------------ advice

    def _history_until(self, today: date) -> list[Session]:
        return [s for s in self.sessions() if s.local_date <= today]

    def advice(
        self, today: date | None = None, program_id: str = PROGRAM_ID, *, quick: bool = False
    ) -> Advice:
        """`status(today, program_id, quick=quick).advice`, without the streaks and the day after (`log`)."""
        from tracker.status import advice_from

        today = today or self.today()
        rules = self.rules(program_id)
        program = self.program(program_id)
        poses = program.next_poses if program is not None else ()
        read = self._status_inputs(today, rules, program_id, quick)
        if read is None:
            return advice_from(today, Settings(), [], rules, program_id, poses, [])
        settings, usual, history, _, carry, pains = read
        return advice_from(today, settings, usual, rules, program_id, poses, history, carry, pains)

    def usual_pain(self) -> list[UsualPain]:
        """The usual-pain records, oldest date first, each said once (tracker.pain.distinct; practice-rules.md, "What counts as pain")."""
        from tracker.pain import distinct

        return [] if self._nothing_to_read else distinct(self.store.usual_pain())

    def usual_pain_on(self, day: date | None = None) -> UsualPain | None:
        """The usual-pain record in force on `day` (default today): the latest dated on or before it."""
        from tracker.pain import UsualPainTimeline

        return UsualPainTimeline(self.usual_pain()).on(day or self.today())

    def pain_after_effect(self, pain_after: int | None, day: date | None = None) -> str:
        """What a pain-after answer will do to the advice, said for the check-in ("above your usual 3: ...")."""
        from tracker.pain import after_effect

        return after_effect(pain_after, self.usual_pain_on(day), self.rules())

    def record_usual_pain(self, value: int, since: date | None = None, note: str = "") -> UsualPain:
        """Record the person's usual pain (0-10) from `since` (default today), after seeing a professional.

        When the record in force on that day already says it (same day, value and note), nothing is added
        and that record is returned: the same answer typed twice is one record."""
        from tracker.pain import repeats

        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"usual pain must be a whole number from 0 to 10, not {value!r}")
        today = self.today()
        since = since or today
        if since > today:
            raise ValueError(
                f"the date {since.isoformat()} is in the future; record it from the day it applies"
            )
        same = repeats(self.usual_pain(), since, value, note)
        if same is not None:
            return same
        record = UsualPain(Session.new_id(), since, value, note.strip(), self.now())
        self._wrote()
        self.store.add_usual_pain(record)
        return record

    # ------------------------------------------------------------------ pain records (the day after)

    def pain_records(self) -> list[PainRecord]:
        """The pain scores given without practising, oldest day first (practice-rules.md, "The day after")."""
        return [] if self._nothing_to_read else self.store.pain_records()

    def record_pain(self, value: int, day: date | None = None, note: str = "") -> PainRecord:
        """Record how the back is (0-10) on `day` (default today), without practising. Never practice."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"a pain score must be a whole number from 0 to 10, not {value!r}")
        today = self.today()
        day = day or today
        if day > today:
            raise ValueError(
                f"the date {day.isoformat()} is in the future; a pain score is for today or a day before"
            )
        note = note.strip()
        if len(note) > PAIN_NOTE_MAX:
            raise ValueError(f"the note is {len(note)} characters long; the limit is {PAIN_NOTE_MAX}")
        record = PainRecord(PainRecord.new_id(), day, value, note, self.now())
        self._wrote()
        self.store.add_pain_record(record)
        return record

    def pain_score_today(self, today: date | None = None) -> PainRecord | None:
        """Today's first pain record, if one was given (the pain-before question offers it)."""
        day = today or self.today()
        found = [r for r in self.pain_records() if r.day == day]
        return found[0] if found else None

    def _inputs(self, day: date, program_id: str, quick: bool = True) -> dict[str, object]:
        """What `status_from` reads as of `day` (see `status`): through the summary cache while the store has
        not read every month, else from every session."""
        rules = self.rules(program_id)
        program = self.program(program_id)
        poses = program.next_poses if program is not None else ()
        base: dict[str, object] = {
            "today": day,
            "rules": rules,
            "program_id": program_id,
            "next_poses": poses,
        }
        if quick and self._store is None and not self.home.exists():  # nothing saved yet: no folder made
            return {**base, "settings": Settings(), "usual": [], "history": [], "pain_records": []}
        unread = self._store is None or not self._store.all_read
        found = self._quick(day, rules, program_id) if quick and unread else None
        if found is not None:
            if self._settings is None:
                self._settings = found.settings
            return {**base, "settings": found.settings, "usual": found.usual_pain, "history": found.tail,
                    "days": found.days, "carry": found.carry, "pain_records": found.pain_records}  # fmt: skip
        return {**base, "settings": self.settings, "usual": self.usual_pain(), "history": self._history_until(day),
                "pain_records": self.pain_records()}  # fmt: skip

    def _consequence(
        self, value: int, day: date, program_id: str, inputs: dict[str, object] | None = None
    ) -> str:
        """What the advice would do with a first pain score of `value` on `day` ("hold your level")."""
        from tracker.dayafter import level_words
        from tracker.status import status_from

        inputs = inputs if inputs is not None else self._inputs(day, program_id)
        probe = PainRecord("what-if", day, value, "", None)
        records = list(inputs["pain_records"])  # type: ignore[call-overload]
        then = status_from(**{**inputs, "pain_records": [*records, probe]}).advice  # type: ignore[arg-type]
        if then.current is not None and then.prescription < then.current:
            return f"step back to {level_words(then.prescription, self.rules(program_id))}"
        return "hold your level"

    def pain_answer_effect(
        self,
        value: int,
        today: date | None = None,
        program_id: str = PROGRAM_ID,
        *,
        excluding: str | None = None,
        quiet: bool = False,
    ) -> str:
        """What a first pain score of `value` today will do, said before it is saved (the Today card, the
        pain-before question, the check-in): "4 is 3 above yesterday's 1 before: Backroll will hold your level".
        `excluding`: a session id to leave out (the check-in's own session, saved already after a hurt stop);
        `quiet`: "" when the answer reads no practice day (the check-in says nothing then)."""
        from tracker import dayafter
        from tracker.pain import UsualPainTimeline

        day = today or self.today()
        inputs = self._inputs(day, program_id)
        history = [s for s in inputs["history"] if s.id != excluding]  # type: ignore[attr-defined]
        return dayafter.answer_effect(
            value,
            day,
            history,
            list(inputs["pain_records"]),  # type: ignore[call-overload]
            UsualPainTimeline(inputs["usual"]),  # type: ignore[arg-type]
            self.rules(program_id),
            self._consequence(value, day, program_id, inputs),
            program_id,
            quiet,
        )

    def back_question(self, today: date | None = None, program_id: str = PROGRAM_ID) -> str | None:
        """The Today card's "How is your back today?": None when not asked (today has a pain score, or the
        last practice day held no bridge session); else what an answer will do, said before it is given."""
        from tracker import dayafter
        from tracker.pain import UsualPainTimeline

        day = today or self.today()
        rules = self.rules(program_id)
        inputs = self._inputs(day, program_id)
        history: list[Session] = list(inputs["history"])  # type: ignore[call-overload]
        carry = inputs.get("carry")
        if carry is not None:
            history = [*carry.recent, *history]  # type: ignore[attr-defined]
        records: list[PainRecord] = list(inputs["pain_records"])  # type: ignore[call-overload]
        if not dayafter.asks_today(history, records, day, program_id):
            return None
        timeline = UsualPainTimeline(inputs["usual"])  # type: ignore[arg-type]
        worse_from = dayafter.worse_from(history, timeline, rules, day, program_id)
        if worse_from is None:
            return "Your answer is kept for your weekly trend; it is never a practice day."
        value, words = worse_from
        consequence = self._consequence(value, day, program_id, inputs)
        return f"{words} From {value} up, Backroll will {consequence}; below that, yesterday's load was fine."

    def status(
        self, today: date | None = None, program_id: str = PROGRAM_ID, *, quick: bool = False
    ) -> Status:
        """Streaks, advice and the next prescription as of `today` (sessions after it are ignored).

        `quick` (`backroll status`, `log`, Today): while the store has not read every month (not open
        yet, or open lazily for a save), read the last weeks and the carry of the years before through
        the store's summary cache (tracker.status_cache) instead of every session; same answer, same errors.
        """
        from tracker.status import status_from

        today = today or self.today()
        rules = self.rules(program_id)
        program = self.program(program_id)
        poses = program.next_poses if program is not None else ()
        read = self._status_inputs(today, rules, program_id, quick)
        if read is None:  # nothing saved yet
            return status_from(today, Settings(), [], rules, program_id, poses, [])
        settings, usual, history, days, carry, pains = read
        return status_from(
            today, settings, usual, rules, program_id, poses, history, days, carry, pain_records=pains
        )

    def _status_inputs(
        self, today: date, rules: ProgressionRules, program_id: str, quick: bool
    ) -> (
        tuple[Settings, list[UsualPain], list[Session], list[date] | None, Carry | None, list[PainRecord]]
        | None
    ):
        """What status reads as of `today`: the settings, usual pain, the sessions (every one, or the last
        weeks with every practice day and the carry of the years before), the pain records; None when
        nothing is saved yet."""
        nothing_yet = (
            quick and self._store is None and not self.home.exists()
        )  # `status` on a home never made
        if nothing_yet or self._nothing_to_read:  # nothing saved yet: no folder made to say so
            self._days_read = None
            return None
        unread = self._store is None or not self._store.all_read  # the store has not read every month
        found = self._quick(today, rules, program_id) if quick and unread else None
        self._days_read = (found.settings, found.days) if found is not None else None
        self._ids_read = found.ids if found is not None else {}
        if found is not None:  # the last weeks and a carry of the years before: the same answer
            if self._settings is None:
                self._settings = found.settings  # as the store would read them; no need to open it for them
            return found.settings, found.usual_pain, found.tail, found.days, found.carry, found.pain_records
        return (
            self.settings,
            self.usual_pain(),
            self._history_until(today),
            None,
            None,
            self.pain_records(),
        )

    def current_streak_with(self, session: Session, today: date | None = None) -> int:
        """`status(today, quick=True).streak.current` once `session`, a new session this service has just
        saved (`log`), counts: from the practice days the quick status read before it was saved and the
        session's own day, so the history is not read a second time; through status when there are none
        (that status was not quick, or something else was written since)."""
        from tracker import streaks

        found, self._days_read = self._days_read, None
        if found is None:
            return self.status(today, quick=True).streak.current
        settings, days = found
        today = today or self.today()
        counted = {d for d in days if d <= today}
        if session.local_date <= today:
            counted.add(session.local_date)
        return streaks.current_streak(counted, today, settings)

    def _quick(self, today: date, rules: ProgressionRules, program_id: str) -> Quick | None:
        from tracker.status_cache import read_quick

        if self._read_once is not None and (today, program_id) in self._read_once:
            return self._read_once[today, program_id]
        found = read_quick(self.home, today, rules, program_id, wait=self._store_wait, label=self._label)
        if self._read_once is not None:
            self._read_once[today, program_id] = found
        return found

    @contextmanager
    def one_read(self) -> Iterator[None]:
        """Several questions about the same day answered from one read of the history (Today's load: its
        status and its "How is your back today?"): the quick read is made once inside, forgotten at any
        write and on leaving, so nothing outside sees a read older than its question."""
        self._read_once = {}
        try:
            yield
        finally:
            self._read_once = None

    def _wrote(self) -> None:
        """After a write: what a quick read found no longer says the history."""
        self._days_read = None
        if self._read_once:
            self._read_once.clear()

    def level_history(self, program_id: str = PROGRAM_ID) -> list[tuple[date, Prescription]]:
        from tracker import progression

        return progression.level_history(self.sessions(), program_id)

    # ------------------------------------------------------------------ sessions

    def make_session(
        self,
        routine: Routine,
        run_result: RunResult,
        checkin: CheckIn | None,
        started_at: datetime,
        *,
        prescription: Prescription | None = None,
        origin: str = "app",
        session_id: str | None = None,
        zone: str | None = None,
    ) -> Session:
        """A Session for a finished run: its id (new unless given), this zone (or the one it started in), the practice day fixed from the start instant."""
        return build_session(
            routine,
            session_id=session_id,
            started_at=self.localize(started_at) if zone is None else started_at,
            zone=zone or self.zone,
            steps=run_result.steps,
            duration=run_result.duration,
            completed=run_result.completed,
            hurt=run_result.hurt_at is not None,
            hurt_at=run_result.hurt_at,
            checkin=checkin or CheckIn(),
            prescription=prescription or self.prescription_of(routine),
            origin=origin,
        )

    def start_run(self, routine: Routine, clock: Clock, *, settings: Settings | None = None) -> Runner:
        """A runner for `routine` at the person's settings (or those given, e.g. a resumed session's)."""
        from tracker.runner import Runner

        return Runner(routine, self.library.poses, settings or self.settings, clock)

    def export_history(self) -> Path:
        """The whole history as a JSON export in `<home>/exports` (0600); returns its path."""
        from tracker.exchange import export_json, write_private
        from tracker.paths import ensure_private_dir

        now = self.now()
        text = export_json(self.sessions(), now, self.usual_pain(), self.pain_records())
        folder = ensure_private_dir(self.locations.exports)
        path = folder / f"backroll-{now:%Y-%m-%d-%H%M%S}.json"
        write_private(path, text)
        return path

    def report(self, since: date, until: date) -> Report:
        """The practice report from `since` to `until` (both inclusive), drawn from the records handed to it."""
        from tracker.report import ReportSource, build_report

        program = self.program(PROGRAM_ID)
        source = ReportSource(
            history=self.sessions(),
            status=self.status(until),
            library=self.library,
            settings=self.settings,
            rules=self.rules(PROGRAM_ID),
            program=program,
            usual_pain=self.usual_pain(),
            pain_records=self.pain_records(),
            generated_at=self.now(),
            zone=self.zone,
            routine=self.routine,
        )
        return build_report(source, since, until)

    def write_report(self, fmt: str = "html") -> Path:
        """The practice report of the last 12 weeks (tracker.report) in `<home>/exports`, 0600; its path."""
        from tracker.report import DEFAULT_WEEKS, period, write_report

        since, until = period(self.today(), DEFAULT_WEEKS, None, None)
        return write_report(self.report(since, until), fmt, self.locations.exports)

    def rescue(self, session: Session) -> Path:
        """Write one session that could not be saved as an export `backroll import` reads; the first folder that takes it.

        `<home>/exports`, else the home folder, else the temp folder. Raises the last OSError if none does.
        """
        import tempfile

        from tracker.exchange import export_json, write_private

        text = export_json([session], self.now())
        name = f"backroll-unsaved-{session.local_date.isoformat()}-{session.id[:8]}.json"
        last_error: OSError | None = None
        for folder in (self.locations.exports, Path.home(), Path(tempfile.gettempdir())):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                path = folder / name
                write_private(path, text)
                return path
            except OSError as error:
                last_error = error
        raise last_error or OSError("no folder accepted the file")

    def log_session(
        self,
        routine: Routine,
        started_at: datetime,
        checkin: CheckIn | None = None,
        *,
        hurt: bool = False,
        prescription: Prescription | None = None,
        origin: str = "cli",
    ) -> Session:
        """A session logged without the runner (e.g. `backroll log`): the planned steps, marked done.

        `started_at` is stamped by `stamp`: an explicit UTC offset keeps its own local date.
        """
        results = planned_results(routine, self.library, self.settings, done=not hurt)
        started, zone = self.stamp(started_at)
        return build_session(
            routine,
            started_at=started,
            zone=zone,
            steps=results,
            duration=sum(r.seconds for r in results) if not hurt else 0.0,
            completed=not hurt,
            hurt=hurt,
            hurt_at=None,
            checkin=checkin or CheckIn(),
            prescription=prescription or self.prescription_of(routine),
            origin=origin,
        )


# The types the UI sees across the seam (tracker.ui imports only this module and tracker.model).
__all__ = ["Backroll", "Status", "StoreCorrupt", "StoreError", "StoreLocked", "StoreWriteError", *_LAZY]
