"""HTML input: the saved Bloomberg page gives exactly the text of the pasted .txt copy."""

# Quotes copied from the corpus keep its typographic marks (’ “ ”) on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES

from summarizer.checking import CheckedArticle, check_article
from summarizer.chunking import split_text
from summarizer.errors import InputError
from summarizer.evidence import Grade
from summarizer.ingest import Article, is_html, load_articles
from summarizer.models import (
    SCHEMA_VERSION,
    ArticleExtraction,
    ArticleInfo,
    Attribution,
    ChunkExtraction,
    ChunkRecord,
    Fact,
    SourceKind,
)

PAGE = FIXTURES / "04_bloomberg_page.html"
TXT = CORPUS / "04_bloomberg.txt"
TITLE = "German Leader Urges Putin to Enter Ukraine Talks in Phone Call"

PAGE_FURNITURE = [
    # cookie banner
    "cookies",
    "Accept all",
    "Manage preferences",
    # navigation
    "Markets",
    "Economics",
    "Politics",
    "Subscribe",
    # advertisements
    "Advertisement",
    "Trade smarter",
    "Luxury watches",
    # related stories
    "More stories",
    "Oil Rises as Traders",
    "Chile Revokes Visas",
    "Finland Rallies Civilians",
    # footer
    "Follow us on social",
    "Sign up for our newsletter",
    "All Rights Reserved",
    "\u00a9",
    # the <time> element's display text
    "2:58 PM UTC",
]


def _page() -> Article:
    (article,) = load_articles([PAGE])
    return article


def _txt() -> str:
    return TXT.read_text(encoding="utf-8")


def _assert_one_line_naming(exc: pytest.ExceptionInfo[InputError], name: str) -> None:
    message = str(exc.value)
    assert name in message, message
    assert "\n" not in message
    assert "no article text" in message


# ---------------------------------------------------------------------------
# the saved page


def test_page_metadata_comes_from_the_html() -> None:
    article = _page()
    assert article.title == TITLE
    assert article.outlet == "Bloomberg"
    assert article.published == "2024-11-15"
    assert article.source == str(PAGE)


def test_page_text_equals_the_txt_article_exactly() -> None:
    article = _page()
    text = _txt()
    assert article.text == text
    assert article.text.splitlines()[0] == TITLE
    assert article.sha256 == load_articles([TXT])[0].sha256
    # same text, same chunks: the same model requests serve both
    assert split_text(article.text, 800) == split_text(text, 800)


def test_page_article_id_differs_from_the_txt_only_by_the_file_stem() -> None:
    page, txt = _page(), load_articles([TXT])[0]
    assert page.article_id.startswith("04_bloomberg_page-")
    assert txt.article_id.startswith("04_bloomberg-")
    assert page.article_id.rsplit("-", 1)[1] == txt.article_id.rsplit("-", 1)[1]


@pytest.mark.parametrize("needle", PAGE_FURNITURE)
def test_page_furniture_is_not_in_the_text(needle: str) -> None:
    text = _page().text
    assert needle.lower() not in text.lower()
    assert needle in PAGE.read_text(encoding="utf-8")  # it was on the page


def test_html_on_stdin_is_detected_by_content() -> None:
    data = PAGE.read_bytes()
    assert is_html(data, "-")
    (article,) = load_articles(["-"], stdin=io.BytesIO(data))
    assert article.source == "-"
    assert article.article_id.startswith("stdin-")
    assert article.text == _txt()
    assert article.text == _page().text
    assert (article.title, article.outlet, article.published) == (TITLE, "Bloomberg", "2024-11-15")


def test_html_on_stdin_after_a_comment_is_detected() -> None:
    data = b"<!-- saved from url=(0042)https://example.com/ -->\n" + PAGE.read_bytes()
    (article,) = load_articles(["-"], stdin=io.BytesIO(data))
    assert article.text == _txt()


