"""The extraction schema: committed files, OpenAI's strict subset, and the prompt's field guide."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, valid_extraction

from summarizer.export_schemas import export_schemas
from summarizer.extraction import validate_output
from summarizer.models import (
    MAX_FACTS_PER_CHUNK,
    MAX_POSITIONS_PER_CHUNK,
    SCHEMA_FILES,
    ChunkExtraction,
    render_field_guide,
    response_schema,
)

SCHEMAS = REPO / "schemas"


def _rendered(build: Callable[[], dict[str, Any]]) -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------
# drift


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_matches_models(name: str) -> None:
    path = SCHEMAS / name
    assert path.is_file(), f"{path} is missing: run `python -m summarizer.export_schemas`"
    committed = path.read_text(encoding="utf-8")
    assert committed == _rendered(SCHEMA_FILES[name]), (
        f"schemas/{name} is out of date with summarizer/models.py: "
        "run `python -m summarizer.export_schemas` and commit the result"
    )


def test_schemas_dir_holds_exactly_the_exported_files() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(SCHEMA_FILES)


def test_export_schemas_writes_the_committed_bytes(tmp_path: Path) -> None:
    written = export_schemas(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(SCHEMA_FILES)
    for path in written:
        assert path.read_bytes() == (SCHEMAS / path.name).read_bytes()


# ---------------------------------------------------------------------------
# OpenAI strict subset

SUBSCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def _schemas(node: dict[str, Any], where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (sub)schema in ``node``; property names are never mistaken for keywords."""
    yield where, node
    for key in SUBSCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            yield from _schemas(sub, f"{where}/{key}/{name}")
    for key in SUBSCHEMA_LISTS:
        for i, sub in enumerate(node.get(key, [])):
            yield from _schemas(sub, f"{where}/{key}/{i}")
    for key in SUBSCHEMA_ONE:
        sub = node.get(key)
        if isinstance(sub, dict):
            yield from _schemas(sub, f"{where}/{key}")


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def test_walker_sees_every_model() -> None:
    # Guard for the tests below: the walk reaches all nested object schemas.
    objects = {where for where, s in _schemas(response_schema()) if _is_object(s)}
    expected = {"#"} | {
        f"#/$defs/{name}" for name in ("ArticleInfo", "Attribution", "Fact", "Position", "Value")
    }
    # Without descriptions no $ref has siblings, so nothing needs inlining.
    assert objects == expected


def test_no_ref_has_siblings() -> None:
    refs = [s for _, s in _schemas(response_schema()) if isinstance(s, dict) and "$ref" in s]
    assert refs, "the walk should meet at least one $ref"
    assert all(set(s) == {"$ref"} for s in refs)


def test_every_object_is_closed_and_fully_required() -> None:
    for where, schema in _schemas(response_schema()):
        if not _is_object(schema):
            continue
        assert schema.get("additionalProperties") is False, where
        assert schema.get("type") == "object", where
        assert sorted(schema.get("required", [])) == sorted(schema["properties"]), where
        assert len(schema["required"]) == len(set(schema["required"])), where


@pytest.mark.parametrize("keyword", ["default", "minLength", "maxLength", "pattern", "format"])
def test_no_keywords_outside_the_strict_subset(keyword: str) -> None:
    for where, schema in _schemas(response_schema()):
        assert keyword not in schema, f"{where} has {keyword!r}"


def test_title_annotations_are_dropped() -> None:
    for where, schema in _schemas(response_schema()):
        assert "title" not in schema, f"{where} still has a 'title' annotation"


def test_every_array_is_bounded() -> None:
    arrays = {
        where: schema
        for where, schema in _schemas(response_schema())
        if schema.get("type") == "array"
    }
    assert arrays, "no arrays found"
    for where, schema in arrays.items():
        assert isinstance(schema.get("maxItems"), int), f"{where} has no maxItems"
    assert arrays["#/properties/facts"]["maxItems"] == MAX_FACTS_PER_CHUNK
    assert arrays["#/properties/positions"]["maxItems"] == MAX_POSITIONS_PER_CHUNK


def test_property_named_title_survives() -> None:
    schema = response_schema()
    info = schema["$defs"]["ArticleInfo"]
    assert "title" in info["properties"]
    assert "title" in info["required"]
    title = info["properties"]["title"]
    assert {s.get("type") for s in title["anyOf"]} == {"string", "null"}


def test_wire_schema_carries_no_descriptions_the_prompt_has_them() -> None:
    # The field guide in the system prompt carries every description; sending them again
    # in response_format doubled what OpenAI bills for the schema on every call.
    for where, schema in _schemas(response_schema()):
        assert "description" not in schema, f"{where} still has a description"
    assert "character for character" in render_field_guide()


