"""Provider profiles: built-in ones, and named profiles from a TOML file.

A profile says how to reach a model: the kind of API, model, base URL, the NAME of the
environment variable holding the key (never the key), how structured output is
requested, and sampling settings. Switching profile changes no code and no prompt.

Config file lookup, first hit wins: ``--config``, ``$SUMMARIZER_CONFIG``,
``./summarizer.toml``, ``$XDG_CONFIG_HOME/summarizer/config.toml`` (default
``~/.config/summarizer/config.toml``).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT_LOCAL_PORT = 8765
DEFAULT_PROVIDER = "local"


class ProviderKind(str, Enum):
    OPENAI = "openai"
    AZURE = "azure"
    OPENAI_COMPATIBLE = "openai-compatible"


class OutputMode(str, Enum):
    """How the schema is enforced: strict json_schema, json_object + schema in the prompt,
    or a forced tool call whose parameters are the schema."""

    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    TOOL = "tool"


@dataclass(frozen=True)
class Profile:
    name: str
    kind: ProviderKind
    model: str
    base_url: str | None = None
    api_key_env: str | None = None
    api_version: str | None = None
    output_mode: OutputMode = OutputMode.JSON_SCHEMA
    temperature: float = 0.0
    seed: int | None = 42
    max_tokens: int = 1500
    timeout: float = 120.0
    # Calls in flight at once; a local server with one slot gains nothing from more.
    concurrency: int = 4
    # Retries the openai SDK makes for 429 (after Retry-After), 408/409, 5xx, timeouts
    # and connection errors, with exponential backoff and jitter; never for other 4xx.
    max_retries: int = 2
    # US dollars per million tokens; None means unknown, so --max-cost cannot be used.
    price_input_per_mtok: float | None = None
    price_output_per_mtok: float | None = None
    origin: str = "built-in"

    def api_key(self, *, required: bool = True) -> str | None:
        """The key from the environment; never stored on the profile itself."""
        if self.api_key_env is None:
            return None
        value = os.environ.get(self.api_key_env)
        if not value and required:
            hint = "" if self.name == "local" else " or choose --provider local"
            raise ConfigError(f"No API key for profile {self.name!r}: set {self.api_key_env}{hint}")
        return value or None

    def describe(self) -> dict[str, str]:
        """A printable summary; shows where the key comes from, never the key."""
        key_state = "not needed"
        if self.api_key_env:
            state = "set" if os.environ.get(self.api_key_env) else "NOT set"
            key_state = f"${self.api_key_env} ({state})"
        return {
            "kind": self.kind.value,
            "model": self.model,
            "base_url": self.base_url or "(SDK default)",
            "api_key": key_state,
            "output_mode": self.output_mode.value,
            "temperature": str(self.temperature),
            "seed": str(self.seed),
            "max_tokens": str(self.max_tokens),
            "timeout": f"{self.timeout:g}s",
            "concurrency": str(self.concurrency),
            "max_retries": str(self.max_retries),
            "prices": self.describe_prices(),
            "from": self.origin,
        }

    @property
    def has_prices(self) -> bool:
        return self.price_input_per_mtok is not None and self.price_output_per_mtok is not None

    def describe_prices(self) -> str:
        if not self.has_prices:
            return "unknown (set price_input_per_mtok, price_output_per_mtok)"
        return f"${self.price_input_per_mtok:g} in / ${self.price_output_per_mtok:g} out per Mtok"


def _builtin_profiles() -> dict[str, Profile]:
    port = os.environ.get("SUMMARIZER_LOCAL_PORT", str(DEFAULT_LOCAL_PORT))
    if not port.isdigit():
        raise ConfigError(f"SUMMARIZER_LOCAL_PORT={port!r} is not a port number: set e.g. 8765")
    return {
        "openai": Profile(
            name="openai",
            kind=ProviderKind.OPENAI,
            model="gpt-4o-mini",
            api_key_env="OPENAI_API_KEY",
            timeout=120.0,
            concurrency=8,
            # gpt-4o-mini list prices when this was written; a config file overrides them.
            price_input_per_mtok=0.15,
            price_output_per_mtok=0.60,
        ),
        "local": Profile(
            name="local",
            kind=ProviderKind.OPENAI_COMPATIBLE,
            # llama-server serves whatever model it loaded; the name is recorded as sent.
            model="qwen2.5-coder-1.5b-instruct-q4_k_m",
            base_url=f"http://127.0.0.1:{port}/v1",
            timeout=900.0,
            # scripts/local-model.sh serves one request at a time (-np 1).
            concurrency=1,
            price_input_per_mtok=0.0,
            price_output_per_mtok=0.0,
        ),
    }


_FIELDS = {f.name for f in dataclasses.fields(Profile)} - {"name", "origin"}
_TOP_LEVEL_KEYS = {"default", "profiles"}


@dataclass(frozen=True)
class Config:
    profiles: Mapping[str, Profile]
    default: str = DEFAULT_PROVIDER
    path: Path | None = None
    notes: list[str] = field(default_factory=list)

    def resolve(self, provider: str | None = None, model: str | None = None) -> Profile:
        """The active profile: --provider, then $SUMMARIZER_PROVIDER, then the file's default."""
        name = provider or os.environ.get("SUMMARIZER_PROVIDER") or self.default
        if name not in self.profiles:
            raise ConfigError(
                f"Unknown provider {name!r}: choose one of {', '.join(sorted(self.profiles))}"
                " or add [profiles." + name + "] to your config"
            )
        profile = self.profiles[name]
        return dataclasses.replace(profile, model=model) if model else profile


