"""The comparison engine on the hand-written reference extractions, scored against
EXPECTED.md: D1-D5 flagged, at least 10 of C1-C12 shown as consensus with their sources,
single-source claims listed, C1 and C9 never flagged as conflicts.

The reference files (examples/scholz-putin/reference/*.json) are hand-written reference
data, each written from its own article only; see their drafts/ folder.
"""

from __future__ import annotations

import unicodedata

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.engine import ClaimGroup, EngineResult, Kind, compare_articles
from summarizer.pipeline import load_extractions

REFERENCE = sorted((CORPUS / "reference").glob("*.json"))

# (source prefix, words from that source's quote), as EXPECTED.md quotes them.
Spec = list[tuple[str, str]]

# Each discrepancy: the kinds that count, and pairs of claims of which one must be flagged.
DISCREPANCIES: dict[str, tuple[set[Kind], list[Spec]]] = {
    "D1": (
        {Kind.NUMERIC},
        [
            [("02", "over two years"), ("04", "almost two years")],
            [("01", "nearly two years"), ("02", "over two years")],
            [("02", "over two years"), ("05", "nearly two years")],
        ],
    ),
    "D2": ({Kind.DATE}, [[("01", "next January"), ("04", "Feb. 23")]]),
    "D3": (
        {Kind.ATTRIBUTION},
        [[("01", "the dialogue itself has positive implications"), ("03", "fact of dialogue")]],
    ),
    "D4": (
        {Kind.CONTRADICTION},
        [
            [("02", "not informed"), ("03", "in consultation with others")],
            [("02", "not informed"), ("04", "liaise closely")],
        ],
    ),
    "D5": ({Kind.CONTRADICTION}, [[("03", "terminate funding"), ("04", "additional aid")]]),
}

CONSENSUS: dict[str, Spec] = {
    "C1": [
        ("02", "November 15"),
        ("03", "On November 15"),
        ("04", "call Friday"),
        ("05", "Friday"),
    ],
    "C2": [("01", "initiated by the German side"), ("03", "Scholz initiated a phone call")],
    "C3": [("03", "hour long"), ("05", "one-hour")],
    "C4": [("02", "territorial realities"), ("03", "territorial realities"), ("04", "territorial")],
    "C5": [("02", "aggressive policies"), ("03", "aggressive policy"), ("04", "aggressive policy")],
    "C6": [("03", "grave escalation"), ("04", "grave escalation")],
    "C7": [("02", "prior conversation"), ("04", "spoke by phone"), ("05", "Prior to his")],
    "C8": [("01", "maintain contact"), ("03", "stay in contact"), ("04", "remain in contact")],
    "C9": [("01", "candid"), ("03", "frank"), ("04", "detailed and frank")],
    "C10": [("02", "as long as necessary"), ("03", "as long as necessary"), ("05", "as long as")],
    "C11": [("02", "cooperate if Berlin"), ("03", "mutually beneficial cooperation")],
    "C12": [("04", "December 2022"), ("05", "December 2022")],
}

SINGLE_SOURCE: Spec = [
    ("01", "within 21 days"),
    ("01", "isolation of Russia"),
    ("02", "quite quickly"),
    ("03", "November 4"),
    ("04", "Taurus"),
    ("05", "least popular"),
]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.lower().split())


def _matches(group: ClaimGroup, source: str, words: str) -> bool:
    return any(c.source.startswith(source) and _norm(words) in _norm(c.quote) for c in group.claims)


def _sources_matched(group: ClaimGroup, spec: Spec) -> set[str]:
    return {src for src, words in spec if _matches(group, src, words)}


@pytest.fixture(scope="module")
def result() -> EngineResult:
    assert len(REFERENCE) == 5, "one reference extraction per article"
    return compare_articles(load_extractions(REFERENCE))


@pytest.mark.parametrize("item", sorted(DISCREPANCIES))
def test_discrepancy_is_flagged(result: EngineResult, item: str) -> None:
    kinds, specs = DISCREPANCIES[item]
    hits = [
        (g, spec)
        for spec in specs
        for g in result.groups
        if len(_sources_matched(g, spec)) == len(spec) and g.kind in kinds
    ]
    assert hits, f"{item}: no {kinds} group holds any of {specs}"
    group, spec = hits[0]
    assert group.kind in kinds, f"{item}: {group.kind} ({[f.rule for f in group.findings]})"
    involved = {
        result_claim.source[:2]
        for f in group.findings
        for result_claim in group.claims
        if result_claim.index in (f.a, f.b) and f.kind in kinds
    }
    assert {src for src, _ in spec} <= involved
    assert all(f.rule for f in group.findings)


def test_consensus_items(result: EngineResult) -> None:
    shown = {
        item
        for item, spec in CONSENSUS.items()
        if any(
            g.kind is Kind.CONSENSUS and len(_sources_matched(g, spec)) >= 2 for g in result.groups
        )
    }
    missing = sorted(set(CONSENSUS) - shown, key=lambda s: int(s[1:]))
    assert len(shown) >= 10, f"consensus shown: {sorted(shown)}; missing: {missing}"


@pytest.mark.parametrize("item", ["C1", "C9"])
def test_agreements_are_not_flagged_as_conflicts(result: EngineResult, item: str) -> None:
    spec = CONSENSUS[item]
    for group in result.discrepancies:
        assert len(_sources_matched(group, spec)) < 2, f"{item} flagged as {group.kind}"


@pytest.mark.parametrize(("source", "words"), SINGLE_SOURCE)
def test_single_source_claims_are_listed(result: EngineResult, source: str, words: str) -> None:
    groups = [g for g in result.groups if _matches(g, source, words)]
    assert groups, f"{source}: {words!r} not extracted"
    assert any(g.kind is Kind.SINGLE for g in groups), [g.sources for g in groups]


def test_no_discrepancy_beyond_the_answer_key(result: EngineResult) -> None:
    # Precision: every flagged discrepancy is one of D1-D6.
    known = [spec for _, specs in DISCREPANCIES.values() for spec in specs]
    known.append([("04", "second-biggest")])  # D6, which may show as possible
    for group in result.discrepancies:
        assert any(_sources_matched(group, spec) for spec in known), (
            f"unexpected {group.kind}: {[c.quote[:60] for c in group.claims]}"
        )


def test_compare_command_renders_the_reference_report() -> None:
    runner = CliRunner()
    args = ["compare", *map(str, REFERENCE)]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    for heading in (
        "## Discrepancies (5)",
        "## Consensus",
        "## Reported by one source only",
        "## Positions and framing",
    ):
        assert heading in first.stdout
