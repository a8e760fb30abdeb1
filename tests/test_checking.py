"""Checking one article: evidence, set-aside, merging, attribution and verified metadata."""

# Quotes copied from the corpus keep its typographic marks (’ “ ”) on purpose.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

from collections.abc import Sequence

import pytest
from conftest import CORPUS

from summarizer.checking import (
    AttributionCheck,
    CheckedArticle,
    CheckSettings,
    check_article,
    verified_outlet,
    verified_published,
    verified_title,
)
from summarizer.chunking import split_text
from summarizer.evidence import Grade
from summarizer.ingest import Article, load_articles, make_article
from summarizer.models import (
    SCHEMA_VERSION,
    ArticleExtraction,
    ArticleInfo,
    Attribution,
    ChunkExtraction,
    ChunkRecord,
    Fact,
    Position,
    ReportedAs,
    SourceKind,
)
from summarizer.relevance import analyse_layout

# ---------------------------------------------------------------------------
# builders (hand-written extractions: fixtures, not model output)


def fact(
    statement: str,
    quote: str,
    *,
    kind: SourceKind = SourceKind.ARTICLE,
    name: str | None = None,
    off_topic: bool = False,
) -> Fact:
    return Fact(
        statement=statement,
        quote=quote,
        off_topic=off_topic,
        subject="the call",
        value=None,
        attribution=Attribution(kind=kind, name=name),
        hedged=False,
    )


def position(quote: str, actor: str, stance: str = "The talks were detailed.") -> Position:
    return Position(
        quote=quote,
        actor=actor,
        topic="the call",
        stance=stance,
        reported_as=ReportedAs.PARAPHRASE,
    )


def info(
    *, outlet: str | None = None, published: str | None = None, title: str | None = None
) -> ArticleInfo:
    return ArticleInfo(outlet=outlet, published=published, title=title, main_event="A call")


