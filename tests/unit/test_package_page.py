"""The README read on its own, in a clone or offline: images that load from the repository, no address nobody
owns, and how to reach the `backroll` command that `make run` installs."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
UNOWNED = (
    "github.com/backroll/",
    "raw.githubusercontent.com/backroll/",
)  # the project has no public home yet


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _images(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", text)


def test_every_readme_image_is_a_relative_link_to_a_file_of_the_repository() -> None:
    images = _images(README)
    assert len(images) >= 10
    for link in images:
        assert "://" not in link and not link.startswith(("/", "//")), link  # loads in a clone and offline
        assert (ROOT / link).resolve().is_relative_to(ROOT), link
        assert (ROOT / link).is_file(), link  # and names a file the repository has


def test_no_address_names_a_home_the_project_does_not_have() -> None:
    urls = _project().get("urls", {})
    for text in (README, (ROOT / "pyproject.toml").read_text(), *urls.values()):
        for address in UNOWNED:
            assert address not in text, address


def test_the_readme_says_where_the_command_is_next_to_make_run() -> None:
    """After `make run`, `backroll` is in .venv/bin, not on the PATH: the README says so where `make run` is."""
    makefile = (ROOT / "Makefile").read_text()
    venv = re.search(r"^VENV := (\S+)", makefile, re.M)
    assert venv is not None and re.search(r"^run: .*\n\t\$\(BIN\)/backroll$", makefile, re.M)
    command = f"{venv.group(1)}/bin/backroll"
    top = README.split("## A short tour", 1)[0]  # the first screen, where `make run` is
    assert "make run" in top and f"`{command} status`" in top and "pipx install ." in top
    if (ROOT / command).exists():  # the checkout's own venv (made by make): the command the README names runs
        result = subprocess.run(
            [str(ROOT / command), "--version"], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0 and result.stdout.startswith("backroll ")
