"""A first, deliberately small comparison: which facts 2+ sources state, which only one.

Pure and deterministic: extraction files in, a ``Comparison`` out. Each article is
checked first (``checking.check_article``: evidence, relevance, merge, attribution);
only facts whose quote was found in the article and that belong to the event are
compared. Two facts from different articles are linked when the content words of
their statement and subject overlap enough (Jaccard >= ``threshold``); linked facts
form a group (union-find). No conflict detection yet: the comparison engine of issue 4
replaces the grouping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from .checking import (
    CheckedArticle,
    CheckedFact,
    CheckedPosition,
    CheckSettings,
    check_article,
    verified_outlet,
    verified_published,
    verified_title,
)
from .evidence import Grade
from .models import ArticleExtraction

DEFAULT_THRESHOLD = 0.4

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "his",
        "her",
        "their",
        "they",
        "he",
        "she",
        "we",
        "you",
        "i",
        "not",
        "no",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "do",
        "did",
        "does",
        "than",
        "then",
        "so",
        "such",
        "into",
        "over",
        "about",
        "after",
        "before",
        "said",
        "says",
        "say",
        "also",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "while",
        "there",
    ]
)
_QUOTE_MARKS = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().translate(_QUOTE_MARKS))
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOPWORDS
    )


@dataclass(frozen=True)
class FactRef:
    source: str
    item: CheckedFact
    quote: str  # the article's own words at the located span


@dataclass(frozen=True)
class PositionRef:
    source: str
    item: CheckedPosition
    quote: str


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
    extracted: int
    verified: int
    near: int
    not_found: int
    set_aside: int
    duplicates: int
    facts: int
    positions: int


@dataclass
class Comparison:
    sources: list[SourceSummary]
    checked: list[CheckedArticle] = field(default_factory=list)
    shared: list[FactGroup] = field(default_factory=list)
    single: list[FactGroup] = field(default_factory=list)
    positions: list[PositionRef] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    near_threshold: float = 0.0


def source_label(extraction: ArticleExtraction) -> str:
    return "stdin" if extraction.source == "-" else PurePath(extraction.source).stem


def located_text(extraction: ArticleExtraction, start: int | None, end: int | None) -> str:
    return extraction.text[start:end] if start is not None and end is not None else ""


def _first(values: Sequence[str | None]) -> str | None:
    return next((v for v in values if v), None)


def compare_extractions(
    extractions: Sequence[ArticleExtraction],
    threshold: float = DEFAULT_THRESHOLD,
    settings: CheckSettings | None = None,
) -> Comparison:
    """Check, then group facts across sources; order follows the input order."""
    settings = settings or CheckSettings()
    comparison = Comparison(sources=[], threshold=threshold, near_threshold=settings.near_threshold)
    facts: list[FactRef] = []
    for extraction in extractions:
        label = source_label(extraction)
        checked = check_article(extraction, settings)
        comparison.checked.append(checked)
        for item in checked.facts:
            quote = located_text(extraction, item.evidence.start, item.evidence.end)
            facts.append(FactRef(label, item, quote))
        for pitem in checked.positions:
            quote = located_text(extraction, pitem.evidence.start, pitem.evidence.end)
            comparison.positions.append(PositionRef(label, pitem, quote))
        infos = [c.extraction.article for c in extraction.chunks]
        comparison.sources.append(
            SourceSummary(
                label=label,
                # Page metadata wins; the model's reading only where the text bears it out.
                title=verified_title(extraction),
                outlet=verified_outlet(extraction),
                published=verified_published(extraction),
                main_event=_first([i.main_event for i in infos]),
                model=extraction.model,
                chunks=len(extraction.chunks),
                extracted=checked.extracted_facts,
                verified=checked.count(Grade.VERIFIED),
                near=checked.count(Grade.NEAR),
                not_found=sum(1 for x in checked.not_found if isinstance(x, CheckedFact)),
                set_aside=len(checked.set_aside),
                duplicates=checked.duplicates,
                facts=len(checked.facts),
                positions=len(checked.positions),
            )
        )
    groups = _group(facts, threshold)
    comparison.shared = [g for g in groups if len(g.sources) >= 2]
    comparison.single = [g for g in groups if len(g.sources) == 1]
    return comparison


def _group(facts: list[FactRef], threshold: float) -> list[FactGroup]:
    words = [content_words(f"{r.item.fact.statement} {r.item.fact.subject}") for r in facts]
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
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)
    members: dict[int, list[FactRef]] = {}
    for i, ref in enumerate(facts):
        members.setdefault(find(i), []).append(ref)
    groups = [FactGroup(tuple(refs)) for _, refs in sorted(members.items())]
    # Most widely reported first; ties keep first-appearance order (sorted is stable).
    return sorted(groups, key=lambda g: -len(g.sources))
