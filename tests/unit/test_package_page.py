"""What a package index shows: the project's URLs, and README images that load there too (absolute links)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_metadata_names_home_repository_issues_and_changelog() -> None:
    urls = _project()["urls"]
    assert set(urls) >= {"Homepage", "Repository", "Issues", "Changelog"}
    repository = urls["Repository"].rstrip("/")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository)
    assert urls["Issues"] == f"{repository}/issues" and urls["Changelog"].startswith(repository)


def test_readme_images_are_absolute_links_to_files_of_this_repository() -> None:
    repository = _project()["urls"]["Repository"].rstrip("/")
    raw = repository.replace("https://github.com/", "https://raw.githubusercontent.com/") + "/main/"
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", (ROOT / "README.md").read_text())
    assert len(images) >= 10
    for link in images:
        assert link.startswith(raw), link  # a relative link breaks on the package index page
        assert (ROOT / link.removeprefix(raw)).is_file(), link  # and it names a file the repository has
