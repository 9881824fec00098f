"""Every key the app binds, in one table: bindings, the help screen, the command palette and the
README's "Keys" section are all generated from it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyAction:
    """One action: its binding id, key, where it applies and how it is described."""

    id: str
    key: str
    action: str
    description: str
    """Short label for the footer."""
    title: str
    """Command palette title, "group: verb"."""
    help: str
    """One sentence for the help screen and the palette."""
    scope: str
    """"app", "start", "practice", "replay", "outline" or "results"."""
    show: bool = True
    priority: bool = False

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id,
                       priority=self.priority, tooltip=self.help)

    @property
    def key_display(self) -> str:
        return display_key(self.key)


#: Key names shown as the character they type.
KEY_CHARACTERS = {"left_square_bracket": "[", "right_square_bracket": "]", "minus": "-",
                  "plus": "+", "equals_sign": "="}


def display_key(key: str) -> str:
    """"ctrl+n,ctrl+down" -> "Ctrl+N / Ctrl+Down"; "left_square_bracket" -> "["."""
    parts = []
    for one in key.split(","):
        one = one.strip()
        if one in KEY_CHARACTERS:
            parts.append(KEY_CHARACTERS[one])
            continue
        words = [w if len(w) > 1 else w.upper() for w in one.split("+")]
        parts.append("+".join(w[:1].upper() + w[1:] for w in words))
    return " / ".join(parts)


K = KeyAction
ACTIONS: tuple[KeyAction, ...] = (
    # everywhere
    K("app.help", "f1", "help", "Help", "app: help", "Show every key.", "app"),
    K("app.quit", "ctrl+q", "quit", "Quit", "app: quit (saving)",
      "Save the session and quit; the next start offers to resume it.", "app", priority=True),
    K("app.interrupt", "ctrl+c", "quit", "Quit", "app: quit (saving)",
      "Also saves and quits, like Ctrl+Q.", "app", show=False, priority=True),
    K("app.theme", "f2", "toggle_theme", "Theme", "app: switch paper/ink theme",
      "Switch between the light paper and the dark ink theme (remembered).", "app",
      show=False),
    # start screen
    K("start.start", "ctrl+t", "start", "Start", "round: start",
      "Start a new round with the chosen layout and prompt.", "start"),
    K("start.resume", "ctrl+u", "resume", "Resume", "round: resume unfinished",
      "Resume the unfinished session found on disk.", "start"),
    K("start.random", "ctrl+o", "random_prompt", "Random", "prompt: pick a random one",
      "Pick a random prompt from the bank.", "start"),
    K("start.reveal", "ctrl+r", "reveal", "Questions", "prompt: reveal clarifying questions",
      "Show or hide the prompt's clarifying questions.", "start"),
    # practice screen
    K("practice.timer", "ctrl+t", "toggle_timer", "Start/pause", "timer: start or pause",
      "Start the round, or pause and resume the clock.", "practice"),
    K("practice.next", "ctrl+n", "next_phase", "Next", "phase: next",
      "Move to the next phase.", "practice"),
    K("practice.previous", "ctrl+b", "previous_phase", "Prev", "phase: previous",
      "Move back to the previous phase.", "practice"),
    K("practice.pin", "ctrl+k", "pin_caption", "Pin", "caption: pin into the outline",
      "Pin the last caption into the outline as a note under the cursor.", "practice"),
    K("practice.export", "ctrl+e", "export", "Export", "session: export Markdown",
      "Write the session as Markdown beside its log and show the path.", "practice"),
    K("practice.reveal", "ctrl+r", "reveal", "Questions", "prompt: reveal clarifying questions",
      "Show or hide the prompt's clarifying questions in the side panel.", "practice",
      show=False),
    K("practice.end", "ctrl+x", "end_round", "End", "round: end",
      "End the round (asks first) and open the results.", "practice"),
    K("practice.flags", "ctrl+g", "flags", "Flags", "flags: go to the list",
      "Move the focus to the flags list (Up/Down/PgUp/PgDn scroll it; Escape goes back to "
      "the outline).", "practice"),
    # replay (the practice screen, read-only): enabled by the app only while replaying
    K("replay.back", "left", "replay_seek(-10)", "-10s", "replay: back 10 s",
      "Replay: go back 10 seconds (the screen shows the round as it was then).", "replay"),
    K("replay.forward", "right", "replay_seek(10)", "+10s", "replay: forward 10 s",
      "Replay: skip forward 10 seconds.", "replay"),
    K("replay.previous_flag", "left_square_bracket", "replay_flag(-1)", "◂⚑",
      "replay: previous flag", "Replay: go back to the previous flag.", "replay"),
    K("replay.next_flag", "right_square_bracket", "replay_flag(1)", "⚑▸",
      "replay: next flag", "Replay: go to the next flag, at the moment it was raised.",
      "replay"),
    K("replay.slower", "minus", "replay_speed(-1)", "Slower", "replay: slower",
      "Replay: play slower, one step of x0.5, x1, x2, x4 ... x64.", "replay"),
    K("replay.faster", "plus,equals_sign", "replay_speed(1)", "Faster", "replay: faster",
      "Replay: play faster, one step of x0.5, x1, x2, x4 ... x64.", "replay"),
    # outline (when the outline has the focus)
    K("outline.new", "enter", "new_note", "New note", "note: new below",
      "Save the note being typed and start a new one below it, at the same level.", "outline",
      show=False),
    K("outline.indent", "tab", "indent", "Indent", "note: indent",
      "Make the note a child of the one above (layer > component > detail).", "outline",
      show=False),
    K("outline.outdent", "shift+tab", "outdent", "Outdent", "note: outdent",
      "Move the note out one level.", "outline", show=False),
    K("outline.up", "alt+up,ctrl+up", "move_up", "Move up", "note: move up",
      "Move the note (with its children) above its previous sibling.", "outline", show=False),
    K("outline.down", "alt+down,ctrl+down", "move_down", "Move down", "note: move down",
      "Move the note (with its children) below its next sibling.", "outline", show=False),
    K("outline.fold", "ctrl+f", "fold", "Fold", "note: fold or unfold",
      "Hide or show the note's children.", "outline", show=False),
    K("outline.delete", "ctrl+d", "delete", "Delete", "note: delete",
      "Delete the note and its children (undo brings them back).", "outline", show=False),
    K("outline.undo", "ctrl+z", "undo", "Undo", "outline: undo",
      "Undo the last outline change.", "outline", show=False),
    K("outline.redo", "ctrl+y", "redo", "Redo", "outline: redo",
      "Redo the last undone outline change.", "outline", show=False),
    K("outline.done", "escape", "stop_editing", "Done", "note: stop editing",
      "Save the note being typed (an empty new note is dropped).", "outline", show=False),
    # results screen
    K("results.export", "ctrl+e", "export", "Export", "session: export Markdown",
      "Write the session as Markdown beside its log and show the path.", "results"),
    K("results.new", "ctrl+n", "new_round", "New round", "round: new round",
      "Close this session and go back to the start screen for another round.", "results"),
)

#: Keys handled by widgets themselves (not bindings), listed on the help screen and README.
PLAIN_KEYS: tuple[tuple[str, str, str], ...] = (
    ("outline", "Up / Down, PgUp / PgDn", "Move the cursor between notes."),
    ("outline", "typing, Left / Right, Home / End, Backspace, Delete",
     "Edit the note under the cursor in place. Start a note with '-> ' (flow), '! ' (risk), "
     "'? ' (question), '* ' (decision) or '~ ' (async)."),
    ("app", "Ctrl+P", "Open the command palette: every action, and 'phase: jump to ...'."),
)

SCOPE_TITLES = {
    "app": "Everywhere",
    "start": "Start screen",
    "practice": "Practice screen",
    "replay": "Replay (boardless replay SESSION; Ctrl+T pauses)",
    "outline": "Outline (when it has the focus)",
    "results": "Results screen",
}


def bindings(scope: str) -> list[BindingType]:
    """The bindings of one scope, for a BINDINGS class attribute."""
    return [action.binding() for action in ACTIONS if action.scope == scope]


def in_scope(scope: str) -> list[KeyAction]:
    return [action for action in ACTIONS if action.scope == scope]


def key_map(scope: str) -> dict[str, str]:
    """Key -> action for one scope (every alternative key of a binding)."""
    out: dict[str, str] = {}
    for action in in_scope(scope):
        for key in action.key.split(","):
            out[key.strip()] = action.action
    return out


def keys_markdown() -> str:
    """The README "Keys" section body: one table per scope."""
    out: list[str] = []
    for scope, title in SCOPE_TITLES.items():
        out += [f"### {title}", "", "| key | action |", "|---|---|"]
        for action in in_scope(scope):
            out.append(f"| {action.key_display} | {action.help} |")
        for plain_scope, keys, text in PLAIN_KEYS:
            if plain_scope == scope:
                out.append(f"| {keys} | {text} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
