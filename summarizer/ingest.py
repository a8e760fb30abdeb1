"""Read articles from files, folders and standard input."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
STDIN_NAME = "-"


@dataclass(frozen=True)
class Article:
    """One source article, as read.

    ``article_id`` is stable across runs and machines: the file's stem plus the first
    hex digits of the sha256 of its text, so renaming or editing an article changes it.
    """

    article_id: str
    source: str
    title: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _slug(stem: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower()
    return slug or "article"


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name} is empty: give an article with text in it")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks binary: give a .txt, .md or .html article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte {exc.start}): re-save it as UTF-8"
        ) from exc
    # Offsets into the article must not depend on the platform's line endings.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def make_article(data: bytes, name: str) -> Article:
    """Build an Article from raw bytes; ``name`` is shown in errors and used for the id."""
    text = _decode(data, name)
    title = next(line.strip() for line in text.splitlines() if line.strip())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    stem = "stdin" if name == STDIN_NAME else Path(name).stem
    return Article(article_id=f"{_slug(stem)}-{digest}", source=name, title=title, text=text)


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
        )
        if not found:
            raise InputError(f"{path} holds no .txt or .md files: point at the articles")
        return found
    if not path.exists():
        raise InputError(f"{path} does not exist: check the path")
    return [path]


def load_articles(paths: Sequence[str | Path], stdin: BinaryIO | None = None) -> list[Article]:
    """Read every article named by ``paths``: files, folders (sorted, .txt/.md), or "-"."""
    if not paths:
        raise InputError("No input: give article files, a folder, or - for standard input")
    articles: list[Article] = []
    for raw in paths:
        if str(raw) == STDIN_NAME:
            stream = stdin if stdin is not None else sys.stdin.buffer
            articles.append(make_article(stream.read(), STDIN_NAME))
            continue
        for file in _expand(Path(raw)):
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise InputError(f"{file} cannot be read ({exc.strerror}): check it") from exc
            articles.append(make_article(data, str(file)))
    _reject_duplicates(articles)
    return articles


def _reject_duplicates(articles: Iterable[Article]) -> None:
    seen: dict[str, str] = {}
    for article in articles:
        if article.article_id in seen:
            raise InputError(
                f"{article.source} and {seen[article.article_id]} are the same article: "
                "give each article once"
            )
        seen[article.article_id] = article.source
