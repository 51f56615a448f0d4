"""The last line of defence: an unexpected error prints one line and the path of a crash report.

Nothing a user can put in the home folder or on the command line should get
here; when something does, the user sees one sentence, not a traceback, and
the traceback is kept for a bug report in a private file (0600): under
`<home>/crash-reports/` when the data home is a folder we may write, else in
the temp folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from tracker.paths import PRIVATE_DIR, PRIVATE_FILE

CRASH = 4  # the exit code of an unexpected error


def write_report(error: BaseException, home: Path | None, argv: list[str]) -> Path | None:
    """Write the crash report; its path, or None when no folder would take it."""
    from tracker import __version__

    text = (
        f"backroll {__version__} crashed at {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n"
        f"python {sys.version.split()[0]} on {sys.platform}\n"
        f"argv: {argv!r}\n\n" + "".join(traceback.format_exception(type(error), error, error.__traceback__))
    )
    payload = text.encode("utf-8", "backslashreplace")
    for folder in _folders(home):
        try:
            folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f"crash-{time.strftime('%Y%m%d-%H%M%S')}-", suffix=".txt", dir=folder
            )
        except OSError:
            continue
        try:
            os.fchmod(fd, PRIVATE_FILE)
            os.write(fd, payload)
        except OSError:
            os.close(fd)
            continue
        os.close(fd)
        return Path(name)
    return None


def _folders(home: Path | None) -> list[Path]:
    folders = []
    if home is not None and home.is_dir():
        folders.append(home / "crash-reports")
    folders.append(Path(tempfile.gettempdir()) / f"backroll-crash-reports-{os.getuid()}")
    return folders


def one_line(error: BaseException, report: Path | None) -> str:
    where = f"the details are in {report}" if report else "no crash report could be written"
    return (
        f"backroll: unexpected error ({type(error).__name__}); nothing more was written. "
        f"Please report it: {where}."
    )
