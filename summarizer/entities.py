"""One actor or place under many names: deterministic, explainable entity resolution.

Each mention resolves to a canonical key with the rule that decided it:

- ``alias``: a built-in or user alias table (``--aliases FILE``, TOML:
  ``[aliases] "Kiev" = "Kyiv"``) maps a spelling to a canonical name;
- ``title``: role words are stripped ("Kremlin spokesperson Dmitry Peskov",
  "Russian President's Press Secretary Peskov" -> "Peskov" / "Dmitry Peskov");
- ``transliteration``: Slavic endings are folded ("Zelenskiy", "Zelenskyy" -> "Zelensky");
- ``surname``: a bare surname joins the one full name in the corpus that ends with it;
- ``role``: "the chancellor", "the German leader", "the Ukrainian president" resolve to
  the person an article introduces with that role ("German Chancellor Olaf Scholz").
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

BUILTIN_ALIASES: Mapping[str, str] = {
    "kiev": "Kyiv",
    "kyiv": "Kyiv",
    "kharkov": "Kharkiv",
    "odessa": "Odesa",
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "the us": "United States",
    "the united states": "United States",
    "america": "United States",
    "washington": "United States",
    "berlin": "Germany",
    "moscow": "Russia",
    "russian federation": "Russia",
    "the russian federation": "Russia",
    "the kremlin": "Kremlin",
    "kremlin": "Kremlin",
    "eu": "European Union",
    "the eu": "European Union",
    "the european union": "European Union",
    "european union": "European Union",
    "the german government": "Germany",
    "german government": "Germany",
    "nato": "NATO",
    "the alliance": "NATO",
    "russia": "Russia",
    "russian": "Russia",
    "germany": "Germany",
    "german": "Germany",
    "ukraine": "Ukraine",
    "ukrainian": "Ukraine",
    "american": "United States",
    "united states": "United States",
    "europe": "European Union",
    "european": "European Union",
}

_ROLE_WORDS = frozenset(
    """president president's chancellor prime minister secretary spokesman spokesperson
    spokeswoman press foreign defence defense finance state general deputy head leader
    kremlin white house former outgoing incoming mr mrs ms dr sir the a an of his her
    german russian ukrainian french american british european us u.s. canadian chinese
    nato un""".split()
)
# Words that describe who someone is, not what a claim says.
ROLE_WORDS = frozenset(
    """president chancellor minister prime secretary spokesman spokesperson spokeswoman
    leader head premier""".split()
)
_NATIONALITY_WORDS = frozenset(
    "german russian ukrainian french american british canadian chinese european".split()
)
_HEAD_ROLES = frozenset("chancellor president prime minister leader".split())
# Words that name a role on their own ("the chancellor"); "the state" names no one.
_SINGLE_WORD_ROLES = frozenset(
    "chancellor president minister spokesman spokesperson spokeswoman premier leader".split()
)
_ROLE_PHRASE = re.compile(
    r"\b((?:[A-Z][a-z]+(?:'s)? ){0,3}"
    r"(?:Chancellor|President|Prime Minister|Foreign Minister|Minister|Secretary General|"
    r"Secretary of State|spokesman|spokesperson|Press Secretary|Secretary)) "
    r"((?:[A-Z][\w'-]+ ){0,2}[A-Z][\w'-]+)"
)


@dataclass(frozen=True)
class Resolution:
    key: str
    name: str
    rule: str


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s.'-]", " ", name.lower()).split())


@functools.lru_cache(maxsize=65536)
def _transliterate(word: str) -> str:
    for ending, repl in (("skiy", "sky"), ("skyy", "sky"), ("skyi", "sky"), ("skii", "sky")):
        if word.endswith(ending):
            return word[: -len(ending)] + repl
    return word


def load_aliases(path: str | Path | None) -> dict[str, str]:
    """Built-in aliases plus the user's TOML file (``[aliases] "spelling" = "Canonical"``)."""
    table = dict(BUILTIN_ALIASES)
    if path is None:
        return table
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Aliases file {path} does not exist: check --aliases") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Aliases file {path} cannot be read ({exc}): check --aliases") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Aliases file {path} is not valid TOML ({exc}): fix it") from exc
    aliases = data.get("aliases")
    if not isinstance(aliases, dict) or set(data) - {"aliases"}:
        raise ConfigError(f'{path}: write one [aliases] table of "spelling" = "Canonical"')
    for spelling, canonical in aliases.items():
        if not isinstance(canonical, str):
            raise ConfigError(f"{path}: alias {spelling!r} must map to a name in quotes")
        table[_fold(spelling)] = canonical
    return table


