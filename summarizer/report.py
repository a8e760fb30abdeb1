"""Render a ``Comparison`` as Markdown. Same comparison, byte-identical report."""

from __future__ import annotations

from .comparison import Comparison, FactRef, PositionRef


def _inline(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _quote(text: str, verbatim: bool) -> str:
    mark = "" if verbatim else " *(not found verbatim in the article)*"
    return f"\u201c{_inline(text)}\u201d{mark}"


def _attribution(ref: FactRef) -> str:
    a = ref.fact.attribution
    who = a.name or ("the article" if a.kind.value == "article" else a.kind.value.replace("_", " "))
    hedge = ", hedged" if ref.fact.hedged else ""
    return f"{who}{hedge}"


def _value(ref: FactRef) -> str:
    v = ref.fact.value
    return "" if v is None else f" [{v.kind.value}: {_inline(v.text)}]"


def render_report(comparison: Comparison) -> str:
    out: list[str] = []
    n = len(comparison.sources)
    total = sum(s.facts for s in comparison.sources)
    verbatim = sum(s.verbatim for s in comparison.sources)
    models = sorted({s.model for s in comparison.sources})
    out.append(f"# What {n} source{'s' if n != 1 else ''} report")
    out.append("")
    out.append(
        f"{total} facts on the main event ({verbatim} with a verbatim quote), "
        f"{len(comparison.shared)} stated by two or more sources, "
        f"{len(comparison.single)} by one source. Extracted by: {', '.join(models)}."
    )
    out.append("")
    out.append("## Sources")
    out.append("")
    out.append("| source | title | outlet | published | parts | facts | verbatim | positions |")
    out.append("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |")
    for s in comparison.sources:
        out.append(
            f"| {s.label} | {_inline(s.title)} | {_inline(s.outlet or '-')} | "
            f"{_inline(s.published or '-')} | {s.chunks} | {s.facts} | {s.verbatim} | "
            f"{s.positions} |"
        )
    out.append("")
    out.append("## The event, as each source puts it")
    out.append("")
    for s in comparison.sources:
        out.append(f"- **{s.label}**: {_inline(s.main_event or '(not stated)')}")
    out.append("")
    out.append("## Stated by two or more sources")
    out.append("")
    if not comparison.shared:
        out.append("No fact was matched across sources.")
        out.append("")
    for number, group in enumerate(comparison.shared, start=1):
        lead = group.facts[0].fact.statement
        out.append(f"### {number}. {_inline(lead)}")
        out.append("")
        out.append(f"Sources: {', '.join(group.sources)}")
        out.append("")
        for ref in group.facts:
            out.append(
                f"- **{ref.source}** ({_attribution(ref)}){_value(ref)}: "
                f"{_quote(ref.fact.quote, ref.verbatim)}"
            )
        out.append("")
    out.append("## Stated by one source only")
    out.append("")
    by_source: dict[str, list[FactRef]] = {}
    for group in comparison.single:
        for ref in group.facts:
            by_source.setdefault(ref.source, []).append(ref)
    for s in comparison.sources:
        refs = by_source.get(s.label, [])
        if not refs:
            continue
        out.append(f"### {s.label}")
        out.append("")
        for ref in refs:
            out.append(
                f"- {_inline(ref.fact.statement)} ({_attribution(ref)}){_value(ref)}: "
                f"{_quote(ref.fact.quote, ref.verbatim)}"
            )
        out.append("")
    out.append("## Positions, per source")
    out.append("")
    by_source_pos: dict[str, list[PositionRef]] = {}
    for pref in comparison.positions:
        by_source_pos.setdefault(pref.source, []).append(pref)
    for s in comparison.sources:
        prefs = by_source_pos.get(s.label, [])
        if not prefs:
            continue
        out.append(f"### {s.label}")
        out.append("")
        for pref in prefs:
            p = pref.position
            out.append(
                f"- **{_inline(p.actor)}** on {_inline(p.topic)}: {_inline(p.stance)} "
                f"({p.reported_as.value.replace('_', ' ')}): {_quote(p.quote, pref.verbatim)}"
            )
        out.append("")
    out.append("## Set aside as not about the event")
    out.append("")
    if not comparison.off_topic:
        out.append("Nothing was set aside.")
    for ref in comparison.off_topic:
        out.append(f"- {ref.source}: {_inline(ref.fact.statement)}: {_quote(ref.fact.quote, ref.verbatim)}")
    out.append("")
    out.append("## How this report was made")
    out.append("")
    out.append(
        "A language model extracted facts and positions from each article; everything after "
        "that is deterministic. Facts from different sources are grouped when the content "
        f"words of their statements overlap (Jaccard >= {comparison.threshold:g}). This first "
        "version does not yet detect contradictions, and items whose quote is not found "
        "verbatim are shown, marked, not removed: check them against the article."
    )
    out.append("")
    return "\n".join(out)
