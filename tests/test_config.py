"""Provider profiles and config file lookup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from summarizer.config import (
    DEFAULT_LOCAL_PORT,
    Config,
    OutputMode,
    Profile,
    ProviderKind,
    find_config_file,
    load_config,
)
from summarizer.errors import ConfigError

# A new profile must currently spell out every numeric setting (see the BUG test
# test_new_profile_gets_documented_defaults); tests about other things do so.
NUMERIC = "temperature = 0.0\nmax_tokens = 1500\ntimeout = 60.0\n"


def _profile_toml(name: str, model: str, *, default: bool = True) -> str:
    head = f'default = "{name}"\n\n' if default else ""
    return (
        f"{head}[profiles.{name}]\n"
        'kind = "openai-compatible"\n'
        f'model = "{model}"\n'
        'base_url = "http://127.0.0.1:1/v1"\n' + NUMERIC
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _xdg_file() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "summarizer" / "config.toml"


# ---------------------------------------------------------------------------
# built-in profiles


def test_builtin_profiles_exist_without_any_file() -> None:
    assert find_config_file() is None
    config = load_config()
    assert config.path is None
    assert {"openai", "local"} <= set(config.profiles)
    assert config.default == "local"
    openai = config.profiles["openai"]
    assert openai.kind is ProviderKind.OPENAI
    assert openai.api_key_env == "OPENAI_API_KEY"
    local = config.profiles["local"]
    assert local.kind is ProviderKind.OPENAI_COMPATIBLE
    assert local.api_key_env is None
    assert local.base_url == f"http://127.0.0.1:{DEFAULT_LOCAL_PORT}/v1"
    assert config.resolve().name == "local"


def test_local_base_url_uses_summarizer_local_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_LOCAL_PORT", "9123")
    local = load_config().profiles["local"]
    assert local.base_url == "http://127.0.0.1:9123/v1"


def test_bad_local_port_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_LOCAL_PORT", "eighty")
    with pytest.raises(ConfigError, match="SUMMARIZER_LOCAL_PORT"):
        load_config()


# ---------------------------------------------------------------------------
# lookup precedence


def test_config_file_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = _write(tmp_path / "explicit" / "my.toml", _profile_toml("fromexplicit", "m-exp"))
    env = _write(tmp_path / "env" / "env.toml", _profile_toml("fromenv", "m-env"))
    cwd = _write(Path.cwd() / "summarizer.toml", _profile_toml("fromcwd", "m-cwd"))
    xdg = _write(_xdg_file(), _profile_toml("fromxdg", "m-xdg"))
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(env))

    # 1. --config beats everything.
    config = load_config(explicit)
    assert config.path == explicit
    assert config.default == "fromexplicit"
    assert config.resolve().model == "m-exp"
    assert "fromenv" not in config.profiles
    assert "fromcwd" not in config.profiles

    # 2. then $SUMMARIZER_CONFIG.
    config = load_config()
    assert config.path == env
    assert config.resolve().model == "m-env"
    assert "fromcwd" not in config.profiles
    assert "fromxdg" not in config.profiles

    # 3. then ./summarizer.toml.
    monkeypatch.delenv("SUMMARIZER_CONFIG")
    config = load_config()
    assert config.path is not None
    assert config.path.resolve() == cwd.resolve()
    assert config.resolve().model == "m-cwd"
    assert "fromxdg" not in config.profiles

    # 4. then $XDG_CONFIG_HOME/summarizer/config.toml.
    cwd.unlink()
    config = load_config()
    assert config.path == xdg
    assert config.resolve().model == "m-xdg"

    # 5. then nothing: built-ins only.
    xdg.unlink()
    config = load_config()
    assert config.path is None
    assert config.resolve().name == "local"


def test_cwd_file_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "project" / "summarizer.toml", _profile_toml("proj", "m-proj"))
    assert load_config().path is None
    monkeypatch.chdir(tmp_path / "project")
    assert load_config().resolve().model == "m-proj"


def test_explicit_missing_path_raises(tmp_path: Path) -> None:
    missing = tmp_path / "no-such.toml"
    with pytest.raises(ConfigError, match="--config") as exc:
        load_config(missing)
    assert str(missing) in str(exc.value)


def test_explicit_missing_path_raises_even_if_other_files_exist(tmp_path: Path) -> None:
    _write(Path.cwd() / "summarizer.toml", _profile_toml("fromcwd", "m-cwd"))
    with pytest.raises(ConfigError):
        load_config(tmp_path / "typo.toml")


def test_summarizer_config_missing_file_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "gone.toml"
    _write(Path.cwd() / "summarizer.toml", _profile_toml("fromcwd", "m-cwd"))
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(missing))
    with pytest.raises(ConfigError, match="SUMMARIZER_CONFIG") as exc:
        load_config()
    assert str(missing) in str(exc.value)


# ---------------------------------------------------------------------------
# file validation


def _load_text(tmp_path: Path, text: str) -> tuple[Path, pytest.ExceptionInfo[ConfigError]]:
    path = _write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert "\n" not in str(exc.value), f"not one line: {exc.value}"
    return path, exc


def test_unknown_top_level_key_raises(tmp_path: Path) -> None:
    path, exc = _load_text(tmp_path, 'defualt = "local"\n')
    assert "defualt" in str(exc.value)
    assert str(path) in str(exc.value)


def test_unknown_profile_key_raises(tmp_path: Path) -> None:
    path, exc = _load_text(
        tmp_path,
        '[profiles.mine]\nkind = "openai-compatible"\nmodel = "m"\nbase_ulr = "http://x/v1"\n',
    )
    message = str(exc.value)
    assert "base_ulr" in message
    assert str(path) in message
    assert "mine" in message


def test_api_key_in_profile_raises_pointing_to_api_key_env(tmp_path: Path) -> None:
    secret = "sk-test-should-never-be-in-a-file"
    path, exc = _load_text(
        tmp_path, f'[profiles.openai]\nkind = "openai"\nmodel = "gpt-4o"\napi_key = "{secret}"\n'
    )
    message = str(exc.value)
    assert "api_key_env" in message
    assert str(path) in message
    assert secret not in message


def test_invalid_toml_raises(tmp_path: Path) -> None:
    path, exc = _load_text(tmp_path, "[profiles.mine\nkind = openai\n")
    assert "TOML" in str(exc.value)
    assert str(path) in str(exc.value)


def test_bad_output_mode_raises(tmp_path: Path) -> None:
    _, exc = _load_text(
        tmp_path,
        '[profiles.mine]\nkind = "openai-compatible"\nmodel = "m"\noutput_mode = "grammar"\n',
    )
    assert "grammar" in str(exc.value)
    assert "mine" in str(exc.value)


def test_bad_kind_raises(tmp_path: Path) -> None:
    _, exc = _load_text(tmp_path, '[profiles.mine]\nkind = "anthropic"\nmodel = "m"\n')
    assert "anthropic" in str(exc.value)


def test_azure_without_api_version_raises(tmp_path: Path) -> None:
    _, exc = _load_text(
        tmp_path,
        "[profiles.az]\n"
        'kind = "azure"\n'
        'model = "my-deployment"\n'
        'base_url = "https://example.openai.azure.com"\n'
        'api_key_env = "AZURE_OPENAI_API_KEY"\n',
    )
    assert "api_version" in str(exc.value)


def test_azure_with_api_version_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "az.toml",
        'default = "az"\n'
        "[profiles.az]\n"
        'kind = "azure"\n'
        'model = "my-deployment"\n'
        'base_url = "https://example.openai.azure.com"\n'
        'api_version = "2024-10-21"\n'
        'api_key_env = "AZURE_OPENAI_API_KEY"\n'
        'output_mode = "tool"\n' + NUMERIC,
    )
    profile = load_config(path).resolve()
    assert profile.kind is ProviderKind.AZURE
    assert profile.api_version == "2024-10-21"
    assert profile.output_mode is OutputMode.TOOL
    assert profile.origin == str(path)


def test_wrong_type_raises(tmp_path: Path) -> None:
    _, exc = _load_text(
        tmp_path,
        '[profiles.mine]\nkind = "openai-compatible"\nmodel = "m"\ntemperature = "hot"\n',
    )
    assert "temperature" in str(exc.value)


def test_default_naming_no_profile_raises(tmp_path: Path) -> None:
    _, exc = _load_text(tmp_path, 'default = "nobody"\n')
    assert "nobody" in str(exc.value)


def test_file_profile_named_local_overrides_only_what_it_sets(tmp_path: Path) -> None:
    builtin = load_config().profiles["local"]
    path = _write(tmp_path / "c.toml", '[profiles.local]\nbase_url = "http://gpu-box:8080/v1"\n')
    local = load_config(path).profiles["local"]
    assert local.base_url == "http://gpu-box:8080/v1"
    assert local.model == builtin.model
    assert local.kind is builtin.kind
    assert local.timeout == builtin.timeout
    assert local.output_mode is builtin.output_mode
    assert local.seed == builtin.seed
    assert local.origin == str(path)
    # The other built-in is untouched.
    assert load_config(path).profiles["openai"] == load_config().profiles["openai"]


def test_profile_with_all_settings_loads(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.toml", _profile_toml("mine", "m-mine"))
    profile = load_config(path).profiles["mine"]
    assert profile == Profile(
        name="mine",
        kind=ProviderKind.OPENAI_COMPATIBLE,
        model="m-mine",
        base_url="http://127.0.0.1:1/v1",
        temperature=0.0,
        max_tokens=1500,
        timeout=60.0,
        origin=str(path),
    )
    assert profile.seed == 42


# The example config from README.md, "Providers" (copied verbatim).
README_EXAMPLE = """\
default = "ollama"            # the active profile when --provider is not given

