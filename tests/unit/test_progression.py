"""The progression engine (tracker.progression): one test per rules-table row, precedence, properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil import tz
from hypothesis import event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.support import practice_session
from tracker.model import Felt, Prescription, ProgressionRules, Session, Settings, Stability
from tracker.progression import ADVANCING, Advice, AdviceKind, advise, level_history, pain_flags

RULES = ProgressionRules()
SETTINGS = Settings()
PARIS = tz.gettz("Europe/Paris")
DAY0 = date(2024, 3, 4)  # a Monday
P = Prescription
DIAGNOSES = ("sciatica", "disc", "hernia", "arthritis", "injury", "diagnos", "strain", "sprain")


session = practice_session


def days(start: date, count: int, level: Prescription, **checkin) -> list[Session]:
    """``count`` daily sessions at ``level`` from ``start``."""
    return [session(start + timedelta(days=i), level, **checkin) for i in range(count)]


def on(n: int) -> date:
    return DAY0 + timedelta(days=n)


def week_at(level: Prescription, first: int = 10, count: int = 7, **checkin) -> list[Session]:
    """A history whose first week is over, then ``count`` daily sessions at ``level`` from day ``first``.

    The days before ``first`` are at (2, 4, 0) and not all practised, so the level's week starts at ``first``.
    """
    return (
        days(DAY0, 2, P(2, 4, 0))
        + days(on(4), first - 4, P(2, 4, 0))
        + days(on(first), count, level, **checkin)
    )


def check_advice(advice: Advice, kind: AdviceKind, prescription: Prescription) -> None:
    assert (advice.kind, advice.prescription) == (kind, prescription), (advice.message, advice.reasons)
    assert advice.message and advice.reasons
    assert not any(word in advice.message.lower() for word in DIAGNOSES)


# --- rows of the rules table -----------------------------------------------


def test_start_with_no_bridge_session():
    advice = advise([], SETTINGS, DAY0)
    check_advice(advice, AdviceKind.START, P(2, 4, 0))
    assert advice.current is None
    # Other routines and bridge sessions without a prescription do not start the program.
    others = [session(DAY0, None, routine="floor-flow"), session(DAY0, None)]
    check_advice(advise(others, SETTINGS, on(1)), AdviceKind.START, P(2, 4, 0))


def test_day_one_stays_at_the_start_level():
    advice = advise([session(DAY0)], SETTINGS, DAY0)
    check_advice(advice, AdviceKind.STAY, P(2, 4, 0))
    assert advice.current == P(2, 4, 0)


def test_first_week_adds_one_lift_after_day_one_then_stays():
    history = [session(DAY0)]
    check_advice(advise(history, SETTINGS, on(1)), AdviceKind.ADD_LIFTS, P(3, 4, 0))
    history.append(session(on(1), P(3, 4, 0)))
    for day in range(2, 8):
        check_advice(advise(history, SETTINGS, on(day)), AdviceKind.STAY, P(3, 4, 0))
        history.append(session(on(day), P(3, 4, 0), felt=Felt.EASY))


def test_first_week_never_goes_above_first_week_lifts():
    history = [session(DAY0, P(3, 4, 0), felt=Felt.EASY)]
    check_advice(advise(history, SETTINGS, on(1)), AdviceKind.STAY, P(3, 4, 0))


def test_first_week_stays_when_day_one_felt_hard():
    advice = advise([session(DAY0, felt=Felt.HARD)], SETTINGS, on(1))
    check_advice(advice, AdviceKind.STAY, P(2, 4, 0))
    assert any("hard" in reason for reason in advice.reasons)


def test_add_lifts_after_a_full_week():
    history = week_at(P(3, 4, 0), count=7)
    history.pop(-3)  # 6 of the 7 days
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.ADD_LIFTS, P(4, 4, 0))
    assert "6 of the last 7 days practised at 3 lifts" in advice.reasons
    assert "no pain reported in the last 3 sessions" in advice.reasons
    assert advice.advances and advice.changed


def test_add_two_lifts_when_the_last_sessions_felt_easy():
    history = week_at(P(3, 4, 0), felt=Felt.EASY)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.ADD_LIFTS, P(5, 4, 0))
    assert "the last 3 sessions felt easy" in advice.reasons


def test_add_lifts_never_goes_above_max():
    check_advice(
        advise(week_at(P(7, 4, 0), felt=Felt.EASY), SETTINGS, on(17)), AdviceKind.ADD_LIFTS, P(8, 4, 0)
    )


def test_no_advance_before_a_full_week_at_the_level():
    history = week_at(P(3, 4, 0), count=6)
    advice = advise(history, SETTINGS, on(16))  # level since day 10: day 7 of 7
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert any("full week" in reason for reason in advice.reasons)


def test_no_advance_with_too_few_practice_days():
    history = week_at(P(3, 4, 0), count=1) + [session(on(14), P(3, 4, 0)), session(on(16), P(3, 4, 0))]
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert "3 of the last 7 days practised at 3 lifts: 4 are needed" in advice.reasons


def test_declared_rest_days_lower_the_days_needed():
    history = week_at(P(3, 4, 0), count=1) + [session(on(d), P(3, 4, 0)) for d in (13, 16)]
    assert advise(history, SETTINGS, on(17)).kind is AdviceKind.STAY
    four_off = Settings(rest_days_per_week=4)
    assert advise(history, four_off, on(17)).kind is AdviceKind.ADD_LIFTS


def test_hold_bridge_when_stable_at_max_lifts():
    history = week_at(P(8, 4, 0))
    history[-4:] = [
        session(s.local_date, s.prescription, stable=Stability.YES if i != 1 else Stability.NO)
        for i, s in enumerate(history[-4:])
    ]
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.HOLD_BRIDGE, P(8, 4, 4))
    assert "stable in 3 of the last 4 sessions" in advice.reasons


def test_hold_bridge_adds_one_count_a_week_up_to_max():
    check_advice(
        advise(week_at(P(8, 5, 6), stable=Stability.YES), SETTINGS, on(17)),
        AdviceKind.HOLD_BRIDGE,
        P(8, 5, 7),
    )
    check_advice(
        advise(week_at(P(8, 5, 7), stable=Stability.YES), SETTINGS, on(17)),
        AdviceKind.HOLD_BRIDGE,
        P(8, 5, 8),
    )


def test_no_hold_with_stability_in_only_two_of_four():
    history = week_at(P(8, 4, 0))
    history[-4:] = [
        session(s.local_date, s.prescription, stable=Stability.YES if i < 2 else Stability.NO)
        for i, s in enumerate(history[-4:])
    ]
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(8, 4, 0))
    assert any("stable in 2 of the last 4 sessions" in reason for reason in advice.reasons)


def test_lengthen_counts_when_not_stable_and_easy():
    advice = advise(week_at(P(8, 4, 0), felt=Felt.EASY, stable=Stability.NO), SETTINGS, on(17))
    check_advice(advice, AdviceKind.LENGTHEN_COUNTS, P(8, 5, 0))
    check_advice(
        advise(week_at(P(8, 7, 0), felt=Felt.EASY), SETTINGS, on(17)), AdviceKind.LENGTHEN_COUNTS, P(8, 8, 0)
    )


def test_lengthen_counts_needs_easy_sessions():
    advice = advise(week_at(P(8, 4, 0), felt=Felt.RIGHT), SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(8, 4, 0))


def test_lengthen_counts_after_the_hold_is_at_max():
    # Interpretation: once the hold is at its maximum, longer counts are the remaining step to (8, 8, 8).
    history = week_at(P(8, 5, 8), felt=Felt.EASY, stable=Stability.YES)
    check_advice(advise(history, SETTINGS, on(17)), AdviceKind.LENGTHEN_COUNTS, P(8, 6, 8))


def test_pain_in_the_last_session_stays_with_the_stop_note():
    history = week_at(P(3, 4, 0), felt=Felt.EASY)
    history[-1] = session(on(16), P(3, 4, 0), pain_before=1, pain_after=3)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert "If it hurts, stop" in advice.message


def test_session_stopped_because_it_hurt_counts_as_pain():
    history = week_at(P(3, 4, 0), felt=Felt.EASY)
    history[-1] = session(on(16), P(3, 4, 0), hurt=True)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert any("stopped because it hurt" in reason for reason in advice.reasons)


def test_unchanged_chronic_pain_counts_as_pain():
    # Revised rules: a high "before" no longer excuses the "after"; steady pain 4/4 every day is painful.
    history = week_at(P(3, 4, 0), felt=Felt.EASY, pain_before=4, pain_after=4)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.CONSULT, P(2, 4, 0))  # steps back: the last increase was 2 -> 3
    assert not any("no pain" in reason for reason in advice.reasons)


def test_pain_rule_details():
    flags = pain_flags(
        [
            session(DAY0, pain_after=2),  # above the usual 0
            session(on(1), pain_before=3, pain_after=2),  # eased, yet the day still had pain
            session(on(2), pain_after=3),
            session(on(3), pain_before=0, pain_after=1),  # at the threshold
            session(on(4), pain_before=None, pain_after=None, hurt=True),
            session(on(5), pain_before=5),  # nothing after: not counted
            session(on(6), pain_before=8, pain_after=8),
            session(on(7), pain_after=0),
        ]
    )
    assert flags == [True, True, True, True, True, False, True, False]
    assert pain_flags([session(DAY0, pain_after=2)], ProgressionRules(pain_threshold=3)) == [False]


def test_step_back_after_pain_in_two_of_three_sessions():
    history = week_at(P(3, 4, 0)) + [
        session(on(17), P(4, 4, 0), pain_after=2),
        session(on(18), P(4, 4, 0)),
        session(on(19), P(4, 4, 0), hurt=True),
    ]
    advice = advise(history, SETTINGS, on(20))
    check_advice(advice, AdviceKind.STEP_BACK, P(3, 4, 0))
    assert any(r.startswith("pain reported in 2 of the last 3 sessions (") for r in advice.reasons), (
        advice.reasons
    )


def test_step_back_is_taken_once_per_pain_episode():
    history = week_at(P(3, 4, 0)) + [
        session(on(17), P(4, 4, 0), pain_after=2),
        session(on(18), P(4, 4, 0), pain_after=2),
        session(on(19), P(3, 4, 0)),  # stepped back, no pain
    ]
    advice = advise(history, SETTINGS, on(20))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert any("already stepped back" in reason for reason in advice.reasons)


def test_undo_skips_levels_already_undone():
    # 2 -> 3 -> 4, stepped back to 3; pain again at 3: back to 2, never up to 4.
    history = (
        days(DAY0, 1, P(2, 4, 0))
        + days(on(1), 8, P(3, 4, 0))
        + days(on(9), 3, P(4, 4, 0))
        + days(on(12), 5, P(3, 4, 0))
        + [session(on(17), P(3, 4, 0), pain_after=2), session(on(18), P(3, 4, 0), pain_after=2)]
    )
    check_advice(advise(history, SETTINGS, on(19)), AdviceKind.STEP_BACK, P(2, 4, 0))


def test_step_back_without_an_earlier_level_goes_one_step_down():
    # Past the first week, stable, and the only level ever logged: one step down the program's path.
    def at(level: Prescription) -> list[Session]:
        quiet = days(DAY0, 10, level, stable=Stability.YES)
        return quiet + [session(on(10), level, pain_after=2), session(on(11), level, pain_after=2)]

    check_advice(advise(at(P(8, 6, 5)), SETTINGS, on(12)), AdviceKind.STEP_BACK, P(8, 6, 4))
    check_advice(advise(at(P(8, 6, 4)), SETTINGS, on(12)), AdviceKind.STEP_BACK, P(8, 6, 0))
    # Nothing lower to go to: stay, saying so.
    advice = advise(at(P(1, 4, 0)), SETTINGS, on(12))
    check_advice(advice, AdviceKind.STAY, P(1, 4, 0))
    assert any("gentlest" in r for r in advice.reasons)


def test_consult_after_pain_in_three_of_five_sessions():
    history = week_at(P(3, 4, 0)) + [
        session(on(17), P(4, 4, 0), pain_after=2),
        session(on(18), P(4, 4, 0)),
        session(on(19), P(4, 4, 0), pain_after=2),
        session(on(20), P(4, 4, 0)),
        session(on(21), P(4, 4, 0), pain_after=3),
    ]
    advice = advise(history, SETTINGS, on(22))
    check_advice(advice, AdviceKind.CONSULT, P(3, 4, 0))
    assert "personal trainer or a doctor" in advice.message
    assert any(r.startswith("pain reported in 3 of the last 5 sessions (") for r in advice.reasons), (
        advice.reasons
    )


def test_consult_keeps_advising_without_sliding_down():
    history = week_at(P(3, 4, 0)) + [
        session(on(17), P(4, 4, 0), pain_after=2),
        session(on(18), P(4, 4, 0), pain_after=2),
        session(on(19), P(4, 4, 0), pain_after=2),
        session(on(20), P(3, 4, 0)),
    ]
    advice = advise(history, SETTINGS, on(21))
    check_advice(advice, AdviceKind.CONSULT, P(3, 4, 0))
    assert "doctor" in advice.message


def test_step_back_after_seven_days_without_practice():
    history = week_at(P(3, 4, 0)) + days(on(17), 8, P(4, 4, 0))
    last = on(24)
    assert advise(history, SETTINGS, last + timedelta(days=6)).kind is not AdviceKind.STEP_BACK
    advice = advise(history, SETTINGS, last + timedelta(days=7))
    check_advice(advice, AdviceKind.STEP_BACK, P(3, 4, 0))
    assert any("7 days ago" in reason for reason in advice.reasons)


def test_restart_after_twenty_eight_days_without_practice():
    history = week_at(P(6, 6, 0))
    advice = advise(history, SETTINGS, on(16 + 28))
    check_advice(advice, AdviceKind.RESTART, P(2, 4, 0))
    # Coming back at the restart level begins a new first week.
    back = on(44)
    history.append(session(back, P(2, 4, 0)))
    check_advice(advise(history, SETTINGS, back), AdviceKind.STAY, P(2, 4, 0))
    check_advice(advise(history, SETTINGS, back + timedelta(days=1)), AdviceKind.ADD_LIFTS, P(3, 4, 0))


def test_restart_never_raises_a_low_level():
    history = [session(DAY0, P(1, 4, 0))]
    check_advice(advise(history, SETTINGS, on(40)), AdviceKind.RESTART, P(1, 4, 0))


def test_maintain_at_the_top_points_to_the_next_poses():
    poses = ("child's pose", "cat-cow", "downward dog", "upward dog", "cobra")
    advice = advise(
        week_at(P(8, 8, 8), felt=Felt.EASY, stable=Stability.YES), SETTINGS, on(17), next_poses=poses
    )
    check_advice(advice, AdviceKind.MAINTAIN, P(8, 8, 8))
    for pose in ("child's pose", "cat-cow", "downward dog", "upward dog", "cobra"):
        assert pose in advice.message
    assert not advice.changed


def test_otherwise_stay():
    history = week_at(P(8, 4, 0), count=4, stable=Stability.YES) + days(
        on(14), 4, P(8, 4, 4), stable=Stability.NO
    )
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(8, 4, 4))


# --- precedence --------------------------------------------------------------


def test_consult_beats_restart_and_takes_the_lower_prescription():
    history = week_at(P(6, 4, 0)) + [session(on(17 + i), P(6, 4, 0), pain_after=2) for i in range(3)]
    advice = advise(history, SETTINGS, on(19 + 30))
    check_advice(advice, AdviceKind.CONSULT, P(2, 4, 0))
    assert any("days ago" in reason for reason in advice.reasons)


def test_restart_beats_step_back():
    history = week_at(P(6, 4, 0)) + [session(on(17 + i), P(6, 4, 0), pain_after=2) for i in range(2)]
    check_advice(advise(history, SETTINGS, on(18 + 30)), AdviceKind.RESTART, P(2, 4, 0))


def test_step_back_beats_stay_after_pain():
    history = week_at(P(3, 4, 0)) + days(on(17), 8, P(4, 4, 0))
    history[-1] = session(on(24), P(4, 4, 0), hurt=True)
    check_advice(advise(history, SETTINGS, on(31)), AdviceKind.STEP_BACK, P(3, 4, 0))


def test_pain_in_the_last_session_beats_advancing():
    history = week_at(P(8, 4, 0), felt=Felt.EASY, stable=Stability.YES)
    history[-1] = session(on(16), P(8, 4, 0), felt=Felt.EASY, stable=Stability.YES, pain_after=2)
    check_advice(advise(history, SETTINGS, on(17)), AdviceKind.STAY, P(8, 4, 0))


def test_pain_in_recent_sessions_blocks_advancing():
    history = week_at(P(3, 4, 0), felt=Felt.EASY)
    history[-3] = session(on(14), P(3, 4, 0), pain_after=2)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert any("pain reported in 1 of the last 3 sessions" in reason for reason in advice.reasons)


def test_unsure_stability_blocks_every_advance():
    history = week_at(P(3, 4, 0), felt=Felt.EASY)
    history[-1] = session(on(16), P(3, 4, 0), felt=Felt.EASY, stable=Stability.UNSURE)
    advice = advise(history, SETTINGS, on(17))
    check_advice(advice, AdviceKind.STAY, P(3, 4, 0))
    assert any("unsure" in reason for reason in advice.reasons)
    # ... also in the first week.
    assert advise([session(DAY0, stable=Stability.UNSURE)], SETTINGS, on(1)).kind is AdviceKind.STAY


def test_unsure_counts_as_not_stable_for_the_hold():
    history = week_at(P(8, 4, 0), stable=Stability.UNSURE)
    history[-1] = session(on(16), P(8, 4, 0), stable=Stability.YES)
    advice = advise(history, SETTINGS, on(17))
    assert advice.kind is AdviceKind.STAY
    assert any("stable in 1 of the last 4 sessions" in reason for reason in advice.reasons)


def test_pain_in_another_routine_counts():
    history = week_at(P(3, 4, 0), felt=Felt.EASY) + [
        session(on(16), None, routine="floor-flow", hurt=True, hour=18)
    ]
    assert advise(history, SETTINGS, on(17)).kind is AdviceKind.STAY


def test_thresholds_come_from_the_rules():
    rules = ProgressionRules(max_lifts=4, days_per_level=3, first_week_days=2, first_week_lifts=3)
    history = [session(DAY0), session(on(1), P(3, 4, 0))] + days(on(2), 3, P(4, 4, 0), stable=Stability.YES)
    advice = advise(history, SETTINGS, on(5), rules)
    check_advice(advice, AdviceKind.HOLD_BRIDGE, P(4, 4, 4))
    assert "3 of the last 3 days practised at 4 lifts" in advice.reasons
    strict = ProgressionRules(pain_threshold=5)
    history = week_at(P(3, 4, 0), pain_after=3)
    assert advise(history, SETTINGS, on(17), strict).kind is AdviceKind.ADD_LIFTS


def test_sessions_after_today_are_ignored():
    history = [session(DAY0), session(on(5), P(3, 4, 0), hurt=True)]
    check_advice(advise(history, SETTINGS, on(1)), AdviceKind.ADD_LIFTS, P(3, 4, 0))


def test_level_history_one_entry_per_day():
    history = [
        session(DAY0, P(2, 4, 0)),
        session(on(1), P(2, 4, 0), hour=7),
        session(on(1), P(3, 4, 0), hour=19),
        session(on(1), None, routine="floor-flow", hour=20),
        session(on(3), P(3, 4, 0)),
    ]
    assert level_history(reversed(history)) == [(DAY0, P(2, 4, 0)), (on(1), P(3, 4, 0)), (on(3), P(3, 4, 0))]
    assert level_history([]) == []


# --- properties ----------------------------------------------------------------

levels = st.builds(P, st.integers(0, 10), st.integers(2, 10), st.integers(0, 10))
checkins = st.fixed_dictionaries(
    {
        "pain_before": st.none() | st.integers(0, 6),
        "pain_after": st.none() | st.integers(0, 6),
        "stable": st.none() | st.sampled_from(Stability),
        "felt": st.none() | st.sampled_from(Felt),
        "hurt": st.booleans(),
    }
)
random_sessions = st.lists(
    st.tuples(st.integers(0, 90), levels, checkins, st.sampled_from(["bridge", "bridge", "floor-flow"])),
    max_size=40,
)


def _build(raw) -> list[Session]:
    return [
        session(on(offset), level, routine=routine, hour=6 + i % 15, **checkin)
        for i, (offset, level, checkin, routine) in enumerate(raw)
    ]


def _clamped(p: Prescription, rules: ProgressionRules = RULES) -> Prescription:
    return P(
        min(max(p.lifts, 1), rules.max_lifts),
        min(max(p.count, rules.start_count), rules.max_count),
        min(max(p.hold, 0), rules.max_hold),
    )


def _within_bounds(p: Prescription, rules: ProgressionRules = RULES) -> bool:
    return (
        1 <= p.lifts <= rules.max_lifts
        and rules.start_count <= p.count <= rules.max_count
        and 0 <= p.hold <= rules.max_hold
    )


@given(random_sessions, st.integers(0, 100))
def test_random_histories_give_prescriptions_within_bounds(raw, today_offset):
    history = _build(raw)
    advice = advise(history, SETTINGS, on(today_offset))
    assert _within_bounds(advice.prescription)
    assert advice.message and advice.reasons


@given(random_sessions, st.integers(0, 100))
def test_never_advances_after_pain_or_unsure(raw, today_offset):
    today = on(today_offset)
    history = sorted((s for s in _build(raw) if s.local_date <= today), key=lambda s: s.started_at)
    advice = advise(history, SETTINGS, today)
    if not history:
        return
    last_painful = pain_flags(history)[-1]
    reports = [s.checkin.stable for s in history if s.checkin.stable is not None]
    unsure = bool(reports) and reports[-1] is Stability.UNSURE
    if last_painful or unsure:
        assert advice.kind not in ADVANCING
        if advice.current is not None:
            assert advice.prescription <= _clamped(advice.current)


# Mostly calm days, so that the simulation advances often enough to test the spacing.
calm_checkins = st.fixed_dictionaries(
    {
        "pain_before": st.sampled_from([None, None, 2, 3]),
        "pain_after": st.sampled_from([None, None, None, None, 2, 4]),
        "stable": st.sampled_from([Stability.YES, Stability.YES, Stability.NO, Stability.UNSURE, None]),
        "felt": st.sampled_from([Felt.EASY, Felt.EASY, Felt.RIGHT, Felt.HARD, None]),
        "hurt": st.sampled_from([False] * 9 + [True]),
    }
)
day_plans = st.lists(
    st.one_of(
        st.tuples(st.just("practise"), calm_checkins),
        st.tuples(st.just("practise"), calm_checkins),
        st.tuples(st.just("practise"), calm_checkins),
        st.tuples(st.just("skip"), st.integers(1, 35)),
    ),
    min_size=40,
    max_size=150,
)


@hsettings(deadline=None, max_examples=40)
@given(day_plans)
def test_following_the_advice_day_by_day(plan):
    """Log the prescribed session each practice day; check every invariant of the engine along the way."""
    history: list[Session] = []
    day = DAY0
    increases: list[date] = []
    for step, detail in plan:
        if step == "skip":
            day += timedelta(days=detail)
            continue
        advice = advise(history, SETTINGS, day)
        assert _within_bounds(advice.prescription)
        if history:
            flags = pain_flags(history)
            reports = [s.checkin.stable for s in history if s.checkin.stable is not None]
            if flags[-1] or (reports and reports[-1] is Stability.UNSURE):
                assert advice.kind not in ADVANCING
        previous = history[-1].prescription if history else None
        if previous is not None and advice.prescription > previous:
            assert advice.kind in ADVANCING
            increases.append(day)
        history.append(session(day, advice.prescription, **detail))
        day += timedelta(days=1)
    event(f"{min(len(increases), 3)}{'+' if len(increases) >= 3 else ''} increases")
    for earlier, later in zip(increases, increases[1:]):
        assert (later - earlier).days >= RULES.days_per_level, increases


def _follow(days_count: int, felt, stable) -> tuple[list[Session], list[Advice]]:
    history: list[Session] = []
    advices: list[Advice] = []
    for i in range(days_count):
        day = on(i)
        advice = advise(history, SETTINGS, day)
        assert _within_bounds(advice.prescription)
        advices.append(advice)
        history.append(session(day, advice.prescription, felt=felt(i), stable=stable(i)))
    return history, advices


def test_an_easy_stable_daily_practice_reaches_the_top_and_stays():
    history, advices = _follow(120, lambda i: Felt.EASY, lambda i: Stability.YES)
    kinds = [a.kind for a in advices]
    assert kinds[0] is AdviceKind.START and kinds[1] is AdviceKind.ADD_LIFTS
    assert AdviceKind.HOLD_BRIDGE in kinds and AdviceKind.LENGTHEN_COUNTS in kinds
    final = advise(history, SETTINGS, on(120))
    assert final.kind is AdviceKind.MAINTAIN and final.prescription == P(8, 8, 8)
    assert [day for day, _ in level_history(history)] == [on(i) for i in range(120)]


def test_a_steady_never_stable_practice_lengthens_counts_but_never_holds():
    history, advices = _follow(120, lambda i: Felt.EASY if i % 4 else Felt.RIGHT, lambda i: Stability.NO)
    final = advise(history, SETTINGS, on(120))
    assert final.prescription.hold == 0
    assert final.prescription.lifts == 8 and final.prescription.count > 4
    assert all(a.kind is not AdviceKind.HOLD_BRIDGE for a in advices)


def test_the_first_advance_needs_no_more_than_a_day():
    history = [session(DAY0)]
    assert advise(history, SETTINGS, on(1)).advances


@pytest.mark.parametrize("kind", list(AdviceKind))
def test_advice_kinds_are_the_documented_words(kind):
    assert kind.value in {
        "start",
        "stay",
        "add_lifts",
        "hold_bridge",
        "lengthen_counts",
        "step_back",
        "consult",
        "restart",
        "maintain",
    }


def test_consult_before_the_first_bridge_session():
    others = [session(on(i), None, routine="floor-flow", pain_after=3) for i in range(3)]
    advice = advise(others, SETTINGS, on(3))
    check_advice(advice, AdviceKind.CONSULT, P(2, 4, 0))
    assert advice.message.startswith("Pain keeps coming back. Start gently")
