"""What `status` needs from a long history: the last weeks read in full, and the carry of the years before.

Streaks need only the practice days; the advice reads the sessions of the
last weeks and what each rule keeps of the years before (a
`tracker.practice.Carry`):

- the **tail**: the months from the one holding the day 31 days before
  `today` on, read in full (without steps or notes);
- the **carry**: made once from the months before, grown by one month's
  sessions when the tail moves on.

This module holds only the pure part: where the tail begins, which records
the carry reads, and the carry made from records. Keeping both on disk (the
summary cache, its key and the carry as JSON) is the service's:
tracker/status_cache.py. The answer is the same as reading every session
(tests/unit/test_carry.py for the rules, tests/unit/test_store_summary.py
through the store).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from tracker.model import PainRecord, ProgressionRules, Session, Settings, UsualPain
from tracker.practice import Carry

__all__ = ["TAIL_DAYS", "Quick", "carried_pains", "in_force", "make_carry", "tail_start"]

TAIL_DAYS = 31  # the tail reaches back at least this far (the rules look back one week at most)


class Quick(NamedTuple):
    settings: Settings
    usual_pain: list[UsualPain]
    days: list[date]  # every practice day
    tail: list[Session]  # the sessions of the tail's months, without steps or notes
    carry: Carry
    pain_records: list[PainRecord]  # every device's, all dates
    # each month file's stat token and the ids it holds, as read (tracker.store.Store.known_ids)
    ids: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def tail_start(today: date) -> str:
    """The first month ("YYYY-MM") read in full for `today`."""
    return (today - timedelta(days=TAIL_DAYS)).strftime("%Y-%m")


def in_force(usual: list[UsualPain], today: date) -> list[UsualPain]:
    """The usual-pain records in force on `today`."""
    return [r for r in usual if r.since <= today]


def carried_pains(pains: list[PainRecord], today: date) -> list[PainRecord]:
    """The pain records the carry reads: those dated before the tail's first month (the day after of every
    carried day but the last, which the carry keeps whole in `recent`); later ones are read with the tail."""
    first = date.fromisoformat(tail_start(today) + "-01")
    return [r for r in pains if r.day < first]


def make_carry(
    sessions: list[Session],
    rules: ProgressionRules,
    program_id: str,
    usual: list[UsualPain],
    pains: list[PainRecord],
    today: date,
    *,
    base: Carry | None = None,
) -> Carry:
    """The carry of `sessions` (the months before the tail) as of `today`, grown from `base` when given."""
    return Carry.of(
        sessions,
        rules,
        program_id,
        in_force(usual, today),
        base=base,
        pain_records=carried_pains(pains, today),
    )
