"""The report as PDF, printed by headless Chromium from the HTML page (nothing else draws it).

Chromium prints into a private temporary folder; the bytes then go to the
destination through the one atomic writer (tracker.files.write_atomic), 0600.
No network: the page forbids every fetch (its Content Security Policy) and
Chromium runs with its background networking off, in a throw-away profile.

No Textual here (see the import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["BROWSERS", "ENV_BROWSER", "PdfUnavailable", "find_browser", "headless_args", "html_to_pdf"]

ENV_BROWSER = "BACKROLL_CHROMIUM"  # a path to the browser, when it is not on PATH under a usual name
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT = 120.0


class PdfUnavailable(Exception):
    """No headless Chromium to print with, or it failed: one sentence saying what to install or what went wrong."""


def find_browser(environ: dict[str, str] | None = None) -> str | None:
    """The Chromium to print with: $BACKROLL_CHROMIUM, else the first of BROWSERS on PATH."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_BROWSER, "").strip()
    if chosen:
        return shutil.which(chosen, path=env.get("PATH")) or (chosen if os.access(chosen, os.X_OK) else None)
    for name in BROWSERS:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    return None


def headless_args(browser: str, profile: Path) -> list[str]:
    """Chromium's command line for a headless run that makes no network request and keeps nothing."""
    args = [
        browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox (containers, CI)
    return args


def missing_message() -> str:
    return (
        "PDF needs headless Chromium, which is not installed: install the 'chromium' package "
        "(Debian/Ubuntu: sudo apt-get install chromium; Fedora: sudo dnf install chromium; "
        f"macOS: brew install --cask chromium) or point ${ENV_BROWSER} at it; "
        "or write --format html and print it from any browser."
    )


def html_to_pdf(html: str, *, environ: dict[str, str] | None = None) -> bytes:
    """The PDF of `html` printed by headless Chromium; PdfUnavailable when there is none or it fails."""
    browser = find_browser(environ)
    if browser is None:
        raise PdfUnavailable(missing_message())
    with tempfile.TemporaryDirectory(prefix="backroll-pdf-") as folder:  # 0700
        work = Path(folder)
        page = work / "report.html"
        page.write_text(html, encoding="utf-8")
        os.chmod(page, 0o600)
        out = work / "report.pdf"
        command = headless_args(browser, work / "profile") + [
            "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL
            )
        except FileNotFoundError:
            raise PdfUnavailable(missing_message()) from None
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(
                f"{browser} did not finish printing the PDF within {TIMEOUT:g} seconds."
            ) from None
        if not out.is_file() or out.stat().st_size == 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise PdfUnavailable(
                f"{browser} did not print the PDF (exit {done.returncode})"
                + (f": {detail[-1][:200]}" if detail else "")
                + "."
            )
        return out.read_bytes()
