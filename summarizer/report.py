"""Turn an ``EngineResult`` into a ``Report`` document, and render it.

Everything here is deterministic: ordering follows the engine's (input order of the
sources, then the order claims were aligned), ids are content hashes from the checker,
and the only clock reading is the optional ``generated_at``. Every quote is the
article's own text at the located span, with its paragraph and character offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from .alignment import Claim
from .checking import AttributionCheck, CheckedArticle, CheckedFact, CheckedPosition
from .document import (
    REPORT_SCHEMA_VERSION,
    ClaimEntry,
    ConsensusItem,
    Counts,
    Discrepancy,
    FindingEntry,
    FramingCell,
    FramingDifference,
    FramingRow,
    Location,
    Quote,
    Report,
    RunInfo,
    SetAsideFact,
    SourceEntry,
    SourceSummary,
    ThisRun,
    UnsupportedClaim,
    Usage,
    ValueEntry,
)
from .engine import ClaimGroup, EngineResult, Kind, PositionView, SourceInfo
from .errors import InputError
from .evidence import Evidence, Grade
from .lexicon import content_terms
from .report_format import ReportFormat
from .usage import RunStats
from .values import describe_value

#: Discrepancies are grouped by kind in this order: hard numbers first.
KIND_ORDER = (Kind.NUMERIC, Kind.DATE, Kind.RANK, Kind.ATTRIBUTION, Kind.CONTRADICTION)


@dataclass(frozen=True)
class RunContext:
    """What the caller knows about the run that the extractions do not record."""

    responses: str = "extraction files"
    generated_at: str | None = None
    stats: RunStats | None = None


def tool_version() -> str:
    try:
        return version("summarizer")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "0.0.0+unknown"


class _Paragraphs:
    """Paragraph numbers of character offsets: blocks between blank lines, or lines."""

    def __init__(self, text: str) -> None:
        # Blank lines at the very end do not make a text "paragraphed".
        paragraphed = re.search(r"\n[ \t]*\n", text.strip())
        pattern = r"\n[ \t]*\n\s*" if paragraphed else r"\n\s*"
        self.starts = [0] + [m.end() for m in re.finditer(pattern, text)]

    def number(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


class _Builder:
    def __init__(self, result: EngineResult) -> None:
        self.result = result
        self.paragraphs = {s.label: _Paragraphs(s.checked.extraction.text) for s in result.sources}

    def quote(
        self, source: str, text: str, evidence: Evidence, attribution: AttributionCheck
    ) -> Quote:
        start, end = evidence.start or 0, evidence.end or 0
        return Quote(
            text=text,
            location=Location(
                source=source,
                paragraph=self.paragraphs[source].number(start),
                start=start,
                end=end,
            ),
            match="near" if evidence.grade is Grade.NEAR else "verified",
            similarity=evidence.similarity if evidence.grade is Grade.NEAR else None,
            speaker_near_quote=attribution is not AttributionCheck.UNSUPPORTED,
        )

    def claim(self, claim: Claim) -> ClaimEntry:
        item = claim.item
        value = None
        if claim.value is not None:
            value = ValueEntry(
                kind=claim.value.kind.value,
                text=claim.value.text,
                normalised=describe_value(claim.value, self.result.published.get(claim.source)),
            )
        return ClaimEntry(
            id=item.item_id,
            source=claim.source,
            kind="position" if isinstance(item, CheckedPosition) else "fact",
            statement=claim.statement,
            speaker=_speaker(item),
            hedged=isinstance(item, CheckedFact) and item.fact.hedged,
            value=value,
            quote=self.quote(claim.source, claim.quote, item.evidence, item.attribution),
        )

    def discrepancies(self) -> list[Discrepancy]:
        groups = self.result.discrepancies
        ordered = sorted(groups, key=lambda g: KIND_ORDER.index(g.kind))
        out = []
        for number, group in enumerate(ordered, start=1):
            index = {c.index: c for c in group.claims}
            reasons, score = _best_link(group)
            out.append(
                Discrepancy(
                    id=f"D{number}",
                    kind=group.kind.value,
                    # Titled by a claim the first rule compared, not a bystander in the group.
                    title=index[group.findings[0].a].statement
                    if group.findings
                    else group.claims[0].statement,
                    sources=list(group.sources),
                    claims=[self.claim(c) for c in group.claims],
                    findings=[
                        FindingEntry(
                            kind=f.kind.value,
                            certain=f.certain,
                            sources=[index[f.a].source, index[f.b].source],
                            rule=f.rule,
                        )
                        for f in group.findings
                    ],
                    matched_because=reasons,
                    match_score=score,
                )
            )
        return out

    def consensus(self) -> list[ConsensusItem]:
        groups = self.result.of_kind(Kind.CONSENSUS)
        # Widest agreement first; the engine's order breaks ties.
        ranked = sorted(enumerate(groups), key=lambda p: (-len(p[1].sources), p[0]))
        out = []
        for number, (_, group) in enumerate(ranked, start=1):
            reasons, score = _best_link(group)
            out.append(
                ConsensusItem(
                    id=f"C{number}",
                    title=group.claims[0].statement,
                    sources=list(group.sources),
                    claims=[self.claim(c) for c in group.claims],
                    matched_because=reasons,
                    match_score=score,
                )
            )
        return out

    def single(self) -> list[ClaimEntry]:
        order = {s.label: i for i, s in enumerate(self.result.sources)}
        claims = [c for g in self.result.of_kind(Kind.SINGLE) for c in g.claims]
        claims.sort(key=lambda c: order[c.source])  # stable: engine order within a source
        return [self.claim(c) for c in claims]

    def framing(self) -> list[FramingRow]:
        rows = []
        for actor in self.result.actors:
            cells = [self.framing_cell(v) for v in actor.views]
            order = {s.label: i for i, s in enumerate(self.result.sources)}
            cells.sort(key=lambda c: order[c.source])
            rows.append(FramingRow(actor=actor.actor, cells=cells))
        rows.sort(key=lambda r: (-len({c.source for c in r.cells}), r.actor.lower()))
        return rows

    def framing_cell(self, view: PositionView) -> FramingCell:
        item = view.item
        return FramingCell(
            source=view.source,
            stance=item.position.stance,
            loaded=list(view.loaded),
            claim_id=item.item_id,
            quote=self.quote(view.source, view.quote, item.evidence, item.attribution),
        )

    def sources(self) -> list[SourceEntry]:
        return [_source_entry(s) for s in self.result.sources]

    def unsupported(self) -> list[UnsupportedClaim]:
        out = []
        for s in self.result.sources:
            for item in s.checked.not_found:
                if isinstance(item, CheckedFact):
                    out.append(
                        UnsupportedClaim(
                            source=s.label,
                            kind="fact",
                            statement=item.fact.statement,
                            model_quote=item.fact.quote,
                        )
                    )
                else:
                    out.append(
                        UnsupportedClaim(
                            source=s.label,
                            kind="position",
                            statement=f"{item.position.actor}: {item.position.stance}",
                            model_quote=item.position.quote,
                        )
                    )
        return out

    def set_aside(self) -> list[SetAsideFact]:
        out = []
        for s in self.result.sources:
            text = s.checked.extraction.text
            for item in s.checked.set_aside:
                located = text[item.evidence.start : item.evidence.end]
                out.append(
                    SetAsideFact(
                        source=s.label,
                        statement=item.fact.statement,
                        reason=item.set_aside or "",
                        quote=self.quote(s.label, located, item.evidence, item.attribution),
                    )
                )
        return out


def _speaker(item: CheckedFact | CheckedPosition) -> str:
    if isinstance(item, CheckedPosition):
        return item.position.actor
    a = item.fact.attribution
    if a.name:
        return a.name
    return "the article" if a.kind.value == "article" else a.kind.value.replace("_", " ")


def _model_name(model: str) -> str:
    # llama-server reports the GGUF's path: the file name is the model, the rest is
    # someone's home directory.
    if model.startswith(("/", "~", "\\")) or re.match(r"[A-Za-z]:[\\/]", model):
        return re.split(r"[\\/]", model)[-1]
    return model


def _best_link(group: ClaimGroup) -> tuple[list[str], float]:
    best = max(group.links, key=lambda link: link.score, default=None)
    return (list(best.reasons), best.score) if best is not None else ([], 0.0)


def _claims_checked(c: CheckedArticle) -> tuple[int, int, int]:
    kept: list[CheckedFact | CheckedPosition] = [*c.facts, *c.positions]
    verified = sum(1 for x in kept if x.evidence.grade is Grade.VERIFIED)
    near = sum(1 for x in kept if x.evidence.grade is Grade.NEAR)
    return verified, near, len(kept) + len(c.not_found)


def _source_entry(s: SourceInfo) -> SourceEntry:
    c = s.checked
    verified, near, total = _claims_checked(c)
    return SourceEntry(
        label=s.label,
        title=s.title,
        outlet=s.outlet,
        published=s.published,
        words=len(c.extraction.text.split()),
        claims_total=total,
        claims_verified=verified,
        claims_near=near,
        claims_not_found=len(c.not_found),
        set_aside=len(c.set_aside),
        merged=c.duplicates + c.duplicate_positions,
        event=s.main_event,
    )


def _event_line(sources: Sequence[SourceInfo]) -> tuple[str | None, str | None]:
    """The main-event sentence that shares most words with the others (a medoid)."""
    stated = [(s.label, s.main_event) for s in sources if s.main_event]
    if not stated:
        return None, None
    terms = [content_terms(event) for _, event in stated]

    def centrality(i: int) -> float:
        return sum(
            len(terms[i] & terms[j]) / max(1, len(terms[i] | terms[j]))
            for j in range(len(terms))
            if j != i
        )

    best = max(range(len(stated)), key=lambda i: (centrality(i), -i))
    return stated[best][1], stated[best][0]


def _this_run(stats: RunStats | None) -> ThisRun | None:
    if stats is None:
        return None
    return ThisRun(
        calls_made=stats.calls_made,
        calls_replayed=stats.calls_from_cache,
        prompt_tokens=stats.prompt_tokens,
        completion_tokens=stats.completion_tokens,
        estimated_cost_usd=stats.estimated_cost_usd,
    )


def _usage(result: EngineResult) -> Usage:
    chunks = [ch for s in result.sources for ch in s.checked.extraction.chunks]
    reported = [ch.usage for ch in chunks if ch.usage]
    return Usage(
        calls=len(chunks),
        prompt_tokens=sum(u.get("prompt_tokens", 0) for u in reported) if reported else None,
        completion_tokens=(
            sum(u.get("completion_tokens", 0) for u in reported) if reported else None
        ),
    )


def _summaries(
    sources: list[SourceEntry],
    discrepancies: list[Discrepancy],
    consensus: list[ConsensusItem],
    single: list[ClaimEntry],
    framing: list[FramingRow],
) -> list[SourceSummary]:
    return [
        SourceSummary(
            source=s.label,
            event=s.event,
            discrepancies=[d.id for d in discrepancies if s.label in d.sources],
            consensus=sum(1 for c in consensus if s.label in c.sources),
            single=sum(1 for c in single if c.source == s.label),
            actors=[r.actor for r in framing if any(c.source == s.label for c in r.cells)],
        )
        for s in sources
    ]


def build_report(result: EngineResult, context: RunContext | None = None) -> Report:
    context = context or RunContext()
    b = _Builder(result)
    sources = b.sources()
    discrepancies = b.discrepancies()
    consensus = b.consensus()
    single = b.single()
    framing = b.framing()
    differences = [
        FramingDifference(
            actor=f.actor,
            topic=f.topic,
            sources=list(dict.fromkeys(v.source for v in f.views)),
            rule=f.rule,
            cells=[b.framing_cell(v) for v in f.views],
        )
        for f in result.framings
        if f.differs
    ]
    unsupported = b.unsupported()
    event, event_source = _event_line(result.sources)
    n = len(result.sources)
    return Report(
        schema_version=REPORT_SCHEMA_VERSION,
        title=f"What {n} source{'s' if n != 1 else ''} report",
        event=event,
        event_source=event_source,
        counts=Counts(
            sources=n,
            discrepancies=len(discrepancies),
            consensus=len(consensus),
            single=len(single),
            framing_differences=len(differences),
            unsupported=len(unsupported),
        ),
        sources=sources,
        discrepancies=discrepancies,
        consensus=consensus,
        single_source=single,
        framing=framing,
        framing_differences=differences,
        summaries=_summaries(sources, discrepancies, consensus, single, framing),
        unsupported=unsupported,
        set_aside=b.set_aside(),
        run=RunInfo(
            tool_version=tool_version(),
            providers=sorted({s.checked.extraction.provider for s in result.sources}),
            models=sorted({_model_name(s.model) for s in result.sources}),
            responses=context.responses,
            usage=_usage(result),
            this_run=_this_run(context.stats),
            generated_at=context.generated_at,
        ),
    )


def render_report(
    result: EngineResult,
    context: RunContext | None = None,
    fmt: ReportFormat = ReportFormat.MARKDOWN,
) -> str:
    """The report as Markdown (default) or JSON text; same input, same bytes."""
    report = build_report(result, context)
    if fmt is ReportFormat.JSON:
        return report.model_dump_json(indent=2) + "\n"
    if fmt is ReportFormat.MARKDOWN:
        from .markdown import render_markdown

        return render_markdown(report)
    raise InputError(f"Unknown report format {fmt!r}: use markdown or json")  # pragma: no cover
