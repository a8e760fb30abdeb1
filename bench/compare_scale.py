"""Benchmark: wall time and peak memory of ``compare_articles`` on synthetic corpora.

    python bench/compare_scale.py --articles 100 1000 5000 --facts 40 --seed 1
    python bench/compare_scale.py --articles 2000 --profile   # cProfile, top 15 cumulative

The corpus is generated, deterministically (``random.Random(seed)``), before anything is
timed. It is built to exercise alignment and its blocking, not to read well:

- a vocabulary of a few thousand made-up words drawn with a Zipf-like frequency (a few
  words are in many claims, most in few), grouped into synonym sets, plus a handful of
  the lexicon's real concept words ("talks", "aid", ...) so concepts and negation occur;
- ~500 names: people (first name, surname, a role such as "Foreign Minister") and
  places, a few of them real places the built-in alias table knows;
- a pool of claim templates (``--templates``, default 300): subject, statement, the
  people and places it names, an optional typed value (duration with a qualifier, date,
  quantity, rank), an attribution, sometimes a phrase in quotation marks;
- each article states ``--shared`` of its facts from the pool, paraphrased (words
  dropped, synonyms swapped; now and then a changed value, another speaker or a
  negation, so conflicts exist) and the rest as claims of its own. Its text is its title
  and then every quote as a sentence, so every quote is found verbatim; speakers are
  introduced with their role ("Foreign Minister Ana Velk") on first mention. Facts go
  into chunks of at most ``MAX_FACTS_PER_CHUNK``, with 0-4 positions per chunk.

With a fixed pool, a template is stated by about ``articles * facts * shared /
templates`` articles, so groups grow with the corpus (8 copies at 100 articles, 400 at
5,000 with the defaults); ``--templates`` changes that.

Each size runs in its own process (so ``ru_maxrss`` is that size's) and measures
``compare_articles`` alone: seconds without tracing, then tracemalloc's peak in a second,
traced run (``--no-tracemalloc`` skips it). A run longer than ``--max-seconds`` is
stopped and reported as such, and larger sizes are skipped. Candidate pairs are counted
by wrapping ``summarizer.alignment.candidate_pairs`` (the set's size; no extra work).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import hashlib
import importlib
import io
import json
import pstats
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from summarizer import alignment
from summarizer.engine import EngineResult, compare_articles
from summarizer.lexicon import STOPWORDS
from summarizer.models import (
    MAX_FACTS_PER_CHUNK,
    MAX_POSITIONS_PER_CHUNK,
    SCHEMA_VERSION,
    ArticleExtraction,
    ArticleInfo,
    Attribution,
    ChunkExtraction,
    ChunkRecord,
    DatePrecision,
    Fact,
    Position,
    Qualifier,
    ReportedAs,
    SourceKind,
    Value,
    ValueKind,
)

# ---------------------------------------------------------------------------
# Word and name pools

_ONSETS = "b br c ch d dr f g gr h k kl l m n p pr r s sk st t tr v w z".split()
_VOWELS = "a e i o u ai ea ou".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "rk", "v"]
# Real words the engine's lexicon knows, in the concept groups it uses: swapping within a
# group keeps the concept, and negating one ("not ... talks") is a contradiction.
_CONCEPT_GROUPS = [
    ["talks", "conversation", "call", "discussion"],
    ["aid", "funding", "assistance", "support"],
    ["negotiations", "settlement"],
    ["election", "ballot"],
    ["escalation"],
    ["energy", "gas"],
]
_FUNCTION_WORDS = ["the", "of", "to", "in", "with", "on", "for", "by", "and", "a"]
_ROLES = [
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defence Minister",
    "Finance Minister",
    "Chancellor",
    "Secretary of State",
    "Press Secretary",
    "spokesman",
    "spokesperson",
]
_REAL_PLACES = ["Kyiv", "Moscow", "Berlin", "Washington", "Kharkiv", "Odesa", "Ukraine", "Russia"]
_OUTLETS = ["Bloomberg", "Reuters", "the Associated Press", "Le Monde", "Der Spiegel", "Kyodo"]
_UNNAMED = ["an official familiar with the matter", "a senior diplomat", "two officials"]
_LOADED = ["furious", "hostile", "desperate", "humiliating", "shameful", "embattled"]
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_ORDINAL_PREFIX = ["", "", "second-", "third-", "fourth-", "fifth-", "sixth-"]
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday".split()


def _made_up_words(rng: random.Random, count: int, syllables: Sequence[int]) -> list[str]:
    banned = set(STOPWORDS) | {w for group in _CONCEPT_GROUPS for w in group}
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice(syllables))
        )
        if len(word) >= 4 and word not in seen and word not in banned:
            seen.add(word)
            out.append(word)
    return out


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    role: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Pools:
    vocabulary: list[str]
    cum_weights: list[float]  # Zipf-like, over ``vocabulary``
    synonyms: dict[str, list[str]]
    people: list[Person]
    places: list[str]
    organisations: list[str]

    def word(self, rng: random.Random) -> str:
        return rng.choices(self.vocabulary, cum_weights=self.cum_weights)[0]


def build_pools(
    rng: random.Random, words: int = 3000, people: int = 300, places: int = 200
) -> Pools:
    vocabulary = _made_up_words(rng, words, (1, 2, 2, 2, 3))
    total, cum = 0.0, []
    for rank in range(len(vocabulary)):
        total += 1.0 / (rank + 3) ** 0.9
        cum.append(total)
    synonyms: dict[str, list[str]] = {}
    shuffled = vocabulary[:]
    rng.shuffle(shuffled)
    i = 0
    while i < len(shuffled):
        size = rng.choice((1, 2, 2, 3))
        group = shuffled[i : i + size]
        for w in group:
            synonyms[w] = [o for o in group if o != w]
        i += size
    for group in _CONCEPT_GROUPS:
        for w in group:
            synonyms[w] = [o for o in group if o != w]
    names = [w.capitalize() for w in _made_up_words(rng, people + places + 80, (2, 3))]
    firsts, names = names[:80], names[80:]
    person_list = [Person(rng.choice(firsts), last, rng.choice(_ROLES)) for last in names[:people]]
    place_list = names[people : people + places - len(_REAL_PLACES)] + _REAL_PLACES
    organisations = [f"{p} Defence Ministry" for p in place_list[:20]] + [
        "the Kremlin",
        "NATO",
        "the European Union",
    ]
    return Pools(vocabulary, cum, synonyms, person_list, place_list, organisations)


# ---------------------------------------------------------------------------
# Claim templates


@dataclass(frozen=True)
class Token:
    """A piece of a claim: a paraphrasable word, fixed text, or a person mention."""

    text: str
    kind: str = "word"  # "word" | "fixed" | "person" | "value" | "concept"
    person: Person | None = None


@dataclass(frozen=True)
class Speaker:
    kind: SourceKind
    name: str | None
    person: Person | None = None


@dataclass(frozen=True)
class Template:
    tokens: tuple[Token, ...]
    subject: tuple[str, ...]
    value: Value | None
    speaker: Speaker
    hedged: bool
    quoted: str | None  # words the article puts in quotation marks


def _number_text(n: int) -> str:
    return _NUMBER_WORDS[n] if n <= 10 else f"{n:,}"


_QUALIFIER_TEXT = {
    Qualifier.EXACT: "",
    Qualifier.NEARLY: "nearly ",
    Qualifier.MORE_THAN: "more than ",
    Qualifier.ABOUT: "about ",
    Qualifier.AT_LEAST: "at least ",
}


def _value(
    kind: ValueKind, number: float | None, unit: str | None, qualifier: Qualifier, text: str
) -> Value:
    return Value(
        text=text,
        kind=kind,
        number=number,
        unit=unit,
        qualifier=qualifier,
        date=None,
        precision=None,
        relative=False,
    )


def make_value(rng: random.Random, kind: ValueKind, number: int | None = None) -> Value:
    """A typed value and its wording; ``number`` forces the number (for conflicts)."""
    qualifier = rng.choice(list(_QUALIFIER_TEXT))
    if kind is ValueKind.DURATION:
        n = number or rng.randint(1, 12)
        unit = rng.choice(("hours", "days", "weeks", "months", "years"))
        word = unit if n > 1 else unit[:-1]
        text = f"{_QUALIFIER_TEXT[qualifier]}{_number_text(n)} {word}"
        return _value(kind, float(n), unit, qualifier, text)
    if kind is ValueKind.QUANTITY:
        n = number or rng.choice((rng.randint(2, 500), rng.randint(1, 90) * 1000))
        unit = rng.choice(("troops", "people", "tanks", "euros", "drones", "votes"))
        text = f"{_QUALIFIER_TEXT[qualifier]}{_number_text(n)} {unit}"
        return _value(kind, float(n), unit, qualifier, text)
    if kind is ValueKind.RANK:
        n = number or rng.randint(1, 3)
        text = _ORDINAL_PREFIX[min(n, len(_ORDINAL_PREFIX) - 1)] + "largest"
        return _value(kind, float(n), None, Qualifier.EXACT, text)
    day = number or rng.randint(1, 28)
    month = rng.randint(1, 12)
    year = rng.choice((2023, 2024))
    form = rng.randrange(4)
    if form == 0:
        text, iso, precision = (
            f"{_MONTHS[month - 1]} {day}, {year}",
            f"{year}-{month:02d}-{day:02d}",
            DatePrecision.DAY,
        )
    elif form == 1:
        text, iso, precision = (
            f"{_MONTHS[month - 1]} {year}",
            f"{year}-{month:02d}",
            DatePrecision.MONTH,
        )
    elif form == 2:
        text, iso, precision = _WEEKDAYS[day % 5], None, DatePrecision.WEEKDAY
    else:
        text, iso, precision = f"next {_MONTHS[month - 1]}", None, DatePrecision.MONTH
    return Value(
        text=text,
        kind=ValueKind.DATE,
        number=None,
        unit=None,
        qualifier=Qualifier.EXACT,
        date=iso,
        precision=precision,
        relative=iso is None,
    )


_VALUE_LEAD = {
    ValueKind.DURATION: "for",
    ValueKind.QUANTITY: "involving",
    ValueKind.RANK: "the",
    ValueKind.DATE: "on",
}


def _value_token(value: Value) -> Token:
    lead = _VALUE_LEAD[value.kind]
    if value.kind is ValueKind.DATE and value.precision is not DatePrecision.DAY:
        lead = "" if value.text.startswith("next") else "in"
        if value.precision is DatePrecision.WEEKDAY:
            lead = "on"
    return Token(f"{lead} {value.text}".strip(), "value")


def make_template(rng: random.Random, pools: Pools) -> Template:
    people = rng.sample(pools.people, 2)
    place = rng.choice(pools.places)
    tokens: list[Token] = []
    lead = rng.random()
    if lead < 0.5:
        tokens.append(Token(people[0].full, "person", people[0]))
    elif lead < 0.8:
        tokens.append(Token(place, "fixed"))
    else:
        tokens.append(Token(rng.choice(pools.organisations), "fixed"))
    key = [pools.word(rng) for _ in range(rng.randint(1, 2))]
    concept = rng.choice(rng.choice(_CONCEPT_GROUPS)) if rng.random() < 0.4 else None
    body = [pools.word(rng) for _ in range(rng.randint(5, 11))] + key
    rng.shuffle(body)
    for i, w in enumerate(body):
        if i and rng.random() < 0.3:
            tokens.append(Token(rng.choice(_FUNCTION_WORDS), "fixed"))
        tokens.append(Token(w))
        if concept is not None and i == len(body) // 2:
            tokens.append(Token(concept, "concept"))
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            tokens += [Token("with", "fixed"), Token(people[1].full, "person", people[1])]
        else:
            tokens += [Token("in", "fixed"), Token(rng.choice(pools.places), "fixed")]
    value = None
    if rng.random() < 0.45:
        value = make_value(rng, rng.choice(list(ValueKind)))
        tokens.append(_value_token(value))
    subject_head = people[0].last if lead < 0.5 else tokens[0].text
    subject = (subject_head, *key, *([concept] if concept else []))
    return Template(
        tokens=tuple(tokens),
        subject=subject,
        value=value,
        speaker=make_speaker(rng, pools, people),
        hedged=rng.random() < 0.1,
        quoted=" ".join(pools.word(rng) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.12
        else None,
    )


def make_speaker(rng: random.Random, pools: Pools, near: Sequence[Person]) -> Speaker:
    r = rng.random()
    if r < 0.4:
        return Speaker(SourceKind.ARTICLE, None)
    if r < 0.7:
        person = rng.choice([*near, rng.choice(pools.people)])
        return Speaker(SourceKind.NAMED_PERSON, person.full, person)
    if r < 0.82:
        return Speaker(SourceKind.ORGANISATION, rng.choice(pools.organisations))
    if r < 0.92:
        return Speaker(SourceKind.UNNAMED_SOURCE, rng.choice(_UNNAMED))
    return Speaker(SourceKind.OTHER_OUTLET, rng.choice(_OUTLETS))


@dataclass(frozen=True)
class PositionTemplate:
    actor: Person
    topic: tuple[str, ...]
    stance: tuple[str, ...]


def make_position_template(rng: random.Random, pools: Pools) -> PositionTemplate:
    topic = [pools.word(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.3:
        topic.append(rng.choice(rng.choice(_CONCEPT_GROUPS)))
    stance = tuple(pools.word(rng) for _ in range(rng.randint(4, 8)))
    return PositionTemplate(rng.choice(pools.people), tuple(topic), stance)


# ---------------------------------------------------------------------------
# Articles


@dataclass
class Corpus:
    extractions: list[ArticleExtraction]
    facts: int
    positions: int
    shared_facts: int


@dataclass
class _ArticleWriter:
    """Renders one article: person mentions depend on who was introduced already."""

    rng: random.Random
    pools: Pools
    introduced: set[str] = field(default_factory=set)

    def mention(self, person: Person) -> str:
        if person.full not in self.introduced:
            self.introduced.add(person.full)
            return f"{person.role} {person.full}" if self.rng.random() < 0.7 else person.full
        r = self.rng.random()
        if r < 0.1:
            return f"the {person.role.lower()}"
        return person.last if r < 0.7 else person.full

    def paraphrase(self, tokens: Sequence[Token], drop: float, swap: float) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            if token.kind in ("word", "concept"):
                if token.kind == "word" and self.rng.random() < drop:
                    continue
                if self.rng.random() < swap and self.pools.synonyms.get(token.text):
                    token = replace(token, text=self.rng.choice(self.pools.synonyms[token.text]))
            out.append(token)
        return out

    def sentence(self, template: Template, tokens: Sequence[Token], speaker: Speaker) -> str:
        parts: list[str] = []
        for i, token in enumerate(tokens):
            text = self.mention(token.person) if token.person is not None else token.text
            parts.append(text)
            if i == 0 and template.hedged:
                parts.append("reportedly")
        if template.quoted is not None:
            parts.append(f"and called it \u201c{template.quoted}\u201d")
        body = " ".join(parts)
        if speaker.kind is SourceKind.NAMED_PERSON and speaker.person is not None:
            body += f", {self.mention(speaker.person)} said"
        elif speaker.kind in (SourceKind.ORGANISATION, SourceKind.UNNAMED_SOURCE):
            body += f", {speaker.name} said"
        elif speaker.kind is SourceKind.OTHER_OUTLET:
            body += f", {speaker.name} reported"
        return body[:1].upper() + body[1:] + "."

    def fact(self, template: Template, shared: bool) -> tuple[Fact, str]:
        """The fact as the model would return it and the article's sentence (its quote)."""
        tokens, value, speaker = list(template.tokens), template.value, template.speaker
        if shared:  # sources disagree now and then: a value, a speaker, a negation
            if value is not None and self.rng.random() < 0.08:
                number = int(value.number) + self.rng.randint(1, 3) if value.number else None
                value = make_value(self.rng, value.kind, number or self.rng.randint(1, 28))
                tokens = [_value_token(value) if t.kind == "value" else t for t in tokens]
            if speaker.kind is SourceKind.NAMED_PERSON and self.rng.random() < 0.05:
                other = self.rng.choice(self.pools.people)
                speaker = Speaker(SourceKind.NAMED_PERSON, other.full, other)
            concept = next((i for i, t in enumerate(tokens) if t.kind == "concept"), None)
            if concept is not None and self.rng.random() < 0.06:
                tokens.insert(concept, Token("not", "fixed"))
        drop, swap = (0.12, 0.25) if shared else (0.0, 0.0)
        quote = self.sentence(template, self.paraphrase(tokens, drop, swap), speaker)
        statement_tokens = self.paraphrase(tokens, drop, swap)
        statement = " ".join(t.person.full if t.person else t.text for t in statement_tokens)
        subject = " ".join(w for w in template.subject if not shared or self.rng.random() > 0.15)
        fact = Fact(
            statement=statement[:1].upper() + statement[1:] + ".",
            quote=quote,
            off_topic=False,
            subject=subject or template.subject[0],
            value=value,
            attribution=Attribution(kind=speaker.kind, name=speaker.name),
            hedged=template.hedged,
        )
        return fact, quote

    def position(self, template: PositionTemplate) -> tuple[Position, str]:
        stance = list(template.stance)
        for i, w in enumerate(stance):
            if self.rng.random() < 0.2 and self.pools.synonyms.get(w):
                stance[i] = self.rng.choice(self.pools.synonyms[w])
        if self.rng.random() < 0.2:
            stance.insert(self.rng.randrange(len(stance)), self.rng.choice(_LOADED))
        topic = " ".join(template.topic)
        actor = self.mention(template.actor)
        direct = self.rng.random() < 0.5
        if direct:
            sentence = f"{actor} said the {topic} was \u201c{' '.join(stance)}\u201d."
        else:
            sentence = f"{actor} argued that the {topic} was {' '.join(stance)}."
        sentence = sentence[:1].upper() + sentence[1:]
        position = Position(
            quote=sentence,
            actor=template.actor.full,
            topic=topic,
            stance=" ".join(stance),
            reported_as=ReportedAs.DIRECT_QUOTE if direct else ReportedAs.PARAPHRASE,
        )
        return position, sentence


