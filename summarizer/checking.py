"""From raw chunk extractions to one checked article: verify, set aside, merge, attribute.

Pure and deterministic; ``report`` and ``compare`` both run it on extraction files, so
changing a threshold never needs the model again. For each fact and position:

1. evidence: the quote is located in the article (``evidence.locate_quote``);
2. relevance: set aside when the model flagged it off-topic or its evidence sits in
   page chrome or an unrelated-stories block (``relevance.analyse_layout``);
3. merge: duplicates (same evidence span with a similar statement, or a near-identical
   statement) collapse into the better-evidenced item;
4. attribution: a named speaker or actor must appear in the quote's sentence or its
   neighbours, else the item is flagged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from .chunking import sentence_spans
from .evidence import DEFAULT_NEAR_THRESHOLD, Evidence, Grade, NormalisedText, locate_quote
from .models import ArticleExtraction, Fact, Position, SourceKind
from .relevance import analyse_layout

_GRADE_RANK = {Grade.VERIFIED: 2, Grade.NEAR: 1, Grade.NOT_FOUND: 0}
_GENERIC_NAME_WORDS = frozenset(
    [
        "the",
        "president",
        "chancellor",
        "prime",
        "minister",
        "secretary",
        "general",
        "spokesman",
        "spokesperson",
        "press",
        "german",
        "russian",
        "ukrainian",
        "american",
        "french",
        "european",
        "us",
        "u.s.",
        "state",
        "government",
        "official",
        "officials",
        "mr",
        "mrs",
        "ms",
        "dr",
        "leader",
        "former",
        "deputy",
        "foreign",
        "defence",
        "defense",
        "head",
        "national",
        "senior",
    ]
)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


class AttributionCheck(str, Enum):
    SUPPORTED = "supported"
    UNSUPPORTED = "unsupported"
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True)
class CheckSettings:
    near_threshold: float = DEFAULT_NEAR_THRESHOLD


@dataclass(frozen=True)
class CheckedFact:
    item_id: str
    fact: Fact
    chunk: int
    evidence: Evidence
    set_aside: str | None
    attribution: AttributionCheck


@dataclass(frozen=True)
class CheckedPosition:
    item_id: str
    position: Position
    chunk: int
    evidence: Evidence
    set_aside: str | None
    attribution: AttributionCheck


@dataclass
class CheckedArticle:
    """One article after checking. ``facts``/``positions`` are what may reach the report."""

    extraction: ArticleExtraction
    facts: list[CheckedFact] = field(default_factory=list)
    positions: list[CheckedPosition] = field(default_factory=list)
    set_aside: list[CheckedFact] = field(default_factory=list)
    not_found: list[CheckedFact | CheckedPosition] = field(default_factory=list)
    duplicates: int = 0  # facts merged away
    duplicate_positions: int = 0
    extracted_facts: int = 0

    def count(self, grade: Grade) -> int:
        return sum(1 for f in self.facts + self.set_aside if f.evidence.grade is grade)


def _item_id(prefix: str, article_id: str, evidence: Evidence, text: str) -> str:
    basis = f"{article_id}|{evidence.start}|{evidence.end}|{' '.join(text.lower().split())}"
    return f"{prefix}{hashlib.sha1(basis.encode()).hexdigest()[:8]}"


def _name_tokens(name: str) -> list[str]:
    words = re.findall(r"[A-Za-z][\w'.-]*", name)
    return [
        w.strip(".'").lower()
        for w in words
        if w[0].isupper() and len(w) >= 3 and w.lower().strip(".") not in _GENERIC_NAME_WORDS
    ]


class _Sentences:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [span for span in sentence_spans(text) if text[span[0] : span[1]].strip()]

    def window(self, start: int, end: int) -> str:
        """The sentences covering [start, end) plus one neighbour on each side."""
        hits = [i for i, (s, e) in enumerate(self.spans) if s < end and e > start]
        if not hits:
            return ""
        lo, hi = max(0, hits[0] - 1), min(len(self.spans) - 1, hits[-1] + 1)
        return self.text[self.spans[lo][0] : self.spans[hi][1]]


def check_attribution(
    name: str | None, evidence: Evidence, sentences: _Sentences
) -> AttributionCheck:
    if not name or evidence.start is None or evidence.end is None:
        return AttributionCheck.NOT_CHECKED
    window = sentences.window(evidence.start, evidence.end).lower().translate(_APOSTROPHES)
    tokens = _name_tokens(name.translate(_APOSTROPHES))
    if tokens:
        found = any(re.search(rf"\b{re.escape(t)}", window) for t in tokens)
    else:
        found = " ".join(name.lower().split()) in " ".join(window.split())
    return AttributionCheck.SUPPORTED if found else AttributionCheck.UNSUPPORTED


def _fact_speaker(fact: Fact) -> str | None:
    kinds = (SourceKind.NAMED_PERSON, SourceKind.ORGANISATION, SourceKind.OTHER_OUTLET)
    return fact.attribution.name if fact.attribution.kind in kinds else None


def _better(a: Evidence, b: Evidence) -> bool:
    return (_GRADE_RANK[a.grade], a.similarity) > (_GRADE_RANK[b.grade], b.similarity)


def _same_span(a: Evidence, b: Evidence) -> bool:
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return False
    overlap = min(a.end, b.end) - max(a.start, b.start)
    shorter = min(a.end - a.start, b.end - b.start)
    return shorter > 0 and overlap >= 0.9 * shorter


def _is_duplicate(a_text: str, a_ev: Evidence, b_text: str, b_ev: Evidence) -> bool:
    similar = fuzz.token_set_ratio(a_text.lower(), b_text.lower())
    if _same_span(a_ev, b_ev) and similar >= 60:
        return True
    return fuzz.token_sort_ratio(a_text.lower(), b_text.lower()) >= 92


def check_article(
    extraction: ArticleExtraction, settings: CheckSettings | None = None
) -> CheckedArticle:
    settings = settings or CheckSettings()
    text = extraction.text
    norm = NormalisedText(text)
    layout = analyse_layout(text)
    sentences = _Sentences(text)
    out = CheckedArticle(extraction=extraction)
    kept: list[CheckedFact] = []
    for chunk in extraction.chunks:
        for fact in chunk.extraction.facts:
            out.extracted_facts += 1
            ev = locate_quote(
                fact.quote, text, near_threshold=settings.near_threshold, normalised=norm
            )
            aside = None
            if fact.off_topic:
                aside = "the model marked it off-topic"
            elif ev.start is not None and ev.end is not None:
                rule = layout.rule_for(ev.start, ev.end)
                aside = f"page layout: {rule}" if rule else None
            item = CheckedFact(
                item_id=_item_id("F", extraction.article_id, ev, fact.statement),
                fact=fact,
                chunk=chunk.index,
                evidence=ev,
                set_aside=aside,
                attribution=check_attribution(_fact_speaker(fact), ev, sentences),
            )
            if not ev.found:
                out.not_found.append(item)
            elif aside is not None:
                out.set_aside.append(item)
            else:
                kept.append(item)
    out.facts, dropped = _merge_facts(kept)
    out.duplicates += dropped
    positions: list[CheckedPosition] = []
    for chunk in extraction.chunks:
        for position in chunk.extraction.positions:
            ev = locate_quote(
                position.quote, text, near_threshold=settings.near_threshold, normalised=norm
            )
            rule = (
                layout.rule_for(ev.start, ev.end)
                if ev.start is not None and ev.end is not None
                else None
            )
            pitem = CheckedPosition(
                item_id=_item_id("P", extraction.article_id, ev, position.stance),
                position=position,
                chunk=chunk.index,
                evidence=ev,
                set_aside=f"page layout: {rule}" if rule else None,
                attribution=check_attribution(position.actor, ev, sentences),
            )
            if not ev.found:
                out.not_found.append(pitem)
            elif pitem.set_aside is None:
                positions.append(pitem)
    out.positions, dropped = _merge_positions(positions)
    out.duplicate_positions += dropped
    return out


def _merge_facts(items: Sequence[CheckedFact]) -> tuple[list[CheckedFact], int]:
    kept: list[CheckedFact] = []
    for item in items:
        for i, other in enumerate(kept):
            if _is_duplicate(
                item.fact.statement, item.evidence, other.fact.statement, other.evidence
            ):
                if _better(item.evidence, other.evidence):
                    kept[i] = item
                break
        else:
            kept.append(item)
    return kept, len(items) - len(kept)


def _merge_positions(items: Sequence[CheckedPosition]) -> tuple[list[CheckedPosition], int]:
    kept: list[CheckedPosition] = []
    for item in items:
        a = f"{item.position.actor} {item.position.stance}"
        for i, other in enumerate(kept):
            b = f"{other.position.actor} {other.position.stance}"
            if _is_duplicate(a, item.evidence, b, other.evidence):
                if _better(item.evidence, other.evidence):
                    kept[i] = item
                break
        else:
            kept.append(item)
    return kept, len(items) - len(kept)


# -- metadata ---------------------------------------------------------------------------

_MONTHS = (
    "january february march april may june july august september october november december"
).split()


def _date_forms(iso: str) -> list[str]:
    """Ways an article may write a full ISO date (YYYY-MM-DD)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso.strip())
    if not match:
        return []
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12:
        return []
    name = _MONTHS[month - 1]
    short = name[:3]
    return [
        iso.strip(),
        f"{name} {day}, {year}",
        f"{day} {name} {year}",
        f"{short}. {day}, {year}",
        f"{short} {day}, {year}",
        f"{day:02d}.{month:02d}.{year}",
        f"{month}/{day}/{year}",
    ]


