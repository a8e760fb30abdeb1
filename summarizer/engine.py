"""The comparison engine: extraction files in, an explained comparison out.

Pure and deterministic (no model, no network). Steps: check each article
(``checking``), resolve entities across the corpus (``entities``), turn facts into
claims and align them (``alignment``), then classify each group:

- ``numeric`` / ``date`` / ``rank`` conflict: values of aligned claims cannot both be
  true (interval or date logic in ``values``);
- ``attribution``: the same statement put in the mouths of two different people;
- ``contradiction``: one source negates or reverses what another asserts;
- ``consensus``: two or more sources, none of the above;
- ``single-source``: one source only.

Positions are grouped per actor and topic; a group whose sources use different stances
or loaded words ("furious", "embattled") is a framing difference. Every verdict carries
the sources, quotes, normalised values and the rule that fired.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePath

from .alignment import DEFAULT_LINK_THRESHOLD, Claim, Link, align_claims, claim_df, make_claim
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
from .entities import BUILTIN_ALIASES, EntityResolver, build_resolver
from .lexicon import content_terms, loaded_words
from .models import ArticleExtraction, SourceKind
from .values import Verdict, compare_values, describe_value, hedged_rank


class Kind(str, Enum):
    CONSENSUS = "consensus"
    NUMERIC = "numeric conflict"
    DATE = "date conflict"
    RANK = "rank conflict"
    ATTRIBUTION = "attribution conflict"
    CONTRADICTION = "contradiction"
    SINGLE = "single-source"


@dataclass(frozen=True)
class Finding:
    """One reason a group is a discrepancy, between two of its claims."""

    kind: Kind
    a: int
    b: int
    rule: str
    certain: bool = True


@dataclass(frozen=True)
class ClaimGroup:
    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    kind: Kind
    findings: tuple[Finding, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.source for c in self.claims))


@dataclass(frozen=True)
class PositionView:
    source: str
    item: CheckedPosition
    quote: str
    loaded: tuple[str, ...]


@dataclass(frozen=True)
class Framing:
    actor: str
    topic: str
    views: tuple[PositionView, ...]
    rule: str
    differs: bool


@dataclass(frozen=True)
class ActorViews:
    """Every position one actor takes, across sources (the framing matrix's row)."""

    actor: str
    views: tuple[PositionView, ...]


@dataclass(frozen=True)
class SourceInfo:
    label: str
    title: str
    outlet: str | None
    published: str | None
    main_event: str | None
    model: str
    checked: CheckedArticle


@dataclass
class EngineResult:
    sources: list[SourceInfo]
    groups: list[ClaimGroup] = field(default_factory=list)
    framings: list[Framing] = field(default_factory=list)
    actors: list[ActorViews] = field(default_factory=list)
    published: dict[str, dt.date | None] = field(default_factory=dict)

    def of_kind(self, *kinds: Kind) -> list[ClaimGroup]:
        return [g for g in self.groups if g.kind in kinds]

    @property
    def discrepancies(self) -> list[ClaimGroup]:
        return [g for g in self.groups if g.kind not in (Kind.CONSENSUS, Kind.SINGLE)]


def source_label(extraction: ArticleExtraction) -> str:
    return "stdin" if extraction.source == "-" else PurePath(extraction.source).stem


def _parse_iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def compare_articles(
    extractions: Sequence[ArticleExtraction],
    *,
    settings: CheckSettings | None = None,
    aliases: dict[str, str] | None = None,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
) -> EngineResult:
    settings = settings or CheckSettings()
    checked = [check_article(e, settings) for e in extractions]
    labels = [source_label(e) for e in extractions]
    resolver = build_resolver(
        [(label, e.text) for label, e in zip(labels, extractions, strict=True)],
        aliases or BUILTIN_ALIASES,
    )
    result = EngineResult(sources=[])
    for label, article in zip(labels, checked, strict=True):
        e = article.extraction
        infos = [c.extraction.article for c in e.chunks]
        published = verified_published(e)
        result.published[label] = _parse_iso(published)
        result.sources.append(
            SourceInfo(
                label=label,
                title=verified_title(e),
                outlet=verified_outlet(e),
                published=published,
                main_event=next((i.main_event for i in infos if i.main_event), None),
                model=e.model,
                checked=article,
            )
        )
        for speaker in (f.fact.attribution.name for f in article.facts):
            if speaker:
                resolver.learn_name(speaker)
    claims = build_claims(labels, checked, resolver)
    df = claim_df(claims)
    rare = max(DISTINCTIVE_MIN_CLAIMS, int(DISTINCTIVE_SHARE * len(claims)))
    distinctive = {t for t, n in df.items() if n <= rare}
    for group in align_claims(claims, link_threshold):
        members = tuple(claims[i] for i in group.members)
        findings = tuple(_classify(members, group.links, result.published, distinctive))
        if len({c.source for c in members}) < 2:
            kind = Kind.SINGLE
        elif findings:
            kind = _headline(findings)
        else:
            kind = Kind.CONSENSUS
        result.groups.append(ClaimGroup(members, tuple(group.links), kind, findings))
    result.framings, result.actors = _framings(labels, checked, resolver)
    return result


def build_claims(
    labels: Sequence[str], checked: Sequence[CheckedArticle], resolver: EntityResolver
) -> list[Claim]:
    """Every kept fact and position of every article, as claims."""
    claims: list[Claim] = []
    for a_index, (label, article) in enumerate(zip(labels, checked, strict=True)):
        text = article.extraction.text
        items: list[CheckedFact | CheckedPosition] = [*article.facts, *article.positions]
        for item in items:
            quote = text[item.evidence.start : item.evidence.end]
            claims.append(make_claim(len(claims), label, a_index, item, quote, resolver))
    return claims


CONTRADICTION_LINK = 0.4
# A term held by at most this many claims (or this share of them) identifies a statement.
DISTINCTIVE_MIN_CLAIMS = 3
DISTINCTIVE_SHARE = 0.05
# Value conflicts are the most objective verdicts, so they name a group first.
_PRIORITY = [Kind.NUMERIC, Kind.DATE, Kind.ATTRIBUTION, Kind.CONTRADICTION, Kind.RANK]


def _headline(findings: Sequence[Finding]) -> Kind:
    certain = [f for f in findings if f.certain] or list(findings)
    return min((f.kind for f in certain), key=_PRIORITY.index)


def _classify(
    members: Sequence[Claim],
    links: Sequence[Link],
    published: dict[str, dt.date | None],
    distinctive: set[str],
) -> list[Finding]:
    scores = {(min(k.a, k.b), max(k.a, k.b)): k.score for k in links}
    findings: list[Finding] = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a.source == b.source:
                continue
            findings.extend(_value_findings(a, b, published))
            score = scores.get((min(a.index, b.index), max(a.index, b.index)), 0.0)
            finding = _attribution_finding(a, b, score, distinctive)
            if finding is not None:
                findings.append(finding)
            # A reversal is only read between claims linked directly and strongly.
            strong = score >= CONTRADICTION_LINK
            finding = _contradiction_finding(a, b) if strong else None
            if finding is not None:
                findings.append(finding)
    return findings


def _value_findings(a: Claim, b: Claim, published: dict[str, dt.date | None]) -> list[Finding]:
    va, vb = a.value, b.value
    if va is None or vb is None or a.value_class != b.value_class:
        return []
    cmp = compare_values(va, vb, published.get(a.source), published.get(b.source))
    if cmp.verdict not in (Verdict.CONFLICT, Verdict.POSSIBLE_CONFLICT):
        return []
    kind = {"date": Kind.DATE, "rank": Kind.RANK}.get(a.value_class or "", Kind.NUMERIC)
    certain = cmp.verdict is Verdict.CONFLICT
    if kind is Kind.RANK and certain and hedged_rank(a.quote, b.quote):
        certain = False  # "largest ... after the United States" ranks within a subset
    norm_a = describe_value(va, published.get(a.source))
    norm_b = describe_value(vb, published.get(b.source))
    rule = (
        f"{cmp.rule}: {a.source} \u201c{va.text}\u201d = {norm_a}; "
        f"{b.source} \u201c{vb.text}\u201d = {norm_b}"
    )
    return [Finding(kind, a.index, b.index, rule, certain)]


def _attribution_finding(a: Claim, b: Claim, score: float, distinctive: set[str]) -> Finding | None:
    people = (SourceKind.NAMED_PERSON,)
    if a.speaker_kind not in people or b.speaker_kind not in people:
        return None
    if not a.speaker_key or not b.speaker_key or a.speaker_key == b.speaker_key:
        return None
    if any(_several(_raw_speaker(c)) for c in (a, b)):
        return None  # "Scholz and Putin" is two speakers, not a third one
    # Only the same statement in two mouths: the same quoted words, or a strong link that
    # shares a distinctive term ("positive"), not just the topic ("call", "Ukraine").
    shares_distinctive = bool(a.terms & b.terms & distinctive)
    same_words = bool(a.phrases & b.phrases) or (score >= 0.5 and shares_distinctive)
    if not same_words:
        return None
    return Finding(
        Kind.ATTRIBUTION,
        a.index,
        b.index,
        f"same statement (link {score:.2f}), different speakers: {a.source} gives it to "
        f"{a.speaker_name}, {b.source} to {b.speaker_name}",
    )


def _raw_speaker(claim: Claim) -> str:
    item = claim.item
    if isinstance(item, CheckedFact):
        return item.fact.attribution.name or ""
    return item.position.actor


def _several(name: str) -> bool:
    return bool(re.search(r"\band\b|&|,", name))


def _contradiction_finding(a: Claim, b: Claim) -> Finding | None:
    pa, pb = a.polarity, b.polarity
    for concept in sorted(set(pa.marks) | set(pb.marks)):
        term = f"~{concept}"
        if term not in a.terms or term not in b.terms or not pa.opposes(pb, concept):
            continue
        ma = pa.marks.get(concept)
        first, second = (a, b) if ma in ("neg", "down") else (b, a)
        p_first, p_second = (pa, pb) if first is a else (pb, pa)
        verb = "negates" if p_first.marks.get(concept) == "neg" else "reverses"
        said = p_second.cues.get(concept)
        return Finding(
            Kind.CONTRADICTION,
            a.index,
            b.index,
            f"'{concept}': {first.source} {verb} it ({p_first.cues[concept]}), {second.source} "
            + (f"says {said}" if said else "asserts it"),
        )
    return None


def _framings(
    labels: Sequence[str], checked: Sequence[CheckedArticle], resolver: object
) -> tuple[list[Framing], list[ActorViews]]:
    from .entities import EntityResolver

    assert isinstance(resolver, EntityResolver)
    by_actor: dict[str, list[tuple[str, PositionView, frozenset[str]]]] = {}
    names: dict[str, str] = {}
    for label, article in zip(labels, checked, strict=True):
        text = article.extraction.text
        for item in article.positions:
            res = resolver.resolve(item.position.actor, label)
            quote = text[item.evidence.start : item.evidence.end]
            view = PositionView(label, item, quote, tuple(loaded_words(quote)))
            terms = frozenset(content_terms(f"{item.position.topic} {item.position.stance}"))
            by_actor.setdefault(res.key, []).append((label, view, terms))
            names.setdefault(res.key, res.name)
    framings: list[Framing] = []
    for key in sorted(by_actor):
        entries = by_actor[key]
        used = [False] * len(entries)
        for i, (label, view, terms) in enumerate(entries):
            if used[i]:
                continue
            cluster = [(label, view, terms)]
            used[i] = True
            for j in range(i + 1, len(entries)):
                other_label, _, other_terms = entries[j]
                if used[j] or other_label in {c[0] for c in cluster}:
                    continue
                union = terms | other_terms
                if union and len(terms & other_terms) / len(union) >= 0.15:
                    cluster.append(entries[j])
                    used[j] = True
            if len({c[0] for c in cluster}) < 2:
                continue
            views = tuple(c[1] for c in cluster)
            loaded = {v.source: set(v.loaded) for v in views}
            all_loaded = set().union(*loaded.values())
            differs = any(loaded[s] != all_loaded for s in loaded) and bool(all_loaded)
            rule = (
                "loaded words differ: "
                + "; ".join(f"{s}: {', '.join(sorted(w)) or 'none'}" for s, w in loaded.items())
                if differs
                else "same actor and topic; no loaded wording difference"
            )
            framings.append(Framing(names[key], views[0].item.position.topic, views, rule, differs))
    actors = [ActorViews(names[k], tuple(e[1] for e in by_actor[k])) for k in sorted(by_actor)]
    return framings, actors
