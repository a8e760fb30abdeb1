"""The command line: a thin shell over the library.

This is the only place that turns a ``SummarizerError`` into ``Error: ...`` on stderr
and exit code 1. Usage errors (unknown option, bad --record-mode) exit 2, from typer.

Start-up matters (``python -m bench --only latency``): what a command needs is imported
inside it, so ``--help`` and ``compare`` never load the openai SDK, its HTTP stack or
tiktoken, and help is plain click text rather than typer's rich rendering (importing
rich cost more than all of the help's own work).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, ParamSpec, TypeVar

import typer

from .chunking import DEFAULT_CHUNK_TOKENS
from .config import load_config
from .errors import InvalidOutputError, SummarizerError
from .evidence import DEFAULT_NEAR_THRESHOLD
from .record_mode import RecordMode
from .report_format import ReportFormat

if TYPE_CHECKING:
    from .models import ArticleExtraction
    from .pipeline import ExtractionRun
    from .report import RunContext
    from .usage import RunStats

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Compare news articles about one event: what sources agree on, what only one "
    "reports, and how each frames it, every claim backed by a verbatim quote.",
)

ProviderOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer needs a runtime type on Python 3.10
    typer.Option("--provider", "-p", help="Profile to use (see 'summarizer providers')."),
]
ModelOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--model", "-m", help="Override the profile's model."),
]
ConfigOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="TOML config file with [profiles.NAME] tables."),
]
CassetteOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--cassette", help="Replay (and record) model responses from this JSON file."),
]
RecordModeOpt = Annotated[
    RecordMode,
    typer.Option(
        "--record-mode",
        help="none: replay only; new: record what the cassette lacks; all: re-record.",
        case_sensitive=False,
    ),
]
ChunkOpt = Annotated[
    int, typer.Option("--chunk-tokens", min=50, help="Token budget of one article chunk.")
]
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Neither reuse nor keep model answers in the response cache."),
]
ConcurrencyOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--concurrency", "-j", min=1, help="Calls in flight at once (profile default)."),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the plan (chunks, calls, tokens, cost); call nothing."),
]
MaxCostOpt = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option("--max-cost", min=0.0, help="Stop before the run could cost more (US$)."),
]
MaxTokensOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--max-tokens", min=1, help="Stop before the run could use more tokens."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
NearOpt = Annotated[
    float,
    typer.Option(
        "--near-threshold",
        min=50.0,
        max=100.0,
        help="Least fuzzy similarity (%) for a quote to count as found (near).",
    ),
]
FormatOpt = Annotated[
    ReportFormat,
    typer.Option("--format", "-f", help="markdown (default) or json.", case_sensitive=False),
]
TimestampOpt = Annotated[
    bool,
    typer.Option(
        "--timestamp", help="Record the time in the run appendix (reports are otherwise stable)."
    ),
]
AliasesOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--aliases", help='TOML file: [aliases] "spelling" = "Canonical name".'),
]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """summarizer: cross-source reports on one news event."""


P = ParamSpec("P")
R = TypeVar("R")


def _handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except SummarizerError as exc:
            typer.echo(f"Error: {exc}", err=True)
            if isinstance(exc, InvalidOutputError) and exc.raw_output:
                typer.echo(f"Last model output:\n{exc.raw_output[:2000]}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo(
                "Interrupted: every finished call is cached; calls already sent finish and are "
                "kept too (Ctrl-C again to quit at once). Run again to resume.",
                err=True,
            )
            raise typer.Exit(130) from None

    return wrapper


def _context(responses: str, timestamp: bool, stats: RunStats | None = None) -> RunContext:
    from .report import RunContext

    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds") if timestamp else None
    return RunContext(responses=responses, generated_at=now, stats=stats)


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class _RunOptions:
    provider: str | None
    model: str | None
    config: Path | None
    cassette: Path | None
    record_mode: RecordMode
    chunk_tokens: int
    no_cache: bool
    concurrency: int | None
    dry_run: bool
    max_cost: float | None
    max_tokens: int | None
    quiet: bool


def _run_extraction(
    paths: list[str], opts: _RunOptions, out_dir: Path | None = None
) -> ExtractionRun | None:
    """The extractions and their statistics, or None after a dry run (plan on stdout)."""
    from .cache import ResponseCache, default_cache_dir
    from .ingest import load_articles
    from .pipeline import run_extraction, write_extraction
    from .plan import plan_extraction
    from .progress import ProgressView

    profile = load_config(opts.config).resolve(opts.provider, opts.model)
    if opts.concurrency is not None:
        profile = dataclasses.replace(profile, concurrency=opts.concurrency)
    articles = load_articles(paths)
    cache_dir = None if opts.no_cache or opts.cassette else default_cache_dir()
    if opts.dry_run:
        plan = plan_extraction(
            articles,
            profile,
            chunk_tokens=opts.chunk_tokens,
            cache=ResponseCache(cache_dir) if cache_dir is not None else None,
        )
        sys.stdout.write(plan.render())
        return None
    with ProgressView(quiet=opts.quiet) as view:

        def keep(extraction: ArticleExtraction) -> None:
            if out_dir is not None:
                view.message(f"wrote {write_extraction(extraction, out_dir)}")

        run = run_extraction(
            articles,
            profile,
            cassette_path=opts.cassette,
            record_mode=opts.record_mode,
            chunk_tokens=opts.chunk_tokens,
            cache_dir=cache_dir,
            max_cost=opts.max_cost,
            max_tokens=opts.max_tokens,
            progress=view.message,
            on_article=keep,
            on_part=view.part_done,
        )
    if not opts.quiet:
        typer.echo(f"summarizer: {run.stats.summary()}", err=True)
    return run


@app.command()
@_handles_errors
def report(
    paths: Annotated[list[str], typer.Argument(help="Article files, folders, or - for stdin.")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the report here instead of stdout."),
    ] = None,
    fmt: FormatOpt = ReportFormat.MARKDOWN,
    timestamp: TimestampOpt = False,
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    config: ConfigOpt = None,
    cassette: CassetteOpt = None,
    record_mode: RecordModeOpt = RecordMode.NONE,
    chunk_tokens: ChunkOpt = DEFAULT_CHUNK_TOKENS,
    no_cache: NoCacheOpt = False,
    concurrency: ConcurrencyOpt = None,
    dry_run: DryRunOpt = False,
    max_cost: MaxCostOpt = None,
    max_tokens: MaxTokensOpt = None,
    near_threshold: NearOpt = DEFAULT_NEAR_THRESHOLD,
    aliases: AliasesOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ingest, extract, compare: print a Markdown (or JSON) report of the articles."""
    from .pipeline import report_from_extractions

    opts = _RunOptions(
        provider,
        model,
        config,
        cassette,
        record_mode,
        chunk_tokens,
        no_cache,
        concurrency,
        dry_run,
        max_cost,
        max_tokens,
        quiet,
    )
    run = _run_extraction(paths, opts)
    if run is None:
        return
    if cassette is not None:
        responses = f"cassette {cassette.as_posix()} (record mode {record_mode.value})"
    elif no_cache:
        responses = "the model (cache off)"
    else:
        responses = "the model and the response cache"
    text = report_from_extractions(
        run.extractions,
        near_threshold=near_threshold,
        aliases_path=aliases,
        context=_context(responses, timestamp, run.stats),
        fmt=fmt,
    )
    _write_output(text, output)


