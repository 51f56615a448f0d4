"""Textual's Footer, made again only when what it shows changed.

Textual's Footer recomposes (every key a new widget, each styled) after every
`bindings_updated` signal of its screen, and a screen sends one for each focus
change, each resume and each `refresh_bindings`: Today's footer was made four
times before the first frame, with the same keys each time. This one makes
its keys once per change of what they show: a signal while a remake is already
due joins it, and a remake that would show the same keys, enabled alike, is
skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["AppFooter"]


class AppFooter(Footer):
    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._remake_due = False
        self._shown: tuple[object, ...] | None = None  # what the keys on screen were made from

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._remake_due:
            self._remake_due = True
            self.call_after_refresh(self._remake)

    async def _remake(self) -> None:
        self._remake_due = False
        if not self.is_attached:
            return
        shown = self._what_it_shows()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()

    def _what_it_shows(self) -> tuple[object, ...]:
        """Everything Footer.compose reads: each active binding, whether it is enabled, its tooltip."""
        keys = tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.show,
                binding.key_display,
                binding.tooltip,
                None if binding.group is None else (binding.group.description, binding.group.compact),
                enabled,
                tooltip,
            )
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )
        return (keys, self.compact, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)
