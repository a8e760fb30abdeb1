"""Score a comparison of the sample corpus against EXPECTED.md (precision and recall).

    python bench/score_expected.py examples/scholz-putin/reference/*.json
    python bench/score_expected.py --cassette cassettes/scholz-putin.json

The answer key is encoded once, in tests/test_reference_comparison.py; this script
reuses it to print numbers instead of pass/fail.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_reference_comparison import (  # noqa: E402
    CONSENSUS,
    DISCREPANCIES,
    SINGLE_SOURCE,
    _matches,
    _sources_matched,
)

from summarizer.cassette import Cassette, RecordMode  # noqa: E402
from summarizer.chunking import DEFAULT_CHUNK_TOKENS  # noqa: E402
from summarizer.config import load_config  # noqa: E402
from summarizer.engine import Kind, compare_articles  # noqa: E402
from summarizer.extraction import ChunkExtractor  # noqa: E402
from summarizer.ingest import load_articles  # noqa: E402
from summarizer.models import ArticleExtraction  # noqa: E402
from summarizer.pipeline import load_extractions  # noqa: E402
from summarizer.provider import ModelClient  # noqa: E402


def _extractions(args: argparse.Namespace) -> list[ArticleExtraction]:
    if args.cassette:
        cassette = Cassette.load(Path(args.cassette), must_exist=True)
        client = ModelClient(
            load_config().resolve("local"), cassette=cassette, record_mode=RecordMode.NONE
        )
        extractor = ChunkExtractor(client)
        corpus = REPO / "examples" / "scholz-putin"
        return [extractor.extract_article(a, DEFAULT_CHUNK_TOKENS) for a in load_articles([corpus])]
    return load_extractions(args.files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--cassette")
    args = parser.parse_args()
    result = compare_articles(_extractions(args))
    found = []
    for item, (kinds, specs) in sorted(DISCREPANCIES.items()):
        hit = any(
            g.kind in kinds and len(_sources_matched(g, spec)) == len(spec)
            for spec in specs
            for g in result.groups
        )
        found.append(hit)
        print(f"{item}: {'flagged' if hit else 'missed'}")
    known = [spec for _, specs in DISCREPANCIES.values() for spec in specs]
    known.append([("04", "second-biggest")])
    flagged = result.discrepancies
    correct = sum(1 for g in flagged if any(_sources_matched(g, s) for s in known))
    shown = [
        item
        for item, spec in CONSENSUS.items()
        if any(
            g.kind is Kind.CONSENSUS and len(_sources_matched(g, spec)) >= 2 for g in result.groups
        )
    ]
    singles = [
        (src, words)
        for src, words in SINGLE_SOURCE
        if any(g.kind is Kind.SINGLE and _matches(g, src, words) for g in result.groups)
    ]
    print(f"discrepancies: recall {sum(found)}/5 (D1-D5), precision {correct}/{len(flagged)}")
    print(f"consensus shown: {len(shown)}/12 ({', '.join(shown)})")
    print(f"single-source claims listed: {len(singles)}/{len(SINGLE_SOURCE)}")
    print(
        f"groups: {len(result.groups)}, consensus {len(result.of_kind(Kind.CONSENSUS))}, "
        f"single {len(result.of_kind(Kind.SINGLE))}, framing differences "
        f"{sum(f.differs for f in result.framings)}"
    )


if __name__ == "__main__":
    main()
