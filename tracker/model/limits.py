"""The size of one session, once: what Backroll writes, Backroll reads back.

`check` and the loader refuse a routine that would log more than
MAX_RESULTS step results or last longer than MAX_SESSION_SECONDS at the
slowest tempo; import refuses a session over the same limits, so every
session the runner can produce (and the store can hold) imports again.
MAX_REPS bounds the timeline the runner builds (one segment per phase of a
rep): the longest routine a user may write plans in well under a second.
"""

from __future__ import annotations

from datetime import date

MAX_RESULTS = 5_000  # step results in one session (plan blocks)
MAX_SESSION_SECONDS = 86_400.0  # one session's planned (and logged) length: a day
MAX_REPS = 20_000  # reps in one session, every block counted

# The practice days Backroll accepts (log --date, status --today, import): wide enough for any real
# history (and a clock once set to 2099), with room at both ends for the date arithmetic of
# streaks and weeks, so year 1 and year 9999 are refused in one sentence, never an OverflowError.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)

__all__ = ["FIRST_DAY", "LAST_DAY", "MAX_REPS", "MAX_RESULTS", "MAX_SESSION_SECONDS"]
