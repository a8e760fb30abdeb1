"""The response cache: every completed model call, on disk, keyed like a cassette.

An entry is one successful HTTP answer, stored under the cassette key of its request
(``request_key``: endpoint route + canonical request body), so a rerun of the same
corpus sends nothing and a run killed after 40 of 50 calls sends only the 10 missing.
Each entry is its own file, written to a temporary name, flushed to disk and renamed:
a reader sees a whole entry or none, even after kill -9. Headers are never stored.

Default location: the user cache directory (platformdirs), ``.../summarizer/responses``;
``$SUMMARIZER_CACHE_DIR`` replaces it (tests, CI, a shared disk).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

CACHE_ENV = "SUMMARIZER_CACHE_DIR"
_ENTRY_FORMAT = "summarizer-response"
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_SHARD_NAME = re.compile(r"^[0-9a-f]{2}$")


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return platformdirs.user_cache_path("summarizer", appauthor=False) / "responses"


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    bytes: int
    leftovers: int  # temporary files of writes a killed process never finished

    def describe(self) -> str:
        mb = self.bytes / 1_000_000
        text = f"{self.path}: {self.entries} cached responses, {mb:.1f} MB"
        if self.leftovers:
            text += f", {self.leftovers} unfinished writes ('summarizer cache clear' removes them)"
        return text


class ResponseCache:
    """One file per response under ``directory/<key[:2]>/<key>.json``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored entry, or None; a damaged or foreign file is a miss, never an error."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != _ENTRY_FORMAT
            or data.get("key") != key
            or not isinstance(data.get("response"), dict)
        ):
            return None
        return data

    def put(self, key: str, endpoint: str, response: dict[str, Any], meta: dict[str, Any]) -> None:
        entry = {
            "format": _ENTRY_FORMAT,
            "key": key,
            "endpoint": endpoint,
            "response": response,
            "meta": meta,
        }
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False))
                fh.flush()
                # kill -9 cannot lose written pages, but a power cut can: a paid call
                # is worth one fsync.
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def forget(self, key: str) -> None:
        """Drop an answer that proved unusable, so the next run asks again."""
        self._path(key).unlink(missing_ok=True)

    def _files(self) -> tuple[list[Path], list[Path]]:
        entries: list[Path] = []
        leftovers: list[Path] = []
        if not self.directory.is_dir():
            return entries, leftovers
        for shard in self.directory.iterdir():
            if not (shard.is_dir() and _SHARD_NAME.match(shard.name)):
                continue
            for file in shard.iterdir():
                if _ENTRY_NAME.match(file.name):
                    entries.append(file)
                elif file.name.startswith(".") and file.name.endswith(".tmp"):
                    leftovers.append(file)
        return entries, leftovers

    def info(self) -> CacheInfo:
        entries, leftovers = self._files()
        size = sum(f.stat().st_size for f in entries)
        return CacheInfo(self.directory, len(entries), size, len(leftovers))

    def clear(self) -> int:
        """Remove this cache's own files only: the directory may be one a user named."""
        entries, leftovers = self._files()
        for file in entries + leftovers:
            file.unlink(missing_ok=True)
        for shard in {f.parent for f in entries + leftovers}:
            with contextlib.suppress(OSError):  # it holds something that is not ours
                shard.rmdir()
        return len(entries)
