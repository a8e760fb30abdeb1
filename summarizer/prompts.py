"""Prompt files: found in the installed package, or in the source tree's prompts/."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from string import Template

from .errors import ConfigError

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "prompts"


def _prompt_dir() -> Path:
    # A wheel carries the prompts inside the package (pyproject force-include);
    # an editable install reads them straight from the repository.
    bundled = Path(str(resources.files("summarizer"))) / "_bundled" / "prompts"
    return bundled if bundled.is_dir() else _SOURCE_TREE


@functools.lru_cache(maxsize=16)
def load_prompt(name: str) -> Template:
    """Load ``prompts/<name>.md`` as a ``string.Template`` ($placeholders)."""
    path = _prompt_dir() / f"{name}.md"
    try:
        return Template(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Prompt file {path} is missing: reinstall summarizer") from exc


def render_prompt(name: str, **values: object) -> str:
    """Fill a prompt; a missing placeholder is a bug, so it raises KeyError."""
    return load_prompt(name).substitute({k: str(v) for k, v in values.items()}).strip()
