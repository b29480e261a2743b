"""Small modal dialogs: confirm ending, pick a landmark, report a nerve symptom, enter a weight."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from spineball.analysis.safety import SYMPTOM_ADVICE
from spineball.anatomy import LEVELS
from spineball.session.api import Symptom

_SYMPTOMS: dict[str, Symptom] = {
    "burning": "burning",
    "tingling": "tingling",
    "electric": "electric",
}

#: the landmarks a person can feel (domain notes): first the usual two, then the rest
LANDMARK_HINTS = {
    "T1": "top of the upper back, just below the neck bump",
    "C7": "the bony bump at the base of the neck",
    "T8": "level with the tips of the shoulder blades",
}


class ConfirmEnd(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "End the session"),
        Binding("n,escape", "answer(False)", "Go on"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("End the session?", classes="dialog-title")
            yield Static("y  end it and show the summary\nn  go on with the exercise")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class LandmarkPicker(ModalScreen[str | None]):
    """Which vertebra is the ball under right now? (↑↓ Enter, or the quick keys)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("c", "pick('C7')", "C7", show=False),
        Binding("t", "pick('T1')", "T1", show=False),
        Binding("8", "pick('T8')", "T8", show=False),
    ]

    def compose(self) -> ComposeResult:
        first = [Option(f"{lvl}  {hint}", id=lvl) for lvl, hint in LANDMARK_HINTS.items()]
        rest = [
            Option(lvl, id=lvl) for lvl in LEVELS if lvl not in LANDMARK_HINTS and lvl[0] != "L"
        ]
        with Vertical(classes="dialog"):
            yield Static("Landmark: the ball is under…", classes="dialog-title")
            yield Static("quick keys: t = T1, c = C7, 8 = T8 · Esc cancels", classes="dim")
            yield OptionList(*first, None, *rest, id="levels")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, level: str) -> None:
        self.dismiss(level)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SymptomPicker(ModalScreen[Symptom | None]):
    """Burning, tingling or electric pain ends the session with the see-a-doctor advice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "pick('burning')", "Burning"),
        Binding("t", "pick('tingling')", "Tingling"),
        Binding("e", "pick('electric')", "Electric"),
        Binding("escape", "pick(None)", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -stop"):
            yield Static("■ NERVE SYMPTOM? THIS ENDS THE SESSION", classes="dialog-title")
            yield Static(
                "b  burning\nt  tingling\ne  electric\n\nEsc  it was something else\n\n"
                + SYMPTOM_ADVICE
            )

    def action_pick(self, symptom: str | None) -> None:
        self.dismiss(_SYMPTOMS.get(symptom or ""))


class WeightPrompt(ModalScreen[float | None]):
    """The load shown on the bathroom scale (kg), for the calibration wizard."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, prompt: str) -> None:
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Known load", classes="dialog-title")
            yield Static(self.prompt)
            yield Input(placeholder="kg, e.g. 20.5", type="number", id="kg")
            yield Static("", id="weight-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            value = float(event.value)
        except ValueError:
            value = -1.0
        if not 0.5 <= value <= 200.0:
            self.query_one("#weight-error", Static).update("enter the weight in kg (0.5–200)")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
