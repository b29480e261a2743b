"""Three-row characters for what must be readable from the floor: the level and the spot timer."""

from __future__ import annotations

from typing import Final

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

#: each glyph is three rows of three cells, drawn with box-drawing lines
GLYPHS: Final[dict[str, tuple[str, str, str]]] = {
    "0": ("╭─╮", "│ │", "╰─╯"),
    "1": ("╶┐ ", " │ ", "╶┴╴"),
    "2": ("╶─╮", "╭─╯", "╰─╴"),
    "3": ("╶─╮", " ─┤", "╶─╯"),
    "4": ("╷ ╷", "╰─┤", "  ╵"),
    "5": ("╭─╴", "╰─╮", "╶─╯"),
    "6": ("╭─╴", "├─╮", "╰─╯"),
    "7": ("╶─┐", "  │", "  ╵"),
    "8": ("╭─╮", "├─┤", "╰─╯"),
    "9": ("╭─╮", "╰─┤", "╶─╯"),
    "C": ("╭─╴", "│  ", "╰─╴"),
    "T": ("╶┬╴", " │ ", " ╵ "),
    "L": ("╷  ", "│  ", "╰─╴"),
    ":": (" ", ":", " "),
    "-": ("   ", "╶─╴", "   "),
    " ": ("  ", "  ", "  "),
    "?": ("╶─╮", " ╭╯", " ╷ "),
}


def big(text: str) -> list[str]:
    """Three lines spelling ``text`` (unknown characters show as '?')."""
    rows = ["", "", ""]
    for i, ch in enumerate(text.upper()):
        glyph = GLYPHS.get(ch, GLYPHS["?"])
        for r in range(3):
            rows[r] += ("" if i == 0 or ch == ":" or text[i - 1] == ":" else " ") + glyph[r]
    return rows


class BigText(Widget):
    """``value`` in three-row characters; restyled by CSS classes, redrawn only on change."""

    DEFAULT_CSS = "BigText { width: auto; height: 3; }"

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def show(self, value: str) -> None:
        if value != self._value:
            self._value = value
            self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((len(row) for row in big(self._value)), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3

    def render(self) -> Text:
        return Text("\n".join(big(self._value)), no_wrap=True)