_POSITIONS_PER_CHUNK = (0, 0, 0, 0, 1, 1, 1, 2, 2, 3, MAX_POSITIONS_PER_CHUNK)


def generate_corpus(
    articles: int, facts: int, seed: int, templates: int = 300, shared: float = 0.6
) -> Corpus:
    """``articles`` extraction files of ``facts`` facts each; same arguments, same corpus."""
    rng = random.Random(seed)
    pools = build_pools(rng)
    pool = [make_template(rng, pools) for _ in range(templates)]
    position_pool = [make_position_template(rng, pools) for _ in range(max(1, templates // 3))]
    out: list[ArticleExtraction] = []
    n_facts = n_positions = n_shared = 0
    for a in range(articles):
        writer = _ArticleWriter(rng, pools)
        n_from_pool = min(len(pool), round(facts * shared))
        chosen = [(t, True) for t in rng.sample(pool, n_from_pool)]
        chosen += [(make_template(rng, pools), False) for _ in range(facts - n_from_pool)]
        rng.shuffle(chosen)
        n_shared += n_from_pool
        place = rng.choice(pools.places)
        title = f"{place} {' '.join(pools.word(rng).capitalize() for _ in range(4))}"
        published = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = title + "\n\n"
        chunks: list[ChunkRecord] = []
        for c, first in enumerate(range(0, facts, MAX_FACTS_PER_CHUNK)):
            start = len(text)
            sentences: list[str] = []
            chunk_facts: list[Fact] = []
            for template, is_shared in chosen[first : first + MAX_FACTS_PER_CHUNK]:
                fact, sentence = writer.fact(template, is_shared)
                chunk_facts.append(fact)
                sentences.append(sentence)
            chunk_positions: list[Position] = []
            for _ in range(rng.choice(_POSITIONS_PER_CHUNK)):
                position, sentence = writer.position(rng.choice(position_pool))
                chunk_positions.append(position)
                sentences.insert(rng.randrange(len(sentences) + 1), sentence)
            paragraphs = [sentences[i : i + 4] for i in range(0, len(sentences), 4)]
            text += "\n\n".join(" ".join(p) for p in paragraphs) + "\n\n"
            n_facts += len(chunk_facts)
            n_positions += len(chunk_positions)
            info = ArticleInfo(
                outlet=None,
                published=published if c == 0 else None,
                title=title if c == 0 else None,
                main_event=f"{place} {pools.word(rng)} {pools.word(rng)}",
            )
            chunks.append(
                ChunkRecord(
                    index=c,
                    start=start,
                    end=len(text),
                    tokens=(len(text) - start) // 4,
                    extraction=ChunkExtraction(
                        article=info, facts=chunk_facts, positions=chunk_positions
                    ),
                    usage=None,
                )
            )
        text = text.rstrip("\n") + "\n"
        out.append(
            ArticleExtraction(
                schema_version=SCHEMA_VERSION,
                article_id=f"a{a:05d}",
                source=f"synthetic/a{a:05d}.txt",
                title=title,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                text=text,
                outlet=rng.choice(_OUTLETS),
                published=published,
                provider="synthetic",
                model="compare_scale generator",
                chunks=chunks,
            )
        )
    return Corpus(out, n_facts, n_positions, n_shared)


# ---------------------------------------------------------------------------
# Measurement (one size per process)


class _Stopped(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _proc_status(field_name: str) -> float | None:
    """VmRSS / VmHWM of this process in MiB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM so it measures from now (Linux >= 4.0); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _count_candidate_pairs() -> list[int]:
    """Wrap ``alignment.candidate_pairs`` to record the size of each set it returns."""
    counts: list[int] = []
    original: Callable[..., set[tuple[int, int]]] | None = getattr(
        alignment, "candidate_pairs", None
    )
    if original is None:
        return counts
    inner = original

    def counting(*args: Any, **kwargs: Any) -> set[tuple[int, int]]:
        pairs = inner(*args, **kwargs)
        counts.append(len(pairs))
        return pairs

    alignment.candidate_pairs = counting
    return counts


# Phases timed by --phases: (label, module, attribute); "Class.method" is allowed. Names
# the engine no longer has are skipped. Indented rows are nested in the row above them.
_PHASES = [
    ("check_article (all articles)", "summarizer.engine", "check_article"),
    ("build_resolver", "summarizer.engine", "build_resolver"),
    ("build_claims", "summarizer.engine", "build_claims"),
    ("  EntityResolver.mentions_in", "summarizer.entities", "EntityResolver.mentions_in"),
    ("  EntityResolver.resolve (all callers)", "summarizer.entities", "EntityResolver.resolve"),
    ("align_claims", "summarizer.engine", "align_claims"),
    ("  candidate_pairs", "summarizer.alignment", "candidate_pairs"),
    ("  score_pair", "summarizer.alignment", "score_pair"),
    ("_classify (all groups)", "summarizer.engine", "_classify"),
    ("_framings", "summarizer.engine", "_framings"),
]


@dataclass
class _Timer:
    label: str
    calls: int = 0
    seconds: float = 0.0
    depth: int = 0  # recursive calls are counted, not timed twice


def _timed(fn: Callable[..., Any], timer: _Timer) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        timer.calls += 1
        if timer.depth:
            return fn(*args, **kwargs)
        timer.depth += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timer.seconds += time.perf_counter() - t0
            timer.depth -= 1

    return wrapper


def _install_phase_timers() -> list[_Timer]:
    timers: list[_Timer] = []
    for label, module_name, attribute in _PHASES:
        owner: Any = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        fn = getattr(owner, name, None)
        if owner is None or not callable(fn):
            continue
        timer = _Timer(label)
        setattr(owner, name, _timed(fn, timer))
        timers.append(timer)
    return timers


def _print_phases(timers: Sequence[_Timer], total: float, articles: int, note: str) -> None:
    print(f"\nPhases of compare_articles, {articles} articles{note} (wall {total:.1f} s):\n")
    print("| phase | calls | seconds | share |")
    print("|---|---:|---:|---:|")
    for t in timers:
        share = t.seconds / total if total else 0.0
        label = t.label.replace("  ", "\u2003")
        print(f"| {label} | {t.calls:,} | {t.seconds:.1f} | {share:.0%} |")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    corpus = generate_corpus(args.articles[0], args.facts, args.seed, args.templates, args.shared)
    gen_seconds = time.perf_counter() - t0
    print(
        f"[{args.articles[0]} articles] generated {corpus.facts} facts, {corpus.positions} "
        f"positions in {gen_seconds:.1f} s; running compare_articles",
        file=sys.stderr,
        flush=True,
    )
    row: dict[str, Any] = {
        "articles": len(corpus.extractions),
        "facts": corpus.facts,
        "positions": corpus.positions,
        "shared_facts": corpus.shared_facts,
        "generate_s": round(gen_seconds, 2),
        "stopped": False,
    }
    gc.collect()
    row["rss_before_mib"] = _proc_status("VmRSS")
    hwm_reset = _reset_peak_rss()
    counts = _count_candidate_pairs()
    timers = _install_phase_timers() if args.phases else []
    result: EngineResult | None = None
    if args.profile:
        profiler = cProfile.Profile()
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        with _time_limit(args.max_seconds):
            if args.profile:
                profiler.enable()
            try:
                result = compare_articles(corpus.extractions)
            finally:
                if args.profile:
                    profiler.disable()
    except _Stopped:
        row["stopped"] = True
    row["seconds"] = round(time.perf_counter() - t0, 2)
    row["cpu_seconds"] = round(time.process_time() - cpu0, 2)
    row["rss_peak_mib"] = _proc_status("VmHWM") if hwm_reset else None
    row["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["candidate_pairs"] = counts[0] if counts else None
    if result is not None:
        row["claims"] = sum(len(g.claims) for g in result.groups)
        row["groups"] = len(result.groups)
        row["multi_source_groups"] = sum(1 for g in result.groups if len(g.sources) >= 2)
        row["largest_group"] = max((len(g.claims) for g in result.groups), default=0)
        row["discrepancies"] = len(result.discrepancies)
        row["framings"] = len(result.framings)
    if timers:
        note = " (stopped at the time limit: partial)" if row["stopped"] else ""
        _print_phases(timers, row["seconds"], row["articles"], note)
        row["timed_phases"] = True  # seconds include the timers' small overhead
    if args.profile:
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(15)
        note = " (stopped at the time limit: partial)" if row["stopped"] else ""
        print(f"\ncProfile, {row['articles']} articles{note}, top 15 by cumulative time:")
        print(stream.getvalue())
        row["profiled"] = True  # seconds include cProfile's overhead
    elif result is not None and not args.no_tracemalloc and not timers:
        del result
        gc.collect()
        tracemalloc.start()
        try:
            with _time_limit(args.max_seconds * 3):
                compare_articles(corpus.extractions)
            row["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        except _Stopped:
            row["tracemalloc_peak_mib"] = None
        finally:
            tracemalloc.stop()
    return row


# ---------------------------------------------------------------------------
# Driver


def _fmt(value: Any, spec: str = "") -> str:
    if value is None:
        return "n/a"
    return format(value, spec) if spec else str(value)


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    head = (
        "| articles | facts | claims | groups | multi-source groups | candidate pairs "
        "| seconds | CPU seconds | peak MiB (tracemalloc) | peak RSS MiB (compare) "
        "| max RSS MiB (process) |"
    )
    lines = [head, "|" + "|".join("---:" for _ in range(11)) + "|"]
    for r in rows:
        seconds = _fmt(r.get("seconds"), ".2f")
        if r.get("stopped"):
            seconds = f"> {seconds} (stopped)"
        elif r.get("profiled"):
            seconds += " (under cProfile)"
        elif r.get("timed_phases"):
            seconds += " (phase timers on)"
        lines.append(
            f"| {r['articles']:,} | {r['facts']:,} | {_fmt(r.get('claims'), ',')} "
            f"| {_fmt(r.get('groups'), ',')} | {_fmt(r.get('multi_source_groups'), ',')} "
            f"| {_fmt(r.get('candidate_pairs'), ',')} | {seconds} "
            f"| {_fmt(r.get('cpu_seconds'), '.2f')} "
            f"| {_fmt(r.get('tracemalloc_peak_mib'), '.1f')} "
            f"| {_fmt(r.get('rss_peak_mib'), '.1f')} "
            f"| {_fmt(r.get('ru_maxrss_mib'), '.1f')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--facts", type=int, default=40, help="facts per article")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--templates", type=int, default=300, help="size of the claim pool")
    parser.add_argument(
        "--shared", type=float, default=0.6, help="share of each article's facts from the pool"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=600.0,
        help="stop compare_articles after this long and skip larger sizes",
    )
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced run")
    parser.add_argument(
        "--profile", action="store_true", help="run under cProfile, print top 15 (no tracemalloc)"
    )
    parser.add_argument(
        "--phases",
        action="store_true",
        help="time the engine's phases (wraps its functions; no tracemalloc)",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        args.worker.write_text(json.dumps(measure(args)), encoding="utf-8")
        return
    rows: list[dict[str, Any]] = []
    forwarded = [
        f"--facts={args.facts}",
        f"--seed={args.seed}",
        f"--templates={args.templates}",
        f"--shared={args.shared}",
        f"--max-seconds={args.max_seconds}",
        *(["--no-tracemalloc"] if args.no_tracemalloc else []),
        *(["--profile"] if args.profile else []),
        *(["--phases"] if args.phases else []),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        sizes = sorted(set(args.articles))
        for n in sizes:
            out = Path(tmp) / f"{n}.json"
            cmd = [sys.executable, __file__, "--articles", str(n), *forwarded, "--worker", str(out)]
            # The worker stops itself; this only guards against a hang outside the engine.
            done = subprocess.run(cmd, check=False, timeout=args.max_seconds * 5 + 600)
            if done.returncode != 0 or not out.exists():
                print(f"the {n}-article run failed (exit {done.returncode})", file=sys.stderr)
                break
            row = json.loads(out.read_text(encoding="utf-8"))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
            if row["stopped"]:
                skipped = [m for m in sizes if m > n]
                if skipped:
                    print(f"stopped at {n} articles; skipping {skipped}", file=sys.stderr)
                break
    print(
        f"\ncompare_articles, {args.facts} facts per article, seed {args.seed}, "
        f"{args.templates} templates, shared {args.shared}\n"
    )
    print(render_table(rows))


if __name__ == "__main__":
    main()
