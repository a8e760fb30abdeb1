"""Word-level normalisation for alignment: stems, concepts, negation, direction, loaded words.

Small, explicit word lists rather than a model, so every link and verdict can name the
words that produced it. Concepts group words news writers use interchangeably
("talk", "call", "conversation"; "frank", "candid"); a user can extend them with a
``[concepts]`` table in the aliases file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

STOPWORDS = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    that this these those it its his her their they he she we you i has have had will would
    can could should may might must do did does than then so such into over about after
    before said says say saying also which who whom what when where while there here if
    any all some most more very just only both either each other another own same per
    according told stated noted added asked reported reportedly one two three""".split()
)

# concept -> words (stems) that express it
_CONCEPTS: dict[str, str] = {
    "call": "call phone conversation talk talks speak spoke spoken dialogue discussion "
    "exchange communicate communication conversed contact",
    "consult": "consult consultation inform informed liaise coordinate coordination notify "
    "notified brief briefed tell",
    "frank": "frank candid",
    "detailed": "detailed thorough lengthy",
    "aid": "aid funding fund assistance support supporter supplier money military",
    "election": "election ballot",
    "keep": "maintain stay remain keep",
    "territory": "territorial territory realities reality annexed",
    "nato": "nato alliance",
    "escalation": "escalation escalate escalating",
    "negotiate": "negotiate negotiation negotiations talks settlement peace diplomatic",
    "energy": "energy gas oil",
    "initiate": "initiate initiated initiative",
    "positive": "positive good hopeful",
    "contact": "contact touch",
    "hour": "hour",
    "year": "year",
}
DEMONYMS = frozenset(
    "german russian ukrainian american british french european western eastern".split()
)
NEGATORS = frozenset("not no never without neither nor none nobody nothing".split())
# Verbs and adjectives that move a concept down or up: "terminate aid" vs "pledge aid".
DOWNWARD = frozenset(
    "terminate terminated end ended halt halted stop stopped cut suspend suspended cease "
    "withdraw refuse refused reject rejected deny denied scrap scrapped shun shunned".split()
)
UPWARD = frozenset(
    "pledge pledged provide provided increase increased additional more commit committed "
    "continue continued expand expanded boost boosted".split()
)
LOADED = frozenset(
    """furious fury anger angry outraged slammed blasted condemned condemn lashed
    embattled hobbled weakness useless meaningless pandora disgrace shameful betrayal
    heartbroken crack isolation hostile aggressive unprovoked maximalist desperate
    humiliating capitulation appeasement""".split()
)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude, stable English stem: enough to meet "negotiations" with "negotiate"."""
    w = word.lower()
    for suffix, repl in (
        ("ations", "ate"),
        ("ation", "ate"),
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)] + repl
            break
    # "communicate" and "communicated" must meet: drop a final e.
    return w[:-1] if len(w) > 4 and w.endswith("e") else w


@dataclass(frozen=True)
class Lexicon:
    concepts: Mapping[str, str]  # stem -> concept

    def concept(self, word: str) -> str | None:
        return self.concepts.get(stem(word)) or self.concepts.get(word.lower())


def build_lexicon(extra: Mapping[str, list[str]] | None = None) -> Lexicon:
    table: dict[str, str] = {}
    for concept, spelled in _CONCEPTS.items():
        for word in spelled.split():
            table.setdefault(stem(word), concept)
            table.setdefault(word, concept)
    for concept, extra_words in (extra or {}).items():
        for word in extra_words:
            table[stem(word)] = concept
            table[word.lower()] = concept
    return Lexicon(table)


DEFAULT_LEXICON = build_lexicon()


def words(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def content_terms(text: str, lexicon: Lexicon = DEFAULT_LEXICON) -> set[str]:
    """Concept ids for concept words, stems for the other content words."""
    out: set[str] = set()
    for w in words(text):
        w = w.removesuffix("'s")
        if w in STOPWORDS or len(w) < 2:
            continue
        concept = lexicon.concept(w)
        out.add(f"~{concept}" if concept else stem(w))
    return out


def quoted_phrases(text: str) -> set[str]:
    """Phrases the article itself puts in quotation marks, normalised (shared wording)."""
    # Curly quotes pair unambiguously; straight ones pair in order of appearance.
    found = re.findall(r"\u201c([^\u201c\u201d]*)\u201d", text)
    found += re.findall(r'"([^"]*)"', text)
    return {" ".join(words(p)) for p in found if 6 <= len(p) <= 120 and len(words(p)) >= 2}


@dataclass(frozen=True)
class Polarity:
    """Per concept, how the text treats it: "neg" (negated: "not informed"), "down"
    (reversed: "terminate funding"), "up" (reinforced: "additional aid"); absent = plain."""

    marks: Mapping[str, str]
    cues: Mapping[str, str]

    def opposes(self, other: Polarity, concept: str) -> bool:
        """X vs not-X, or a reversal against a reinforcement; a reversal against a plain
        mention is not enough ("terminate aid" vs "aid to Ukraine")."""
        a, b = self.marks.get(concept), other.marks.get(concept)
        if "neg" in (a, b):
            return (a == "neg") != (b == "neg")
        return {a, b} == {"down", "up"}


_DOWN_STEMS = frozenset(stem(d) for d in DOWNWARD) | DOWNWARD
_UP_STEMS = frozenset(stem(u) for u in UPWARD) | UPWARD


def _negator(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't")


def _is(word: str, stems: frozenset[str]) -> bool:
    # "cuts", "ends", "provides": a short word keeps its -s through stem().
    return stem(word) in stems or word.removesuffix("s") in stems or word in stems


def polarity(text: str, lexicon: Lexicon = DEFAULT_LEXICON, window: int = 3) -> Polarity:
    tokens = words(text)
    marks: dict[str, str] = {}
    cues: dict[str, str] = {}
    for i, token in enumerate(tokens):
        concept = lexicon.concept(token)
        if concept is None or concept in marks:
            continue
        start = max(0, i - window)
        before = tokens[start:i]
        neg = next((w for w in before if _negator(w)), None)
        down_at = next((start + k for k, w in enumerate(before) if _is(w, _DOWN_STEMS)), None)
        down = tokens[down_at] if down_at is not None else None
        up = next((w for w in before if _is(w, _UP_STEMS)), None)
        if down_at is not None and neg is None:
            # "has never refused to resume negotiations": the negator may sit just before
            # the reversal verb, beyond the concept's own window.
            neg = next((w for w in tokens[max(0, down_at - 2) : down_at] if _negator(w)), None)
        if neg is not None and down is not None:
            # "never refused talks", "has never shunned negotiations": two negatives.
            marks[concept], cues[concept] = "up", f"'{neg} {down} ... {token}'"
        elif neg is not None:
            marks[concept], cues[concept] = "neg", f"'{neg} ... {token}'"
        elif down is not None:
            marks[concept], cues[concept] = "down", f"'{down} ... {token}'"
        elif up is not None:
            marks[concept], cues[concept] = "up", f"'{up} ... {token}'"
    return Polarity(marks, cues)


def loaded_words(text: str) -> list[str]:
    found = set()
    for token in words(text):
        token = token.removesuffix("'s")
        if token in LOADED:
            found.add(token)
        elif stem(token) in LOADED:
            found.add(stem(token))
    return sorted(found)
