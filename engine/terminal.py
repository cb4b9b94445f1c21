"""Rich text that keeps every word whole on a terminal.

rich wraps lines at any whitespace, the non-breaking spaces of French typography and of amounts
included; here they travel through rich as private-use characters (one cell wide, not
whitespace to rich) and are put back when the output is written. URLs and fact paths are
printed on lines of their own, never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

__all__ = ["COLOURS", "Whole", "bullet", "emit", "indented", "text"]

#: the colour of each status
COLOURS = {"eligible": "green", "ineligible": "red", "undetermined": "yellow"}

_GLUE = str.maketrans({"\u00a0": "\ue000", "\u202f": "\ue001"})
_UNGLUE = str.maketrans({"\ue000": "\u00a0", "\ue001": "\u202f"})


def text(words: str, style: str = "") -> Text:
    """``words`` as rich text whose non-breaking spaces rich will not break at."""
    return Text(words.translate(_GLUE), style=style)


@dataclass(frozen=True)
class Whole:
    """A URL or a fact's path on a line of its own, printed whole (one word, never wrapped,
    however long)."""

    word: str
    indent: int = 4


def indented(line: Text, indent: int = 2) -> Padding:
    """``line`` indented, its wrapped lines too."""
    return Padding(line, (0, 0, 0, indent), expand=False)


def bullet(line: Text, indent: int = 4) -> Padding:
    """``- line``, its wrapped lines aligned after the dash."""
    grid = Table.grid()
    grid.add_column(width=2)
    grid.add_column()
    grid.add_row("-", line)
    return Padding(grid, (0, 0, 0, indent), expand=False)


def emit(console: Console, renderables: Sequence[RenderableType | Whole]) -> None:
    """Print through rich, then write the text with its non-breaking spaces restored."""
    with console.capture() as capture:
        for renderable in renderables:
            if isinstance(renderable, Whole):
                line = Text(" " * renderable.indent + renderable.word, style="dim")
                console.print(line, soft_wrap=True)
            else:
                console.print(renderable)
    lines = capture.get().translate(_UNGLUE).split("\n")
    console.file.write("\n".join(line.rstrip() for line in lines))
    console.file.flush()
