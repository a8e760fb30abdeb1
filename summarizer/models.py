"""The extraction schema: the contract between the model and everything after it.

These pydantic models are the single source of truth. ``schemas/*.json`` is exported
from them (``python -m summarizer.models`` rewrites it; a test fails on drift), the
JSON Schema sent as ``response_format`` is built from them, and every field
description is prompt text: ``render_field_guide`` turns them into the instructions
the model reads, because local servers only turn the schema into a grammar and never
show it to the model.

The per-chunk schema stays inside OpenAI's strict subset (every field required,
nullable instead of optional, ``additionalProperties: false``, bounded arrays) so one
schema serves OpenAI, Azure and local servers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = 1
MAX_FACTS_PER_CHUNK = 8
MAX_POSITIONS_PER_CHUNK = 4

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class ValueKind(str, Enum):
    QUANTITY = "quantity"
    DATE = "date"
    DURATION = "duration"
    RANK = "rank"


class Qualifier(str, Enum):
    EXACT = "exact"
    ABOUT = "about"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    NEARLY = "nearly"


class DatePrecision(str, Enum):
    DAY = "day"
    WEEKDAY = "weekday"
    MONTH = "month"
    YEAR = "year"
    OTHER = "other"


class SourceKind(str, Enum):
    NAMED_PERSON = "named_person"
    ORGANISATION = "organisation"
    UNNAMED_SOURCE = "unnamed_source"
    OTHER_OUTLET = "other_outlet"
    ARTICLE = "article"


class ReportedAs(str, Enum):
    DIRECT_QUOTE = "direct_quote"
    PARAPHRASE = "paraphrase"
    SECOND_HAND = "second_hand"


class Value(_Strict):
    """The typed value a fact states: a number, date, duration or rank."""

    text: NonEmpty = Field(
        description='The value exactly as the article writes it, e.g. "nearly two years", '
        '"Feb. 23", "next January", "second-biggest".'
    )
    kind: ValueKind = Field(description="quantity, date, duration or rank.")
    number: float | None = Field(
        description="The number, in digits (two -> 2, 128 -> 128); null for dates without one."
    )
    unit: str | None = Field(
        description='Unit of the number: "years", "minutes", "euros", "troops"...; null if none.'
    )
    qualifier: Qualifier = Field(
        description="exact, about, at_least, more_than, at_most, less_than or nearly "
        '("almost" is nearly, "over" is more_than).'
    )
    date: str | None = Field(
        description="For dates: ISO form as far as the article states it (2024-11-15, 2022-12, "
        "2025); null when the article gives no year-anchored date."
    )
    precision: DatePrecision | None = Field(
        description="For dates: day, weekday, month, year or other; null otherwise."
    )
    relative: bool = Field(
        description='true when the article states it relative to its own time ("Friday", '
        '"next January", "this month", "earlier this year").'
    )


class Attribution(_Strict):
    """Who the article says the claim comes from."""

    kind: SourceKind = Field(
        description="named_person, organisation, unnamed_source (an official, a person familiar "
        "...), other_outlet (another newspaper or agency) or article (the article's own voice)."
    )
    name: str | None = Field(
        description='The speaker or source as named, e.g. "Dmitry Peskov", "the Kremlin", '
        '"Bloomberg"; null when the article speaks in its own voice.'
    )


class Fact(_Strict):
    """One claim about the event."""

    statement: NonEmpty = Field(
        description="The claim in your own plain words, understandable without the article; "
        "at most 25 words. Each fact states a different claim."
    )
    quote: NonEmpty = Field(
        description="Evidence: the sentence or clause that states this claim, copied character "
        "for character from the article text. Never paraphrase."
    )
    off_topic: bool = Field(
        description="true only for material unrelated to the main event (other stories, "
        "related links, newsletter or social-media prompts, image credits); otherwise false."
    )
    subject: NonEmpty = Field(description="What or whom the claim is about, in a few words.")
    value: Value | None = Field(
        description="The number, date, duration or rank the claim states; null if none."
    )
    attribution: Attribution = Field(description="Who the article attributes the claim to.")
    hedged: bool = Field(
        description='true when the article hedges it ("reportedly", "allegedly", "may").'
    )


class Position(_Strict):
    """What an actor thinks, wants or says about a topic."""

    quote: NonEmpty = Field(
        description="Evidence: words copied character for character from the article."
    )
    actor: NonEmpty = Field(description="Who holds the position, as named in the article.")
    topic: NonEmpty = Field(description="What the position is about, in a few words.")
    stance: NonEmpty = Field(description="The position itself, in at most 12 words.")
    reported_as: ReportedAs = Field(
        description="direct_quote (the actor's own words in quotation marks), paraphrase, or "
        "second_hand (relayed by someone else, e.g. a spokesperson or another outlet)."
    )


class ArticleInfo(_Strict):
    """What the article says about itself."""

    outlet: str | None = Field(
        description="The publication, if the text names itself; null if it does not."
    )
    published: str | None = Field(
        description="Publication date as ISO (YYYY-MM-DD) if the text states it; else null."
    )
    title: str | None = Field(description="The headline, if this part shows it; else null.")
    main_event: NonEmpty = Field(description="The event the article is about, in at most 15 words.")


class ChunkExtraction(_Strict):
    """What the model returns for one chunk of one article."""

    article: ArticleInfo = Field(description="The article's own metadata and main event.")
    facts: list[Fact] = Field(
        max_length=MAX_FACTS_PER_CHUNK,
        description=f"The most important facts in this text, at most {MAX_FACTS_PER_CHUNK}.",
    )
    positions: list[Position] = Field(
        max_length=MAX_POSITIONS_PER_CHUNK,
        description=f"Positions of the actors, at most {MAX_POSITIONS_PER_CHUNK}.",
    )


class ChunkRecord(_Strict):
    """One chunk's validated extraction, located in its article."""

    index: int
    start: int = Field(description="Character offset of the chunk in the article text.")
    end: int
    tokens: int
    extraction: ChunkExtraction
    usage: dict[str, int] | None = Field(
        description="Token usage the server reported for the accepted call."
    )


