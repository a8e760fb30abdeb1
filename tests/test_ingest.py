"""Reading articles from files, folders and standard input."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from conftest import ARTICLES, CORPUS

from summarizer.errors import InputError
from summarizer.ingest import Article, load_articles


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _assert_one_line_naming(exc: pytest.ExceptionInfo[InputError], name: str) -> None:
    message = str(exc.value)
    assert name in message, f"error does not name {name!r}: {message!r}"
    assert "\n" not in message, f"not one line: {message!r}"
    assert "\r" not in message, f"not one line: {message!r}"


# ---------------------------------------------------------------------------
# files, folders, stdin


def test_files_are_loaded_in_the_order_given() -> None:
    given = [ARTICLES[2], ARTICLES[0], ARTICLES[4]]
    articles = load_articles(given)
    assert [a.source for a in articles] == [str(p) for p in given]
    for article, path in zip(articles, given, strict=True):
        assert article.text == path.read_text(encoding="utf-8").replace("\r\n", "\n")


def test_all_five_corpus_articles_load_with_their_headline_as_title() -> None:
    articles = load_articles(ARTICLES)
    assert len(articles) == 5
    assert articles[0].title == "A phone call, a significant signal"
    for article, path in zip(articles, ARTICLES, strict=True):
        first = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        assert article.title == first.strip()
        assert article.article_id.startswith(path.stem.lower() + "-")


def test_corpus_folder_loads_the_five_articles_not_the_answer_key() -> None:
    articles = load_articles([CORPUS])
    assert [a.source for a in articles] == [str(p) for p in ARTICLES]
    assert (CORPUS / "EXPECTED.md").is_file()  # present, but not an article


def test_files_that_are_not_articles_are_skipped_unless_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("README.md", "EXPECTED.md", "LICENSE.txt", ".hidden.txt", "story.md"):
        (folder / name).write_text(f"{name}\nbody\n", encoding="utf-8")
    assert [Path(a.source).name for a in load_articles([folder])] == ["story.md"]
    (named,) = load_articles([folder / "README.md"])
    assert named.title == "README.md"


def test_folder_is_sorted_and_keeps_only_txt_and_md(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "c.txt", b"Third\nbody c\n")
    _write(folder / "a.md", b"# First\nbody a\n")
    _write(folder / "b.txt", b"Second\nbody b\n")
    _write(folder / "d.json", b'{"not": "an article"}\n')
    _write(folder / "e.csv", b"not,an,article\n")
    _write(folder / "notes", b"no suffix\n")
    _write(folder / "sub" / "f.txt", b"in a subfolder\n")

    articles = load_articles([folder])

    assert [Path(a.source).name for a in articles] == ["a.md", "b.txt", "c.txt"]
    assert [a.title for a in articles] == ["# First", "Second", "Third"]


def test_stdin_dash_reads_the_given_stream() -> None:
    stream = io.BytesIO(b"\n\n  Headline from stdin  \nBody line.\n")
    [article] = load_articles(["-"], stdin=stream)
    assert article.source == "-"
    assert article.title == "Headline from stdin"
    assert article.text == "\n\n  Headline from stdin  \nBody line.\n"
    assert article.article_id.startswith("stdin-")


def test_stdin_can_be_mixed_with_files() -> None:
    stream = io.BytesIO(b"Piped article\ntext\n")
    articles = load_articles([ARTICLES[0], "-"], stdin=stream)
    assert [a.source for a in articles] == [str(ARTICLES[0]), "-"]
    assert articles[1].title == "Piped article"


def test_title_is_first_non_empty_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.txt", b"\n   \n\t\n  The Real Headline \nsecond line\n")
    [article] = load_articles([path])
    assert article.title == "The Real Headline"


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.txt", b"\xef\xbb\xbfHeadline\nbody\n")
    [article] = load_articles([path])
    assert article.title == "Headline"
    assert article.text == "Headline\nbody\n"


# ---------------------------------------------------------------------------
# article_id


def test_article_id_is_stable_across_loads() -> None:
    first = load_articles(ARTICLES)
    second = load_articles(ARTICLES)
    assert [a.article_id for a in first] == [a.article_id for a in second]
    assert len({a.article_id for a in first}) == len(first)


def test_article_id_is_stem_plus_sha256_prefix_of_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "My Article!.txt", b"Headline\nbody\n")
    [article] = load_articles([path])
    digest = hashlib.sha256(b"Headline\nbody\n").hexdigest()
    assert article.article_id == f"my-article-{digest[:10]}"
    assert article.sha256 == digest


def test_article_id_changes_when_content_changes(tmp_path: Path) -> None:
    path = _write(tmp_path / "story.txt", b"Headline\nThe talks lasted an hour.\n")
    [before] = load_articles([path])
    path.write_bytes(b"Headline\nThe talks lasted two hours.\n")
    [after] = load_articles([path])
    assert before.article_id != after.article_id
    assert before.article_id.startswith("story-")
    assert after.article_id.startswith("story-")


def test_article_id_ignores_line_ending_style(tmp_path: Path) -> None:
    lf = _write(tmp_path / "a" / "story.txt", b"Headline\nbody\n")
    crlf = _write(tmp_path / "b" / "story.txt", b"Headline\r\nbody\r\n")
    [one] = load_articles([lf])
    [two] = load_articles([crlf])
    assert one.article_id == two.article_id


# ---------------------------------------------------------------------------
# line endings


def test_crlf_and_lone_cr_become_lf(tmp_path: Path) -> None:
    path = _write(tmp_path / "win.txt", b"Headline\r\n\r\nFirst para.\r\nSecond\rThird\r\n")
    [article] = load_articles([path])
    assert "\r" not in article.text
    assert article.text == "Headline\n\nFirst para.\nSecond\nThird\n"
    assert article.title == "Headline"


def test_crlf_on_stdin_is_normalised_too() -> None:
    [article] = load_articles(["-"], stdin=io.BytesIO(b"Title\r\nbody\r\n"))
    assert article.text == "Title\nbody\n"


# ---------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.txt", b"   \n\t\r\n  \n"),
        ("binary.txt", b"PK\x03\x04\x00\x00header\x00\x01\x02 and more"),
        ("latin1.txt", "Caf\u00e9 au lait\n".encode("latin-1")),
        ("truncated.txt", b"Headline\nbroken \xe2\x82 sequence\n"),
    ],
    ids=["empty", "whitespace-only", "binary-nul", "invalid-utf8", "truncated-utf8"],
)
def test_unusable_file_raises_one_line_input_error_naming_it(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = _write(tmp_path / name, data)
    with pytest.raises(InputError) as exc:
        load_articles([path])
    _assert_one_line_naming(exc, str(path))


def test_error_kind_is_said_in_the_message(tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "empty"),
        "bin.txt": (b"abc\x00def", "binary"),
        "bad.txt": (b"ok \xff\xfe no", "UTF-8"),
    }
    for name, (data, word) in cases.items():
        path = _write(tmp_path / name, data)
        with pytest.raises(InputError, match=word):
            load_articles([path])


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf  \r\n\t\n", "\u00a0\u2003\n".encode()],
    ids=["bom-only", "bom-and-whitespace", "unicode-whitespace-only"],
)
def test_text_with_no_visible_characters_raises_input_error(tmp_path: Path, data: bytes) -> None:
    # Was a bug: _decode only checks `data.strip()` on the raw bytes, which does not strip a UTF-8
    # BOM or non-ASCII whitespace (NBSP, em space). Such a file passes the "empty" check,
    # decodes to whitespace, and make_article's `next(...)` for the title raises a bare
    # StopIteration instead of InputError (the CLI would crash with a traceback).
    path = _write(tmp_path / "looks-empty.txt", data)
    with pytest.raises(InputError) as exc:
        load_articles([path])
    _assert_one_line_naming(exc, str(path))


def test_empty_stdin_raises_input_error_naming_stdin() -> None:
    with pytest.raises(InputError) as exc:
        load_articles(["-"], stdin=io.BytesIO(b"  \n"))
    _assert_one_line_naming(exc, "-")


def test_missing_path_raises_one_line_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "article.txt"
    with pytest.raises(InputError, match="does not exist") as exc:
        load_articles([missing])
    _assert_one_line_naming(exc, str(missing))


def test_missing_path_after_good_ones_still_raises(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    with pytest.raises(InputError) as exc:
        load_articles([ARTICLES[0], missing])
    _assert_one_line_naming(exc, str(missing))


def test_folder_without_txt_or_md_raises(tmp_path: Path) -> None:
    folder = tmp_path / "nothing-here"
    _write(folder / "data.json", b"{}\n")
    _write(folder / "sheet.csv", b"a,b\n1,2\n")
    _write(folder / "README", b"no suffix\n")
    _write(folder / "sub" / "nested.txt", b"nested, not picked\n")
    with pytest.raises(InputError) as exc:
        load_articles([folder])
    _assert_one_line_naming(exc, str(folder))


def test_empty_folder_raises(tmp_path: Path) -> None:
    folder = tmp_path / "empty-dir"
    folder.mkdir()
    with pytest.raises(InputError) as exc:
        load_articles([folder])
    _assert_one_line_naming(exc, str(folder))


def test_no_paths_raises() -> None:
    with pytest.raises(InputError):
        load_articles([])


def test_same_file_twice_raises() -> None:
    with pytest.raises(InputError, match="same article") as exc:
        load_articles([ARTICLES[1], ARTICLES[1]])
    _assert_one_line_naming(exc, str(ARTICLES[1]))


def test_same_file_via_folder_and_path_raises(tmp_path: Path) -> None:
    folder = tmp_path / "dup"
    path = _write(folder / "story.txt", b"Headline\nbody\n")
    with pytest.raises(InputError, match="same article"):
        load_articles([folder, path])


def test_same_text_under_different_names_is_not_a_duplicate(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.txt", b"Headline\nbody\n")
    b = _write(tmp_path / "b.txt", b"Headline\nbody\n")
    articles = load_articles([a, b])
    assert [x.article_id.split("-")[0] for x in articles] == ["a", "b"]
    assert all(isinstance(x, Article) for x in articles)
