"""content/sources.toml: every seed a built-in file names has a title (and an author when the seed names one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.content import ContentError, load_builtin
from tracker.content.sources import load_sources


def test_every_source_of_the_built_in_content_has_a_title() -> None:
    library = load_builtin()
    named = {p.source for p in library.poses.values()} | {r.source for r in library.routines.values()}
    named |= {p.source for p in library.programs.values()}
    named.discard("")
    assert named and named <= set(library.sources), named - set(library.sources)
    for source in named:
        label = library.source_label(source)
        assert label.startswith("“") and ".txt" not in label
    assert library.source_label("001_28fcc22c074eb76a.txt").endswith("by Olivia Barry")
    assert library.source_label("my own notes") == "my own notes"  # a user's own source, as written


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[[source]]\nfile = "a.txt"\n', "needs a file and a title"),
        ('[[source]]\nfile = "a.txt"\ntitle = "A"\nwriter = "B"\n', "unknown key 'writer'"),
        ('[[source]]\nfile = "a.txt"\ntitle = 3\n', "are text"),
        ("[[source]\n", "cannot be read"),
    ],
)
def test_a_broken_table_is_refused_by_name(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "sources.toml").write_text(text)
    with pytest.raises(ContentError) as caught:
        load_sources(tmp_path)
    assert words in str(caught.value) and "sources.toml" in str(caught.value)


def test_no_table_means_sources_as_written(tmp_path: Path) -> None:
    assert dict(load_sources(tmp_path)) == {}
