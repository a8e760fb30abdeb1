"""Which claims from different articles are about the same thing.

Each checked fact becomes a ``Claim`` with normalised features: entity keys (subject,
speaker, entities named in the statement), content terms (stems and concepts), the
phrases its article puts in quotation marks, and its value. Comparing every claim with
every other is quadratic, so claims are blocked: each claim is indexed under its
rarest terms (prefix filtering), and only claims sharing a block are scored. A link
carries a score and the reasons that produced it. Claims are then grouped greedily,
best links first, at most one claim per article in a group (its best-linked claim),
and with average linkage so that one good link cannot chain unrelated claims together.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .checking import CheckedFact, CheckedPosition
from .entities import ROLE_WORDS, EntityResolver
from .lexicon import (
    DEFAULT_LEXICON,
    DEMONYMS,
    Lexicon,
    Polarity,
    content_terms,
    polarity,
    quoted_phrases,
)
from .models import SourceKind, Value, ValueKind
from .values import duration_from_text, unit_of

DEFAULT_LINK_THRESHOLD = 0.36
BLOCK_TERMS = 6  # each claim is indexed under its this-many rarest terms
MAX_BLOCK = 20  # larger blocks are paired by sorted neighbourhood
NEIGHBOUR_WINDOW = 6
SPECIFIC_IDF = 1.5  # a subject entity rarer than this counts as shared
SAME_WORDS_OVERLAP = 0.4  # what two different speakers' claims must share to align
# Mean cross-link score two groups need to merge, as a share of the threshold.
GROUP_LINKAGE = 0.75
# Below this weighted word overlap there is no link, whatever the bonuses.
MIN_TEXT_OVERLAP = 0.1
# A negation pairs two claims only if their words already agree this much.
OPPOSED_MIN_OVERLAP = 0.18


@dataclass(frozen=True)
class Claim:
    """A fact or a position, in the form alignment and classification need."""

    index: int
    source: str  # article label
    article: int  # position of the article in the input
    item: CheckedFact | CheckedPosition
    statement: str
    speaker_kind: SourceKind
    value: Value | None
    quote: str  # article text at the evidence span
    subject_keys: frozenset[str]
    entity_keys: frozenset[str]
    speaker_key: str | None
    speaker_name: str | None
    terms: frozenset[str]
    subject_terms: frozenset[str]
    phrases: frozenset[str]
    value_class: str | None  # "date", "duration:day", "quantity:euro", "rank"
    polarity: Polarity

    @property
    def item_id(self) -> str:
        return self.item.item_id

    @property
    def is_position(self) -> bool:
        return isinstance(self.item, CheckedPosition)


@dataclass(frozen=True)
class Link:
    a: int
    b: int
    score: float
    reasons: tuple[str, ...]


@dataclass
class Group:
    members: list[int] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def value_class(value: Value | None) -> str | None:
    if value is None:
        return None
    if value.kind is ValueKind.DATE:
        return "date"
    if value.kind is ValueKind.RANK:
        return "rank"
    base, factor = unit_of(value.unit)
    if base == "day":
        # Minutes and hours measure events; days to years measure spans between them.
        return f"{value.kind.value}:{'short' if factor < 1 else 'long'}"
    return f"{value.kind.value}:{base}"


def make_claim(
    index: int,
    source: str,
    article: int,
    item: CheckedFact | CheckedPosition,
    quote: str,
    resolver: EntityResolver,
    lexicon: Lexicon = DEFAULT_LEXICON,
) -> Claim:
    """Features of one fact or position; ``source`` doubles as the resolver's doc name."""
    if isinstance(item, CheckedFact):
        fact = item.fact
        statement, subject, value = fact.statement, fact.subject, fact.value
        speaker_kind, speaker = fact.attribution.kind, fact.attribution.name
    else:
        pos = item.position
        statement, subject, value = f"{pos.actor}: {pos.stance}", pos.topic, None
        speaker = pos.actor
        is_person = resolver.resolve(speaker, source).key.startswith("person:")
        speaker_kind = SourceKind.NAMED_PERSON if is_person else SourceKind.ORGANISATION
    if value is None:
        # The model left it empty; the article's own words may still state a duration.
        value = duration_from_text(quote)
    subject_keys = {r.key for r in resolver.mentions_in(subject, source)}
    entity_keys = {r.key for r in resolver.mentions_in(f"{statement} {quote}", source)}
    speaker_key = speaker_name = None
    if speaker and speaker_kind in (SourceKind.NAMED_PERSON, SourceKind.ORGANISATION):
        resolved = resolver.resolve(speaker, source)
        speaker_key, speaker_name = resolved.key, resolved.name
    # A name counts once, as its entity key, not again as the words that spell it.
    spelled = resolver.name_words() | ROLE_WORDS
    terms = {
        t for t in content_terms(f"{statement} {subject} {quote}", lexicon) if t not in spelled
    }
    return Claim(
        index=index,
        source=source,
        article=article,
        item=item,
        statement=statement,
        speaker_kind=speaker_kind,
        value=value,
        quote=quote,
        subject_keys=frozenset(subject_keys),
        entity_keys=frozenset(entity_keys | subject_keys),
        speaker_key=speaker_key,
        speaker_name=speaker_name,
        terms=frozenset(terms),
        # Nationality words say little about what a claim is about.
        subject_terms=frozenset(content_terms(subject, lexicon) - DEMONYMS - spelled),
        phrases=frozenset(quoted_phrases(quote)),
        value_class=value_class(value),
        polarity=polarity(quote, lexicon),
    )


