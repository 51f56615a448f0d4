"""The Library's tree of routines and poses; Enter on a routine asks to start it, a click only selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree


@dataclass(frozen=True)
class Entry:
    """What a tree node stands for."""

    kind: Literal["routine", "pose"]
    id: str


class LibraryTree(Tree[Entry]):
    BINDINGS = [
        Binding("enter", "activate", "Start / open", show=False, id="library.activate"),
    ]

    @dataclass
    class StartRequested(Message):
        """Enter was pressed on a routine."""

        tree: LibraryTree
        routine_id: str

        @property
        def control(self) -> LibraryTree:
            return self.tree

    def action_activate(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.data is not None and node.data.kind == "routine":
            self.post_message(self.StartRequested(self, node.data.id))
        elif node.allow_expand:
            node.toggle()