def find_config_file(explicit: str | Path | None = None) -> Path | None:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"Config file {path} does not exist: check --config")
        return path
    env = os.environ.get("SUMMARIZER_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"Config file {path} does not exist: fix SUMMARIZER_CONFIG")
        return path
    local = Path("summarizer.toml")
    if local.is_file():
        return local
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(base) / "summarizer" / "config.toml"
    return user if user.is_file() else None


def load_config(explicit: str | Path | None = None) -> Config:
    """Built-in profiles, overlaid with the config file's profiles if there is one."""
    profiles = _builtin_profiles()
    path = find_config_file(explicit)
    if path is None:
        return Config(profiles=profiles)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML ({exc}): fix it") from exc
    unknown = set(data) - _TOP_LEVEL_KEYS
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {sorted(unknown)[0]!r}: the top level takes "
            "'default' and [profiles.NAME] tables"
        )
    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise ConfigError(f"{path}: 'profiles' must be a table: write [profiles.NAME]")
    for name, table in raw_profiles.items():
        profiles[name] = _parse_profile(path, name, table, profiles.get(name))
    default = data.get("default", DEFAULT_PROVIDER)
    if not isinstance(default, str) or default not in profiles:
        raise ConfigError(
            f"{path}: default = {default!r} names no profile: "
            f"use one of {', '.join(sorted(profiles))}"
        )
    return Config(profiles=profiles, default=default, path=path)


def _parse_profile(path: Path, name: str, table: Any, base: Profile | None) -> Profile:
    where = f"{path} [profiles.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of settings")
    if "api_key" in table:
        raise ConfigError(
            f"{where}: never put a key in the file: set api_key_env to the NAME of its variable"
        )
    unknown = set(table) - _FIELDS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {sorted(unknown)[0]!r}: valid keys are "
            f"{', '.join(sorted(_FIELDS))}"
        )
    # A new profile starts from the documented defaults; one named like a built-in
    # profile starts from that profile and overrides only what it sets.
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(Profile)
        if f.default is not dataclasses.MISSING
    }
    values: dict[str, Any] = dataclasses.asdict(base) if base else defaults
    values.update(table)
    values["name"] = name
    values["origin"] = str(path)
    if "kind" not in values:
        raise ConfigError(f"{where}: missing 'kind': use openai, azure or openai-compatible")
    if "model" not in values:
        raise ConfigError(f"{where}: missing 'model': name the model or Azure deployment")
    try:
        values["kind"] = ProviderKind(values["kind"])
        values["output_mode"] = OutputMode(values.get("output_mode", OutputMode.JSON_SCHEMA))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}: see README, 'Providers'") from exc
    for key, kinds in {
        "temperature": (int, float),
        "seed": (int, type(None)),
        "max_tokens": (int,),
        "timeout": (int, float),
        "concurrency": (int,),
        "max_retries": (int,),
        "price_input_per_mtok": (int, float, type(None)),
        "price_output_per_mtok": (int, float, type(None)),
    }.items():
        if not isinstance(values.get(key), kinds) or isinstance(values.get(key), bool):
            raise ConfigError(f"{where}: {key} = {values.get(key)!r} has the wrong type")
    for key, least in {
        "concurrency": 1,
        "max_retries": 0,
        "price_input_per_mtok": 0,
        "price_output_per_mtok": 0,
    }.items():
        if values.get(key) is not None and values[key] < least:
            raise ConfigError(f"{where}: {key} = {values[key]!r}: use a number >= {least}")
    if values["kind"] is ProviderKind.AZURE and not (
        values.get("base_url") and values.get("api_version")
    ):
        raise ConfigError(f"{where}: azure needs base_url (the endpoint) and api_version")
    if values["kind"] is not ProviderKind.OPENAI_COMPATIBLE and not values.get("api_key_env"):
        raise ConfigError(f"{where}: set api_key_env to the NAME of the variable holding the key")
    return Profile(**values)