def extraction(
    article: Article,
    facts: Sequence[Fact] = (),
    positions: Sequence[Position] = (),
    *,
    infos: Sequence[ArticleInfo] | None = None,
    chunk_facts: Sequence[Sequence[Fact]] | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> ArticleExtraction:
    """One record per chunk of the real splitter; facts/positions go to chunk 0."""
    chunks = split_text(article.text, 800)
    records = []
    for chunk in chunks:
        i = chunk.index
        these = list(chunk_facts[i]) if chunk_facts is not None else (list(facts) if i == 0 else [])
        records.append(
            ChunkRecord(
                index=i,
                start=chunk.start,
                end=chunk.end,
                tokens=chunk.tokens,
                usage=None,
                extraction=ChunkExtraction(
                    article=infos[i] if infos is not None else info(),
                    facts=these,
                    positions=list(positions) if i == 0 else [],
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
        outlet=outlet if outlet is not None else article.outlet,
        published=published if published is not None else article.published,
        provider="fixture",
        model="fixture-model",
        chunks=records,
    )


def small(text: str, name: str = "story.txt") -> Article:
    return make_article(text.encode("utf-8"), name)


def corpus(name: str) -> Article:
    (article,) = load_articles([CORPUS / name])
    return article


def _statements(items: Sequence[object]) -> list[str]:
    return [item.fact.statement for item in items]  # type: ignore[attr-defined]


STORY = (
    "Scholz and Putin speak by phone\n"
    "German Chancellor Olaf Scholz spoke with Vladimir Putin on Friday for an hour.\n"
    "Kremlin spokesman Dmitry Peskov said the conversation was detailed and frank.\n"
    "Scholz urged Putin to withdraw his troops from Ukraine.\n"
    "The leaders agreed to remain in contact, officials said.\n"
)


# ---------------------------------------------------------------------------
# evidence and set-aside


def test_fact_whose_quote_is_not_in_the_text_is_not_found_and_never_a_fact() -> None:
    invented = fact(
        "Putin invited Scholz to Moscow.", "Putin invited Scholz to visit Moscow in December"
    )
    real = fact("The call lasted an hour.", "spoke with Vladimir Putin on Friday for an hour")
    checked = check_article(extraction(small(STORY), [invented, real]))
    assert checked.extracted_facts == 2
    assert [i.fact for i in checked.not_found] == [invented]
    assert checked.not_found[0].evidence.grade is Grade.NOT_FOUND
    assert _statements(checked.facts) == ["The call lasted an hour."]
    assert invented not in [i.fact for i in checked.facts + checked.set_aside]
    assert checked.count(Grade.VERIFIED) == 1
    assert checked.count(Grade.NOT_FOUND) == 0  # counted over facts and set-aside only


def test_off_topic_fact_is_set_aside() -> None:
    f = fact(
        "Scholz urged a troop withdrawal.",
        "Scholz urged Putin to withdraw his troops from Ukraine.",
        off_topic=True,
    )
    checked = check_article(extraction(small(STORY), [f]))
    assert checked.facts == []
    assert [i.fact for i in checked.set_aside] == [f]
    assert checked.set_aside[0].set_aside == "the model marked it off-topic"
    assert checked.set_aside[0].evidence.grade is Grade.VERIFIED


def test_fact_in_the_unrelated_tail_is_set_aside_naming_the_rule() -> None:
    text = STORY + "In World\n-\nIran suspended a new law on hijab requirements for women.\n"
    article = small(text)
    body = fact("Leaders agreed to stay in contact.", "The leaders agreed to remain in contact")
    tail = fact("Iran suspended a hijab law.", "Iran suspended a new law on hijab requirements")
    checked = check_article(extraction(article, [body, tail]))
    assert _statements(checked.facts) == ["Leaders agreed to stay in contact."]
    (aside,) = checked.set_aside
    assert aside.fact == tail
    assert aside.set_aside is not None
    assert aside.set_aside.startswith("page layout: ")
    assert "more-stories block" in aside.set_aside
    assert "In World" in aside.set_aside


def test_fact_quoting_a_chrome_line_is_set_aside() -> None:
    text = STORY + "Subscribe to our newsletter for daily briefings\n" + STORY.split("\n", 1)[1]
    f = fact("Readers can subscribe.", "Subscribe to our newsletter for daily briefings")
    checked = check_article(extraction(small(text), [f]))
    assert checked.facts == []
    assert checked.set_aside[0].set_aside == "page layout: newsletter prompt"


def test_position_in_the_tail_is_dropped_and_one_not_found_is_listed() -> None:
    text = STORY + "More stories\nThe minister said oil prices would rise again this winter.\n"
    tail = position("The minister said oil prices would rise again this winter.", "the minister")
    invented = position("Peskov called the call a breakthrough for Europe", "Dmitry Peskov")
    body = position("Dmitry Peskov said the conversation was detailed and frank", "Dmitry Peskov")
    checked = check_article(extraction(small(text), positions=[tail, invented, body]))
    assert [p.position for p in checked.positions] == [body]
    assert [p.position for p in checked.not_found] == [invented]  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# merging duplicates


SAID = "Scholz and Putin agreed to remain in contact, the officials said."
SAID_NEAR = "Scholz and Putin agreed to remain in close contact, the officials said."


@pytest.mark.parametrize("near_first", [True, False])
def test_duplicates_merge_keeping_the_verified_one(near_first: bool) -> None:
    article = corpus("04_bloomberg.txt")
    verified = fact("Scholz and Putin agreed to remain in contact.", SAID)
    near = fact("Scholz and Putin agreed to stay in contact.", SAID_NEAR)
    facts = [near, verified] if near_first else [verified, near]
    checked = check_article(extraction(article, facts))
    assert checked.extracted_facts == 2
    assert checked.duplicates == 1
    (kept,) = checked.facts
    assert kept.fact == verified
    assert kept.evidence.grade is Grade.VERIFIED
    assert checked.not_found == []
    assert checked.set_aside == []


def test_duplicates_across_chunks_merge() -> None:
    article = corpus("04_bloomberg.txt")
    n = len(split_text(article.text, 800))
    assert n >= 2
    first = fact("Scholz and Putin agreed to remain in contact.", SAID)
    again = fact("Scholz and Putin agreed to remain in contact.", "agreed to remain in contact")
    chunk_facts: list[list[Fact]] = [[] for _ in range(n)]
    chunk_facts[0] = [first]
    chunk_facts[n - 1] = [again]
    checked = check_article(extraction(article, chunk_facts=chunk_facts))
    assert checked.duplicates == 1
    assert len(checked.facts) == 1


def test_different_claims_from_one_sentence_are_both_kept() -> None:
    article = corpus("04_bloomberg.txt")
    sentence = (
        "Scholz, who condemned Russia’s “war of aggression,” addressed in particular Moscow’s "
        "aerial attacks on civilian infrastructure and called the deployment of North Korean "
        "troops a “grave escalation” in the two-and-a-half-year war, according to officials."
    )
    a = fact("Scholz condemned Russia's war of aggression.", sentence)
    b = fact("North Korean troop deployment was called a grave escalation.", sentence)
    checked = check_article(extraction(article, [a, b]))
    assert checked.duplicates == 0
    assert _statements(checked.facts) == [a.statement, b.statement]
    ev_a, ev_b = (item.evidence for item in checked.facts)
    assert (ev_a.start, ev_a.end) == (ev_b.start, ev_b.end)
    assert checked.facts[0].item_id != checked.facts[1].item_id


def test_item_ids_are_stable_and_distinct() -> None:
    article = small(STORY)
    facts = [
        fact("The call lasted an hour.", "spoke with Vladimir Putin on Friday for an hour"),
        fact("Scholz urged a withdrawal.", "Scholz urged Putin to withdraw his troops"),
    ]
    positions = [position("Dmitry Peskov said the conversation was detailed", "Dmitry Peskov")]
    first = check_article(extraction(article, facts, positions))
    second = check_article(extraction(small(STORY), list(facts), list(positions)))
    ids_first = [i.item_id for i in first.facts] + [p.item_id for p in first.positions]
    ids_second = [i.item_id for i in second.facts] + [p.item_id for p in second.positions]
    assert ids_first == ids_second
    assert len(set(ids_first)) == 3
    assert [i[0] for i in ids_first] == ["F", "F", "P"]
    assert all(len(i) == 9 for i in ids_first)


def test_item_id_depends_on_the_article() -> None:
    f = fact("The call lasted an hour.", "spoke with Vladimir Putin on Friday for an hour")
    one = check_article(extraction(small(STORY, "a.txt"), [f]))
    other = check_article(extraction(small(STORY, "b.txt"), [f]))
    assert one.facts[0].item_id != other.facts[0].item_id


# ---------------------------------------------------------------------------
# attribution


PESKOV_TEXT = (
    "A headline about the call\n"
    "Kremlin spokesman Dmitry Peskov spoke to reporters in Moscow on Saturday. "
    "The conversation was detailed and frank, but no convergence was reached. "
    "The two sides will keep their aides in contact.\n"
    "In Kyiv, the mood was different. Volodymyr Zelensky called the call a Pandora's box. "
    "He warned that other leaders would now follow. Ukraine's allies were divided. "
    "Many in Kyiv feared the isolation of Russia was ending.\n"
)


@pytest.mark.parametrize(
    "quote",
    [
        "Kremlin spokesman Dmitry Peskov spoke to reporters in Moscow",  # same sentence
        "The conversation was detailed and frank",  # the next sentence after the name
    ],
)
def test_position_whose_actor_is_named_nearby_is_supported(quote: str) -> None:
    checked = check_article(
        extraction(small(PESKOV_TEXT), positions=[position(quote, "Dmitry Peskov")])
    )
    (item,) = checked.positions
    assert item.evidence.grade is Grade.VERIFIED
    assert item.attribution is AttributionCheck.SUPPORTED


def test_actor_named_in_the_following_sentence_is_supported() -> None:
    text = "A headline\nThe conversation was detailed and frank. That is what Peskov told TASS.\n"
    p = position("The conversation was detailed and frank", "Dmitry Peskov")
    (item,) = check_article(extraction(small(text), positions=[p])).positions
    assert item.attribution is AttributionCheck.SUPPORTED


def test_position_whose_actor_is_named_nowhere_near_is_unsupported() -> None:
    p = position("He warned that other leaders would now follow", "Peskov")
    (item,) = check_article(extraction(small(PESKOV_TEXT), positions=[p])).positions
    assert item.evidence.grade is Grade.VERIFIED
    assert item.attribution is AttributionCheck.UNSUPPORTED


def test_two_sentences_away_is_too_far() -> None:
    p = position("The two sides will keep their aides in contact", "Dmitry Peskov")
    (item,) = check_article(extraction(small(PESKOV_TEXT), positions=[p])).positions
    assert item.attribution is AttributionCheck.UNSUPPORTED


def test_attribution_on_the_real_corpus() -> None:
    article = corpus("03_responsible-statecraft.txt")
    peskov = position(
        "Kremlin spokesman Dmitry Peskov called the conversation “detailed” and “frank,”",
        "Dmitry Peskov",
    )
    wrong = position(
        "Zelensky complained that Scholz’s call was “exactly what Putin has been wanting",
        "Peskov",
    )
    checked = check_article(extraction(article, positions=[peskov, wrong]))
    by_actor = {p.position.actor: p for p in checked.positions}
    assert by_actor["Dmitry Peskov"].attribution is AttributionCheck.SUPPORTED
    assert by_actor["Peskov"].attribution is AttributionCheck.UNSUPPORTED


def test_fact_attribution_checks_named_sources_only() -> None:
    quote = "The conversation was detailed and frank"
    named = fact(
        "Peskov: talks were frank.", quote, kind=SourceKind.NAMED_PERSON, name="Dmitry Peskov"
    )
    wrong = fact(
        "Zelensky said talks were frank and detailed.",
        quote,
        kind=SourceKind.NAMED_PERSON,
        name="Volodymyr Zelensky",
    )
    voice = fact("The talks reached no convergence.", "but no convergence was reached")
    unnamed = fact(
        "Aides will stay in touch.",
        "The two sides will keep their aides in contact",
        kind=SourceKind.UNNAMED_SOURCE,
        name="officials",
    )
    checked = check_article(extraction(small(PESKOV_TEXT), [named, wrong, voice, unnamed]))
    result = {i.fact.statement: i.attribution for i in checked.facts}
    assert result == {
        named.statement: AttributionCheck.SUPPORTED,
        wrong.statement: AttributionCheck.UNSUPPORTED,
        voice.statement: AttributionCheck.NOT_CHECKED,
        unnamed.statement: AttributionCheck.NOT_CHECKED,
    }


def test_not_found_item_is_not_checked_for_attribution() -> None:
    p = position("Peskov praised Scholz warmly for his courage", "Dmitry Peskov")
    checked = check_article(extraction(small(PESKOV_TEXT), positions=[p]))
    assert checked.not_found[0].attribution is AttributionCheck.NOT_CHECKED


def test_actor_with_a_straight_apostrophe_matches_a_curly_one() -> None:
    # Was a bug: check_attribution compares the name with the raw text. The evidence search
    # treats ' and ’ as the same, but the actor "Scholz's spokesman" (straight apostrophe)
    # becomes the token "scholz's", which never matches "Scholz’s spokesman" in the text
    # (04), so the position is UNSUPPORTED although the quote's own sentence names him.
    article = corpus("04_bloomberg.txt")
    quote = "The two discussed “possible paths to a just peace,” Scholz’s spokesman said."
    results = {}
    for actor in ("Scholz\u2019s spokesman", "Scholz's spokesman"):
        (item,) = check_article(extraction(article, positions=[position(quote, actor)])).positions
        assert item.evidence.grade is Grade.VERIFIED
        results[actor] = item.attribution
    assert results["Scholz\u2019s spokesman"] is AttributionCheck.SUPPORTED
    assert results["Scholz's spokesman"] is AttributionCheck.SUPPORTED


# ---------------------------------------------------------------------------
# settings


def test_near_threshold_setting_reaches_the_evidence_check() -> None:
    article = corpus("04_bloomberg.txt")
    f = fact("They agreed to stay in close contact.", SAID_NEAR)
    lenient = check_article(extraction(article, [f]))
    strict = check_article(extraction(article, [f]), CheckSettings(near_threshold=97))
    assert lenient.facts[0].evidence.grade is Grade.NEAR
    assert strict.facts == []
    assert [i.fact for i in strict.not_found] == [f]


def test_result_type() -> None:
    checked = check_article(extraction(small(STORY)))
    assert isinstance(checked, CheckedArticle)
    assert (checked.facts, checked.positions, checked.duplicates) == ([], [], 0)


# ---------------------------------------------------------------------------
# verified metadata: published


DATED = (
    "Scholz calls Putin\n"
    "BERLIN, November 15, 2024 - German Chancellor Olaf Scholz spoke with Putin by phone.\n"
    "The call lasted an hour.\n"
)


def test_published_is_accepted_when_the_body_states_it() -> None:
    ex = extraction(small(DATED), infos=[info(published="2024-11-15")])
    assert verified_published(ex) == "2024-11-15"


@pytest.mark.parametrize(
    "written", ["15 November 2024", "Nov. 15, 2024", "2024-11-15", "15.11.2024", "11/15/2024"]
)
def test_published_accepts_common_date_forms(written: str) -> None:
    text = f"Scholz calls Putin\nBERLIN ({written}) - Scholz spoke with Putin by phone.\n"
    ex = extraction(small(text), infos=[info(published="2024-11-15")])
    assert verified_published(ex) == "2024-11-15"


def test_published_is_rejected_when_the_body_does_not_state_it() -> None:
    ex = extraction(small(DATED), infos=[info(published="2024-11-16")])
    assert verified_published(ex) is None


def test_published_guess_for_the_blanked_commentary_is_rejected() -> None:
    article = corpus("01_commentary.txt")
    n = len(split_text(article.text, 800))
    infos = [info(published="2024-11-15") for _ in range(n)]
    assert verified_published(extraction(article, infos=infos)) is None


def test_published_without_a_year_in_the_text_is_rejected() -> None:
    article = corpus("03_responsible-statecraft.txt")  # "On November 15," without a year
    n = len(split_text(article.text, 800))
    infos = [info(published="2024-11-15") for _ in range(n)]
    assert verified_published(extraction(article, infos=infos)) is None


def test_published_found_only_in_the_tail_is_rejected() -> None:
    text = (
        STORY
        + STORY.split("\n", 1)[1]
        + "In World\n-\nOn November 15, 2024, oil prices rose in Asian trading.\n"
    )
    ex = extraction(small(text), infos=[info(published="2024-11-15")])
    layout = analyse_layout(text)
    assert layout.tail is not None
    assert layout.tail.start < text.index("November 15, 2024")
    assert verified_published(ex) is None
    # the same date in the body is accepted
    body = extraction(
        small(DATED + "In World\n-\nOil prices rose.\n"), infos=[info(published="2024-11-15")]
    )
    assert verified_published(body) == "2024-11-15"


def test_page_published_always_wins() -> None:
    ex = extraction(small(DATED), infos=[info(published="2024-11-15")], published="2024-11-14")
    assert verified_published(ex) == "2024-11-14"
    no_model = extraction(small(STORY), published="2024-11-14")
    assert verified_published(no_model) == "2024-11-14"


@pytest.mark.parametrize(
    ("written", "claimed"),
    [
        ("15 November 2024", "2024-11-05"),  # "5 november 2024" is inside "15 november 2024"
        ("11/15/2024", "2024-01-15"),  # "1/15/2024" is inside "11/15/2024"
        ("21 November 2024", "2024-11-01"),  # "1 november 2024" is inside "21 november 2024"
    ],
)
def test_published_needs_the_same_day_not_a_substring_of_another(
    written: str, claimed: str
) -> None:
    # Was a bug: verified_published tests `form in text` with no word boundary, so a model's
    # wrong date is accepted whenever one of its forms is the tail end of another date:
    # claimed 2024-11-05 passes on a text that says "15 November 2024".
    text = f"Scholz calls Putin\nBERLIN, {written} - Scholz spoke with Putin by phone.\n"
    ex = extraction(small(text), infos=[info(published=claimed)])
    assert verified_published(ex) is None


# ---------------------------------------------------------------------------
# verified metadata: outlet


def test_outlet_in_the_footer_is_accepted() -> None:
    article = corpus("05_defence-talks.txt")
    n = len(split_text(article.text, 800))
    ex = extraction(article, infos=[info(outlet="Defence Talks") for _ in range(n)])
    assert verified_outlet(ex) == "Defence Talks"


def test_outlet_in_the_masthead_is_accepted() -> None:
    text = "Defence Talks | Scholz calls Putin\n" + STORY
    ex = extraction(small(text), infos=[info(outlet="Defence Talks")])
    assert verified_outlet(ex) == "Defence Talks"


def test_outlet_only_cited_mid_text_is_rejected() -> None:
    article = corpus("01_commentary.txt")
    assert "The New York Times" in article.text
    n = len(split_text(article.text, 800))
    ex = extraction(article, infos=[info(outlet="The New York Times") for _ in range(n)])
    assert verified_outlet(ex) is None


def test_bloomberg_cited_mid_text_is_not_the_outlet_of_the_txt_copy() -> None:
    article = corpus("04_bloomberg.txt")
    assert "Bloomberg News" in article.text
    n = len(split_text(article.text, 800))
    ex = extraction(article, infos=[info(outlet="Bloomberg") for _ in range(n)])
    assert verified_outlet(ex) is None


def test_page_outlet_always_wins() -> None:
    article = corpus("01_commentary.txt")
    n = len(split_text(article.text, 800))
    ex = extraction(
        article, infos=[info(outlet="The New York Times") for _ in range(n)], outlet="Xinhua"
    )
    assert verified_outlet(ex) == "Xinhua"
    assert verified_outlet(extraction(small(STORY), outlet="Xinhua")) == "Xinhua"


def test_no_outlet_claim_gives_none() -> None:
    assert verified_outlet(extraction(small(STORY))) is None


# ---------------------------------------------------------------------------
# verified metadata: title


HEADLINE = "Germany's Scholz becomes first to break the ice with Putin"


def _statecraft(title: str | None) -> ArticleExtraction:
    article = corpus("03_responsible-statecraft.txt")
    assert article.title == "Follow us on social"
    n = len(split_text(article.text, 800))
    return extraction(article, infos=[info(title=title if i == 0 else None) for i in range(n)])


def test_title_is_the_first_line_when_it_is_not_chrome() -> None:
    article = corpus("04_bloomberg.txt")
    ex = extraction(article, infos=[info(title="Something else entirely")] * 6)
    assert verified_title(ex) == "German Leader Urges Putin to Enter Ukraine Talks in Phone Call"


def test_title_is_the_models_headline_when_it_is_a_body_line() -> None:
    assert verified_title(_statecraft(HEADLINE)) == HEADLINE


def test_title_claim_that_is_not_a_whole_line_is_not_used() -> None:
    title = verified_title(_statecraft("Scholz becomes first to break the ice"))
    assert title != "Scholz becomes first to break the ice"


@pytest.mark.parametrize(
    "model_title", ["Follow us on social", None, "Putin and Scholz talk", "google cta"]
)
def test_title_skips_a_chrome_first_line(model_title: str | None) -> None:
    # Was a bug: when the model's title is unusable, verified_title falls back to "the first line
    # of the body that is not chrome" but calls rule_for(start, start + len(line)) with the
    # line's trailing newline, one past the chrome region's end, so no chrome line is ever
    # recognised there and "Follow us on social" (4 words) is returned as the title.
    title = verified_title(_statecraft(model_title))
    assert title != "Follow us on social"
    assert title == HEADLINE
    assert len(title.split()) >= 4


def test_title_fallback_on_a_hand_made_page_with_chrome_first() -> None:
    # Was a bug: same cause as above, on a minimal page: the chrome line is returned.
    text = "Share this article with friends\nScholz calls Putin for the first time\n" + STORY
    ex = extraction(small(text), infos=[info(title=None)])
    assert verified_title(ex) == "Scholz calls Putin for the first time"


def test_title_fallback_when_chrome_is_the_last_line() -> None:
    # Without a trailing newline after the chrome line, the fallback does skip it.
    text = "Subscribe to our daily newsletter now"
    article = small(text)
    ex = extraction(article, infos=[info(title=None)])
    assert verified_title(ex) == text  # nothing else to pick: the first line stays
