"""Benchmark 2: prompt tokens per call against the article tokens they carry.

Offline and exact for what we send: for every chunk of the sample corpus at each chunk
size, the messages ``summarizer.extraction.build_messages`` builds, counted with the
project's tokenizer (tiktoken ``o200k_base``, GPT-4o's) and split into

- instructions: the system prompt without the field guide, plus the user message's
  framing (title, part, offsets);
- field guide: the schema's descriptions rendered into the system prompt;
- schema: ``json.dumps(response_schema())``, the ``response_format`` OpenAI bills as
  input (its own serialisation differs a little; local servers turn it into a grammar
  and never show it to the model, so it costs them no prompt tokens);
- article: the chunk's text.

Completion tokens come from the cassette's recorded usage (the local Qwen model's own
tokenizer, at the default chunk size). The worker runs in a child process whose
``summarizer`` is either this tree or the baseline tree, so before and after are the
same code counting two versions.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import REPO

CHUNK_SIZES = (200, 400, 800)


def _count_tree(root: Path) -> dict[str, Any]:
    """Counts for the summarizer found first on sys.path (the child's cwd)."""
    from summarizer.chunking import DEFAULT_CHUNK_TOKENS, split_text
    from summarizer.extraction import build_messages
    from summarizer.ingest import load_articles
    from summarizer.models import render_field_guide, response_schema
    from summarizer.tokens import count_tokens

    articles = load_articles([root / "examples" / "scholz-putin"])
    guide = count_tokens(render_field_guide())
    schema_text = json.dumps(response_schema())
    schema = count_tokens(schema_text)
    sizes = []
    for size in CHUNK_SIZES:
        parts = {"instructions": 0, "field_guide": 0, "schema": 0, "article": 0}
        calls = 0
        for article in articles:
            chunks = split_text(article.text, size)
            for i, chunk in enumerate(chunks, start=1):
                system, user = build_messages(article, chunk, i, len(chunks))
                text = count_tokens(chunk.text)
                system_tokens = count_tokens(system["content"])
                user_tokens = count_tokens(user["content"])
                parts["instructions"] += system_tokens - guide + user_tokens - text
                parts["field_guide"] += guide
                parts["schema"] += schema
                parts["article"] += text
                calls += 1
        prompt = sum(parts.values())
        without_schema = prompt - parts["schema"]
        sizes.append(
            {
                "chunk_tokens": size,
                "calls": calls,
                "tokens": parts,
                "prompt_tokens": prompt,
                "per_call": {k: round(v / calls, 1) for k, v in parts.items()},
                "prompt_per_article_token": round(prompt / parts["article"], 3),
                "prompt_per_article_token_no_schema": round(without_schema / parts["article"], 3),
            }
        )
    cassette = json.loads((root / "cassettes" / "scholz-putin.json").read_text(encoding="utf-8"))
    usage = [e["meta"]["usage"] for e in cassette["entries"] if e["meta"].get("usage")]
    completion = [u["completion_tokens"] for u in usage]
    prompt_seen = [u["prompt_tokens"] for u in usage]
    return {
        "encoding": "o200k_base",
        "field_guide_tokens": guide,
        "schema_tokens": schema,
        "schema_chars": len(schema_text),
        "sizes": sizes,
        "cassette": {
            "chunk_tokens": DEFAULT_CHUNK_TOKENS,
            "tokenizer": "the recorded model's own (Qwen2.5), as reported by llama-server",
            "calls": len(usage),
            "completion_tokens_total": sum(completion),
            "completion_tokens_median": statistics.median(completion) if completion else None,
            "prompt_tokens_total": sum(prompt_seen),
            "prompt_tokens_median": statistics.median(prompt_seen) if prompt_seen else None,
            "models": sorted({e["meta"]["response_model"] for e in cassette["entries"]}),
        },
    }


def worker() -> None:
    out = Path(sys.argv[1])
    out.write_text(json.dumps(_count_tree(Path.cwd()), sort_keys=True), encoding="utf-8")


_WORKER = "import sys; sys.path.append({repo!r}); from bench.tokens import worker; worker()"


def _measure(root: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tokens.json"
        # cwd first on sys.path: that tree's summarizer; bench comes from this repository.
        code = _WORKER.format(repo=str(REPO))
        subprocess.run(
            [sys.executable, "-c", code, str(out)], cwd=root, env=env, check=True, timeout=600
        )
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data


def run(baseline: Path | None, baseline_ref: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"this_tree": _measure(REPO), "baseline_ref": baseline_ref}
    if baseline is not None:
        result["baseline"] = _measure(baseline)
    return result