@app.command()
@_handles_errors
def extract(
    paths: Annotated[list[str], typer.Argument(help="Article files, folders, or - for stdin.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for one JSON file per article.")
    ],
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    config: ConfigOpt = None,
    cassette: CassetteOpt = None,
    record_mode: RecordModeOpt = RecordMode.NONE,
    chunk_tokens: ChunkOpt = DEFAULT_CHUNK_TOKENS,
    no_cache: NoCacheOpt = False,
    concurrency: ConcurrencyOpt = None,
    dry_run: DryRunOpt = False,
    max_cost: MaxCostOpt = None,
    max_tokens: MaxTokensOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write one validated extraction JSON per article (input of 'compare')."""
    opts = _RunOptions(
        provider,
        model,
        config,
        cassette,
        record_mode,
        chunk_tokens,
        no_cache,
        concurrency,
        dry_run,
        max_cost,
        max_tokens,
        quiet,
    )
    _run_extraction(paths, opts, out_dir=output)


@app.command()
@_handles_errors
def compare(
    files: Annotated[list[str], typer.Argument(help="Extraction JSON files from 'extract'.")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the report here instead of stdout."),
    ] = None,
    fmt: FormatOpt = ReportFormat.MARKDOWN,
    timestamp: TimestampOpt = False,
    near_threshold: NearOpt = DEFAULT_NEAR_THRESHOLD,
    aliases: AliasesOpt = None,
) -> None:
    """Build the report from extraction files alone: no model, no network."""
    from .pipeline import load_extractions, report_from_extractions

    text = report_from_extractions(
        load_extractions(files),
        near_threshold=near_threshold,
        aliases_path=aliases,
        context=_context("extraction files", timestamp),
        fmt=fmt,
    )
    _write_output(text, output)


@app.command()
@_handles_errors
def providers(config: ConfigOpt = None) -> None:
    """List the configured profiles and which one is active. Never prints a key."""
    cfg = load_config(config)
    active = cfg.resolve().name
    typer.echo(f"config file: {cfg.path or '(none; built-in profiles only)'}")
    for name in sorted(cfg.profiles):
        marker = "*" if name == active else " "
        typer.echo(f"{marker} {name}")
        for key, value in cfg.profiles[name].describe().items():
            typer.echo(f"    {key:<12} {value}")
    typer.echo("(* = active; choose with --provider, $SUMMARIZER_PROVIDER or 'default')")


cache_app = typer.Typer(
    no_args_is_help=True, help="The response cache: every completed model call, on disk."
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
@_handles_errors
def cache_info() -> None:
    """Where the cache is, how many answers it holds and their size."""
    from .cache import ResponseCache, default_cache_dir

    typer.echo(ResponseCache(default_cache_dir()).info().describe())


@cache_app.command("clear")
@_handles_errors
def cache_clear() -> None:
    """Delete every cached answer (the next run pays for its calls again)."""
    from .cache import ResponseCache, default_cache_dir

    cache = ResponseCache(default_cache_dir())
    removed = cache.clear()
    typer.echo(f"removed {removed} cached responses from {cache.directory}")


def main() -> None:
    app(prog_name="summarizer")
