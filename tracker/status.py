"""Where a person stands today: `Status`, and the `status --json` object it prints (a stable contract).

Fields are only ever added, never renamed (README, "Command line").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from tracker.model import PROGRAM_ID, Prescription, ProgressionRules, Session, Settings, UsualPain

if TYPE_CHECKING:
    from tracker.practice import Carry
    from tracker.progression import Advice
    from tracker.streaks import StreakSummary


STATUS_VERSION = 1  # of the `status --json` object; fields are only ever added

__all__ = ["PROGRAM_ID", "STATUS_VERSION", "Status", "status_from"]


@dataclass(frozen=True)
class Status:
    """Where the person stands today: streaks, the advice and the prescription for the next session."""

    today: date
    streak: StreakSummary
    advice: Advice
    prescription: Prescription  # for the next session, after the advice
    program_id: str = PROGRAM_ID
    usual_pain: UsualPain | None = None  # the record in force today, if any

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
                {"value": self.usual_pain.value, "date": self.usual_pain.since.isoformat(), "note": self.usual_pain.note}
                if self.usual_pain is not None
                else None
            ),
        }




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
) -> Status:
    """The Status as of `today`: from every session (`history`), or from the last weeks (`history`), every
    practice day (`days`) and the carry of the sessions before them (tracker.quick): the same answer."""
    from tracker import progression, streaks
    from tracker.pain import UsualPainTimeline

    if days is None:
        summary = streaks.summarize(history, settings, today)
    else:
        summary = streaks.summarize_days({d for d in days if d <= today}, settings, today)
    advice = progression.advise(
        history, settings, today, rules, program_id, usual_pain=usual, next_poses=next_poses, carry=carry
    )
    return Status(
        today=today,
        streak=summary,
        advice=advice,
        prescription=advice.prescription,
        program_id=program_id,
        usual_pain=UsualPainTimeline(usual).on(today),
    )