def verified_published(extraction: ArticleExtraction) -> str | None:
    """The page's date, else the model's only if the text itself states that date."""
    if extraction.published:
        return extraction.published
    layout = analyse_layout(extraction.text)
    body = extraction.text[: layout.tail.start] if layout.tail else extraction.text
    text = " ".join(body.lower().split())
    for chunk in extraction.chunks:
        claimed = chunk.extraction.article.published
        forms = _date_forms(claimed) if claimed else []
        # Whole numbers only: "5 November 2024" must not match inside "15 November 2024".
        if any(re.search(rf"(?<![\w/.-]){re.escape(f)}(?![\w/])", text) for f in forms):
            return claimed
    return None


def verified_outlet(extraction: ArticleExtraction) -> str | None:
    """The page's site name, else the model's only if it appears in the masthead or footer
    (the first line or the last three non-empty lines): an outlet the article merely cites
    is not the article's outlet."""
    if extraction.outlet:
        return extraction.outlet
    layout = analyse_layout(extraction.text)
    lines: list[str] = []
    offset = 0
    for line in extraction.text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip("\n"))
        offset += len(line)
        # A social or newsletter prompt is not a masthead ("Follow us on social").
        if line.strip() and (
            end == start
            or layout.rule_for(start, end) is None
            or "more-stories" in (layout.rule_for(start, end) or "")
        ):
            lines.append(line)
    frame = " ".join([*lines[:1], *lines[-3:]]).lower()
    for chunk in extraction.chunks:
        claimed = chunk.extraction.article.outlet
        if claimed and len(claimed) >= 3 and claimed.lower() in frame:
            return claimed
    return None


