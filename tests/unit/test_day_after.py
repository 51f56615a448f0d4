"""The day after (practice-rules.md, "The day after (added 2026-12-04)"), rule by rule through `advise()`.

The 24-hour response, pain records, the weekly trend of the first pain score of each day, and a consult
that stays a consult. The CLI tests at the end run the real `backroll` in a subprocess.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.support import practice_session
from tracker.model import Prescription, ProgressionRules, Session, Settings
from tracker.progression import ADVANCING, AdviceKind, advise

RULES = ProgressionRules()
SETTINGS = Settings()
P = Prescription


def feb(day: int) -> date:
    return date(2027, 2, day) if day > 0 else date(2027, 1, 31 + day)


# --- a consult stays a consult ------------------------------------------------------------


def alternating_pain() -> list[Session]:
    """The held-out case of issue 23: 2 lifts, 3, then 4 from 02-10, all pain-free; from 02-18 sessions
    alternate painful (pain 3 after) and pain-free, all at 4 lifts, ending pain-free on 02-23."""
    history: list[Session] = []
    day = date(2027, 1, 27)
    while day <= feb(23):
        level = P(2, 4, 0) if day < feb(3) else P(3, 4, 0) if day < feb(10) else P(4, 4, 0)
        after = None
        if day >= feb(18):
            after = 3 if (day - feb(18)).days % 2 == 0 else 0
        history.append(practice_session(day, level, pain_after=after))
        day += timedelta(days=1)
    return history


def test_a_consult_never_rises_above_the_level_it_stepped_back_to() -> None:
    history = alternating_pain()
    for today in (feb(22), feb(23), feb(24), feb(25)):
        advice = advise(history, SETTINGS, today)
        assert advice.kind is AdviceKind.CONSULT, (today, advice)
        assert advice.prescription == P(3, 4, 0), (today, advice)
        assert "Step back to 3 lifts" in advice.message, (today, advice.message)
        assert not any("already stepped back" in r for r in advice.reasons), (today, advice.reasons)


def test_a_consult_says_already_stepped_back_only_after_a_session_at_that_level() -> None:
    history = alternating_pain() + [practice_session(feb(24), P(3, 4, 0), pain_after=0)]
    advice = advise(history, SETTINGS, feb(25))
    assert advice.kind is AdviceKind.CONSULT
    assert advice.prescription == P(3, 4, 0)
    assert "you have already stepped back since that pain" in advice.reasons
