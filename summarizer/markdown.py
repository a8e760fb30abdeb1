"""Render a ``Report`` as Markdown that survives hostile article text.

Article text is data, never markup: every piece of it goes through ``escape`` (Markdown
punctuation backslash-escaped, so no emphasis, link, code span, table cell break or
HTML tag can form; line breaks and control characters removed; very long text
clipped for display, the JSON keeps all of it). The renderer targets CommonMark with
GitHub tables, the dialect of GitHub, GitLab and most newsroom wikis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .document import ClaimEntry, Discrepancy, FramingRow, Quote, Report, SourceEntry

# Markdown-significant ASCII punctuation that can start markup anywhere in a line:
# emphasis, code, links and images (an unopened "]" is inert), HTML and autolinks,
# entities, table cells, strikethrough, math, a heading's closing #. An underscore
# inside a word cannot open emphasis (CommonMark), so "01_commentary" stays readable.
_SPECIAL = re.compile(r"([\\`*\[<>&|~$#])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# C0/C1 controls and bidirectional overrides that could hide or reorder what is shown.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

QUOTE_CHARS = 320  # a quote longer than this is clipped on screen (offsets give the rest)
CELL_CHARS = 120  # statements and stances in tables
TITLE_CHARS = 160
GLANCE_CHARS = 90
STANCE_CHARS = 70  # a framing-matrix cell shows two stances at most


def escape(text: str, limit: int | None = None) -> str:
    """``text`` as inert Markdown on one line, clipped to ``limit`` characters."""
    flat = " ".join(_INVISIBLE.sub(" ", text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), flat)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _where(q: Quote) -> str:
    loc = q.location
    where = f"\u00b6{loc.paragraph}, chars {loc.start}\u2013{loc.end}"
    notes = []
    if q.match == "near":
        notes.append(f"near match, {q.similarity:g}% similar")
    if not q.speaker_near_quote:
        notes.append("speaker not named near the quote")
    return where + (f" ({'; '.join(notes)})" if notes else "")


def _quote(q: Quote) -> str:
    return f"\u201c{escape(q.text, QUOTE_CHARS)}\u201d"


def _value(claim: ClaimEntry) -> str:
    v = claim.value
    if v is None:
        return "\u2013"
    return f"{escape(v.text)} \u2192 {escape(v.normalised)}"


def _speaker(claim: ClaimEntry) -> str:
    return escape(claim.speaker) + (" (hedged)" if claim.hedged else "")


def _table(
    head: Sequence[str], rows: Iterable[Sequence[str]], right: Iterable[int] = ()
) -> list[str]:
    align = ["---:" if i in set(right) else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return [*lines, ""]


def render_markdown(report: Report) -> str:
    out: list[str] = []
    _head(report, out)
    _sources(report.sources, out)
    _discrepancies(report, out)
    _consensus(report, out)
    _single(report, out)
    _framing(report, out)
    _summaries(report, out)
    _appendix(report, out)
    return "\n".join(out)


def _head(r: Report, out: list[str]) -> None:
    c = r.counts
    out += [f"# {escape(r.title)}", ""]
    if r.event:
        out += [f"**Event:** {escape(r.event)} *(as {escape(r.event_source or '')} puts it)*", ""]
    out += [
        f"**{_count(c.discrepancies, 'discrepancy', 'discrepancies')}** \u00b7 "
        f"{_count(c.consensus, 'claim')} reported by two or more sources \u00b7 "
        f"{c.single} by one source only \u00b7 "
        f"{_count(c.framing_differences, 'framing difference')} \u00b7 "
        f"{_count(c.unsupported, 'model claim')} not in the articles (Appendix A)",
        "",
    ]
    if r.discrepancies:
        out += ["Where the sources disagree:", ""]
        out += [f"- {_glance(d)}" for d in r.discrepancies]
        out.append("")
    out += [
        "Every quote is the article's own text, located by paragraph (\u00b6) and character "
        "offsets, so each line can be checked. Extracted by: "
        f"{escape(', '.join(r.run.models))}.",
        "",
    ]


def _glance(d: Discrepancy) -> str:
    """One line: what clashes, and each side of it (only the sources a rule compared)."""
    involved = {s for f in d.findings for s in f.sources}
    claims = [c for c in d.claims if c.source in involved]
    if d.kind == "attribution conflict":
        sides = [f"{escape(c.source)}: {escape(c.speaker)}" for c in claims]
    elif d.kind == "contradiction" or not all(c.value for c in claims):
        sides = [escape(" vs ".join(f.sources)) for f in d.findings]
    else:
        sides = [
            f"{escape(c.source)} \u201c{escape(c.value.text)}\u201d" for c in claims if c.value
        ]
    return (
        f"**{d.id}** {escape(d.kind)}: {escape(d.title, GLANCE_CHARS)} "
        f"({'; '.join(dict.fromkeys(sides))})"
    )


def _sources(sources: list[SourceEntry], out: list[str]) -> None:
    out += ["## Sources", ""]
    out += _table(
        ["source", "outlet", "date", "words", "claims", "verified", "near", "title"],
        (
            [
                f"**{escape(s.label)}**",
                escape(s.outlet or "\u2013"),
                escape(s.published or "\u2013"),
                f"{s.words:,}",
                str(s.claims_total),
                str(s.claims_verified),
                str(s.claims_near),
                escape(s.title, TITLE_CHARS),
            ]
            for s in sources
        ),
        right=(3, 4, 5, 6),
    )
    out += [
        "Outlet and date are shown only when the page's metadata or the article's text bears "
        "them out. Of each source's claims (facts and positions the model extracted), "
        "*verified* quotes are in the article verbatim (up to typography), *near* ones are "
        "fuzzy matches, flagged where they are used; the rest are in Appendix A.",
        "",
    ]


def _claim_table(claims: list[ClaimEntry], out: list[str]) -> None:
    out += _table(
        ["source", "who", "value \u2192 read as", "quote", "where"],
        (
            [f"**{escape(c.source)}**", _speaker(c), _value(c), _quote(c.quote), _where(c.quote)]
            for c in claims
        ),
    )


def _discrepancies(r: Report, out: list[str]) -> None:
    out += [f"## Discrepancies ({len(r.discrepancies)})", ""]
    if not r.discrepancies:
        out += ["None found: no two sources state values, speakers or claims that clash.", ""]
        return
    kinds = list(dict.fromkeys(d.kind for d in r.discrepancies))
    for kind in kinds:
        items = [d for d in r.discrepancies if d.kind == kind]
        out += [f"### {kind.capitalize()}s ({len(items)})", ""]
        for d in items:
            out += [f"#### {d.id}. {escape(d.title, TITLE_CHARS)}", ""]
            _claim_table(d.claims, out)
            out.append("**Why flagged:**")
            out.append("")
            for f in d.findings:
                maybe = " *(possible)*" if not f.certain else ""
                out.append(f"- {escape(' vs '.join(f.sources))}{maybe}: {escape(f.rule)}")
            out.append("")
            if d.matched_because:
                out += [
                    f"*Matched because:* {escape('; '.join(d.matched_because))} "
                    f"(score {d.match_score:g}).",
                    "",
                ]


def _consensus(r: Report, out: list[str]) -> None:
    out += [f"## Consensus ({len(r.consensus)})", ""]
    if not r.consensus:
        out += ["No claim was matched across sources.", ""]
        return
    out += _table(
        ["#", "claim", "sources", "which"],
        (
            [c.id, escape(c.title, CELL_CHARS), str(len(c.sources)), escape(", ".join(c.sources))]
            for c in r.consensus
        ),
        right=(2,),
    )
    out += ["Each with its quotes:", ""]
    for c in r.consensus:
        out.append(f"- **{c.id}.** {escape(c.title, TITLE_CHARS)}")
        for claim in c.claims:
            out.append(
                f"  - **{escape(claim.source)}** ({_speaker(claim)}): {_quote(claim.quote)} "
                f"\u2014 {_where(claim.quote)}"
            )
    out.append("")


def _single(r: Report, out: list[str]) -> None:
    out += [f"## Reported by one source only ({len(r.single_source)})", ""]
    if not r.single_source:
        out += ["None.", ""]
        return
    for source in dict.fromkeys(c.source for c in r.single_source):
        claims = [c for c in r.single_source if c.source == source]
        out += [f"### {escape(source)} ({len(claims)})", ""]
        for c in claims:
            value = f" [{escape(c.value.text)}]" if c.value else ""
            out.append(
                f"- {escape(c.statement, TITLE_CHARS)} ({_speaker(c)}){value}: "
                f"{_quote(c.quote)} \u2014 {_where(c.quote)}"
            )
        out.append("")


def _cell(row: FramingRow, source: str) -> str:
    cells = [c for c in row.cells if c.source == source]
    if not cells:
        return "\u2013"
    shown = [f"{escape(c.stance, STANCE_CHARS)} ({escape(c.claim_id)})" for c in cells[:2]]
    if len(cells) > 2:
        shown.append(f"+{len(cells) - 2} more")
    loaded = sorted({w for c in cells for w in c.loaded})
    marks = f" \u00b7 **loaded:** {escape(', '.join(loaded))}" if loaded else ""
    return " \u2022 ".join(shown) + marks


def _framing(r: Report, out: list[str]) -> None:
    out += ["## Positions and framing", ""]
    if not r.framing:
        out += ["No source reports an actor's position.", ""]
        return
    labels = [s.label for s in r.sources]
    out += [
        "Each actor's position as each source reports it: the stance, loaded words found in "
        "the quote, and the claim id (its quote is shown with the claim above).",
        "",
    ]
    shared = [row for row in r.framing if len({c.source for c in row.cells}) > 1]
    alone = [row for row in r.framing if len({c.source for c in row.cells}) == 1]
    if shared:
        out += _table(
            ["actor", *(escape(label) for label in labels)],
            ([f"**{escape(row.actor)}**", *(_cell(row, s) for s in labels)] for row in shared),
        )
    if alone:
        out += ["Actors whose positions only one source reports:", ""]
        for row in alone:
            source = row.cells[0].source
            out.append(f"- **{escape(row.actor)}** ({escape(source)}): {_cell(row, source)}")
        out.append("")
    if r.framing_differences:
        out += ["Loaded wording differs between sources on the same actor and topic:", ""]
        for f in r.framing_differences:
            out.append(f"- **{escape(f.actor)}** on {escape(f.topic)}: {escape(f.rule)}")
            for c in f.cells:
                out.append(
                    f"  - **{escape(c.source)}**: {escape(c.stance, CELL_CHARS)}: "
                    f"{_quote(c.quote)} \u2014 {_where(c.quote)}"
                )
        out.append("")
    else:
        out += ["No difference in loaded wording between sources on the same actor and topic.", ""]


def _summaries(r: Report, out: list[str]) -> None:
    out += ["## Per source", ""]
    for s, entry in zip(r.summaries, r.sources, strict=True):
        disc = ", ".join(s.discrepancies) or "none"
        actors = ", ".join(s.actors) or "none"
        out.append(
            f"- **{escape(s.source)}** ({escape(entry.outlet or 'outlet not stated')}, "
            f"{entry.words:,} words): {escape(s.event or 'event not stated', TITLE_CHARS)}. "
            f"Discrepancies: {escape(disc)}; agrees with another source on "
            f"{_count(s.consensus, 'claim')}; {s.single} claims only here; positions of "
            f"{escape(actors)}."
        )
    out.append("")


def _appendix(r: Report, out: list[str]) -> None:
    out += [
        f"## Appendix A: claims the model made that the articles do not contain "
        f"({len(r.unsupported)})",
        "",
    ]
    if not r.unsupported:
        out += ["None: every quote was found in its article.", ""]
    else:
        out += ["Listed for the record; none of them is used above.", ""]
        for u in r.unsupported:
            out.append(
                f"- **{escape(u.source)}** {u.kind}: {escape(u.statement, TITLE_CHARS)}; the "
                f"model's quote: \u201c{escape(u.model_quote, QUOTE_CHARS)}\u201d"
            )
        out.append("")
    out += [f"## Appendix B: set aside as not about the event ({len(r.set_aside)})", ""]
    if not r.set_aside:
        out += ["Nothing was set aside.", ""]
    for a in r.set_aside:
        out.append(
            f"- **{escape(a.source)}**: {escape(a.statement, TITLE_CHARS)} ({escape(a.reason)}): "
            f"{_quote(a.quote)} \u2014 {_where(a.quote)}"
        )
    if r.set_aside:
        out.append("")
    out += ["## Appendix C: evidence, per source", ""]
    out += _table(
        ["source", "claims", "verified", "near", "not found", "facts set aside", "merged"],
        (
            [
                escape(s.label),
                str(s.claims_total),
                str(s.claims_verified),
                str(s.claims_near),
                str(s.claims_not_found),
                str(s.set_aside),
                str(s.merged),
            ]
            for s in r.sources
        ),
        right=range(1, 7),
    )
    run, usage = r.run, r.run.usage
    tokens = (
        f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion"
        if usage.prompt_tokens is not None and usage.completion_tokens is not None
        else "not reported by the server"
    )
    rows = [
        ["tool", f"summarizer {escape(run.tool_version)}"],
        ["provider profile", escape(", ".join(run.providers))],
        ["model", escape(", ".join(run.models))],
        ["model responses from", escape(run.responses)],
        ["chunk calls behind the extractions", str(usage.calls)],
        ["their tokens", tokens],
    ]
    if run.this_run is not None:
        t = run.this_run
        cost = (
            "no prices in the profile"
            if t.estimated_cost_usd is None
            else f"about ${t.estimated_cost_usd:.4f}"
        )
        rows.append(
            [
                "this run",
                f"{t.calls_made} calls made, {t.calls_replayed} replayed; "
                f"{t.prompt_tokens:,} + {t.completion_tokens:,} tokens paid now; {cost}",
            ]
        )
    if run.generated_at:
        rows.append(["generated at", escape(run.generated_at)])
    out += ["## Appendix D: run", ""]
    out += _table(["item", "value"], rows)
    out += [
        "How this report was made: a language model extracted facts and positions from each "
        "article; everything after that is deterministic. Each quote is located in its "
        "article; items whose quote is not there, that sit in page chrome or a block of "
        "other stories, or that the model marked off-topic are kept out and listed above; "
        "duplicates are merged. Names are resolved across articles (aliases, titles, "
        "transliteration, surnames, roles); values become intervals or partial dates; claims "
        "are aligned on shared words, concepts, entities, quoted wording and value types; a "
        "group is a discrepancy when values cannot both hold, the same words are put in "
        "different mouths, or one source negates or reverses what another asserts.",
        "",
    ]