def verified_title(extraction: ArticleExtraction) -> str:
    """The first line; if that is page chrome, the model's title when it is a whole line of
    the body, else the first body line of four words or more."""
    layout = analyse_layout(extraction.text)
    first = extraction.title
    at = extraction.text.find(first)
    if at < 0 or layout.rule_for(at, at + len(first)) is None:
        return first
    for chunk in extraction.chunks:
        claimed = (chunk.extraction.article.title or "").strip()
        if not claimed or len(claimed) > 200:
            continue
        for match in re.finditer(re.escape(claimed), extraction.text):
            line_start = extraction.text.rfind("\n", 0, match.start()) + 1
            line_end = extraction.text.find("\n", match.end())
            line_end = len(extraction.text) if line_end < 0 else line_end
            whole_line = extraction.text[line_start:line_end].strip() == claimed
            if whole_line and layout.rule_for(match.start(), match.end()) is None:
                return claimed
    # Otherwise the first line of the body that is not chrome and reads like a headline.
    offset = 0
    for line in extraction.text.splitlines(keepends=True):
        start, stripped = offset, line.strip()
        offset += len(line)
        end = start + len(line.rstrip("\n"))
        if len(stripped.split()) >= 4 and layout.rule_for(start, end) is None:
            return stripped
    return first