def test_html_on_stdin_with_a_byte_order_mark_is_detected() -> None:
    # Was a bug: ingest.is_html matches _HTML_START against the raw bytes, and \s does not match
    # the UTF-8 BOM (EF BB BF) that Windows editors write; _decode strips the BOM only
    # later. So a BOM-prefixed page on stdin is read as plain text: the title becomes
    # "<!DOCTYPE html>" and the text is the raw markup (7,073 characters).
    data = b"\xef\xbb\xbf" + PAGE.read_bytes()
    (article,) = load_articles(["-"], stdin=io.BytesIO(data))
    assert article.title == TITLE
    assert article.text == _txt()


def test_text_on_stdin_that_mentions_html_is_not_html() -> None:
    data = b"Notes on <html> tags\nThe <html> element wraps a page.\n"
    assert not is_html(data, "-")
    (article,) = load_articles(["-"], stdin=io.BytesIO(data))
    assert article.text == data.decode()
    assert article.outlet is None


def test_html_without_article_text_raises_naming_the_file(tmp_path: Path) -> None:
    page = tmp_path / "empty_page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Empty page</title></head>"
        "<body><div></div></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_articles([page])
    _assert_one_line_naming(exc, "empty_page.html")


def test_html_without_article_text_on_stdin_raises_naming_stdin() -> None:
    data = b"<!DOCTYPE html><html><body></body></html>"
    with pytest.raises(InputError) as exc:
        load_articles(["-"], stdin=io.BytesIO(data))
    _assert_one_line_naming(exc, "-:")


def test_html_with_only_navigation_and_a_cookie_banner_raises(tmp_path: Path) -> None:
    # Regression: trafilatura returns the cookie banner or a menu as "text" for such a
    # page; fewer than MIN_HTML_WORDS words is not an article.
    page = tmp_path / "chrome_only.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Nothing here</title></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        "<div id='cookie-banner'><p>We use cookies. Accept all cookies.</p></div>"
        "</body></html>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_articles([page])
    _assert_one_line_naming(exc, "chrome_only.html")


def test_folder_picks_up_html_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PAGE, folder / "b_bloomberg.html")
    shutil.copy(PAGE, folder / "c_copy.HTM")
    shutil.copy(CORPUS / "05_defence-talks.txt", folder / "a_defence.txt")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    articles = load_articles([folder])
    assert [Path(a.source).name for a in articles] == [
        "a_defence.txt",
        "b_bloomberg.html",
        "c_copy.HTM",
    ]
    assert articles[0].outlet is None
    for article in articles[1:]:
        assert article.outlet == "Bloomberg"
        assert article.text == _txt()
    assert articles[1].article_id != articles[2].article_id


# ---------------------------------------------------------------------------
# same facts after verification, whether the article came as .html or .txt


def _fact(statement: str, quote: str, name: str | None = None) -> Fact:
    return Fact(
        statement=statement,
        quote=quote,
        off_topic=False,
        subject="the call",
        value=None,
        attribution=Attribution(
            kind=SourceKind.NAMED_PERSON if name else SourceKind.ARTICLE, name=name
        ),
        hedged=False,
    )


# Hand-written chunk extractions (fixtures): quotes copied from the article, plus one
# paraphrase and one invented quote that are not in it.
CHUNK_FACTS: dict[int, list[Fact]] = {
    0: [
        _fact(
            "Scholz and Putin spoke by phone on Friday.",
            "Russia’s Vladimir Putin and Chancellor Olaf Scholz held a phone call Friday",
        ),
        _fact(
            "It was their first direct contact in almost two years.",
            "the first direct communication between the leaders in almost two years",
        ),
        _fact(
            "Scholz urged Russia to negotiate a just and lasting peace.",
            "\"The chancellor called on Russia's willingness to negotiate with Ukraine with the "
            'aim of a just and lasting peace,"',
            name="Steffen Hebestreit",
        ),
        _fact(
            "Germany is Ukraine's second-biggest supporter.",
            "Germany is Ukraine's second-biggest supporter after the US",
        ),
    ],
    1: [
        _fact(
            "The leaders agreed to stay in contact.",
            "Scholz and Putin agreed to remain in close contact, the officials said.",
        ),
        _fact(
            "Putin invited Scholz to Moscow.",
            "Putin invited Scholz to visit Moscow before the end of the year",
        ),
        _fact(
            "The Kremlin called the talks detailed and frank.",
            "The Russian statement called the conversation “detailed and frank”",
            name="the Kremlin",
        ),
        _fact(
            "A snap election is set for February 23.",
            "secured a deal this week to hold a snap election on Feb. 23.",
        ),
        _fact("Scholz called Putin first.", "The German side initiated the call"),
    ],
}