def test_every_def_is_referenced() -> None:
    text = json.dumps(response_schema())
    for name in response_schema()["$defs"]:
        assert f'"#/$defs/{name}"' in text, f"$defs/{name} is never used"


def test_response_schema_is_fresh_each_call() -> None:
    first = response_schema()
    second = copy.deepcopy(first)
    first["$defs"].clear()
    assert response_schema() == second


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


def test_response_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(response_schema())


# ---------------------------------------------------------------------------
# field guide


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        assert ref.startswith("#/$defs/"), ref
        return root["$defs"][ref.removeprefix("#/$defs/")]
    return schema


def _object_behind(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema a property points to (through $ref, anyOf with null), if any."""
    schema = _resolve(schema, root)
    if _is_object(schema):
        return schema
    for option in schema.get("anyOf", []):
        found = _object_behind(option, root)
        if found is not None:
            return found
    return None


def _leaf_fields(
    node: dict[str, Any], root: dict[str, Any], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(dotted path, description) for every leaf field, arrays written as ``name[]``."""
    for name, prop in node["properties"].items():
        path = f"{prefix}{name}"
        target = _resolve(prop, root)
        if target.get("type") == "array":
            path += "[]"
            target = _resolve(target["items"], root)
        inner = _object_behind(target, root)
        if inner is None:
            yield path, prop.get("description", "")
        else:
            yield from _leaf_fields(inner, root, f"{path}.")


def test_leaf_walker_finds_known_fields() -> None:
    schema = response_schema()
    paths = {path for path, _ in _leaf_fields(schema, schema)}
    for path in (
        "article.title",
        "article.main_event",
        "facts[].quote",
        "facts[].value.text",
        "facts[].value.precision",
        "facts[].attribution.kind",
        "facts[].attribution.name",
        "positions[].reported_as",
    ):
        assert path in paths
    assert "facts[].value" not in paths  # an object, not a leaf


def test_field_guide_mentions_every_leaf_with_its_description() -> None:
    guide = render_field_guide()
    lines = guide.splitlines()
    # Descriptions come from the models' full schema; the wire schema has the same leaves.
    full = ChunkExtraction.model_json_schema()
    leaves = list(_leaf_fields(full, full))
    wire = response_schema()
    assert [path for path, _ in leaves] == [path for path, _ in _leaf_fields(wire, wire)]
    # ArticleInfo 4 + Fact 5 own + Value 8 + Attribution 2 + Position 5.
    assert len(leaves) == 24
    for path, description in leaves:
        assert f"- {path}: {description}" in lines, f"field guide lacks {path}"


@pytest.mark.parametrize(
    "path",
    ["facts[].quote", "positions[].reported_as", "facts[].value.qualifier", "article.main_event"],
)
def test_field_guide_names_path(path: str) -> None:
    assert f"- {path}: " in render_field_guide()


def test_field_guide_describes_containers_too() -> None:
    lines = render_field_guide().splitlines()
    for path in ("article", "facts[]", "positions[]", "facts[].value", "facts[].attribution"):
        assert any(line.startswith(f"- {path}: ") for line in lines), path


# ---------------------------------------------------------------------------
# validation


def test_valid_extraction_passes_pydantic_and_validate_output() -> None:
    data = valid_extraction()
    model = ChunkExtraction.model_validate(data)
    assert model.facts[0].quote == "Scholz and Putin agreed to remain in contact"
    jsonschema.Draft202012Validator(response_schema()).validate(data)
    checked = validate_output(json.dumps(data), response_schema())
    assert checked == model


def test_validate_output_rejects_extra_keys() -> None:
    data = valid_extraction()
    data["facts"][0]["confidence"] = 0.9
    with pytest.raises(ValueError, match="confidence"):
        validate_output(json.dumps(data), response_schema())


def test_validate_output_rejects_too_many_facts() -> None:
    data = valid_extraction()
    data["facts"] = data["facts"] * (MAX_FACTS_PER_CHUNK + 1)
    with pytest.raises(ValueError, match="facts"):
        validate_output(json.dumps(data), response_schema())


def test_validate_output_rejects_non_json() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        validate_output("{'facts': []}", response_schema())


@pytest.mark.parametrize("quote", ["", "   "], ids=["empty", "blank"])
def test_blank_quote_rejected_by_validate_output_not_by_jsonschema(quote: str) -> None:
    data = valid_extraction(quote=quote)
    # The strict subset drops minLength, so the schema alone lets an empty quote through ...
    assert list(jsonschema.Draft202012Validator(response_schema()).iter_errors(data)) == []
    # ... and validate_output still rejects it, naming the field, via pydantic.
    with pytest.raises(ValueError, match=r"facts\[0\]\.quote"):
        validate_output(json.dumps(data), response_schema())
