"""The start screen: pick a layout and a prompt (or a random one), see the phases and which
engine and microphone will run, then start; or resume the unfinished session."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.keys import bindings
from tui.app.options import SpeechOptions
from tui.app.requests import ResumeRequested, StartRoundRequested
from tui.core.config.layouts import Layout, list_layouts
from tui.core.config.prompts import Prompt, load_prompt_bank
from tui.core.config.settings import Settings
from tui.core.errors import BoardlessError
from tui.core.text.durations import format_clock, format_minutes
from tui.core.text.safe_text import one_line, visible, visible_line

if TYPE_CHECKING:
    from tui.core.session.store import SessionSummary


#: Damaged sessions named on the start screen (the rest are counted).
DAMAGED_SHOWN = 5


class StartScreen(Screen[None]):
    """Choose and start."""

    BINDINGS = bindings("start")

    def __init__(self, layout: Layout, prompt: Prompt, speech: SpeechOptions,
                 settings: Settings, seed: int | None = None) -> None:
        super().__init__()
        self.speech = speech
        self.settings = settings
        self.rng = random.Random(seed)
        self.layouts, self.layout_errors = list_layouts()
        if all(item.id != layout.id for item in self.layouts):
            self.layouts.insert(0, layout)
        self.prompts = load_prompt_bank()
        if all(item.id != prompt.id for item in self.prompts):
            self.prompts.insert(0, prompt)
        self.chosen_layout = layout
        self.chosen_prompt = prompt
        self.reveal = False
        self.unfinished: SessionSummary | None = None
        self.engine_name: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="start-title"):
            yield Static(Text.assemble(("boardless", "bold"), " · practise a spoken design round"))
            yield Static("checking engine…", id="engine-short")
        with Horizontal(id="start-main"):
            with Vertical(id="start-left"):
                yield Label("Layout", classes="start-label")
                yield OptionList(*[Option(Text(visible_line(lay.title)), id=lay.id)
                                   for lay in self.layouts], id="layouts")
                yield Label("Prompt  (ctrl+o: random)", classes="start-label")
                yield OptionList(*[Option(Text(visible_line(p.title)), id=p.id)
                                   for p in self.prompts], id="prompts")
            with VerticalScroll(id="start-right"):
                yield Static("", id="prompt-view")
                yield Static("", id="questions-view")
                yield Static("", id="phases-view")
                yield Static("checking speech engine and microphone…", id="engine-view")
                yield Static("", id="damaged-view")
        with Horizontal(id="start-actions"):
            yield Button("Start (ctrl+t)", id="start", variant="primary", compact=True)
            yield Button("Resume (ctrl+u)", id="resume", variant="warning", compact=True)
            yield Static("", id="resume-info")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume").display = False
        self.query_one("#damaged-view").display = False
        layouts = self.query_one("#layouts", OptionList)
        layouts.highlighted = [lay.id for lay in self.layouts].index(self.chosen_layout.id)
        prompts = self.query_one("#prompts", OptionList)
        prompts.highlighted = [p.id for p in self.prompts].index(self.chosen_prompt.id)
        prompts.focus()
        self.show_choice()
        self.check_engine()
        self.find_unfinished()
        # After the first frames: compiling holds the GIL for a few hundred ms.
        self.set_timer(1.0, self.warm_coach)

    # ---- workers ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="engine")
    def check_engine(self) -> None:
        from tui.app.captions import describe_input, describe_recording
        from tui.speech.select import choose_engine

        if not self.speech.enabled:
            text, name = "Captions off (disabled for this run)", "off"
        else:
            try:
                choice = choose_engine(self.speech.engine, self.speech.model, self.settings)
            except BoardlessError as error:
                text, name = f"Captions off: {error}", "off"
            else:
                name = choice.name
                detail = choice.reason.removeprefix(f"{choice.name}: ")
                text = f"Engine: {choice.name} — {detail}"
                if name != "off":
                    text += (f"\nListening to: {describe_input(self.speech, self.settings)}"
                             f"\nRecording: {describe_recording(self.speech, self.settings)}")
        self.app.call_from_thread(self._engine_ready, name, text)

    def _engine_ready(self, name: str, text: str) -> None:
        self.engine_name = name
        self.query_one("#engine-view", Static).update(Text(visible(text)))
        self.query_one("#engine-short", Static).update(
            "captions off" if name == "off" else f"engine {name}")

    @work(thread=True, exclusive=True, group="coach")
    def warm_coach(self) -> None:
        """Compile the coach's recognisers now (a few hundred ms, once per process), so that
        starting a round does not pause the screen."""
        from tui.core.config.coach_settings import default_config
        from tui.core.hearing.recognise import recognisers_for

        recognisers_for(default_config())

    @work(thread=True, exclusive=True, group="unfinished")
    def find_unfinished(self) -> None:
        """Offer the latest unfinished session that no other boardless has open, and list the
        sessions that cannot be read (each alone: the rest works)."""
        from tui.core.session.eventlog import LOG_NAME, log_in_use
        from tui.core.session.store import list_sessions  # the session store: off the first frame

        try:
            rows = list_sessions()
        except BoardlessError as error:
            self.app.call_from_thread(self._damaged_ready, [str(error)])
            return
        unfinished = [s for s in rows if s.problem is None and not s.ended]
        found = next((s for s in reversed(unfinished) if not log_in_use(s.path / LOG_NAME)), None)
        self.app.call_from_thread(self._unfinished_ready, found)
        damaged = [f"{s.id}: {s.problem}" for s in rows if s.problem]
        if damaged:
            self.app.call_from_thread(self._damaged_ready, damaged)

    def _damaged_ready(self, damaged: list[str]) -> None:
        text = Text("Damaged sessions, left as they are (boardless sessions list):\n",
                    style="bold")
        for line in damaged[:DAMAGED_SHOWN]:
            text.append(f" ✗ {one_line(line)}\n")
        if len(damaged) > DAMAGED_SHOWN:
            text.append(f" … and {len(damaged) - DAMAGED_SHOWN} more\n")
        view = self.query_one("#damaged-view", Static)
        view.update(text)
        view.display = True

    def _unfinished_ready(self, found: SessionSummary | None) -> None:
        self.unfinished = found
        self.query_one("#resume").display = found is not None
        if found is not None:
            self.query_one("#resume-info", Static).update(Text(
                f"Unfinished: {visible_line(found.prompt_title)} · {format_clock(found.used_s)} "
                f"used · {found.notes} notes"))
        self.refresh_bindings()

    # ---- choice -----------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#layouts")
    def _layout_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen_layout = next(lay for lay in self.layouts if lay.id == event.option.id)
        self.show_choice()

    @on(OptionList.OptionHighlighted, "#prompts")
    def _prompt_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen_prompt = next(p for p in self.prompts if p.id == event.option.id)
        self.show_choice()

    @on(OptionList.OptionSelected, "#layouts")
    def _layout_selected(self) -> None:
        self.query_one("#prompts", OptionList).focus()

    @on(OptionList.OptionSelected, "#prompts")
    def _prompt_selected(self) -> None:
        self.action_start()

    def show_choice(self) -> None:
        prompt, layout = self.chosen_prompt, self.chosen_layout
        view = Text()
        view.append(visible_line(prompt.title) + "\n", style="bold")
        view.append(f"{visible_line(prompt.domain)}\n\n", style="italic dim")
        view.append(visible(prompt.text))
        self.query_one("#prompt-view", Static).update(view)
        questions = Text()
        if not prompt.clarifying:
            questions.append("No clarifying questions for a custom prompt.", style="dim italic")
        elif self.reveal:
            questions.append("Clarifying questions to ask\n", style="bold")
            for question in prompt.clarifying:
                questions.append(f" ? {visible_line(question)}\n")
        else:
            questions.append(f"{len(prompt.clarifying)} clarifying questions hidden — think of "
                             "your own first (ctrl+r reveals them)", style="dim italic")
        self.query_one("#questions-view", Static).update(questions)
        phases = Text()
        phases.append(f"{visible_line(layout.title)} · {format_minutes(layout.total_s)}\n",
                      style="bold")
        titles = [visible_line(phase.title) for phase in layout.phases]
        width = max(len(title) for title in titles)
        for number, (phase, title) in enumerate(zip(layout.phases, titles), start=1):
            phases.append(f" {number}. {title:<{width}}", style="bold")
            phases.append(f" {format_minutes(phase.min_s)}-{format_minutes(phase.max_s)}\n")
        self.query_one("#phases-view", Static).update(phases)

    # ---- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.unfinished is not None
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "resume":
            self.action_resume()

    def action_start(self) -> None:
        self.post_message(StartRoundRequested(self.chosen_layout, self.chosen_prompt,
                                              self.engine_name))

    def action_resume(self) -> None:
        if self.unfinished is not None:
            self.post_message(ResumeRequested(self.unfinished.path / "events.jsonl"))

    def action_random_prompt(self) -> None:
        choices = [p for p in self.prompts if p.id != self.chosen_prompt.id and p.clarifying]
        if choices:
            pick = self.rng.choice(choices)
            self.query_one("#prompts", OptionList).highlighted = self.prompts.index(pick)

    def action_reveal(self) -> None:
        self.reveal = not self.reveal
        self.show_choice()