def claim_df(claims: Sequence[Claim]) -> dict[str, int]:
    """How many claims hold each term or entity."""
    df: dict[str, int] = defaultdict(int)
    for claim in claims:
        for term in claim.terms | claim.entity_keys:
            df[term] += 1
    return dict(df)


def claim_idf(claims: Sequence[Claim]) -> dict[str, float]:
    """Inverse document frequency of every term and entity over the claims."""
    df = claim_df(claims)
    n = max(1, len(claims))
    return {t: math.log(1 + n / d) for t, d in df.items()}


# Concepts ("~call") carry meaning across wordings; entities ("person:...") identify.
_KIND_WEIGHT = {"~": 2.0, "p": 1.0, "e": 1.0}


class _Weights:
    """Per-claim term weights, computed once: a pair then costs one pass over the smaller
    claim's terms instead of four sums over both."""

    def __init__(self, claims: Sequence[Claim], idf: dict[str, float]) -> None:
        self.idf = idf
        self.terms: list[dict[str, float]] = []
        self.total: list[float] = []
        for claim in claims:
            weights = {
                t: idf.get(t, 1.0) * _KIND_WEIGHT.get(t[:1], 1.0)
                for t in claim.terms | claim.entity_keys
            }
            self.terms.append(weights)
            self.total.append(sum(weights.values()))

    def overlap(self, a: int, b: int) -> float:
        """Mean of weighted Jaccard and weighted overlap coefficient (|a & b| / min size):
        a short claim wholly contained in a longer one still scores well."""
        wa, wb = self.terms[a], self.terms[b]
        if not wa or not wb:
            return 0.0
        small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        inter = sum(w for t, w in small.items() if t in large)
        union = self.total[a] + self.total[b] - inter
        return 0.5 * inter / union + 0.5 * inter / min(self.total[a], self.total[b])


def score_pair(a: Claim, b: Claim, weights: _Weights) -> Link | None:
    """The link between two claims, or None below the threshold. Reasons are only
    spelled out for links that are kept: most candidate pairs are not."""
    text = weights.overlap(a.index, b.index)
    shared_phrases = a.phrases & b.phrases
    if text < MIN_TEXT_OVERLAP and not shared_phrases:
        return None  # bonuses below refine a textual match; they never make one
    different_people = (
        a.speaker_key is not None
        and b.speaker_key is not None
        and a.speaker_key != b.speaker_key
        and a.speaker_key.startswith("person:")
        and b.speaker_key.startswith("person:")
    )
    if different_people and text < SAME_WORDS_OVERLAP and not shared_phrases:
        return None  # two people's claims align only on the same words (an attribution clash)
    score = text
    notes: list[tuple[str, object]] = []
    if shared_phrases:
        score += 0.35
        notes.append(("phrase", sorted(shared_phrases)[0]))
    # Only a specific entity counts: half the corpus is "about" Ukraine or Scholz.
    shared_entities = [
        k for k in a.subject_keys & b.subject_keys if weights.idf.get(k, 9.0) >= SPECIFIC_IDF
    ]
    if shared_entities:
        score += 0.1
        notes.append(("entity", min(shared_entities)))
    shared_subject = a.subject_terms & b.subject_terms
    if shared_subject:
        score += 0.1
        notes.append(("subject", min(shared_subject).lstrip("~")))
    if a.value_class and b.value_class:
        if a.value_class == b.value_class:
            score += 0.2 if shared_subject else 0.1
            notes.append(("value", a.value_class))
        elif a.value_class.split(":")[0] == b.value_class.split(":")[0]:
            # Same kind, different units (hours vs years): a different attribute.
            score -= 0.3
            notes.append(("units", f"{a.value_class} vs {b.value_class}"))
    opposed = _opposed_concepts(a, b) if text >= OPPOSED_MIN_OVERLAP else None
    if opposed:
        score += 0.15
        notes.append(("opposed", opposed))
    if score < DEFAULT_LINK_THRESHOLD:
        return None
    shared_terms = sorted(t.lstrip("~") for t in (a.terms & b.terms))[:6]
    reasons = [f"shared terms {', '.join(shared_terms) or '-'} (weighted overlap {text:.2f})"]
    templates = {
        "phrase": "same quoted words \u201c{}\u201d",
        "entity": "same subject entity {}",
        "subject": "subjects share {!r}",
        "value": "both state a {} value",
        "units": "different units ({})",
        "opposed": "one negates what the other asserts about {!r}",
    }
    reasons.extend(templates[kind].format(detail) for kind, detail in notes)
    return Link(a.index, b.index, round(score, 3), tuple(reasons))


