"""Deterministic sample histories: the `backroll demo` data and the benchmark loads.

`generate_history` plays a person through the bridge program day by day: each
day it asks the progression engine for advice and practises the prescription
it gives, so the levels, streaks and advice in the demo are the app's own.
The person misses some days (and one longer gap), sometimes does another
routine too, answers the check-in (not always), writes the odd note, and
goes through a short pain episode that makes the engine step back (from
ten weeks on, also one later stop because it hurt).

`generate_bulk` makes many sessions fast (100k in about a second) for the
benchmarks, through the same session builder.

Same seed, same arguments: the same sessions, UUIDs included.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from tracker.content import Library, load_library
from tracker.model import (
    PROGRAM_ID,
    CheckIn,
    Felt,
    HurtAt,
    Phase,
    Prescription,
    Routine,
    Session,
    Settings,
    Side,
    Stability,
    StepKind,
    StepResult,
)
from tracker.sessions import build_session, planned_results

NOTES = (
    "Lower back a bit stiff this morning; eased off after the hip rocks.",
    "Slept badly, took it slowly.",
    "Felt the lifts more in my legs than my back today.",
    "Shoulders crept up on the last lift; kept them soft after that.",
    "Easy today. Could have done more, didn't.",
    "Did it after the walk, back felt warm and loose.",
    "Counting out loud helps me keep the pace even.",
    "Sat at the desk all day; this helped.",
    "Neck tense. Put a folded towel under my head.",
    "Good one. Peeling one vertebra at a time is getting smoother.",
)
PAIN_NOTES = (
    "Sharp twinge on the second lift. Stopped.",
    "Ache after lifting the suitcase yesterday; kept it gentle.",
    "Still sore. Only did the hip rocks properly.",
)
EXTRA_ROUTINES = ("pelvic-tilt-check", "gentle-floor-set", "floor-flow", "bridge-series-next")


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng` (so a seed gives the same ids)."""
    n = rng.getrandbits(128)
    n = (n & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@lru_cache(maxsize=4)
def _builtin_library() -> Library:
    return load_library(None)


def _clock(rng: random.Random) -> time:
    """A plausible start time: mostly mornings, some evenings, rarely just before midnight."""
    roll = rng.random()
    if roll < 0.62:
        minutes = rng.randint(6 * 60 + 30, 8 * 60 + 45)
    elif roll < 0.95:
        minutes = rng.randint(18 * 60, 21 * 60 + 30)
    else:
        minutes = rng.randint(23 * 60, 23 * 60 + 50)  # still that day: the practice day is fixed at the start
    return time(minutes // 60, minutes % 60, rng.randint(0, 59))


def _jitter(results: tuple[StepResult, ...], rng: random.Random) -> tuple[StepResult, ...]:
    return tuple(
        replace(r, seconds=round(r.seconds * rng.uniform(0.95, 1.12), 1)) if r.seconds else r for r in results
    )


def _answer_observations(
    results: tuple[StepResult, ...], routine: Routine, rng: random.Random
) -> tuple[StepResult, ...]:
    out = []
    for result in results:
        step = routine.steps[result.index]
        if step.kind is StepKind.OBSERVE and step.observe is not None and rng.random() < 0.85:
            choices = step.observe.choices or ("a little more space than before", "about the same")
            result = replace(
                result,
                answer=rng.choice(choices),
                question_key=step.observe.key,
                skipped=False,
                completed=True,
                seconds=round(rng.uniform(4, 15), 1),
            )
        out.append(result)
    return tuple(out)


def _stop_at(
    results: tuple[StepResult, ...], routine: Routine, rng: random.Random
) -> tuple[tuple[StepResult, ...], HurtAt]:
    """Stop the session during the first lifting step: the steps after it were not done."""
    lifting = next(
        (
            i
            for i, r in enumerate(results)
            if routine.steps[r.index].kind is StepKind.REPS and r.raise_counts > 2
        ),
        len(results) - 1,
    )
    target = results[lifting]
    rep = rng.randint(1, max(1, target.reps_planned))
    stopped = list(results[:lifting])
    stopped.append(
        replace(
            target,
            reps_done=rep - 1,
            completed=False,
            seconds=round(target.seconds * (rep - 0.5) / max(1, target.reps_planned), 1),
        )
    )
    stopped.extend(
        replace(r, reps_done=0, seconds=0.0, completed=False, skipped=True) for r in results[lifting + 1 :]
    )
    hurt_at = HurtAt(step=lifting, pose=target.pose, side=target.side if target.side is not Side.BOTH else Side.LEFT,
                     rep=rep, phase=Phase.RAISE)  # fmt: skip
    return tuple(stopped), hurt_at


def generate_history(
    days: int = 42,
    *,
    end: date,
    seed: int = 7,
    zone: str = "Europe/London",
    sessions_per_day: float = 1.1,
    library: Library | None = None,
    settings: Settings | None = None,
) -> list[Session]:
    """`days` days of practice ending on `end` (inclusive), following the bridge program's advice."""
    from tracker.progression import advise

    if days < 1:
        return []
    rng = random.Random(seed)
    library = library or _builtin_library()
    settings = settings or Settings()
    program = library.programs[PROGRAM_ID]
    rules = program.rules
    tz = ZoneInfo(zone)
    start = end - timedelta(days=days - 1)
    # One longer gap and a short pain episode, placed in proportion to the span.
    gap_start = int(days * 0.38)
    gap = range(gap_start, gap_start + (3 if days >= 21 else 0))
    pain_start = int(days * 0.62)
    pain = range(pain_start, pain_start + (3 if days >= 14 else 0))
    # From ten weeks on, one more stop because it hurt, later and on its own (a report shows more than one).
    second_stop = int(days * 0.86) if days >= 70 else -1
    extras = [rid for rid in EXTRA_ROUTINES if rid in library.routines] or sorted(library.routines)[:3]
    history: list[Session] = []
    last_before: int | None = None  # yesterday's pain before: the back answers the day after (no jumps)

    for offset in range(days):
        day = start + timedelta(days=offset)
        missed = offset in gap or (
            offset > 0 and offset not in (days - 1, second_stop) and rng.random() < 0.1
        )
        if missed:
            continue
        advice = advise(history, settings, day, rules, PROGRAM_ID)
        prescription = advice.prescription
        routine = program.routine_for(prescription)
        results = _jitter(planned_results(routine, library, settings), rng)
        started = datetime.combine(day, _clock(rng), tzinfo=tz)
        in_pain = offset in pain or offset == second_stop
        hurt_at = None
        if (in_pain and offset == pain.start + 1) or offset == second_stop:
            results, hurt_at = _stop_at(results, routine, rng)
        checkin = _checkin(rng, offset, days, prescription, rules.max_lifts, in_pain)
        if checkin.pain_before is None and last_before is not None:
            checkin = replace(
                checkin, pain_before=last_before
            )  # asked before the first count: mostly answered
        if checkin.pain_before is not None:
            if last_before is not None and not in_pain and checkin.pain_before > last_before:
                # An improving back wakes up at most a point above the day before (the day after rule reads it).
                checkin = replace(checkin, pain_before=min(checkin.pain_before, last_before + 1))
            last_before = checkin.pain_before
        history.append(
            build_session(
                routine,
                started_at=started,
                zone=zone,
                steps=results,
                duration=round(sum(r.seconds for r in results), 1),
                completed=hurt_at is None,
                hurt=hurt_at is not None,
                hurt_at=hurt_at,
                checkin=checkin,
                prescription=prescription,
                origin="demo",
                session_id=_uuid(rng),
            )
        )
        # Now and then a second routine the same day, later on.
        if rng.random() < max(0.0, sessions_per_day - 1.0) * 1.3 and not in_pain and started.hour < 20:
            other = library.routines[rng.choice(extras)]
            extra_results = _answer_observations(
                _jitter(planned_results(other, library, settings), rng), other, rng
            )
            later = started + timedelta(hours=rng.randint(2, 4), minutes=rng.randint(0, 59))
            if later.date() == day:
                history.append(
                    build_session(
                        other,
                        started_at=later,
                        zone=zone,
                        steps=extra_results,
                        duration=round(sum(r.seconds for r in extra_results), 1),
                        checkin=CheckIn(felt=rng.choice((Felt.EASY, Felt.RIGHT)))
                        if rng.random() < 0.6
                        else CheckIn(),
                        origin="demo",
                        session_id=_uuid(rng),
                    )
                )
    return history


def _checkin(
    rng: random.Random, offset: int, days: int, p: Prescription, max_lifts: int, in_pain: bool
) -> CheckIn:
    if not in_pain and rng.random() < 0.12:
        return CheckIn()  # every answer is optional; some days nobody bothers
    progress = offset / max(1, days - 1)
    before = max(0, round(rng.gauss(3.2 - 2.2 * progress, 0.8)))
    if in_pain:
        # Worse after than before: what the engine counts as pain (not chronic pain left unchanged).
        return CheckIn(
            pain_before=min(7, before),
            pain_after=min(10, before + rng.randint(2, 3)),
            stable=rng.choice((Stability.NO, Stability.UNSURE)),
            felt=Felt.HARD,
            note=rng.choice(PAIN_NOTES),
        )
    near_top = p.lifts >= max_lifts
    stable_odds = 0.85 if near_top else 0.25 + 0.5 * progress
    roll = rng.random()
    stable = (
        Stability.YES
        if roll < stable_odds
        else (Stability.UNSURE if roll < stable_odds + 0.15 else Stability.NO)
    )
    felt = rng.choices((Felt.EASY, Felt.RIGHT, Felt.HARD), weights=(0.35, 0.52, 0.13))[0]
    return CheckIn(
        pain_before=min(10, before),
        pain_after=0,
        stable=stable if rng.random() < 0.9 else None,
        felt=felt,
        note=rng.choice(NOTES) if rng.random() < 0.22 else "",
    )


# --------------------------------------------------------------------------- bulk, for benchmarks


BULK_LEVELS = tuple(
    [Prescription(l, 4, 0) for l in range(2, 9)]
    + [Prescription(8, 4, h) for h in range(4, 9)]
    + [Prescription(8, c, 8) for c in range(5, 9)]
)


def generate_bulk(
    n_sessions: int,
    seed: int = 7,
    *,
    end: date = date(2025, 12, 31),
    zone: str = "Europe/London",
    library: Library | None = None,
) -> list[Session]:
    """`n_sessions` realistic sessions (~1 KB each as JSON) ending by `end`, oldest first.

    About 1.15 a day; a load too big for 25 years packs more sessions into each day.
    """
    rng = random.Random(seed)
    library = library or _builtin_library()
    settings = Settings()
    program = library.programs[PROGRAM_ID]
    tz = ZoneInfo(zone)
    routines = [program.routine_for(p) for p in BULK_LEVELS]
    planned = [planned_results(r, library, settings) for r in routines]
    planned_seconds = [sum(r.seconds for r in results) for results in planned]
    checkins = [
        CheckIn(
            pain_before=rng.randint(0, 4),
            pain_after=rng.choice((0, 0, 0, 1)),
            stable=rng.choice(tuple(Stability)),
            felt=rng.choice(tuple(Felt)),
            note=rng.choice(NOTES) if i % 3 == 0 else "",
        )  # fmt: skip
        for i in range(64)
    ]
    # About 1.15 sessions a day, but never more than 25 years back: a huge load gets denser days instead.
    span = min(int(n_sessions / 1.15) + 1, 25 * 365)
    advance = min(0.85, span / max(1, n_sessions))
    day = end - timedelta(days=span)
    sessions: list[Session] = []
    per_level = max(1, n_sessions // (len(BULK_LEVELS) * 8))
    levels = len(BULK_LEVELS)
    random_ = rng.random
    for i in range(n_sessions):
        level = (i // per_level) % levels
        minute = 360 + int(random_() * 960)  # 06:00 to 21:59
        started = datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, int(random_() * 60), tzinfo=tz
        )
        sessions.append(
            build_session(
                routines[level],
                started_at=started,
                zone=zone,
                steps=planned[level],
                duration=round(planned_seconds[level] * (0.97 + 0.13 * random_()), 1),
                checkin=checkins[int(random_() * 64)],
                prescription=BULK_LEVELS[level],
                origin="demo",
                session_id=_uuid(rng),
            )
        )
        if random_() < advance and day < end:
            day += timedelta(days=1)
    sessions.sort(key=lambda s: s.started_at)
    return sessions
