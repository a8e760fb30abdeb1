"""Turn a hand-written reference draft into an extraction file `summarizer compare` reads.

    python scripts/build_reference.py DRAFT.json ARTICLE.txt OUT.json

A draft is what a strong model should return for the whole article:
``{"article": {...ArticleInfo}, "facts": [...Fact], "positions": [...Position]}``.
Every quote must be found verbatim (up to typography) in the article. The builder
splits the article into chunks small enough that no chunk holds more items than the
per-chunk schema allows, puts each item in the chunk where its quote is, and writes an
ArticleExtraction labelled as hand-written reference data, not model output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summarizer.chunking import split_text
from summarizer.evidence import Grade, locate_quote
from summarizer.ingest import make_article
from summarizer.models import (
    MAX_FACTS_PER_CHUNK,
    MAX_POSITIONS_PER_CHUNK,
    SCHEMA_VERSION,
    ArticleExtraction,
    ArticleInfo,
    ChunkExtraction,
    ChunkRecord,
    Fact,
    Position,
)

REFERENCE_PROVIDER = "reference"
REFERENCE_MODEL = "hand-written reference extraction (not model output)"


def build(draft_path: Path, article_path: Path) -> ArticleExtraction:
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    article = make_article(article_path.read_bytes(), str(article_path))
    info = ArticleInfo.model_validate(draft["article"])
    facts = [Fact.model_validate(f) for f in draft["facts"]]
    positions = [Position.model_validate(p) for p in draft["positions"]]
    where: list[int] = []
    for item in [*facts, *positions]:
        ev = locate_quote(item.quote, article.text)
        if ev.grade is not Grade.VERIFIED or ev.start is None:
            raise SystemExit(f"{draft_path}: quote not in the article: {item.quote!r}")
        where.append(ev.start)
    for budget in (800, 600, 400, 300, 200, 150, 100, 75, 50):
        chunks = split_text(article.text, budget)
        buckets: list[tuple[list[Fact], list[Position]]] = [([], []) for _ in chunks]
        for item, start in zip([*facts, *positions], where, strict=True):
            index = max(i for i, c in enumerate(chunks) if c.start <= start)
            if isinstance(item, Fact):
                buckets[index][0].append(item)
            else:
                buckets[index][1].append(item)
        if all(
            len(f) <= MAX_FACTS_PER_CHUNK and len(p) <= MAX_POSITIONS_PER_CHUNK
            for f, p in buckets
        ):
            break
    else:
        raise SystemExit(f"{draft_path}: too many items close together for the chunk schema")
    records = [
        ChunkRecord(
            index=i,
            start=c.start,
            end=c.end,
            tokens=c.tokens,
            extraction=ChunkExtraction(article=info, facts=f, positions=p),
            usage=None,
        )
        for i, (c, (f, p)) in enumerate(zip(chunks, buckets, strict=True))
    ]
    return ArticleExtraction(
        schema_version=SCHEMA_VERSION,
        article_id=article.article_id,
        source=f"examples/scholz-putin/{article_path.name}",
        title=article.title,
        sha256=article.sha256,
        text=article.text,
        outlet=None,
        published=None,
        provider=REFERENCE_PROVIDER,
        model=REFERENCE_MODEL,
        chunks=records,
    )


def main() -> None:
    draft, article, out = (Path(a) for a in sys.argv[1:4])
    extraction = build(draft, article)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(extraction.model_dump_json(indent=2) + "\n", encoding="utf-8")
    n = sum(len(c.extraction.facts) for c in extraction.chunks)
    print(f"{out}: {n} facts in {len(extraction.chunks)} chunks")


if __name__ == "__main__":
    main()
