"""A first, deliberately small comparison: which facts 2+ sources state, which only one.

Pure and deterministic: extraction files in, a ``Comparison`` out. Two facts from
different articles are linked when the content words of their statement and subject
overlap enough (Jaccard >= ``threshold``); linked facts form a group (union-find). No
conflict detection yet: the comparison engine of issue 4 replaces this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from .models import ArticleExtraction, Fact, Position

DEFAULT_THRESHOLD = 0.4

_STOPWORDS = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    that this these those it its his her their they he she we you i not no has have had
    will would can could should may might must do did does than then so such into over
    about after before said says say also which who whom what when where while there""".split()
)
_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                              "\u2013": "-", "\u2014": "-"})


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().translate(_QUOTE_MARKS))
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w
                     for w in words if w not in _STOPWORDS)


def is_verbatim(quote: str, text: str) -> bool:
    """Exact, or equal after unifying quote marks, dashes and whitespace."""
    if quote in text:
        return True

    def norm(s: str) -> str:
        return " ".join(s.translate(_QUOTE_MARKS).split())

    return norm(quote) in norm(text)


@dataclass(frozen=True)
class FactRef:
    source: str
    fact: Fact
    verbatim: bool


@dataclass(frozen=True)
class PositionRef:
    source: str
    position: Position
    verbatim: bool


@dataclass(frozen=True)
class FactGroup:
    facts: tuple[FactRef, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.source for ref in self.facts))


@dataclass(frozen=True)
class SourceSummary:
    label: str
    title: str
    outlet: str | None
    published: str | None
    main_event: str | None
    model: str
    chunks: int
    facts: int
    verbatim: int
    positions: int
    off_topic: int


@dataclass
class Comparison:
    sources: list[SourceSummary]
    shared: list[FactGroup] = field(default_factory=list)
    single: list[FactGroup] = field(default_factory=list)
    positions: list[PositionRef] = field(default_factory=list)
    off_topic: list[FactRef] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD


def source_label(extraction: ArticleExtraction) -> str:
    return "stdin" if extraction.source == "-" else PurePath(extraction.source).stem


def _first(values: Sequence[str | None]) -> str | None:
    return next((v for v in values if v), None)


def compare_extractions(
    extractions: Sequence[ArticleExtraction], threshold: float = DEFAULT_THRESHOLD
) -> Comparison:
    """Group facts across sources; order follows the input order, so output is stable."""
    summaries: list[SourceSummary] = []
    facts: list[FactRef] = []
    comparison = Comparison(sources=summaries, threshold=threshold)
    for extraction in extractions:
        label = source_label(extraction)
        infos = [c.extraction.article for c in extraction.chunks]
        kept = off = verbatim = positions = 0
        for chunk in extraction.chunks:
            for fact in chunk.extraction.facts:
                ref = FactRef(label, fact, is_verbatim(fact.quote, extraction.text))
                if not fact.off_topic:
                    facts.append(ref)
                    kept += 1
                    verbatim += ref.verbatim
                else:
                    comparison.off_topic.append(ref)
                    off += 1
            for position in chunk.extraction.positions:
                comparison.positions.append(
                    PositionRef(label, position, is_verbatim(position.quote, extraction.text))
                )
                positions += 1
        summaries.append(
            SourceSummary(
                label=label,
                title=_first([i.title for i in infos]) or extraction.title,
                outlet=_first([i.outlet for i in infos]),
                published=_first([i.published for i in infos]),
                main_event=_first([i.main_event for i in infos]),
                model=extraction.model,
                chunks=len(extraction.chunks),
                facts=kept,
                verbatim=verbatim,
                positions=positions,
                off_topic=off,
            )
        )
    groups = _group(facts, threshold)
    comparison.shared = [g for g in groups if len(g.sources) >= 2]
    comparison.single = [g for g in groups if len(g.sources) == 1]
    return comparison


def _group(facts: list[FactRef], threshold: float) -> list[FactGroup]:
    words = [content_words(f"{r.fact.statement} {r.fact.subject}") for r in facts]
    parent = list(range(len(facts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(facts)):
        for j in range(i + 1, len(facts)):
            if facts[i].source == facts[j].source or not words[i] or not words[j]:
                continue
            overlap = len(words[i] & words[j]) / len(words[i] | words[j])
            if overlap >= threshold:
                parent[max(find(i), find(j))] = min(find(i), find(j))
    members: dict[int, list[FactRef]] = {}
    for i, ref in enumerate(facts):
        members.setdefault(find(i), []).append(ref)
    groups = [FactGroup(tuple(refs)) for _, refs in sorted(members.items())]
    # Most widely reported first; ties keep first-appearance order (sorted is stable).
    return sorted(groups, key=lambda g: -len(g.sources))
