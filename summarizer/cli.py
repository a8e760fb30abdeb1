"""The command line: a thin shell over the library.

This is the only place that turns a ``SummarizerError`` into ``Error: ...`` on stderr
and exit code 1. Usage errors (unknown option, bad --record-mode) exit 2, from typer.

Start-up matters (``python -m bench --only latency``): what a command needs is imported
inside it, so ``--help`` and ``compare`` never load the openai SDK, its HTTP stack or
tiktoken, and help is plain click text rather than typer's rich rendering (importing
rich cost more than all of the help's own work).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
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
    from .report import RunContext

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
NoCheckpointOpt = Annotated[
    bool,
    typer.Option("--no-checkpoint", help="Do not reuse or keep per-chunk results on disk."),
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
            typer.echo("Interrupted: finished chunks are kept; run again to resume.", err=True)
            raise typer.Exit(130) from None

    return wrapper


def _progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet:
        return None
    return lambda message: typer.echo(f"summarizer: {message}", err=True)


def _context(responses: str, timestamp: bool) -> RunContext:
    from .report import RunContext

    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds") if timestamp else None
    return RunContext(responses=responses, generated_at=now)


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def _run_extraction(
    paths: list[str],
    provider: str | None,
    model: str | None,
    config: Path | None,
    cassette: Path | None,
    record_mode: RecordMode,
    chunk_tokens: int,
    no_checkpoint: bool,
    quiet: bool,
    out_dir: Path | None = None,
) -> list[ArticleExtraction]:
    from .extraction import default_checkpoint_dir
    from .ingest import load_articles
    from .pipeline import extract_articles, write_extraction

    profile = load_config(config).resolve(provider, model)
    articles = load_articles(paths)

    def keep(extraction: ArticleExtraction) -> None:
        if out_dir is not None:
            written = write_extraction(extraction, out_dir)
            if not quiet:
                typer.echo(f"summarizer: wrote {written}", err=True)

    return extract_articles(
        articles,
        profile,
        cassette_path=cassette,
        record_mode=record_mode,
        chunk_tokens=chunk_tokens,
        checkpoint_dir=None if no_checkpoint else default_checkpoint_dir(),
        progress=_progress(quiet),
        on_article=keep,
    )


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
    no_checkpoint: NoCheckpointOpt = False,
    near_threshold: NearOpt = DEFAULT_NEAR_THRESHOLD,
    aliases: AliasesOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ingest, extract, compare: print a Markdown (or JSON) report of the articles."""
    from .pipeline import report_from_extractions

    extractions = _run_extraction(
        paths,
        provider,
        model,
        config,
        cassette,
        record_mode,
        chunk_tokens,
        no_checkpoint,
        quiet,
    )
    if cassette is not None:
        responses = f"cassette {cassette.as_posix()} (record mode {record_mode.value})"
    else:
        responses = f"the model, through profile {extractions[0].provider}" if extractions else "-"
    text = report_from_extractions(
        extractions,
        near_threshold=near_threshold,
        aliases_path=aliases,
        context=_context(responses, timestamp),
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
    no_checkpoint: NoCheckpointOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one validated extraction JSON per article (input of 'compare')."""
    _run_extraction(
        paths,
        provider,
        model,
        config,
        cassette,
        record_mode,
        chunk_tokens,
        no_checkpoint,
        quiet,
        out_dir=output,
    )


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


def main() -> None:
    app(prog_name="summarizer")