def _opposed_concepts(a: Claim, b: Claim) -> str | None:
    """A rare concept both claims mention, negated in one and not in the other."""
    pa, pb = a.polarity, b.polarity
    for concept in sorted(set(pa.marks) | set(pb.marks)):
        term = f"~{concept}"
        if term not in a.terms or term not in b.terms:
            continue
        if pa.opposes(pb, concept):
            return concept
    return None


def candidate_pairs(claims: Sequence[Claim], idf: dict[str, float]) -> set[tuple[int, int]]:
    """Pairs of claims from different articles sharing one of their rarest terms."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for claim in claims:
        keys = claim.terms | claim.entity_keys | claim.phrases
        rare = sorted(keys, key=lambda t: (-idf.get(t, 9.0), t))[:BLOCK_TERMS]
        # Concepts and subject entities are what paraphrases share; always block on them.
        always = {t for t in claim.terms if t.startswith("~")} | claim.subject_keys
        for term in sorted(set(rare) | always):
            blocks[term].append(claim.index)
    pairs: set[tuple[int, int]] = set()
    for term in sorted(blocks):
        members = blocks[term]
        if len(members) > MAX_BLOCK:
            # A common key: pair each claim only with its neighbours once the block is
            # sorted by content, so near-identical claims still meet in linear time.
            members = sorted(members, key=lambda i: (sorted(claims[i].terms), i))
            window = NEIGHBOUR_WINDOW
        else:
            window = len(members)
        for i, a in enumerate(members):
            for b in members[i + 1 : i + 1 + window]:
                if claims[a].article != claims[b].article:
                    pairs.add((min(a, b), max(a, b)))
    return pairs


def align_claims(claims: Sequence[Claim], threshold: float = DEFAULT_LINK_THRESHOLD) -> list[Group]:
    """Group claims: best links first, merging only groups that are close on average."""
    idf = claim_idf(claims)
    weights = _Weights(claims, idf)
    links = []
    for a, b in sorted(candidate_pairs(claims, idf)):
        link = score_pair(claims[a], claims[b], weights)
        if link is not None and link.score >= threshold:
            links.append(link)
    links.sort(key=lambda link: (-link.score, link.a, link.b))
    neighbours: dict[int, dict[int, float]] = defaultdict(dict)
    for link in links:
        neighbours[link.a][link.b] = link.score
        neighbours[link.b][link.a] = link.score
    group_of: dict[int, Group] = {}
    articles: dict[int, set[int]] = {}  # id(group) -> articles it holds
    for claim in claims:
        group_of[claim.index] = Group(members=[claim.index])
        articles[id(group_of[claim.index])] = {claim.article}
    for link in links:
        ga, gb = group_of[link.a], group_of[link.b]
        if ga is gb:
            ga.links.append(link)
            continue
        if articles[id(ga)] & articles[id(gb)]:
            continue  # one claim per article: the best-linked one represents it
        # Average linkage: a chain of one good link must not drag unrelated claims in.
        small, large = (ga, gb) if len(ga.members) <= len(gb.members) else (gb, ga)
        cross = sum(
            score
            for x in small.members
            for y, score in neighbours[x].items()
            if group_of[y] is large
        )
        if cross / (len(ga.members) * len(gb.members)) < threshold * GROUP_LINKAGE:
            continue
        ga.members.extend(gb.members)
        ga.links.extend([*gb.links, link])
        articles[id(ga)] |= articles.pop(id(gb))
        for member in gb.members:
            group_of[member] = ga
    unique: dict[int, Group] = {}
    for group in group_of.values():
        group.members.sort()
        unique.setdefault(id(group), group)
    return sorted(unique.values(), key=lambda g: g.members[0])
