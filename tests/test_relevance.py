"""Page layout: chrome lines and the unrelated-stories tail of pasted articles."""

# Quotes copied from the corpus keep its typographic marks (’ “ ”) on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import pytest
from conftest import CORPUS

from summarizer.relevance import PageLayout, Region, analyse_layout


def _read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _rule_at(layout: PageLayout, text: str, needle: str) -> str | None:
    at = text.index(needle)
    return layout.rule_for(at, at + len(needle))


def _line_containing(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def _body(paragraphs: int = 8) -> str:
    return "\n".join(
        f"Paragraph {i} reports what the chancellor said about the call with Putin on Friday, "
        "and what the Kremlin answered."
        for i in range(paragraphs)
    )


# ---------------------------------------------------------------------------
# the real corpus


def test_02_tail_starts_at_in_world_and_holds_the_unrelated_items() -> None:
    text = _read("02_key-takeaways.txt")
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start == text.index("\nIn World\n") + 1
    assert layout.tail.end == len(text)
    assert "more-stories block" in layout.tail.rule
    assert "In World" in layout.tail.rule
    for needle in (
        "Oreshnik hypersonic ballistic missile",
        "nuclear-armed Pakistan's long-range ballistic-missile program",
        "stricter hijab requirements for women",
        "Finland is rallying to strengthen its national self-defense",
    ):
        assert _rule_at(layout, text, needle) == layout.tail.rule, needle


def test_02_body_is_not_set_aside() -> None:
    text = _read("02_key-takeaways.txt")
    layout = analyse_layout(text)
    for needle in (
        'the call was arranged "quite quickly,"',
        "most EU member states were not informed about Berlin’s intentions beforehand",
        "The call highlights ongoing diplomatic efforts amid strained relations",
    ):
        assert _rule_at(layout, text, needle) is None, needle


def test_03_tail_starts_at_the_top_image_credit_after_the_article() -> None:
    text = _read("03_responsible-statecraft.txt")
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start == text.index("Top image credit: Kay Nietfeld/dpa via REUTERS")
    assert "Top image credit: Kay Nietfeld" in layout.tail.rule
    for needle in (
        "Chile, meet Donroe: Rubio yanks visas over proposed China deal",
        "revoked the visas of Chile’s minister of transport",
        "Cuban Exile attack: Deliberate attempt to spur US action?",
        "Cuban border guard troops killed four people",
        "a group of veterans is urging President Trump to pursue diplomacy",
    ):
        assert _rule_at(layout, text, needle) == layout.tail.rule, needle


def test_03_sentence_about_dialogue_is_body_text() -> None:
    text = _read("03_responsible-statecraft.txt")
    layout = analyse_layout(text)
    start = text.index("Putin said that “the very fact of dialogue is positive.”")
    end = start + len("Putin said that “the very fact of dialogue is positive.”")
    assert layout.rule_for(start, end) is None
    # the last paragraph of the article, just before the tail, is body text too
    assert _rule_at(layout, text, "Putin and Scholz agreed to stay in contact.") is None


def test_03_social_prompt_and_google_cta_lines_are_chrome() -> None:
    text = _read("03_responsible-statecraft.txt")
    layout = analyse_layout(text)
    assert text.startswith("Follow us on social\n")
    assert layout.rule_for(0, len("Follow us on social")) == "social prompt"
    assert Region(0, len("Follow us on social"), "social prompt") in layout.chrome
    assert layout.tail is not None
    body_ctas = [
        region
        for region in layout.chrome
        if text[region.start : region.end] == "google cta" and region.start < layout.tail.start
    ]
    assert len(body_ctas) == 3
    for region in body_ctas:
        assert layout.rule_for(region.start, region.end) == "call to action"
    # evidence spilling over a chrome line into the body is not set aside by that line
    headline = text.index("Putin Scholz")
    assert layout.rule_for(body_ctas[0].start, headline + 5) is None


def test_05_discover_more_from_defence_talks_starts_a_tail() -> None:
    text = _read("05_defence-talks.txt")
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start == text.index("Discover more from Defence Talks")
    assert layout.tail.rule.startswith("more-stories block")
    assert _rule_at(layout, text, "Subscribe to get the latest posts") == layout.tail.rule
    assert _rule_at(layout, text, "a national election scheduled for February 23") is None


@pytest.mark.parametrize("name", ["01_commentary.txt", "04_bloomberg.txt"])
def test_articles_without_page_furniture_have_no_tail(name: str) -> None:
    text = _read(name)
    layout = analyse_layout(text)
    assert layout.tail is None
    assert layout.chrome == ()
    last_start, last_end = _line_containing(text, text.rstrip().splitlines()[-1])
    assert layout.rule_for(last_start, last_end) is None
    assert layout.rule_for(0, len(text)) is None


def test_analysis_is_deterministic() -> None:
    text = _read("03_responsible-statecraft.txt")
    assert analyse_layout(text) == analyse_layout(text)


# ---------------------------------------------------------------------------
# rules on hand-made pages


def test_tail_marker_in_the_first_part_of_a_page_is_a_menu() -> None:
    text = "Related\nScholz calls Putin\n" + _body()
    assert text.index("Related") < 0.4 * len(text)
    layout = analyse_layout(text)
    assert layout.tail is None
    assert _rule_at(layout, text, "Paragraph 7 reports") is None
    assert _rule_at(layout, text, "Related") is None


def test_tail_starts_at_the_late_marker_not_the_early_menu() -> None:
    text = "Related\nScholz calls Putin\n" + _body() + "\nMore stories\nOil prices rise again.\n"
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start == text.index("More stories")
    assert "More stories" in layout.tail.rule
    assert _rule_at(layout, text, "Oil prices rise again.") == layout.tail.rule
    assert _rule_at(layout, text, "Paragraph 7 reports") is None


def test_in_world_early_in_the_page_does_not_start_a_tail() -> None:
    text = "Scholz calls Putin\nIn World\n" + _body()
    layout = analyse_layout(text)
    assert layout.tail is None


def test_long_paragraph_containing_read_more_is_not_chrome() -> None:
    paragraph = (
        "Read more into the call than its content, analysts said: Scholz wanted to show "
        "voters that he can talk to Putin, and to read more of the Kremlin's intentions "
        "before the Group of 20 summit in Brazil. Read more, they said, into the timing."
    )
    assert len(paragraph) > 160
    text = _body() + "\n" + paragraph + "\n" + _body(2)
    layout = analyse_layout(text)
    assert layout.tail is None
    assert layout.chrome == ()
    assert _rule_at(layout, text, paragraph) is None


def test_short_sentence_containing_read_more_is_not_a_tail() -> None:
    sentence = "Analysts read more into the timing than the content."
    text = _body() + "\n" + sentence + "\n" + _body(2)
    layout = analyse_layout(text)
    assert layout.tail is None
    assert _rule_at(layout, text, sentence) is None


def test_read_more_line_alone_late_in_the_page_starts_a_tail() -> None:
    text = _body() + "\nRead more\nAnother story entirely.\n"
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start == text.index("Read more")
    assert _rule_at(layout, text, "Another story entirely.") == layout.tail.rule


def test_chrome_rule_requires_the_evidence_to_lie_within_the_line() -> None:
    text = _body(3) + "\nSubscribe to our newsletter\n" + _body(3)
    layout = analyse_layout(text)
    start = text.index("Subscribe")
    end = start + len("Subscribe to our newsletter")
    assert layout.rule_for(start, end) == "newsletter prompt"
    assert layout.rule_for(start + 3, end - 3) == "newsletter prompt"
    assert layout.rule_for(start - 10, end) is None
    assert layout.rule_for(start, end + 10) is None
