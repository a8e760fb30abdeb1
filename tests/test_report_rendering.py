"""The report's Markdown survives hostile article text; JSON matches its schema."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt
from test_engine_rules import article, fact, position, value
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.engine import compare_articles
from summarizer.markdown import QUOTE_CHARS, escape
from summarizer.models import ValueKind
from summarizer.report import ReportFormat, RunContext, _Paragraphs, build_report, render_report

REPO = Path(__file__).resolve().parent.parent
REPORT_SCHEMA = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
REFERENCE = sorted((REPO / "examples" / "scholz-putin" / "reference").glob("*.json"))

# Tags our own Markdown produces; anything else came from article text.
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td",
    "ul", "li", "strong", "em", "code",
}  # fmt: skip

LONG_WORD = "x" * 5000
HOSTILE_BODY = (
    "Officials said <script>alert('xss')</script> the talks | lasted two hours.\n"
    "A leak claimed *bold* _under_ `code` [click](javascript:alert(1)) <!-- hidden --> "
    "the talks lasted\nthree hours & more &lt;b&gt; <img src=x onerror=alert(1)>.\n"
    "# Not a heading | col | col\n"
    f"Padding {LONG_WORD} end of the long line.\n"
    "~~struck~~ $x^2$ back\\slash.\n"
)


def _hostile_pair() -> list[Any]:
    a = article(
        "a|<b>",
        HOSTILE_BODY,
        facts=[
            fact(
                "The talks | lasted <b>two</b> hours",
                "Officials said <script>alert('xss')</script> the talks | lasted two hours.",
                subject="talks",
                val=value("two hours", number=2, unit="hours"),
            ),
            fact(
                "A *long* line",
                f"Padding {LONG_WORD} end of the long line.",
                subject="padding",
            ),
        ],
        positions=[
            position(
                "A leak claimed *bold* _under_ `code` [click](javascript:alert(1))",
                "Mr <i>X</i> | Y",
                "the talks",
                "claims `code` | *bold*",
            )
        ],
    )
    b = article(
        "b",
        HOSTILE_BODY,
        facts=[
            fact(
                "The talks lasted three hours <!-- x -->",
                "the talks lasted\nthree hours & more &lt;b&gt; <img src=x onerror=alert(1)>",
                subject="talks",
                val=value("three hours", number=3, unit="hours"),
            )
        ],
        positions=[
            position("# Not a heading | col | col", "Mr <i>X</i> | Y", "the talks", "a | b")
        ],
    )
    return [a, b]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.comments: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _render_html(markdown: str) -> _Tags:
    # html=True is the dangerous setting (GitHub and many wikis pass some HTML through):
    # nothing from the articles may come out as a tag even then.
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    parser = _Tags()
    parser.feed(md.render(markdown))
    return parser


def _unescaped_pipes(line: str) -> int:
    count, backslashes = 0, 0
    for ch in line:
        if ch == "|" and backslashes % 2 == 0:
            count += 1
        backslashes = backslashes + 1 if ch == "\\" else 0
    return count


def _tables(markdown: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


@pytest.fixture(scope="module")
def hostile_markdown() -> str:
    return render_report(compare_articles(_hostile_pair()))


def test_hostile_text_reaches_the_report(hostile_markdown: str) -> None:
    # Guard: the hostile quotes are really in the tables being checked below.
    assert "## Discrepancies (1)" in hostile_markdown
    assert "alert" in hostile_markdown
    assert "javascript" in hostile_markdown


def test_hostile_text_never_becomes_html(hostile_markdown: str) -> None:
    parsed = _render_html(hostile_markdown)
    assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS
    assert parsed.comments == []
    assert "a" not in parsed.tags
    assert "img" not in parsed.tags


def test_every_table_row_has_the_header_s_cells(hostile_markdown: str) -> None:
    tables = _tables(hostile_markdown)
    assert len(tables) == 6  # sources, discrepancy, consensus, framing, evidence, run
    for table in tables:
        widths = {_unescaped_pipes(line) for line in table}
        assert len(widths) == 1, table


def test_hostile_quotes_show_as_literal_text_in_one_cell(hostile_markdown: str) -> None:
    cells = _render_html(hostile_markdown).cells
    assert any(
        "Officials said <script>alert('xss')</script> the talks | lasted two hours." in c
        for c in cells
    )
    assert any("three hours & more &lt;b&gt; <img src=x onerror=alert(1)>" in c for c in cells)


def test_hostile_position_shows_as_literal_text(hostile_markdown: str) -> None:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    rendered = md.render(hostile_markdown)
    assert "[click](javascript:alert(1))" in rendered
    assert "Mr &lt;i&gt;X&lt;/i&gt; | Y" in rendered


def test_no_article_text_starts_a_line(hostile_markdown: str) -> None:
    # "# Not a heading" and list markers only matter at the start of a line.
    assert not any(line.startswith("# Not") for line in hostile_markdown.splitlines())
    assert "\n#### " in hostile_markdown  # our own headings are still there


def test_long_lines_are_clipped_on_screen_and_kept_in_json() -> None:
    result = compare_articles(_hostile_pair())
    markdown = render_report(result)
    assert max(len(line) for line in markdown.splitlines()) < 3 * QUOTE_CHARS + 1000
    assert LONG_WORD not in markdown
    data = json.loads(render_report(result, fmt=ReportFormat.JSON))
    quotes = [c["quote"]["text"] for c in data["single_source"]]
    assert any(LONG_WORD in q for q in quotes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01_commentary", "01_commentary"),
        ("_x_", "\\_x\\_"),
        ("a *b* c", "a \\*b\\* c"),
        ("[x](javascript:y)", "\\[x](javascript:y)"),
        ("<script>", "\\<script\\>"),
        ("a|b", "a\\|b"),
        ("`c`", "\\`c\\`"),
        ("&amp;", "\\&amp;"),
        ("back\\slash", "back\\\\slash"),
        ("one\ntwo\r\nthree\u2028four", "one two three four"),
        ("bidi\u202eevil", "bidi evil"),
        ("$x$ ~y~ #z", "\\$x\\$ \\~y\\~ \\#z"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_escape_clips_before_escaping() -> None:
    assert escape("abcdef|gh", 5) == "abcd\u2026"
    assert escape("ab|cdef", 5) == "ab\\|c\u2026"


def test_paragraph_numbers_follow_blank_lines_or_lines() -> None:
    blank = _Paragraphs("Title\n\nFirst para\nstill first\n\n\nSecond\n\n")
    assert [blank.number(i) for i in (0, 7, 20, 32)] == [1, 2, 2, 3]
    lines = _Paragraphs("Title\nFirst\nSecond\n\n")
    assert [lines.number(i) for i in (0, 6, 12)] == [1, 2, 3]


def test_every_quote_has_paragraph_and_span() -> None:
    report = build_report(compare_articles(_hostile_pair()))
    for d in report.discrepancies:
        for claim in d.claims:
            loc = claim.quote.location
            assert loc.paragraph >= 1
            assert loc.end > loc.start
    (discrepancy,) = report.discrepancies
    paragraphs = {c.source: c.quote.location.paragraph for c in discrepancy.claims}
    assert paragraphs == {"a|<b>": 2, "b": 3}


def _json_report(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_reference_json_report_matches_the_published_schema() -> None:
    data = _json_report(["compare", *map(str, REFERENCE)])
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["counts"]["discrepancies"] == len(data["discrepancies"]) == 5
    assert [d["id"] for d in data["discrepancies"]] == ["D1", "D2", "D3", "D4", "D5"]


def test_cassette_json_report_matches_the_published_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args = ["report", "examples/scholz-putin", "--cassette", "cassettes/scholz-putin.json", "-q"]
    data = _json_report(args)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["run"]["responses"].startswith("cassette cassettes/scholz-putin.json")
    assert data["run"]["usage"]["calls"] == 14
    assert data["run"]["usage"]["prompt_tokens"] > 0


def test_schema_rejects_a_report_missing_its_discrepancies() -> None:
    data = _json_report(["compare", *map(str, REFERENCE)])
    del data["discrepancies"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, REPORT_SCHEMA)


def test_json_and_markdown_carry_the_same_findings() -> None:
    result = compare_articles(_hostile_pair())
    data = json.loads(render_report(result, fmt=ReportFormat.JSON))
    markdown = render_report(result)
    for d in data["discrepancies"]:
        assert f"#### {d['id']}. " in markdown
        for claim in d["claims"]:
            loc = claim["quote"]["location"]
            assert f"\u00b6{loc['paragraph']}, chars {loc['start']}\u2013{loc['end']}" in markdown


def test_timestamp_only_when_asked() -> None:
    result = compare_articles(_hostile_pair())
    plain = json.loads(render_report(result, fmt=ReportFormat.JSON))
    assert plain["run"]["generated_at"] is None
    stamped = render_report(result, RunContext(generated_at="2026-11-22T10:00:00+00:00"))
    assert "| generated at | 2026-11-22T10:00:00+00:00 |" in stamped
    assert "generated at" not in render_report(result)


def test_cli_timestamp_flag_adds_the_time() -> None:
    result = CliRunner().invoke(app, ["compare", *map(str, REFERENCE), "--timestamp"])
    assert result.exit_code == 0
    assert re.search(r"\| generated at \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 \|", result.stdout)


def test_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["compare", *map(str, REFERENCE), "--format", "yaml"])
    assert result.exit_code == 2


def test_value_kinds_are_normalised_in_the_discrepancy() -> None:
    report = build_report(compare_articles(_hostile_pair()))
    (d,) = report.discrepancies
    values = {c.source: c.value for c in d.claims}
    assert values["b"] is not None
    assert values["b"].kind == ValueKind.DURATION.value
    assert values["b"].text == "three hours"
    assert "3" in values["b"].normalised
