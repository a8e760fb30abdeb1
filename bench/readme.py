"""Render a result file as the generated section of ``bench/README.md``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import REPO

README = REPO / "bench" / "README.md"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


def _s(value: float) -> str:
    return f"{value:.2f}" if value >= 10 else f"{value:.3f}"


def _int(value: Any) -> str:
    return "n/a" if value is None else f"{value:,}"


def _machine(result: dict[str, Any], source: str) -> list[str]:
    m = result["machine"]
    dirty = " plus uncommitted changes" if m.get("git_dirty") else ""
    load = ", ".join(str(x) for x in m.get("load_average_at_start", []))
    return [
        f"Command: `{result['command']}` ({result['started']} to {result['finished']}, "
        f"results in `{source}`).",
        "",
        f"Machine: {m['cpu_model']}, {m['cpu_count']} cores ({m['cpus_usable']} usable), "
        f"{m['memory_gib']} GiB, {m['python_implementation']} {m['python']}, "
        f"{m['platform']}; load average at start {load} (a machine shared with other work). "
        f"Code: commit `{(m['git_commit'] or 'unknown')[:12]}`{dirty}.",
    ]


def _throughput(b: dict[str, Any]) -> list[str]:
    out = ["### 1. Call throughput against the ideal", ""]
    if "error" in b:
        return [*out, f"Failed: {b['error']}"]
    if b.get("skipped"):
        return [*out, f"Skipped: {b['reason']}."]
    out += [
        f"200 chunk calls, fake OpenAI-compatible server answering after {b['latency_s']} s; "
        "ideal = ceil(N / c) x latency; efficiency = ideal / actual (median of runs).",
        "",
        "| concurrency | calls | requests seen | ideal s | actual s (median) | efficiency |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in b["rows"]:
        out.append(
            f"| {r['concurrency']} | {r['calls']} | {_int(r['requests_seen'])} | "
            f"{r['ideal_seconds']:.1f} | {r['median_seconds']:.2f} | {r['efficiency']:.1%} |"
        )
    return out


def _tokens(b: dict[str, Any]) -> list[str]:
    out = ["### 2. Token overhead per call (sample corpus, 5 articles)", ""]
    if "error" in b:
        return [*out, f"Failed: {b['error']}"]
    now = b["this_tree"]
    out += [
        "Tokens of the exact messages `build_messages` sends, counted with tiktoken "
        f"`{now['encoding']}`; per call, mean over the corpus's chunks. The schema column "
        "is `json.dumps(response_schema())`, which OpenAI bills as input on every call "
        "(local servers make a grammar of it and bill nothing).",
        "",
        "| chunk tokens | calls | instructions | field guide | schema | article text | "
        "prompt / article | without schema |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in now["sizes"]:
        p = size["per_call"]
        out.append(
            f"| {size['chunk_tokens']} | {size['calls']} | {p['instructions']:.0f} | "
            f"{p['field_guide']:.0f} | {p['schema']:.0f} | {p['article']:.0f} | "
            f"{size['prompt_per_article_token']:.2f} | "
            f"{size['prompt_per_article_token_no_schema']:.2f} |"
        )
    base = b.get("baseline")
    if base:
        out += [
            "",
            f"Schema shrink, measured side by side against commit `{b['baseline_ref'][:12]}`: "
            "the wire schema no longer repeats the field descriptions the prompt already "
            "carries, and unused `$defs` are dropped.",
            "",
            "| | schema tokens per call | schema chars | "
            + " | ".join(f"prompt / article at {s['chunk_tokens']}" for s in now["sizes"])
            + " |",
            "|---|---:|---:|" + "---:|" * len(now["sizes"]),
        ]
        for label, tree in (("before", base), ("after", now)):
            ratio = {t["chunk_tokens"]: t["prompt_per_article_token"] for t in tree["sizes"]}
            ratios = " | ".join(f"{ratio[t['chunk_tokens']]:.2f}" for t in now["sizes"])
            out.append(
                f"| {label} | {tree['schema_tokens']:,} | {tree['schema_chars']:,} | {ratios} |"
            )
    c = now["cassette"]
    out += [
        "",
        f"Completion tokens, from the committed cassette ({c['calls']} calls at "
        f"{c['chunk_tokens']} chunk tokens, counted by {c['tokenizer']}): "
        f"{c['completion_tokens_total']:,} in all, median {c['completion_tokens_median']:g} "
        f"per call; the same calls' prompts were {c['prompt_tokens_total']:,} tokens "
        f"(median {c['prompt_tokens_median']:g}), schema not included.",
    ]
    return out


def _latency(b: dict[str, Any]) -> list[str]:
    out = ["### 3. Start-up and replay latency, 5. peak RSS of the replay", ""]
    if "error" in b:
        return [*out, f"Failed: {b['error']}"]
    out += [
        f"Fresh process per run, wall time from spawn to exit and the process's own peak "
        f"RSS; median of {b['runs']} runs after one warm-up, variants interleaved. "
        "`help` is `summarizer --help`; `replay` is the README's "
        "`summarizer report examples/scholz-putin --cassette cassettes/scholz-putin.json` "
        "(with `--quiet`). *console script* is the installed `summarizer`; *this tree* and "
        '*baseline* run the same launcher (`python -c "from summarizer.cli import main; '
        "main()\"`) in this tree and in the baseline commit's tree.",
        "",
        "| command | variant | seconds (median) | min - max | peak RSS MiB (median) |",
        "|---|---|---:|---:|---:|",
    ]
    for r in b["rows"]:
        variant = r["variant"]
        if variant == "baseline":
            variant = f"baseline `{b['baseline_ref'][:12]}`"
        s, m = r["seconds"], r["max_rss_mib"]
        out.append(
            f"| {r['command']} | {variant} | {_s(s['median'])} | "
            f"{_s(s['min'])} - {_s(s['max'])} | {m['median']:.0f} |"
        )
    rows = {(r["variant"], r["command"]): r for r in b["rows"]}
    lines = []
    for command in ("help", "replay"):
        before, after = rows.get(("baseline", command)), rows.get(("this tree", command))
        if before and after:
            b_s, a_s = before["seconds"]["median"], after["seconds"]["median"]
            b_m, a_m = before["max_rss_mib"]["median"], after["max_rss_mib"]["median"]
            lines.append(
                f"`{command}`: {_s(b_s)} s -> {_s(a_s)} s ({b_s / a_s:.1f}x), "
                f"{b_m:.0f} -> {a_m:.0f} MiB"
            )
    if lines:
        out += ["", "Before -> after (lazy imports, plain help): " + "; ".join(lines) + "."]
    return out


def _scaling(b: dict[str, Any]) -> list[str]:
    out = ["### 4. Comparison scaling (synthetic corpora)", ""]
    if "error" in b:
        return [*out, f"Failed: {b['error']}"]
    out += [
        f"`{b['command']}`, one process per size and run; seconds and peak RSS of "
        "`compare_articles` alone (corpus generation excluded).",
        "",
        "| articles | facts | claims | groups | candidate pairs | runs | seconds (median) | "
        "min - max | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in b["sizes"]:
        if s.get("stopped"):
            out.append(f"| {s['articles']:,} | stopped after {s['max_seconds']:g} s |")
            continue
        t = s["seconds"]
        out.append(
            f"| {s['articles']:,} | {_int(s['facts'])} | {_int(s['claims'])} | "
            f"{_int(s['groups'])} | {_int(s['candidate_pairs'])} | {t['runs']} | "
            f"{t['median']:.2f} | {t['min']:.2f} - {t['max']:.2f} | "
            f"{s['peak_rss_mib']['median']:,.0f} |"
        )
    for key, r in b["ratios"].items():
        out += [
            "",
            f"Time ratio {key.replace('/', ' / ')} articles: {r['seconds']:.2f} "
            f"(claims ratio {r['claims']:.2f}).",
        ]
    return out


def render(result: dict[str, Any], source: str) -> str:
    lines = [
        BEGIN,
        f"<!-- generated by python -m bench from {source}; edit bench/readme.py, not this -->",
        "",
        *_machine(result, source),
    ]
    sections = {
        "throughput": _throughput,
        "tokens": _tokens,
        "latency": _latency,
        "scaling": _scaling,
    }
    for name, fn in sections.items():
        if name in result["benchmarks"]:
            lines += ["", *fn(result["benchmarks"][name])]
    lines += ["", END]
    return "\n".join(lines)


def update_readme(result: dict[str, Any], path: Path) -> None:
    try:
        source = str(path.resolve().relative_to(REPO))
    except ValueError:
        source = str(path)
    text = README.read_text(encoding="utf-8")
    block = render(result, source)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Measured by `python -m bench`\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")