@dataclass
class EntityResolver:
    """Resolves mentions across a corpus; learn names and roles first, then resolve."""

    aliases: Mapping[str, str] = field(default_factory=lambda: dict(BUILTIN_ALIASES))
    _full_names: dict[str, str] = field(default_factory=dict)  # surname -> full name
    _ambiguous: set[str] = field(default_factory=set)
    _roles: dict[str, dict[str, str]] = field(default_factory=dict)  # doc -> role -> name
    _name_words: frozenset[str] | None = None
    _role_index: dict[str, set[str]] | None = None

    def learn_text(self, doc: str, text: str) -> None:
        """Learn "German Chancellor Olaf Scholz"-style introductions from an article."""
        roles = self._roles.setdefault(doc, {})
        self._role_index = None
        for match in _ROLE_PHRASE.finditer(text):
            role_words = [w.lower().removesuffix("'s") for w in match.group(1).split()]
            name = self._core_name(match.group(2))
            if not name:
                continue
            self.learn_name(name)
            role = " ".join(w for w in role_words if w not in _NATIONALITY_WORDS)
            nationality = [w for w in role_words if w in _NATIONALITY_WORDS]
            last = role.split()[-1] if role else ""
            single = last if last in _SINGLE_WORD_ROLES else ""
            for phrase in {role, " ".join(role_words), single}:
                if phrase:
                    roles.setdefault(phrase, name)
            if nationality and any(w in _HEAD_ROLES for w in role_words):
                roles.setdefault(f"{nationality[0]} leader", name)

    def learn_name(self, mention: str) -> None:
        self._name_words = None
        if re.search(r"\band\b|&|,|/", mention):
            return  # "Olaf Scholz and Vladimir Putin" names two people, not one
        core = self._core_name(mention)
        words = core.split()
        if not 2 <= len(words) <= 3:
            return
        surname = _transliterate(words[-1].lower())
        known = self._full_names.get(surname)
        if known is not None and _fold(known) != _fold(core):
            if len(core.split()) > len(known.split()):
                self._full_names[surname] = core
            return
        self._full_names[surname] = core

    def _core_name(self, mention: str) -> str:
        words = [w for w in re.split(r"\s+", mention.strip()) if w]
        kept = [w for w in words if w.lower().strip(",.") not in _ROLE_WORDS]
        kept = [w.strip(",.") for w in kept if w[:1].isupper()]
        return " ".join(kept)

    def resolve(self, mention: str, doc: str | None = None) -> Resolution:
        folded = _fold(mention)
        if folded in self.aliases:
            canonical = self.aliases[folded]
            rule = f"alias {mention!r} -> {canonical!r}"
            surname = _transliterate(canonical.split()[-1].lower())
            if len(canonical.split()) >= 2 and surname in self._full_names:
                return self._by_name(canonical, rule)  # an alias of a known person
            return Resolution(_key(canonical), canonical, rule)
        bare = folded.removeprefix("the ")
        if doc is not None and bare in self._roles.get(doc, {}):
            name = self._roles[doc][bare]
            return self._by_name(name, f"role {mention!r} = {name!r} in this article")
        elsewhere = {self.resolve(n).key: n for n in self._role_holders().get(bare, ())}
        if len(elsewhere) == 1:
            (name,) = elsewhere.values()
            return self._by_name(name, f"role {mention!r} = {name!r} in every article using it")
        core = self._core_name(mention)
        if not core:
            return Resolution(_key(folded), mention.strip(), "as written")
        if _fold(core) in self.aliases:
            canonical = self.aliases[_fold(core)]
            return Resolution(_key(canonical), canonical, f"title stripped, alias -> {canonical!r}")
        rule = "title stripped" if _fold(core) != folded else "as written"
        return self._by_name(core, rule)

    def _by_name(self, core: str, rule: str) -> Resolution:
        words = core.split()
        surname = _transliterate(words[-1].lower())
        if surname != words[-1].lower():
            rule += f"; transliteration {words[-1]!r} -> {surname!r}"
        full = self._full_names.get(surname)
        if full is not None:
            if len(words) == 1:
                rule += f"; surname of {full!r}"
            return Resolution(f"person:{surname}", full, rule)
        return Resolution(_key(" ".join([*words[:-1], surname])), core, rule)

    def _role_holders(self) -> dict[str, set[str]]:
        """Role -> every name that holds it in some article (rebuilt after learning)."""
        if self._role_index is None:
            index: dict[str, set[str]] = {}
            for roles in self._roles.values():
                for role, name in roles.items():
                    index.setdefault(role, set()).add(name)
            self._role_index = index
        return self._role_index

    def _multiword_aliases(self) -> list[str]:
        return sorted(a for a in self.aliases if " " in a or "." in a)

    def name_words(self) -> frozenset[str]:
        """Lower-cased words that spell known names and one-word aliases."""
        if self._name_words is None:
            found = {w.lower() for full in self._full_names.values() for w in full.split()}
            found |= set(self._full_names) | {a for a in self.aliases if " " not in a}
            self._name_words = frozenset(found)
        return self._name_words

    def mentions_in(self, text: str, doc: str | None = None) -> list[Resolution]:
        """Entities a sentence names: known surnames, aliases, learned roles."""
        low = f" {_fold(text)} "
        # One pass over the words; a set lookup per name keeps this linear in the text.
        tokens = {_transliterate(w.removesuffix("'s").strip(".'-")) for w in low.split()}
        found: dict[str, Resolution] = {}
        for surname in tokens & self._full_names.keys():
            key = f"person:{surname}"
            found[key] = Resolution(key, self._full_names[surname], "surname in text")
        for spelling in sorted(tokens & self.aliases.keys()):
            canonical = self.aliases[spelling]
            found.setdefault(_key(canonical), Resolution(_key(canonical), canonical, "alias"))
        for spelling in self._multiword_aliases():
            if spelling in low and re.search(rf"(?<![\w.]){re.escape(spelling)}(?![\w])", low):
                canonical = self.aliases[spelling]
                found.setdefault(_key(canonical), Resolution(_key(canonical), canonical, "alias"))
        if doc is not None:
            for role, name in self._roles.get(doc, {}).items():
                if len(role.split()) >= 1 and re.search(rf"\bthe {re.escape(role)}\b", low):
                    res = self.resolve(name)
                    found.setdefault(res.key, Resolution(res.key, res.name, f"role 'the {role}'"))
        return sorted(found.values(), key=lambda r: r.key)


def _key(name: str) -> str:
    return "entity:" + "_".join(_fold(name).split())


def build_resolver(
    texts: Iterable[tuple[str, str]], aliases: Mapping[str, str] | None = None
) -> EntityResolver:
    """A resolver that has learned every article's names and role introductions."""
    resolver = EntityResolver(aliases=dict(aliases or BUILTIN_ALIASES))
    for doc, text in texts:
        resolver.learn_text(doc, text)
    return resolver
