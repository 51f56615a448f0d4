"""Advice a person in pain can trust: practice-rules.md, "What counts as pain", rule by rule.

Each rule has a test through `advise()` and the important ones also through
the real CLI (`log`, `usual-pain`, `status --json`) in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.support import practice_session
from tracker.model import Felt, Prescription, ProgressionRules, Session, Settings, Stability, UsualPain
from tracker.pain import after_effect, pain_flags
from tracker.practice import PracticeHistory
from tracker.progression import ADVANCING, AdviceKind, advise

RULES = ProgressionRules()
SETTINGS = Settings()
ZONE = ZoneInfo("Europe/Paris")
DAY0 = date(2026, 10, 5)  # a Monday
P = Prescription


def on(n: int) -> date:
    return DAY0 + timedelta(days=n)


def s(day: date, level: Prescription | None = P(2, 4, 0), *, before: int | None = None, after: int | None = None,
      **rest: object) -> Session:  # fmt: skip
    return practice_session(day, level, pain_before=before, pain_after=after, **rest)  # type: ignore[arg-type]


def usual(value: int, since: date) -> UsualPain:
    return UsualPain(
        str(uuid.uuid4()), since, value, "physio", datetime.combine(since, time(18), tzinfo=ZONE)
    )


def ready_to_add(level: Prescription = P(3, 4, 0), **checkin: object) -> list[Session]:
    """A first week, then 7 daily sessions at ``level`` from day 10, feeling easy: add_lifts unless pain says no."""
    first = [s(on(i), P(2, 4, 0)) for i in range(3)]
    return first + [s(on(10 + i), level, felt=Felt.EASY, **checkin) for i in range(7)]  # type: ignore[arg-type]


# --- what counts as pain ------------------------------------------------------------


def test_pain_after_counts_whatever_the_pain_before() -> None:
    flags = pain_flags([s(DAY0, before=8, after=8), s(on(1), before=4, after=2), s(on(2), before=5, after=0)])
    assert flags == [True, True, False]


def test_steady_pain_every_day_reaches_consult_not_add_lifts() -> None:
    for score in (3, 8):
        history = ready_to_add(before=score, after=score)
        advice = advise(history, SETTINGS, on(17))
        assert advice.kind is AdviceKind.CONSULT, advice
        assert "personal trainer or a doctor" in advice.message
        assert not any("no pain" in r for r in advice.reasons)
        assert any(f"pain {score} after, {score} before" in r for r in advice.reasons)


def test_pain_today_after_less_pain_than_before_never_advances() -> None:
    history = ready_to_add()
    history[-1] = s(on(16), P(3, 4, 0), before=4, after=2, felt=Felt.EASY)
    advice = advise(history, SETTINGS, on(16))
    assert advice.kind not in ADVANCING
    assert any("pain 2 after, 4 before, on " + on(16).isoformat() in r for r in advice.reasons)


def test_threshold_comes_from_the_rules() -> None:
    assert pain_flags([s(DAY0, after=2)], ProgressionRules(pain_threshold=3)) == [False]
    assert pain_flags([s(DAY0, after=3)], ProgressionRules(pain_threshold=3)) == [True]


# --- usual pain -----------------------------------------------------------------------


def test_usual_pain_from_its_date_on() -> None:
    sessions = [s(on(0), after=3), s(on(1), after=3), s(on(2), after=4), s(on(3), hurt=True)]
    flags = pain_flags(sessions, RULES, [usual(3, on(1))])
    assert flags == [True, False, True, True]  # before the record; at usual; above usual; a hurt stop always


def test_latest_record_in_force_wins() -> None:
    sessions = [s(on(5), after=3)]
    assert pain_flags(sessions, RULES, [usual(4, on(0)), usual(2, on(3))]) == [True]
    assert pain_flags(sessions, RULES, [usual(2, on(0)), usual(4, on(3))]) == [False]


def test_usual_pain_lets_a_person_with_chronic_pain_move_on() -> None:
    history = ready_to_add(before=3, after=3)
    assert advise(history, SETTINGS, on(17)).kind is AdviceKind.CONSULT
    record = usual(3, on(9))  # agreed with a professional before this level's week
    advice = advise(history, SETTINGS, on(17), usual_pain=[record])
    assert advice.kind is AdviceKind.ADD_LIFTS, advice
    joined = " ".join(advice.reasons)
    assert "usual pain of 3" in joined and "no pain" not in joined


def test_consult_stays_until_three_pain_free_sessions() -> None:
    history = [s(on(i), P(2, 4, 0)) for i in range(10)]
    history += [s(on(10 + i), P(3, 4, 0), after=4) for i in range(3)]
    assert advise(history, SETTINGS, on(13)).kind is AdviceKind.CONSULT
    history += [s(on(13), P(3, 4, 0), after=0), s(on(14), P(3, 4, 0), after=0)]
    # Two pain-free sessions: the window (3 of the last 5) still holds it, and so does the rule.
    assert advise(history, SETTINGS, on(15)).kind is AdviceKind.CONSULT
    history.append(s(on(15), P(3, 4, 0), after=0))
    assert advise(history, SETTINGS, on(16)).kind is not AdviceKind.CONSULT


def test_consult_persists_beyond_its_window_until_cleared() -> None:
    # Pain 3 of 5 on days 10-14 (P F P F P), then one clean day and one painful one: a 5-window no longer
    # holds 3 painful sessions, yet three clean sessions in a row have not followed the consult.
    history = [s(on(i), P(2, 4, 0)) for i in range(10)]
    pattern = [4, 0, 4, 0, 4, 0, 0]
    history += [s(on(10 + i), P(2, 4, 0), after=a) for i, a in enumerate(pattern)]
    h = PracticeHistory.read(history, SETTINGS, on(17), RULES, "bridge")
    assert h.pains_in_last(5)[0] == 2
    advice = advise(history, SETTINGS, on(17))
    assert advice.kind is AdviceKind.CONSULT
    assert any("stays until 3 sessions in a row are not painful (2 so far)" in r for r in advice.reasons)
    history.append(s(on(17), P(2, 4, 0), after=0))
    assert advise(history, SETTINGS, on(18)).kind is not AdviceKind.CONSULT


def test_consult_lifts_with_a_usual_pain_record_after_it_not_before() -> None:
    history = [s(on(i), P(2, 4, 0)) for i in range(10)]
    history += [s(on(10 + i), P(2, 4, 0), after=4) for i in range(3)]
    assert (
        advise(history, SETTINGS, on(13), usual_pain=[usual(5, on(1))]).kind is not AdviceKind.CONSULT
    )  # 4 <= 5
    assert advise(history, SETTINGS, on(13), usual_pain=[usual(2, on(1))]).kind is AdviceKind.CONSULT
    lifted = advise(history, SETTINGS, on(14), usual_pain=[usual(2, on(1)), usual(2, on(13))])
    assert lifted.kind is not AdviceKind.CONSULT and lifted.kind not in ADVANCING


# --- same day, stability, phase limits ------------------------------------------------------


def test_a_hurt_stop_blocks_advancing_for_its_day_and_the_next_despite_later_sessions() -> None:
    history = ready_to_add()
    history[-1] = s(on(16), P(3, 4, 0), hurt=True, hour=7)
    history += [s(on(16), hour=9 + i, routine="gentle-floor-set") for i in range(3)]
    for today in (on(16), on(17)):
        advice = advise(history, SETTINGS, today)
        assert advice.kind not in ADVANCING, advice
        assert any("stopped because it hurt" in r for r in advice.reasons)


def test_stability_is_read_from_bridge_sessions_only() -> None:
    history = [s(on(i), P(2, 4, 0)) for i in range(3)]
    history += [s(on(10 + i), P(8, 4, 0), stable=Stability.YES, felt=Felt.EASY) for i in range(6)]
    history.append(s(on(16), P(8, 4, 0), stable=Stability.UNSURE, hour=7))
    history.append(s(on(16), None, stable=Stability.YES, routine="standing-sequence", hour=9))
    advice = advise(history, SETTINGS, on(17))
    assert advice.kind not in ADVANCING
    assert any("unsure" in r for r in advice.reasons)
    # A "yes" elsewhere does not count towards holding the bridge either.
    others = [s(on(i), P(2, 4, 0)) for i in range(3)] + [
        s(on(10 + i), P(8, 4, 0), felt=Felt.RIGHT) for i in range(7)
    ]
    others += [
        s(on(10 + i), None, stable=Stability.YES, routine="standing-sequence", hour=10) for i in range(7)
    ]
    assert advise(others, SETTINGS, on(17)).kind is not AdviceKind.HOLD_BRIDGE


def test_lifts_beyond_day_one_are_brought_back_with_the_reason() -> None:
    advice = advise([s(DAY0, P(8, 4, 0))], SETTINGS, DAY0)
    assert advice.prescription == P(2, 4, 0) and advice.kind is AdviceKind.STEP_BACK
    assert any("day 1 of the program allows at most 2 lifts" in r for r in advice.reasons)
    assert "That is all for day 1" not in advice.message


def test_a_hold_before_stability_is_brought_back() -> None:
    advice = advise([s(DAY0, P(2, 4, 3))], SETTINGS, DAY0)
    assert advice.prescription.hold == 0
    later = [s(on(i), P(2, 4, 0)) for i in range(3)] + [s(on(10 + i), P(8, 4, 4)) for i in range(7)]
    advice = advise(later, SETTINGS, on(17))
    assert advice.prescription == P(8, 4, 0) and advice.kind is AdviceKind.STEP_BACK
    assert any("reported feeling stable" in r for r in advice.reasons)


def test_first_week_never_goes_above_its_lifts() -> None:
    advice = advise([s(DAY0, P(2, 4, 0)), s(on(1), P(6, 4, 0))], SETTINGS, on(2))
    assert advice.prescription == P(3, 4, 0)


def test_reasons_never_compare_with_a_before_that_was_not_recorded() -> None:
    history = ready_to_add()
    history[-1] = s(on(16), P(3, 4, 0), after=3)
    advice = advise(history, SETTINGS, on(17))
    joined = " ".join(advice.reasons)
    assert "before" not in joined and "pain 3 after, on " + on(16).isoformat() in joined


def test_check_in_says_what_the_answer_will_do() -> None:
    record = usual(3, DAY0)
    assert after_effect(4, record, RULES).startswith("Above your usual 3: counts as pain")
    assert after_effect(3, record, RULES).startswith("At or below your usual 3")
    assert "counts as pain" in after_effect(2, None, RULES).lower()
    assert after_effect(0, None, RULES).startswith("No pain")


# --- properties over random histories ------------------------------------------------------

pains = st.one_of(st.none(), st.integers(0, 10))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Session], list[UsualPain], date]:
    count = draw(st.integers(1, 40))
    sessions: list[Session] = []
    for _ in range(count):
        day = on(draw(st.integers(0, 60)))
        bridge = draw(st.booleans())
        level = P(draw(st.integers(1, 8)), draw(st.integers(4, 8)), draw(st.sampled_from([0, 4, 6, 8])))
        sessions.append(
            s(
                day,
                level if bridge else None,
                before=draw(pains),
                after=draw(pains),
                stable=draw(st.sampled_from([None, *Stability])),
                felt=draw(st.sampled_from([None, *Felt])),
                hurt=draw(st.booleans()) and draw(st.booleans()),
                hour=draw(st.integers(0, 23)),
                routine="bridge" if bridge else "gentle-floor-set",
            )
        )
    records = [
        usual(draw(st.integers(0, 10)), on(draw(st.integers(0, 60)))) for _ in range(draw(st.integers(0, 2)))
    ]
    today = max(x.local_date for x in sessions) + timedelta(days=draw(st.integers(0, 2)))
    return sessions, records, today


@hsettings(max_examples=300, deadline=None)
@given(histories())
def test_properties_of_the_advice(case: tuple[list[Session], list[UsualPain], date]) -> None:
    sessions, records, today = case
    advice = advise(sessions, SETTINGS, today, usual_pain=records)
    h = PracticeHistory.read(sessions, SETTINGS, today, RULES, "bridge", records)
    last_day = h.sessions[-1].local_date
    day_flags = [f for x, f in zip(h.sessions, h.pains) if x.local_date == last_day]
    unsure_on_last_day = any(
        x.checkin.stable is Stability.UNSURE for x in h.program if x.local_date == last_day
    )
    reported = [x for x in h.program if x.checkin.stable is not None]
    latest_unsure = bool(reported) and reported[-1].checkin.stable is Stability.UNSURE
    if any(day_flags) or unsure_on_last_day or latest_unsure:
        assert advice.kind not in ADVANCING, (advice, day_flags)
    # Never beyond what the phase allows.
    assert h.limit is not None
    p, limit = advice.prescription, h.limit
    assert p.lifts <= limit.lifts and p.count <= limit.count and p.hold <= limit.hold, (p, limit, h.phase)
    # No reason says "no pain" while a score above 0 (or a hurt stop) is in its window.
    window = [h.sessions[i] for i in h.window(max(RULES.pain_consult[1], RULES.pain_free_sessions))]
    scored = any(
        x.hurt or (x.checkin.pain_before or 0) > 0 or (x.checkin.pain_after or 0) > 0 for x in window
    )
    if scored:
        assert not any("no pain" in r for r in advice.reasons), advice.reasons
    # The consult persists until 3 pain-free sessions in a row or a later usual-pain record.
    active, triggered, run = h.consult_state()
    if active:
        assert advice.kind is AdviceKind.CONSULT
        assert run < RULES.consult_clear_sessions


@hsettings(max_examples=150, deadline=None)
@given(histories(), st.integers(1, 3))
def test_consult_persistence_property(case: tuple[list[Session], list[UsualPain], date], clean: int) -> None:
    """After a consult, fewer than 3 pain-free sessions since the last pain (and no new record) keep it; 3 clear it."""
    sessions, _, today = case
    if advise(sessions, SETTINGS, today).kind is not AdviceKind.CONSULT:
        return
    already = PracticeHistory.read(sessions, SETTINGS, today, RULES, "bridge").consult_state()[2]
    start = max(x.local_date for x in sessions) + timedelta(days=1)
    later = [s(start + timedelta(days=i), None, after=0, routine="gentle-floor-set") for i in range(clean)]
    advice = advise(sessions + later, SETTINGS, start + timedelta(days=clean))
    if already + clean < RULES.consult_clear_sessions:
        assert advice.kind is AdviceKind.CONSULT
    else:
        assert advice.kind is not AdviceKind.CONSULT
    lifted = advise(
        sessions, SETTINGS, today + timedelta(days=1), usual_pain=[usual(10, today + timedelta(days=1))]
    )
    assert lifted.kind is not AdviceKind.CONSULT


# --- through the CLI ----------------------------------------------------------------------------


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TZ": "Europe/Paris", "BACKROLL_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env, timeout=60
    )


def status(home: Path, today: date) -> dict:
    result = cli(home, "status", "--json", "--today", today.isoformat())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_steady_pain_then_usual_pain(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for i in range(5):
        day = on(i).isoformat()
        assert (
            cli(
                home, "log", "bridge", "--date", f"{day} 08:00", "--pain-before", "3", "--pain-after", "3"
            ).returncode
            == 0
        )
    data = status(home, on(5))
    assert data["advice"]["kind"] == "consult" and data["usual_pain"] is None
    assert not any("no pain" in r for r in data["advice"]["reasons"])
    result = cli(home, "usual-pain", "3", "--date", on(5).isoformat(), "--note", "seen by my physio")
    assert result.returncode == 0, result.stderr
    data = status(home, on(5))
    assert data["advice"]["kind"] != "consult"
    assert data["usual_pain"] == {"value": 3, "date": on(5).isoformat(), "note": "seen by my physio"}
    # Exported and imported with the history.
    out = tmp_path / "export.json"
    assert cli(home, "export", "-o", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    assert doc["version"] == 3 and [r["value"] for r in doc["usual_pain"]] == [3]
    other = tmp_path / "other"
    assert cli(other, "import", str(out)).returncode == 0
    assert status(other, on(5))["usual_pain"]["value"] == 3


def test_the_same_usual_pain_typed_twice_is_one_record_also_across_machines(tmp_path: Path) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    day = on(5).isoformat()
    first = cli(home, "usual-pain", "3", "--date", day, "--note", "physio")
    assert first.returncode == 0 and "Recorded your usual pain: 3" in first.stdout
    again = cli(home, "usual-pain", "3", "--date", day, "--note", "physio")
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"Your usual pain is already 3 from {day} (physio): nothing changed.\n"
    listed = cli(home, "usual-pain", "--list").stdout
    assert listed == f"{day}  3  physio\n"
    # The same record made on another machine (its own id), then merged by import: still said once.
    assert cli(other, "usual-pain", "3", "--date", day, "--note", "physio").returncode == 0
    out = tmp_path / "other.json"
    assert cli(other, "export", "-o", str(out)).returncode == 0
    assert cli(home, "import", str(out)).returncode == 0
    assert cli(home, "usual-pain", "--list").stdout == listed
    exported = json.loads(cli(home, "export").stdout)["usual_pain"]
    assert [(r["date"], r["value"], r["note"]) for r in exported] == [(day, 3, "physio")]
    report = cli(home, "report", "--format", "md", "--until", day, "-o", "-").stdout
    assert report.count(f"| {day} | 3 | physio |") == 1  # one row in the report's usual-pain table
    # A different value the same day replaces it, and says so; the list shows what was recorded, in order.
    changed = cli(home, "usual-pain", "4", "--date", day)
    assert (
        f"Recorded your usual pain: 4, from {day} (it replaces the 3 recorded for that day)."
        in changed.stdout
    )
    assert status(home, on(5))["usual_pain"]["value"] == 4


def test_cli_hurt_then_gentle_routines_same_day(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for i in range(3):
        cli(home, "log", "bridge", "--date", f"{on(i).isoformat()} 08:00", "--lifts", "2")
    for i in range(7):
        cli(
            home,
            "log",
            "bridge",
            "--date",
            f"{on(10 + i).isoformat()} 08:00",
            "--lifts",
            "3",
            "--felt",
            "easy",
        )
    assert status(home, on(17))["advice"]["kind"] == "add_lifts"
    assert (
        cli(
            home, "log", "bridge", "--date", f"{on(17).isoformat()} 07:00", "--lifts", "3", "--hurt"
        ).returncode
        == 0
    )
    for hour in (9, 10, 11):
        cli(home, "log", "gentle-floor-set", "--date", f"{on(17).isoformat()} {hour}:00")
    for today in (on(17), on(18)):
        assert status(home, today)["advice"]["kind"] not in {"add_lifts", "hold_bridge", "lengthen_counts"}


def test_cli_refuses_values_outside_the_programs_ranges(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args, words in (
        (("--lifts", "50"), "--lifts must be from 1 to 8"),
        (("--lifts", "0"), "--lifts must be from 1 to 8"),
        (("--count", "3"), "--count must be from 4 to 8"),
        (("--count", "9"), "--count must be from 4 to 8"),
        (("--hold", "3"), "--hold must be 0 (no hold) or from 4 to 8"),
        (("--hold", "9"), "--hold must be 0 (no hold) or from 4 to 8"),
    ):
        result = cli(home, "log", "bridge", *args)
        assert result.returncode == 1 and words in result.stderr, (args, result.stderr)
    assert not (home / "data").exists() or not list((home / "data").glob("sessions-*.json"))


def test_cli_lifts_beyond_the_phase_are_kept_and_brought_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "log", "bridge", "--date", f"{DAY0.isoformat()} 08:00", "--lifts", "8").returncode == 0
    data = status(home, DAY0)
    assert data["program"] == {"id": "bridge", "lifts": 2, "count": 4, "hold": 0}
    assert data["advice"]["kind"] == "step_back"
    assert any("allows at most 2 lifts" in r for r in data["advice"]["reasons"])


def test_cli_pain_after_without_before_never_says_more_than_before(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cli(home, "log", "bridge", "--date", f"{DAY0.isoformat()} 08:00", "--pain-after", "3")
    reasons = " ".join(status(home, on(1))["advice"]["reasons"])
    assert "than before" not in reasons and "before" not in reasons and "pain 3 after" in reasons


def test_cli_usual_pain_refuses_bad_values(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert "from 0 to 10" in cli(home, "usual-pain", "11").stderr
    assert cli(home, "usual-pain", "-1").returncode in (1, 2)
    future = (date.today() + timedelta(days=3)).isoformat()
    assert "in the future" in cli(home, "usual-pain", "2", "--date", future).stderr
    listed = cli(home, "usual-pain", "--list")
    assert listed.returncode == 0 and "No usual pain recorded" in listed.stdout


def test_a_level_week_says_its_day_and_when_the_next_step_can_come() -> None:
    history = [s(on(i), P(2, 4, 0)) for i in range(3)] + [s(on(10 + i), P(3, 4, 0)) for i in range(7)]
    advice = advise(history, SETTINGS, on(16))  # day 7 of the week at 3 lifts (since day 10)
    reason = next(r for r in advice.reasons if r.startswith("day "))
    assert reason.startswith("day 7 of 7 at 3 lifts") and f"can come on {on(17).isoformat()}" in reason
    assert advise(history, SETTINGS, on(17)).kind is AdviceKind.ADD_LIFTS