def _extraction(article: Article) -> ArticleExtraction:
    records = []
    for chunk in split_text(article.text, 800):
        records.append(
            ChunkRecord(
                index=chunk.index,
                start=chunk.start,
                end=chunk.end,
                tokens=chunk.tokens,
                usage=None,
                extraction=ChunkExtraction(
                    article=ArticleInfo(
                        outlet=None, published=None, title=None, main_event="Scholz calls Putin"
                    ),
                    facts=CHUNK_FACTS.get(chunk.index, []),
                    positions=[],
                ),
            )
        )
    return ArticleExtraction(
        schema_version=SCHEMA_VERSION,
        article_id=article.article_id,
        source=article.source,
        title=article.title,
        sha256=article.sha256,
        text=article.text,
        outlet=article.outlet,
        published=article.published,
        provider="fixture",
        model="fixture-model",
        chunks=records,
    )


def _summary(checked: CheckedArticle) -> dict[str, object]:
    return {
        "facts": [
            (
                i.item_id,
                i.fact.statement,
                i.evidence.grade,
                i.evidence.start,
                i.evidence.end,
                i.evidence.similarity,
                i.attribution,
                i.chunk,
            )
            for i in checked.facts
        ],
        "not_found": [(i.item_id, i.chunk, i.evidence.grade) for i in checked.not_found],
        "set_aside": [(i.item_id, i.set_aside) for i in checked.set_aside],
        "duplicates": checked.duplicates,
        "extracted": checked.extracted_facts,
    }


def test_same_facts_after_verification_for_html_and_txt(tmp_path: Path) -> None:
    # The article id is the file stem plus a digest of the text, so the saved page is
    # named like the .txt for the ids to be comparable.
    page = tmp_path / "04_bloomberg.html"
    shutil.copy(PAGE, page)
    (html_article,) = load_articles([page])
    (txt_article,) = load_articles([TXT])
    assert html_article.article_id == txt_article.article_id
    assert len(split_text(txt_article.text, 800)) == 2

    html_checked = check_article(_extraction(html_article))
    txt_checked = check_article(_extraction(txt_article))

    assert _summary(html_checked) == _summary(txt_checked)
    statements = [i.fact.statement for i in txt_checked.facts]
    assert len(statements) == 7
    assert {i.evidence.grade for i in txt_checked.facts} == {Grade.VERIFIED, Grade.NEAR}
    assert "Putin invited Scholz to Moscow." not in statements
    assert "Scholz called Putin first." not in statements
    assert sorted(i.fact.statement for i in txt_checked.not_found) == [  # type: ignore[union-attr]
        "Putin invited Scholz to Moscow.",
        "Scholz called Putin first.",
    ]
    for item in txt_checked.facts:
        assert item.evidence.start is not None
        assert item.evidence.end is not None
        located = txt_article.text[item.evidence.start : item.evidence.end]
        assert located == html_article.text[item.evidence.start : item.evidence.end]


def test_same_evidence_spans_for_the_fixture_under_its_own_name() -> None:
    (html_article,) = load_articles([PAGE])
    (txt_article,) = load_articles([TXT])
    html_checked = check_article(_extraction(html_article))
    txt_checked = check_article(_extraction(txt_article))

    def spans(checked: CheckedArticle) -> list[tuple[str, int | None, int | None]]:
        return [(i.fact.statement, i.evidence.start, i.evidence.end) for i in checked.facts]

    assert spans(html_checked) == spans(txt_checked)
    assert len(html_checked.not_found) == len(txt_checked.not_found) == 2
