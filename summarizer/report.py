"""Render a ``Comparison`` as Markdown. Same comparison, byte-identical report.

Every quote shown is the article's own text at the located span, not the model's
copy; a fuzzy (near) match says so with its similarity, and a speaker the checker
could not find next to the quote is flagged.
"""

from __future__ import annotations

from collections.abc import Callable

from .checking import AttributionCheck, CheckedFact, CheckedPosition
from .comparison import Comparison, FactRef, PositionRef, located_text
from .evidence import Evidence, Grade


def _inline(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _marks(evidence: Evidence, attribution: AttributionCheck) -> str:
    notes = []
    if evidence.grade is Grade.NEAR:
        notes.append(f"near match, {evidence.similarity:g}% similar")
    if attribution is AttributionCheck.UNSUPPORTED:
        notes.append("speaker not named near the quote")
    return f" *({'; '.join(notes)})*" if notes else ""


def _where(evidence: Evidence) -> str:
    return f"chars {evidence.start}-{evidence.end}"


def _fact_line(ref: FactRef, *, with_statement: bool) -> str:
    fact = ref.item.fact
    a = fact.attribution
    who = a.name or ("the article" if a.kind.value == "article" else a.kind.value.replace("_", " "))
    if fact.hedged:
        who += ", hedged"
    value = "" if fact.value is None else f" [{fact.value.kind.value}: {_inline(fact.value.text)}]"
    lead = f"{_inline(fact.statement)} " if with_statement else ""
    return (
        f"{lead}({who}){value}: \u201c{_inline(ref.quote)}\u201d "
        f"[{ref.item.item_id}, {_where(ref.item.evidence)}]"
        f"{_marks(ref.item.evidence, ref.item.attribution)}"
    )


def _position_line(ref: PositionRef) -> str:
    p = ref.item.position
    return (
        f"**{_inline(p.actor)}** on {_inline(p.topic)}: {_inline(p.stance)} "
        f"({p.reported_as.value.replace('_', ' ')}): \u201c{_inline(ref.quote)}\u201d "
        f"[{ref.item.item_id}]{_marks(ref.item.evidence, ref.item.attribution)}"
    )


def render_report(comparison: Comparison) -> str:
    out: list[str] = []
    add = out.append
    n = len(comparison.sources)
    total = sum(s.facts for s in comparison.sources)
    models = sorted({s.model.rsplit("/", 1)[-1] for s in comparison.sources})
    add(f"# What {n} source{'s' if n != 1 else ''} report")
    add("")
    add(
        f"{total} checked facts on the event: {len(comparison.shared)} stated by two or more "
        f"sources, {len(comparison.single)} by one source. Every quote below is the "
        f"article's own text, located at the character offsets shown. Extracted by: "
        f"{', '.join(models)}."
    )
    add("")
    add("## Sources")
    add("")
    add("| source | title | outlet | published | facts | positions |")
    add("| --- | --- | --- | --- | ---: | ---: |")
    for s in comparison.sources:
        add(
            f"| {s.label} | {_inline(s.title)} | {_inline(s.outlet or '-')} | "
            f"{_inline(s.published or '-')} | {s.facts} | {s.positions} |"
        )
    add("")
    add("## The event, as each source puts it")
    add("")
    for s in comparison.sources:
        add(f"- **{s.label}**: {_inline(s.main_event or '(not stated)')}")
    add("")
    add("## Stated by two or more sources")
    add("")
    if not comparison.shared:
        add("No fact was matched across sources.")
        add("")
    for number, group in enumerate(comparison.shared, start=1):
        add(f"### {number}. {_inline(group.facts[0].item.fact.statement)}")
        add("")
        add(f"Sources: {', '.join(group.sources)}")
        add("")
        for ref in group.facts:
            add(f"- **{ref.source}** {_fact_line(ref, with_statement=False)}")
        add("")
    add("## Stated by one source only")
    add("")
    by_source: dict[str, list[FactRef]] = {}
    for group in comparison.single:
        for ref in group.facts:
            by_source.setdefault(ref.source, []).append(ref)
    for s in comparison.sources:
        if by_source.get(s.label):
            add(f"### {s.label}")
            add("")
            out.extend(f"- {_fact_line(ref, with_statement=True)}" for ref in by_source[s.label])
            add("")
    add("## Positions, per source")
    add("")
    by_source_pos: dict[str, list[PositionRef]] = {}
    for pref in comparison.positions:
        by_source_pos.setdefault(pref.source, []).append(pref)
    for s in comparison.sources:
        if by_source_pos.get(s.label):
            add(f"### {s.label}")
            add("")
            out.extend(f"- {_position_line(pref)}" for pref in by_source_pos[s.label])
            add("")
    _render_appendix(comparison, add)
    return "\n".join(out)


def _render_appendix(comparison: Comparison, add: Callable[[str], None]) -> None:
    add("## Appendix A: evidence, per source")
    add("")
    add(
        "| source | extracted | verified | near | not found | set aside | duplicates merged "
        "| facts kept |"
    )
    add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in comparison.sources:
        add(
            f"| {s.label} | {s.extracted} | {s.verified} | {s.near} | {s.not_found} | "
            f"{s.set_aside} | {s.duplicates} | {s.facts} |"
        )
    add("")
    add(
        "Verified: the quote is in the article, exactly or up to quotation marks, dashes, "
        f"spacing and case. Near: a fuzzy match of at least {comparison.near_threshold:g}%."
    )
    add("")
    missing = sum(len(c.not_found) for c in comparison.checked)
    add(f"## Appendix B: claims the model made that the article does not contain ({missing})")
    add("")
    if not missing:
        add("None: every quote was found in its article.")
        add("")
    for s, checked in zip(comparison.sources, comparison.checked, strict=True):
        if not checked.not_found:
            continue
        add(f"### {s.label} ({len(checked.not_found)})")
        add("")
        for item in checked.not_found:
            if isinstance(item, CheckedFact):
                add(
                    f"- fact: {_inline(item.fact.statement)}: model's quote "
                    f"\u201c{_inline(item.fact.quote)}\u201d"
                )
            elif isinstance(item, CheckedPosition):
                add(
                    f"- position of {_inline(item.position.actor)}: "
                    f"{_inline(item.position.stance)}: model's quote "
                    f"\u201c{_inline(item.position.quote)}\u201d"
                )
        add("")
    aside = sum(len(c.set_aside) for c in comparison.checked)
    add(f"## Appendix C: set aside as not about the event ({aside})")
    add("")
    if not aside:
        add("Nothing was set aside.")
        add("")
    for s, checked in zip(comparison.sources, comparison.checked, strict=True):
        for item in checked.set_aside:
            text = located_text(checked.extraction, item.evidence.start, item.evidence.end)
            add(
                f"- {s.label}: {_inline(item.fact.statement)} ({item.set_aside}): "
                f"\u201c{_inline(text)}\u201d"
            )
    if aside:
        add("")
    add("## How this report was made")
    add("")
    add(
        "A language model extracted facts and positions from each article. Everything after "
        "that is deterministic: each quote is located in its article; items whose quote is "
        "not there, or that sit in page chrome or a block of other stories, or that the "
        "model marked off-topic, are kept out of the facts and listed above; duplicates are "
        "merged. Facts from different sources are grouped when the content words of their "
        f"statements overlap (Jaccard >= {comparison.threshold:g}). This version does not "
        "yet detect contradictions between sources."
    )
    add("")
