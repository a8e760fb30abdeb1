"""Entity resolution: aliases, titles, transliteration, surnames and per-article roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.entities import (
    BUILTIN_ALIASES,
    EntityResolver,
    Resolution,
    build_resolver,
    load_aliases,
)
from summarizer.errors import ConfigError

# Hand-written article snippets (fixtures): each introduces people with their roles.
TEXT_A = (
    "German Chancellor Olaf Scholz spoke with Russian President Vladimir Putin on Friday. "
    "Kremlin spokesperson Dmitry Peskov said the talks were detailed. "
    "The president said the talks were frank."
)
TEXT_B = (
    "Ukrainian President Volodymyr Zelenskiy criticised the call. "
    "The president said it opened Pandora's box."
)
TEXT_C = "The president was not mentioned by name in this text."


@pytest.fixture
def resolver() -> EntityResolver:
    return build_resolver([("a", TEXT_A), ("b", TEXT_B), ("c", TEXT_C)])


def _keys(resolver: EntityResolver, mentions: list[str], doc: str | None) -> set[str]:
    return {resolver.resolve(m, doc).key for m in mentions}


ZELENSKY = ["Zelensky", "Zelenskiy", "Zelenskyy", "Volodymyr Zelensky", "the Ukrainian president"]
PESKOV = [
    "Peskov",
    "Kremlin spokesperson Dmitry Peskov",
    "Russian President's Press Secretary Peskov",
]
SCHOLZ = ["Olaf Scholz", "Scholz", "the chancellor", "the German leader"]


@pytest.mark.parametrize("doc", ["a", "b", "c", None])
def test_zelensky_spellings_resolve_to_one_key(resolver: EntityResolver, doc: str | None) -> None:
    assert _keys(resolver, ZELENSKY, doc) == {"person:zelensky"}


@pytest.mark.parametrize("doc", ["a", "b", None])
def test_peskov_with_and_without_titles_resolves_to_one_key(
    resolver: EntityResolver, doc: str | None
) -> None:
    assert _keys(resolver, PESKOV, doc) == {"person:peskov"}


@pytest.mark.parametrize("doc", ["a", "b", "c", None])
def test_scholz_name_surname_and_roles_resolve_to_one_key(
    resolver: EntityResolver, doc: str | None
) -> None:
    assert _keys(resolver, SCHOLZ, doc) == {"person:scholz"}


def test_resolved_name_is_the_fullest_known_name(resolver: EntityResolver) -> None:
    assert resolver.resolve("Scholz").name == "Olaf Scholz"
    assert resolver.resolve("Zelenskyy").name == "Volodymyr Zelenskiy"
    assert resolver.resolve("Russian President's Press Secretary Peskov").name == "Dmitry Peskov"


def test_kyiv_and_kiev_are_the_same_place(resolver: EntityResolver) -> None:
    kyiv, kiev = resolver.resolve("Kyiv"), resolver.resolve("Kiev")
    assert kyiv.key == kiev.key == "entity:kyiv"
    assert kiev.name == "Kyiv"


def test_scholz_and_putin_are_different_people(resolver: EntityResolver) -> None:
    scholz, putin = resolver.resolve("Scholz"), resolver.resolve("Putin")
    assert scholz.key == "person:scholz"
    assert putin.key == "person:putin"
    assert resolver.resolve("the chancellor", "a").key != resolver.resolve("the president", "a").key


def test_peskov_and_the_kremlin_are_different_entities(resolver: EntityResolver) -> None:
    assert resolver.resolve("the Kremlin").key == "entity:kremlin"
    assert resolver.resolve("Peskov").key != resolver.resolve("the Kremlin").key


@pytest.mark.parametrize(
    ("mention", "doc", "rule_part"),
    [
        ("Zelenskiy", None, "transliteration 'Zelenskiy' -> 'zelensky'"),
        ("Zelenskyy", None, "transliteration 'Zelenskyy' -> 'zelensky'"),
        ("Scholz", None, "surname of 'Olaf Scholz'"),
        ("Peskov", None, "surname of 'Dmitry Peskov'"),
        ("the chancellor", "a", "role 'the chancellor' = 'Olaf Scholz' in this article"),
        ("the chancellor", "b", "role 'the chancellor' = 'Olaf Scholz' in every article using it"),
        ("the German leader", "a", "role 'the German leader'"),
        ("the Ukrainian president", "b", "role 'the Ukrainian president'"),
        ("Kiev", None, "alias 'Kiev' -> 'Kyiv'"),
        ("Kremlin spokesperson Dmitry Peskov", None, "title stripped"),
        ("Russian President's Press Secretary Peskov", None, "title stripped"),
        ("Olaf Scholz", None, "as written"),
    ],
)
def test_every_resolution_names_its_rule(
    resolver: EntityResolver, mention: str, doc: str | None, rule_part: str
) -> None:
    assert rule_part in resolver.resolve(mention, doc).rule


@pytest.mark.parametrize("mention", [*ZELENSKY, *PESKOV, *SCHOLZ, "Kyiv", "Kiev", "the president"])
@pytest.mark.parametrize("doc", ["a", "b", "c", None])
def test_no_resolution_has_an_empty_rule(
    resolver: EntityResolver, mention: str, doc: str | None
) -> None:
    resolution = resolver.resolve(mention, doc)
    assert resolution.rule.strip()
    assert resolution.key


def test_a_role_resolves_within_its_own_article(resolver: EntityResolver) -> None:
    assert resolver.resolve("the president", "a").key == "person:putin"
    assert resolver.resolve("the president", "b").key == "person:zelensky"


def test_an_ambiguous_role_does_not_resolve_in_another_article(resolver: EntityResolver) -> None:
    # "the president" is Putin in a and Zelensky in b; c introduces nobody.
    for doc in ("c", None):
        resolution = resolver.resolve("the president", doc)
        assert resolution.key not in {"person:putin", "person:zelensky"}
        assert resolution.key == "entity:the_president"
        assert resolution.rule == "as written"


def test_an_unambiguous_role_resolves_in_another_article(resolver: EntityResolver) -> None:
    resolution = resolver.resolve("the chancellor", "c")
    assert resolution.key == "person:scholz"
    assert "every article" in resolution.rule


def test_role_is_learned_per_article_first_introduction_wins() -> None:
    resolver = build_resolver(
        [("x", "Russian President Vladimir Putin met French President Emmanuel Macron.")]
    )
    assert resolver.resolve("the president", "x").key == "person:putin"
    assert resolver.resolve("the French president", "x").key == "person:macron"
    assert resolver.resolve("the French leader", "x").key == "person:macron"


def test_mentions_in_finds_surnames_aliases_and_roles(resolver: EntityResolver) -> None:
    found = resolver.mentions_in("The chancellor told Moscow that Zelenskyy was informed.", "a")
    assert [r.key for r in found] == ["entity:russia", "person:scholz", "person:zelensky"]
    assert all(r.rule for r in found)


def test_mentions_in_role_needs_the_article(resolver: EntityResolver) -> None:
    assert resolver.mentions_in("The chancellor spoke.", None) == []


def test_secretary_of_state_does_not_make_the_state_a_person() -> None:
    # Was a bug: learn_text stores role.split()[-1] as a role, so "Secretary of State Antony
    # Blinken" makes "the state" mean Blinken (and "Secretary General Mark Rutte" makes
    # "the general" mean Rutte): any sentence about "the state of the talks" then names
    # Blinken as an entity, which feeds alignment.
    resolver = build_resolver(
        [("d", "Secretary of State Antony Blinken spoke. Secretary General Mark Rutte agreed.")]
    )
    assert resolver.resolve("the secretary of state", "d").key == "person:blinken"
    keys = {r.key for r in resolver.mentions_in("The state of the talks is unclear.", "d")}
    assert "person:blinken" not in keys
    assert resolver.resolve("the general", "d").key != "person:rutte"


def test_build_resolver_with_no_texts_still_knows_builtin_aliases() -> None:
    resolver = build_resolver([])
    assert resolver.resolve("the United States") == Resolution(
        "entity:united_states", "United States", "alias 'the United States' -> 'United States'"
    )


# ---------------------------------------------------------------------------
# alias files


def test_load_aliases_without_file_is_the_builtin_table() -> None:
    table = load_aliases(None)
    assert table == dict(BUILTIN_ALIASES)
    table["kiev"] = "changed"
    assert BUILTIN_ALIASES["kiev"] == "Kyiv"


def test_load_aliases_merges_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(
        '[aliases]\n"Bundeskanzler" = "Olaf Scholz"\n"Der  Kanzler" = "Olaf Scholz"\n',
        encoding="utf-8",
    )
    table = load_aliases(path)
    assert table["bundeskanzler"] == "Olaf Scholz"
    assert table["der kanzler"] == "Olaf Scholz"  # folded: lower case, single spaces
    assert table["kiev"] == "Kyiv"  # built-ins kept
    assert len(table) == len(BUILTIN_ALIASES) + 2


def test_user_alias_overrides_a_builtin(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[aliases]\n"Washington" = "Washington State"\n', encoding="utf-8")
    resolver = build_resolver([], load_aliases(path))
    assert resolver.resolve("Washington").name == "Washington State"


def test_user_alias_is_used_by_the_resolver(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[aliases]\n"Bundeskanzler" = "Olaf Scholz"\n', encoding="utf-8")
    resolver = build_resolver([("a", TEXT_A)], load_aliases(path))
    resolution = resolver.resolve("Bundeskanzler", "a")
    assert resolution.name == "Olaf Scholz"
    assert resolution.rule == "alias 'Bundeskanzler' -> 'Olaf Scholz'"
    assert resolver.resolve("the Bundeskanzler", "a").name == "Olaf Scholz"


def test_user_alias_to_a_person_joins_that_person(tmp_path: Path) -> None:
    # Was a bug: resolve() returns _key(canonical) = "entity:olaf_scholz" for an alias, while
    # "Olaf Scholz"/"Scholz" resolve to "person:scholz". The same person then has two
    # keys; in compare_articles a statement given to "Olaf Scholz" in one article and
    # to "Bundeskanzler" in another is reported as an attribution conflict between
    # "Olaf Scholz" and "Olaf Scholz".
    path = tmp_path / "aliases.toml"
    path.write_text('[aliases]\n"Bundeskanzler" = "Olaf Scholz"\n', encoding="utf-8")
    resolver = build_resolver([("a", TEXT_A)], load_aliases(path))
    assert resolver.resolve("Bundeskanzler", "a").key == resolver.resolve("Olaf Scholz").key


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[aliases\n"x" = "y"\n', "not valid TOML"),
        ('"x" = "y"\n', r"one \[aliases\] table"),
        ('[other]\n"x" = "y"\n', r"one \[aliases\] table"),
        ('aliases = "Kyiv"\n', r"one \[aliases\] table"),
        ('[aliases]\n"x" = "y"\n[extra]\n"a" = "b"\n', r"one \[aliases\] table"),
        ('[aliases]\n"Kiev" = 3\n', "must map to a name in quotes"),
        ('[aliases.Kiev]\nname = "Kyiv"\n', "must map to a name in quotes"),
    ],
)
def test_bad_aliases_file_raises_config_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_aliases(path)


def test_missing_aliases_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_aliases(tmp_path / "nope.toml")


def test_aliases_path_that_is_a_directory_raises_config_error(tmp_path: Path) -> None:
    # Was a bug: load_aliases only catches FileNotFoundError; config.py catches OSError and
    # UnicodeDecodeError. A directory (IsADirectoryError) or an unreadable file crashes
    # the CLI with a traceback instead of "Error: ...".
    with pytest.raises(ConfigError):
        load_aliases(tmp_path)


def test_aliases_file_that_is_not_utf8_raises_config_error(tmp_path: Path) -> None:
    # Was a bug: see above; a Latin-1 file raises UnicodeDecodeError, not ConfigError.
    path = tmp_path / "aliases.toml"
    path.write_bytes('[aliases]\n"Kanzler" = "Olaf Sch\u00f6lz"\n'.encode("latin-1"))
    with pytest.raises(ConfigError):
        load_aliases(path)
