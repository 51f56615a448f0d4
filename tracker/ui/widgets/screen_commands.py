"""A command-palette provider that offers the calling screen's own bindings (History: delete, undo...).

Set `COMMANDS = {ScreenActions}` on a Screen: Textual merges it with the
app's providers, so the palette reaches every action a screen has a key for.
"""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenActions(Provider):
    def _actions(self) -> Iterator[tuple[str, str, Binding]]:
        screen = self.screen
        title = getattr(screen, "TITLE", None) or type(screen).__name__
        for item in type(screen).BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if not binding.description:
                continue
            action, _, _ = binding.action.partition("(")
            if screen.check_action(action, ()) is not True:
                continue  # disabled or hidden right now (e.g. nothing to undo)
            key = self.app.get_key_display(Binding(binding.key.split(",")[0], ""))
            yield f"{title}: {binding.description}", f"Key: {key}", binding

    def _run(self, binding: Binding):
        return self.screen.run_action(binding.action)

    async def discover(self) -> Hits:
        for name, help_text, binding in self._actions():
            yield DiscoveryHit(name, partial(self._run, binding), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, binding in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, binding), help=help_text)
