"""What `backroll status` says about sync: conflict copies set aside, files still arriving (stdout), and
another device's files refused, sessions held in two versions, events dated ahead (stderr).

Light on purpose: status runs many times a week and needs none of the merge (conflicts.py) or the
per-device report (synccheck.py, `backroll sync-check`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.paths import Locations
from tracker.store.aside import set_aside, set_aside_folder
from tracker.store.union import ARRIVING

if TYPE_CHECKING:
    from tracker.store.core import Store

__all__ = ["status_lines", "warning_lines"]


def status_lines(loc: Locations, store: Store | None) -> list[str]:
    """At most two lines for `backroll status`: conflict copies set aside, files still arriving."""
    lines = []
    aside = set_aside(loc)
    if aside:
        lines.append(
            f"Sync: {len(aside)} conflict {'copy was' if len(aside) == 1 else 'copies were'} merged and set aside "
            f"in {set_aside_folder(loc)} (nothing was lost; see `backroll sync-check`)."
        )
    skipped = store.skipped() if store is not None else {}
    arriving = [name for name, why in skipped.items() if why.startswith(ARRIVING)]
    if arriving:
        lines.append(
            f"Sync: {len(arriving)} file{'' if len(arriving) == 1 else 's'} from another device still arriving, "
            "read next time (see `backroll sync-check`)."
        )
    return lines


def warning_lines(store: Store | None) -> list[str]:
    """What `backroll status` says on stderr (issue 24): another device's files refused, sessions two devices
    hold in two versions, events dated too far ahead. Each kind once, in one line, pointing at sync-check."""
    if store is None:
        return []
    lines = []
    refused = sorted(name for name, why in store.skipped().items() if not why.startswith(ARRIVING))
    if refused:
        lines.append(
            f"Sync: {_files(len(refused))} from another device {'was' if len(refused) == 1 else 'were'} not read "
            f"({_names(refused)}; `backroll sync-check` says why); this device's files and history are untouched."
        )
    conflicts = store.conflicts()
    if conflicts:
        n = len(conflicts)
        lines.append(
            f"Sync: {n} session{' is' if n == 1 else 's are'} saved in two versions by two devices "
            f"({_names([c.session_id for c in conflicts])}); this device shows {'its' if n == 1 else 'their'} own "
            "copy (or one chosen by file name) and keeps the other; see `backroll sync-check`."
        )
    future = store.future_events()
    if future:
        devices = sorted({e.device for e in future})
        lines.append(
            f"Sync: {len(future)} change{'' if len(future) == 1 else 's'} from {', '.join(devices)} "
            f"{'is' if len(future) == 1 else 'are'} dated more than a day ahead of this machine's clock and "
            "not applied until then (a clock set wrong?); see `backroll sync-check`."
        )
    return lines


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _names(names: list[str], most: int = 2) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