[profiles.azure]
kind = "azure"
model = "my-gpt-4o-mini-deployment"          # the Azure deployment name
base_url = "https://my-resource.openai.azure.com"
api_version = "2024-10-21"
api_key_env = "AZURE_OPENAI_API_KEY"

[profiles.ollama]
kind = "openai-compatible"
model = "qwen2.5:7b-instruct"
base_url = "http://127.0.0.1:11434/v1"
output_mode = "json_schema"   # or "json_object" (schema in the prompt) or "tool" (forced tool call)

[profiles.local]              # llama.cpp's llama-server on another port
base_url = "http://127.0.0.1:9000/v1"
"""


def test_new_profile_gets_documented_defaults(tmp_path: Path) -> None:
    # Was a bug: a profile that is not a built-in and leaves out temperature / max_tokens /
    # timeout is rejected with "temperature = None has the wrong type". _parse_profile
    # starts from {} when there is no built-in of that name, so the type check sees None
    # instead of the dataclass defaults the README documents (temperature 0, seed 42,
    # max_tokens 1500). The README's own example config cannot be loaded.
    path = _write(tmp_path / "readme.toml", README_EXAMPLE)
    config = load_config(path)
    ollama = config.resolve()
    assert ollama.name == "ollama"
    assert ollama.model == "qwen2.5:7b-instruct"
    assert (ollama.temperature, ollama.seed, ollama.max_tokens) == (0.0, 42, 1500)
    assert config.profiles["azure"].api_version == "2024-10-21"
    assert config.profiles["local"].base_url == "http://127.0.0.1:9000/v1"


# ---------------------------------------------------------------------------
# Config.resolve


def _two_profile_config(tmp_path: Path) -> Config:
    text = _profile_toml("filedefault", "m-file") + _profile_toml("other", "m-other", default=False)
    return load_config(_write(tmp_path / "c.toml", text))


def test_resolve_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _two_profile_config(tmp_path)
    assert config.resolve().name == "filedefault"
    monkeypatch.setenv("SUMMARIZER_PROVIDER", "other")
    assert config.resolve().name == "other"
    assert config.resolve("openai").name == "openai"
    monkeypatch.delenv("SUMMARIZER_PROVIDER")
    assert config.resolve("local").name == "local"


def test_resolve_unknown_provider_lists_valid_names(tmp_path: Path) -> None:
    config = _two_profile_config(tmp_path)
    with pytest.raises(ConfigError) as exc:
        config.resolve("opneai")
    message = str(exc.value)
    assert "opneai" in message
    for name in ("filedefault", "local", "openai", "other"):
        assert name in message


def test_resolve_unknown_provider_from_env_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_PROVIDER", "nope")
    with pytest.raises(ConfigError, match="nope"):
        load_config().resolve()


def test_resolve_model_override() -> None:
    config = load_config()
    profile = config.resolve("openai", model="gpt-4.1")
    assert profile.model == "gpt-4.1"
    assert profile.name == "openai"
    assert profile.api_key_env == "OPENAI_API_KEY"
    # The stored profile is not changed.
    assert config.profiles["openai"].model == "gpt-4o-mini"
    assert config.resolve("openai").model == "gpt-4o-mini"


# ---------------------------------------------------------------------------
# API keys


def test_api_key_missing_raises_naming_the_variable() -> None:
    profile = load_config().resolve("openai")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        profile.api_key()
    assert profile.api_key(required=False) is None


def test_api_key_empty_counts_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        load_config().resolve("openai").api_key()


def test_api_key_custom_env_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(
        tmp_path / "c.toml",
        '[profiles.corp]\nkind = "openai"\nmodel = "m"\napi_key_env = "CORP_LLM_TOKEN"\n' + NUMERIC,
    )
    monkeypatch.delenv("CORP_LLM_TOKEN", raising=False)
    profile = load_config(path).resolve("corp")
    with pytest.raises(ConfigError, match="CORP_LLM_TOKEN"):
        profile.api_key()
    monkeypatch.setenv("CORP_LLM_TOKEN", "tok-123")
    assert profile.api_key() == "tok-123"


def test_api_key_returns_value_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-value")
    assert load_config().resolve("openai").api_key() == "sk-test-value"


def test_local_profile_needs_no_key() -> None:
    assert load_config().resolve("local").api_key() is None


def test_describe_never_shows_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-RECOGNISABLE-SECRET-4242"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    profile = load_config().resolve("openai")
    described = profile.describe()
    for key, value in described.items():
        assert secret not in value, f"describe()[{key!r}] leaks the key"
        assert "RECOGNISABLE" not in value
    assert "OPENAI_API_KEY" in described["api_key"]
    assert "NOT set" not in described["api_key"]
    assert secret not in repr(profile)


def test_describe_says_when_key_is_not_set() -> None:
    described = load_config().resolve("openai").describe()
    assert "NOT set" in described["api_key"]
    assert load_config().resolve("local").describe()["api_key"] == "not needed"