class ArticleExtraction(_Strict):
    """The file ``summarizer extract`` writes per article and ``summarizer compare`` reads."""

    schema_version: int = Field(description="Version of this schema.")
    article_id: str
    source: str = Field(description="Path the article was read from, or - for stdin.")
    title: str
    sha256: str = Field(description="sha256 of the article text the offsets refer to.")
    text: str = Field(description="The article text, so evidence can be checked offline.")
    outlet: str | None = Field(
        default=None, description="Outlet from the page's own metadata (HTML input); else null."
    )
    published: str | None = Field(
        default=None, description="Publication date from the page's metadata (HTML); else null."
    )
    provider: str = Field(description="Profile that produced the extraction.")
    model: str = Field(description="Model id the server reported.")
    chunks: list[ChunkRecord]


# ---------------------------------------------------------------------------
# Schema export and prompt text


def response_schema() -> dict[str, Any]:
    """The JSON Schema of ``ChunkExtraction`` sent to the model (strict subset).

    It carries structure only, no descriptions: the descriptions are already in the
    prompt as the field guide (``render_field_guide``), and OpenAI bills the schema as
    input tokens on every call, so sending them twice cost about 960 of the schema's
    2,000 tokens per call (``python -m bench --only tokens``).
    """
    full = ChunkExtraction.model_json_schema()
    defs = full.get("$defs", {})
    schema: dict[str, Any] = _strict_subset(full, defs)
    used = _referenced_defs(schema)
    kept = {name: sub for name, sub in schema.get("$defs", {}).items() if name in used}
    if kept:
        schema["$defs"] = kept
    else:
        schema.pop("$defs", None)
    return schema


_ANNOTATIONS = ("title", "description", "minLength")


def _strict_subset(node: Any, defs: dict[str, Any]) -> Any:
    # Pydantic already emits required + additionalProperties:false (extra="forbid").
    # Titles and descriptions are annotations (the prompt carries the descriptions);
    # OpenAI's strict mode rejects minLength (pydantic still enforces it after the
    # call) and a $ref with siblings, so such a $ref is inlined, as the openai SDK's own
    # helper does. An annotation is dropped only where it is a keyword, never a property
    # that happens to be named "title" (a property's schema is a dict).
    if isinstance(node, list):
        return [_strict_subset(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: v for k, v in node.items() if not (k in _ANNOTATIONS and not isinstance(v, dict))}
    if "$ref" in node and len(node) > 1:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _strict_subset(merged, defs)
    out = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            out[key] = {name: _strict_subset(sub, defs) for name, sub in value.items()}
        else:
            out[key] = _strict_subset(value, defs)
    return out


def _referenced_defs(schema: dict[str, Any]) -> set[str]:
    """Names of the ``$defs`` reachable from the schema's root (not from $defs alone)."""
    defs = schema.get("$defs", {})
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    walk(defs.get(name))
            for key, value in node.items():
                if key != "$defs":
                    walk(value)

    walk(schema)
    return seen


def article_schema() -> dict[str, Any]:
    """The JSON Schema of the per-article extraction files."""
    return ArticleExtraction.model_json_schema()


def _report_schema() -> dict[str, Any]:
    from .document import report_schema  # the report's models live with the report

    return report_schema()


SCHEMA_FILES: dict[str, Callable[[], dict[str, Any]]] = {
    "chunk-extraction.schema.json": response_schema,
    "article-extraction.schema.json": article_schema,
    "report.schema.json": _report_schema,
}


def export_schemas(directory: Path) -> list[Path]:
    """Write every schema file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in SCHEMA_FILES.items():
        path = directory / name
        path.write_text(json.dumps(build(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def render_field_guide() -> str:
    """Every field of the chunk schema with its description, as prompt text."""
    lines: list[str] = []
    _describe(ChunkExtraction, "", lines)
    return "\n".join(lines)


def _describe(model: type[BaseModel], prefix: str, lines: list[str]) -> None:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _nested_model(field.annotation)
        is_list = "list[" in str(field.annotation)
        shown = f"{path}[]" if is_list else path
        if field.description:
            lines.append(f"- {shown}: {field.description}")
        if inner is not None:
            _describe(inner, f"{shown}.", lines)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
