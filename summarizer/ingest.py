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
HTML_SUFFIXES = frozenset({".html", ".htm"})
MIN_HTML_WORDS = 25
# Files that sit beside articles but are not articles (an answer key, a README).
_NOT_ARTICLES = re.compile(r"^(readme|expected|license|licence|changelog)([._-].*)?$", re.I)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype html|html)\b", re.IGNORECASE | re.DOTALL)
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
    outlet: str | None = None
    published: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _slug(stem: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower()
    return slug or "article"


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{name} looks binary: give a .txt, .md or .html article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte {exc.start}): re-save it as UTF-8"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty: give an article with text in it")
    # Offsets into the article must not depend on the platform's line endings.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_html(data: bytes, name: str) -> bool:
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    return Path(name).suffix.lower() in HTML_SUFFIXES or bool(_HTML_START.match(head))


def make_article(data: bytes, name: str) -> Article:
    """Build an Article from raw bytes; ``name`` is shown in errors and used for the id.

    HTML goes through trafilatura for the main text and the page's title, date and site
    name; the text starts with the title line, as a pasted article does, and metadata
    from the page wins over anything guessed later.
    """
    text = _decode(data, name)
    outlet = published = None
    if is_html(data, name):
        text, page_title, outlet, published = _extract_html(text, name)
        title = page_title or text.splitlines()[0].strip()
    else:
        title = next(line.strip() for line in text.splitlines() if line.strip())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    stem = "stdin" if name == STDIN_NAME else Path(name).stem
    return Article(
        article_id=f"{_slug(stem)}-{digest}",
        source=name,
        title=title,
        text=text,
        outlet=outlet,
        published=published,
    )


def _extract_html(html: str, name: str) -> tuple[str, str | None, str | None, str | None]:
    import trafilatura  # slow to import; only HTML needs it

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # No fallback extractors: they return menus and cookie banners as "text".
        fast=True,
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    # A page with no story still yields a menu or a cookie notice; no article is that short.
    if len(body.split()) < MIN_HTML_WORDS:
        raise InputError(f"{name}: no article text found in this HTML: save the article as .txt")
    title = (getattr(doc, "title", None) or "").strip() or None
    if title and not body.startswith(title):
        body = f"{title}\n{body}"
    outlet = (getattr(doc, "sitename", None) or "").strip() or None
    date = (getattr(doc, "date", None) or "").strip() or None
    return body.replace("\r\n", "\n"), title, outlet, date


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES
            and not p.name.startswith(".")
            and not _NOT_ARTICLES.match(p.name)
        )
        if not found:
            raise InputError(f"{path} holds no .txt, .md or .html files: point at the articles")
        return found
    if not path.exists():
        raise InputError(f"{path} does not exist: check the path")
    return [path]


def load_articles(paths: Sequence[str | Path], stdin: BinaryIO | None = None) -> list[Article]:
    """Read every article named by ``paths``: files, folders, or "-" for stdin.

    A folder gives its .txt, .md and .html files in sorted order, skipping hidden files
    and files that are not articles by name (README*, EXPECTED*, LICENSE*, CHANGELOG*);
    name such a file directly to read it anyway.
    """
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
