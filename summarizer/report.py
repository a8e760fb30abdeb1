"""Render an ``EngineResult`` as Markdown. Same result, byte-identical report.

Every quote shown is the article's own text at the located span (not the model's
copy), with the item id and character offsets a reader can check; a fuzzy (near)
match says so with its similarity, and a speaker the checker could not find next to
the quote is flagged. Every discrepancy names the rule that fired.
"""

from __future__ import annotations

from collections.abc import Callable

from .alignment import Claim
from .checking import AttributionCheck, CheckedFact, CheckedPosition
from .engine import ClaimGroup, EngineResult, Framing, Kind, SourceInfo
from .evidence import Evidence, Grade

Emit = Callable[[str], None]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _inline(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _marks(evidence: Evidence, attribution: AttributionCheck) -> str:
    notes = []
    if evidence.grade is Grade.NEAR:
        notes.append(f"near match, {evidence.similarity:g}% similar")
    if attribution is AttributionCheck.UNSUPPORTED:
        notes.append("speaker not named near the quote")
    return f" *({'; '.join(notes)})*" if notes else ""


def _who(claim: Claim) -> str:
    item = claim.item
    if isinstance(item, CheckedPosition):
        return f"position of {item.position.actor}"
    a = item.fact.attribution
    who = a.name or ("the article" if a.kind.value == "article" else a.kind.value.replace("_", " "))
    return who + (", hedged" if item.fact.hedged else "")


def _claim_line(claim: Claim, *, lead: bool = False) -> str:
    item = claim.item
    value = (
        "" if claim.value is None else f" [{claim.value.kind.value}: {_inline(claim.value.text)}]"
    )
    head = f"{_inline(claim.statement)} " if lead else ""
    return (
        f"{head}({_who(claim)}){value}: \u201c{_inline(claim.quote)}\u201d "
        f"[{item.item_id}, chars {item.evidence.start}-{item.evidence.end}]"
        f"{_marks(item.evidence, item.attribution)}"
    )


def render_report(result: EngineResult) -> str:
    out: list[str] = []
    emit = out.append
    n = len(result.sources)
    models = sorted({s.model.rsplit("/", 1)[-1] for s in result.sources})
    discrepancies = result.discrepancies
    consensus = result.of_kind(Kind.CONSENSUS)
    single = result.of_kind(Kind.SINGLE)
    emit(f"# What {n} source{'s' if n != 1 else ''} report")
    emit("")
    framing = sum(f.differs for f in result.framings)
    emit(
        f"{_count(len(discrepancies), 'discrepancy', 'discrepancies')}, "
        f"{_count(len(consensus), 'claim')} stated by two or more sources, "
        f"{len(single)} by one source, {_count(framing, 'framing difference')}. Every quote "
        "is the article's own text at the character offsets shown. Extracted by: "
        f"{', '.join(models)}."
    )
    emit("")
    _sources(result.sources, emit)
    emit("## Discrepancies")
    emit("")
    if not discrepancies:
        emit("None found.")
        emit("")
    for number, group in enumerate(discrepancies, start=1):
        _group(group, number, emit, findings=True)
    emit("## Consensus")
    emit("")
    if not consensus:
        emit("No claim was matched across sources.")
        emit("")
    for number, group in enumerate(consensus, start=1):
        _group(group, number, emit, findings=False)
    emit("## Single-source claims")
    emit("")
    by_source: dict[str, list[Claim]] = {}
    for group in single:
        for claim in group.claims:
            by_source.setdefault(claim.source, []).append(claim)
    for source in result.sources:
        claims = by_source.get(source.label, [])
        if claims:
            emit(f"### {source.label} ({len(claims)})")
            emit("")
            out.extend(f"- {_claim_line(c, lead=True)}" for c in claims)
            emit("")
    _framing(result.framings, emit)
    _appendix(result, emit)
    return "\n".join(out)


def _sources(sources: list[SourceInfo], emit: Emit) -> None:
    emit("## Sources")
    emit("")
    emit("| source | title | outlet | published | facts | positions |")
    emit("| --- | --- | --- | --- | ---: | ---: |")
    for s in sources:
        title = s.title if len(s.title) <= 100 else s.title[:99].rstrip() + "\u2026"
        emit(
            f"| {s.label} | {_inline(title)} | {_inline(s.outlet or '-')} | "
            f"{_inline(s.published or '-')} | {len(s.checked.facts)} | "
            f"{len(s.checked.positions)} |"
        )
    emit("")
    emit("The event, as each source puts it:")
    emit("")
    for s in sources:
        emit(f"- **{s.label}**: {_inline(s.main_event or '(not stated)')}")
    emit("")


def _group(group: ClaimGroup, number: int, emit: Emit, *, findings: bool) -> None:
    title = _inline(group.claims[0].statement)
    label = f"{group.kind.value}: " if findings else ""
    emit(f"### {number}. {label}{title}")
    emit("")
    emit(f"Sources: {', '.join(group.sources)}")
    emit("")
    for claim in group.claims:
        emit(f"- **{claim.source}** {_claim_line(claim)}")
    if findings:
        emit("")
        index = {c.index: c for c in group.claims}
        for f in group.findings:
            certainty = "" if f.certain else " (possible)"
            emit(
                f"- Rule{certainty}: {f.kind.value} between {index[f.a].source} and "
                f"{index[f.b].source}: {_inline(f.rule)}"
            )
    best = max(group.links, key=lambda link: link.score, default=None)
    if best is not None:
        emit("")
        emit(f"Matched because: {_inline('; '.join(best.reasons))} (score {best.score:g}).")
    emit("")


def _framing(framings: list[Framing], emit: Emit) -> None:
    emit("## Framing")
    emit("")
    differing = [f for f in framings if f.differs]
    if not differing:
        emit("No difference in loaded wording between sources on the same actor and topic.")
        emit("")
    for framing in differing:
        emit(f"### {_inline(framing.actor)}: {_inline(framing.topic)}")
        emit("")
        for view in framing.views:
            p = view.item.position
            loaded = f" [loaded: {', '.join(view.loaded)}]" if view.loaded else ""
            quote = _inline(view.quote)
            emit(
                f"- **{view.source}**: {_inline(p.stance)}{loaded}: \u201c{quote}\u201d "
                f"[{view.item.item_id}]"
            )
        emit("")
        emit(f"Rule: {_inline(framing.rule)}.")
        emit("")
    same = [f for f in framings if not f.differs]
    if same:
        emit(
            "Same actor and topic in several sources, with no loaded-wording difference: "
            + "; ".join(
                f"{_inline(f.actor)} on {_inline(f.topic)} "
                f"({', '.join(dict.fromkeys(v.source for v in f.views))})"
                for f in same
            )
            + "."
        )
        emit("")


def _appendix(result: EngineResult, emit: Emit) -> None:
    emit("## Appendix A: evidence, per source")
    emit("")
    emit("| source | facts extracted | verified | near | not found | set aside | merged | kept |")
    emit("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in result.sources:
        c = s.checked
        not_found = sum(1 for x in c.not_found if isinstance(x, CheckedFact))
        emit(
            f"| {s.label} | {c.extracted_facts} | {c.count(Grade.VERIFIED)} | "
            f"{c.count(Grade.NEAR)} | {not_found} | {len(c.set_aside)} | {c.duplicates} | "
            f"{len(c.facts)} |"
        )
    emit("")
    missing = sum(len(s.checked.not_found) for s in result.sources)
    emit(f"## Appendix B: claims the model made that the article does not contain ({missing})")
    emit("")
    if not missing:
        emit("None: every quote was found in its article.")
        emit("")
    for s in result.sources:
        if not s.checked.not_found:
            continue
        emit(f"### {s.label} ({len(s.checked.not_found)})")
        emit("")
        for item in s.checked.not_found:
            if isinstance(item, CheckedFact):
                emit(
                    f"- fact: {_inline(item.fact.statement)}: model's quote "
                    f"\u201c{_inline(item.fact.quote)}\u201d"
                )
            else:
                emit(
                    f"- position of {_inline(item.position.actor)}: "
                    f"{_inline(item.position.stance)}: model's quote "
                    f"\u201c{_inline(item.position.quote)}\u201d"
                )
        emit("")
    aside = sum(len(s.checked.set_aside) for s in result.sources)
    emit(f"## Appendix C: set aside as not about the event ({aside})")
    emit("")
    if not aside:
        emit("Nothing was set aside.")
    for s in result.sources:
        text = s.checked.extraction.text
        for item in s.checked.set_aside:
            located = text[item.evidence.start : item.evidence.end]
            emit(
                f"- {s.label}: {_inline(item.fact.statement)} ({item.set_aside}): "
                f"\u201c{_inline(located)}\u201d"
            )
    emit("")
    emit("## How this report was made")
    emit("")
    emit(
        "A language model extracted facts and positions from each article; everything after "
        "that is deterministic. Each quote is located in its article; items whose quote is "
        "not there, that sit in page chrome or a block of other stories, or that the model "
        "marked off-topic are kept out and listed above; duplicates are merged. Names are "
        "resolved across articles (aliases, titles, transliteration, surnames, roles); values "
        "become intervals or partial dates; claims are aligned on shared words, concepts, "
        "entities, quoted wording and value types; a group is a discrepancy when values "
        "cannot both hold, the same words are put in different mouths, or one source negates "
        "or reverses what another asserts."
    )
    emit("")
