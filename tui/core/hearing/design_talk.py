"""Design talk: which components an utterance proposes as part of the candidate's design.

A component counts only when it is proposed ("we'll put a cache in front", "the gateway calls
the ranking service"), never when it is merely named: the prompt's own components restated,
sizes of what exists today, questions and negations are not design talk. In a typed note any
component named is design talk, with the same exclusions.
"""

from __future__ import annotations

from tui.core.hearing.patterns import joined
from tui.core.hearing.recognise import Heard, Recognisers, hear_words
from tui.core.hearing.text import Phrases

#: Component words that name a kind, not a thing: "the manifest service" is named with the
#: word before it, so a proposed "manifest service" is not the prompt's "streaming service".
GENERIC_HEADS = frozenset({
    "service", "services", "svc", "api", "apis", "store", "cache", "caches", "queue", "queues",
    "table", "tables", "job", "jobs", "worker", "workers", "index", "cluster", "clusters",
    "pipeline", "topic", "topics", "log", "server", "servers", "database", "db", "stream",
})
#: Words before a generic head that do not name it.
NOT_NAMES = frozenset({
    "a", "an", "the", "its", "their", "our", "my", "your", "separate", "dedicated", "small",
    "little", "new", "central", "single", "local", "own", "one", "each", "every", "this", "that",
    "big", "same", "existing", "another", "other", "some", "any", "to", "in", "of", "and", "or",
    "per", "from", "into", "with", "for", "by", "on", "at", "s",
})


class DesignTalk:
    """Finds proposed components, leaving out the ones the prompt itself names (a name all
    of whose words are in the prompt: "notification service" for a notification fan-out
    service)."""

    def __init__(self, recognisers: Recognisers, terms: Phrases, prompt_text: str) -> None:
        self.proposal = recognisers["proposal"]
        self.question = recognisers.question
        self.terms = terms
        self.note_talk = recognisers.component
        self._components = recognisers.component.regex
        self._listed = {word for phrase in terms.phrases for word in phrase}
        prompt = hear_words(prompt_text)
        self.prompt_words = set(prompt) | {_singular(w) for w in prompt}

    def proposed(self, heard: Heard, note: bool = False) -> list[str]:
        """Names of the components `heard` proposes (none for a restatement of the prompt,
        a question or a negation). A note proposes every component it names."""
        tokens = heard.tokens
        if note:
            if self.proposal.vetoed(tokens) or not self.note_talk.find(heard):
                return []
            start = 0
        else:
            found = self.proposal.find(heard)
            if not found:
                return []
            start = max(0, found[0].start - 1)
        if self.question.questions(heard.text):
            return []
        return [name for name in dict.fromkeys(self._names(tokens[start:]))
                if not self._in_prompt(name)]

    def _in_prompt(self, name: str) -> bool:
        """The prompt's own component: every word of its name is in the prompt."""
        return all(w in self.prompt_words or _singular(w) in self.prompt_words
                   for w in name.split())

    def _names(self, tokens: list[str]) -> list[str]:
        """Component names in `tokens`: a term's first spelling where the term list has it,
        a generic head ("service") with the word before it, else the words as said."""
        text = joined(tokens)
        named: list[str] = []
        for match in self._components.matches(text):
            said = match.group(0).strip()
            index = text.count(" ", 0, match.start())
            before = tokens[index - 1] if index else ""
            if said in GENERIC_HEADS and before and before not in NOT_NAMES:
                named.append(f"{before} {_singular(said)}")
            elif set(said.split()) & self._listed:
                named += self.terms.find(said.split()) or [_singular(said)]
            else:
                named.append(_singular(said))
        return named


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") and len(name) > 3 else name
