"""Textual's stylesheet, parsed once per source while the CSS variables stay the same.

Textual's `Stylesheet.reparse` (run by `App.refresh_css`: a new mode's first
screen, a screen's own CSS, a theme change) parses every source again in a
fresh stylesheet, and `set_variables` empties the parse cache even when the
variables did not change. Before the first frame that was the whole
stylesheet (ours and every widget's default CSS) parsed four times over.

Here a source is parsed again only when the variables changed (a theme): the
parse cache is keyed by the source's text and location, and its rules depend
on nothing else. The rules are the very objects Textual's own `parse` reuses
from that cache for the sources that did not change, so what applies is the
same.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

__all__ = ["CachedStylesheet"]


class CachedStylesheet(Stylesheet):
    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:
            super().set_variables(variables)  # new values: every source is parsed again
        else:
            self._invalid_css = set()  # as Textual does: a source that failed is tried again

    def reparse(self) -> None:
        # Textual's reparse, with this stylesheet's parse cache (valid for these variables) in the fresh one.
        stylesheet = Stylesheet(variables=self._variables)
        stylesheet._parse_cache = self._parse_cache
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope
            )
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        self._rules = stylesheet.rules
        self._rules_map = None
        self.source = stylesheet.source
        self._require_parse = False
