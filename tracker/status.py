"""Where a person stands today: `Status`, and the `status --json` object it prints (a stable contract).

Fields are only ever added, never renamed (README, "Command line").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.model import PROGRAM_ID, PainRecord, Prescription, ProgressionRules, Session, Settings, UsualPain

if TYPE_CHECKING:
    from tracker.dayafter import Response, Score, WeekTrend
    from tracker.practice import Carry
    from tracker.progression import Advice
    from tracker.streaks import StreakSummary


STATUS_VERSION = 1  # of the `status --json` object; fields are only ever added

__all__ = ["PROGRAM_ID", "STATUS_VERSION", "Status", "advice_from", "status_from"]


@dataclass(frozen=True)
class Status:
    """Where the person stands today: streaks, the advice and the prescription for the next session."""

    today: date
    streak: StreakSummary
    advice: Advice
    prescription: Prescription  # for the next session, after the advice
    program_id: str = PROGRAM_ID
    usual_pain: UsualPain | None = None  # the record in force today, if any
    pain_today: Score | None = None  # today's first pain score (a pain record or a pain before), if any
    day_after: Response | None = (
        None  # the response to the latest practice day, when its next day has a score
    )
    weekly_pain: tuple[WeekTrend, ...] = ()  # the weekly median of each day's first pain score, oldest first

    def to_json_dict(self) -> dict[str, Any]:
        """Exactly the `status --json` object of the CLI contract."""
        s = self.streak
        return {
            "today": self.today.isoformat(),
            "current_streak": int(s.current),
            "longest_streak": int(s.longest),
            "practice_days": int(s.practice_days),
            "last_practice": s.last_practice.isoformat() if s.last_practice else None,
            "consistency": round(min(1.0, max(0.0, float(s.consistency))), 4),
            "program": {
                "id": self.program_id,
                "lifts": self.prescription.lifts,
                "count": self.prescription.count,
                "hold": self.prescription.hold,
            },
            "advice": {
                "kind": str(getattr(self.advice.kind, "value", self.advice.kind)),
                "message": self.advice.message,
                "reasons": [str(r) for r in self.advice.reasons],
            },
            "version": STATUS_VERSION,
            "usual_pain": (
                {
                    "value": self.usual_pain.value,
                    "date": self.usual_pain.since.isoformat(),
                    "note": self.usual_pain.note,
                }
                if self.usual_pain is not None
                else None
            ),
            "pain_today": (
                {
                    "value": self.pain_today.value,
                    "source": "pain record" if self.pain_today.record is not None else "pain before",
                }
                if self.pain_today is not None
                else None
            ),
            "day_after": (
                {
                    "day": self.day_after.day.isoformat(),
                    "score": self.day_after.score.value,
                    "source": "pain record" if self.day_after.score.record is not None else "pain before",
                    "baseline": self.day_after.baseline,
                    "worse": self.day_after.worse,
                    "sentence": self.day_after.sentence(),
                }
                if self.day_after is not None
                else None
            ),
            "weekly_pain": [
                {"from": w.first.isoformat(), "to": w.last.isoformat(), "days": w.days, "median": w.median}
                for w in self.weekly_pain
            ],
        }


def advice_from(
    today: date,
    settings: Settings,
    usual: Sequence[UsualPain],
    rules: ProgressionRules,
    program_id: str,
    next_poses: Sequence[str],
    history: Sequence[Session],
    carry: Carry | None = None,
    pain_records: Sequence[PainRecord] = (),
) -> Advice:
    """The advice of `status_from` alone (the same inputs, no streaks): what `log` needs before saving."""
    from tracker import progression

    return progression.advise(
        history,
        settings,
        today,
        rules,
        program_id,
        usual_pain=usual,
        next_poses=next_poses,
        carry=carry,
        pain_records=pain_records,
    )


def status_from(
    today: date,
    settings: Settings,
    usual: Sequence[UsualPain],
    rules: ProgressionRules,
    program_id: str,
    next_poses: Sequence[str],
    history: Sequence[Session],
    days: Sequence[date] | None = None,
    carry: Carry | None = None,
    pain_records: Sequence[PainRecord] = (),
) -> Status:
    """The Status as of `today`: from every session (`history`), or from the last weeks (`history`), every
    practice day (`days`) and the carry of the sessions before them (tracker.quick): the same answer."""
    from tracker import dayafter, streaks
    from tracker.pain import UsualPainTimeline

    if days is None:
        summary = streaks.summarize(history, settings, today)
    else:
        summary = streaks.summarize_days({d for d in days if d <= today}, settings, today)
    advice = advice_from(today, settings, usual, rules, program_id, next_poses, history, carry, pain_records)
    timeline = UsualPainTimeline(r for r in usual if r.since <= today)
    recent = sorted((s for s in [*(carry.recent if carry else ()), *history] if s.local_date <= today),
                    key=lambda s: (s.started_at, s.id))  # fmt: skip
    records = [r for r in pain_records if r.day <= today]
    scores = dayafter.first_scores(recent, records)
    found = dayafter.responses(recent, records, timeline, rules, today, program_id)
    last_day = max((s.local_date for s in recent if s.local_date < today), default=None)
    return Status(
        today=today,
        streak=summary,
        advice=advice,
        prescription=advice.prescription,
        program_id=program_id,
        usual_pain=UsualPainTimeline(usual).on(today),
        pain_today=scores.get(today),
        day_after=found.get(last_day) if last_day is not None else None,
        weekly_pain=tuple(dayafter.weekly_trend(scores, today)),
    )
