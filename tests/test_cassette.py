"""Cassette record/replay at the HTTP layer, under the real openai SDK.

Every model response here is a hand-written fixture (``chat_response``), never a
recording; the "server" is a ``QueueTransport``. Nothing touches a network.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import QueueTransport, chat_response, valid_extraction

from summarizer.cassette import (
    CASSETTE_FORMAT,
    CASSETTE_VERSION,
    REDACTED,
    Cassette,
    CassetteTransport,
    RecordMode,
    _endpoint,
    request_key,
    scrub,
)
from summarizer.config import Profile, ProviderKind, load_config
from summarizer.errors import CassetteError, CassetteMissError, ProviderError
from summarizer.models import response_schema
from summarizer.provider import ModelClient

SECRET = "sk-test-SECRET-12345"
FAKE_CONFIG = """\
[profiles.fake]
kind = "openai"
model = "gpt-x"
base_url = "http://fake.invalid/v1"
api_key_env = "FAKE_KEY"
temperature = 0.0
max_tokens = 500
timeout = 5.0
"""

MESSAGES = [
    {"role": "system", "content": "You extract facts."},
    {"role": "user", "content": "Scholz and Putin agreed to remain in contact."},
]
OTHER_MESSAGES = [
    {"role": "system", "content": "You extract facts."},
    {"role": "user", "content": "Scholz and Putin spoke for an hour."},
]


@pytest.fixture
def fake_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    """An 'openai' kind profile whose key is a recognisable fake secret."""
    (tmp_path / "summarizer.toml").write_text(FAKE_CONFIG, encoding="utf-8")
    monkeypatch.setenv("FAKE_KEY", SECRET)
    profile = load_config().resolve("fake")
    assert profile.api_key() == SECRET
    return profile


@pytest.fixture
def local_profile() -> Profile:
    """A keyless profile on a host that never resolves (requests go to QueueTransport)."""
    return Profile(
        name="test-local",
        kind=ProviderKind.OPENAI_COMPATIBLE,
        model="fixture-requested",
        base_url="http://fake.invalid/v1",
        timeout=5.0,
    )


def _content(quote: str = "Scholz and Putin agreed to remain in contact") -> str:
    return json.dumps(valid_extraction(quote))


def _record(
    profile: Profile,
    path: Path,
    bodies: list[dict[str, Any]],
    calls: list[list[dict[str, str]]],
    mode: RecordMode = RecordMode.NEW,
) -> tuple[list[str], QueueTransport, ModelClient]:
    inner = QueueTransport(bodies)
    cassette = Cassette.load(path, must_exist=mode is RecordMode.NONE)
    client = ModelClient(profile, cassette=cassette, record_mode=mode, inner_transport=inner)
    try:
        contents = [client.complete(messages, response_schema()).content for messages in calls]
    finally:
        client.close()
    return contents, inner, client


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# -- record modes -----------------------------------------------------------------


def test_record_mode_parse_rejects_typo_listing_valid_modes() -> None:
    with pytest.raises(CassetteError) as info:
        RecordMode.parse("nne")
    message = str(info.value)
    assert "'nne'" in message
    assert "none, new, all" in message


def test_record_mode_parse_accepts_each_mode() -> None:
    assert [RecordMode.parse(v) for v in ("none", "new", "all")] == [
        RecordMode.NONE,
        RecordMode.NEW,
        RecordMode.ALL,
    ]


# -- recording: secrets, metadata, file format ------------------------------------


def test_recording_never_writes_the_key_or_auth_headers(
    fake_profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "cassettes" / "c.json"
    contents, inner, _ = _record(fake_profile, path, [chat_response(_content())], [MESSAGES])

    assert contents == [_content()]
    assert len(inner.requests) == 1
    # The SDK really did send the key; the cassette must not keep it.
    assert inner.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert path.exists()
    text = path.read_text(encoding="utf-8")
    for forbidden in (SECRET, "Authorization", "authorization", "Bearer"):
        assert forbidden not in text


def test_recorded_file_has_format_version_and_meta(fake_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    _record(fake_profile, path, [chat_response(_content(), model="served-model")], [MESSAGES])

    data = _read(path)
    assert data["format"] == CASSETTE_FORMAT == "summarizer-cassette"
    assert data["version"] == CASSETTE_VERSION == 1
    assert len(data["entries"]) == 1
    entry = data["entries"][0]
    assert entry["request"]["method"] == "POST"
    assert entry["request"]["endpoint"] == "chat/completions"
    assert entry["request"]["body"]["messages"] == MESSAGES
    assert entry["response"]["status"] == 200
    assert entry["key"] == request_key("chat/completions", entry["request"]["body"])
    meta = entry["meta"]
    assert meta["provider_kind"] == "openai"
    assert meta["profile"] == "fake"
    assert meta["requested_model"] == "gpt-x"
    assert meta["response_model"] == "served-model"
    assert meta["usage"] == {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}
    recorded_at = datetime.fromisoformat(meta["recorded_at"])
    assert recorded_at.tzinfo is not None


def test_secret_inside_request_and_response_bodies_is_scrubbed(
    fake_profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    leaky = [MESSAGES[0], {"role": "user", "content": f"my key is {SECRET}"}]
    _record(fake_profile, path, [chat_response(f"echo {SECRET}")], [leaky])

    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    entry = _read(path)["entries"][0]
    assert entry["request"]["body"]["messages"][1]["content"] == f"my key is {REDACTED}"
    assert entry["response"]["body"]["choices"][0]["message"]["content"] == f"echo {REDACTED}"


def test_replay_in_mode_none_makes_no_call(fake_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded, _, _ = _record(fake_profile, path, [chat_response(_content())], [MESSAGES])

    replayed, inner, client = _record(fake_profile, path, [], [MESSAGES], RecordMode.NONE)
    assert replayed == recorded
    assert inner.requests == []
    assert client.transport is not None
    assert client.transport.hits == 1
    assert client.transport.recorded == 0


def test_replay_in_mode_none_needs_no_api_key(
    fake_profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.json"
    recorded, _, _ = _record(fake_profile, path, [chat_response(_content())], [MESSAGES])
    monkeypatch.delenv("FAKE_KEY")

    replayed, inner, _ = _record(fake_profile, path, [], [MESSAGES], RecordMode.NONE)
    assert replayed == recorded
    assert inner.requests == []


# -- keys ------------------------------------------------------------------------


def test_request_key_ignores_dict_insertion_order() -> None:
    a = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.0}
    b = {"temperature": 0.0, "messages": [{"content": "hi", "role": "user"}], "model": "m"}
    assert list(a) != list(b)
    assert request_key("chat/completions", a) == request_key("chat/completions", b)


def test_request_key_changes_with_content_and_endpoint() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    other = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}
    key = request_key("chat/completions", body)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert request_key("chat/completions", other) != key
    assert request_key("completions", body) != key


def test_endpoint_ignores_host_and_prefix() -> None:
    assert _endpoint(httpx2.URL("http://127.0.0.1:9/v1/chat/completions")) == "chat/completions"
    assert (
        _endpoint(httpx2.URL("https://x.openai.azure.com/openai/deployments/d/chat/completions"))
        == "chat/completions"
    )


def test_replay_matches_regardless_of_base_url(local_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded, _, _ = _record(local_profile, path, [chat_response(_content())], [MESSAGES])
    moved = Profile(
        name=local_profile.name,
        kind=local_profile.kind,
        model=local_profile.model,
        base_url="http://elsewhere.invalid:1234/v1",
    )
    replayed, inner, _ = _record(moved, path, [], [MESSAGES], RecordMode.NONE)
    assert replayed == recorded
    assert inner.requests == []


# -- misses and bad files ---------------------------------------------------------


def test_miss_in_mode_none_names_path_key_and_nearest(
    local_profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    _, recorder, _ = _record(local_profile, path, [chat_response(_content())], [MESSAGES])
    recorded_body = recorder.sent_json(0)
    recorded_key = request_key("chat/completions", recorded_body)
    wanted_key = request_key("chat/completions", {**recorded_body, "messages": OTHER_MESSAGES})

    with pytest.raises(CassetteMissError) as info:
        _record(local_profile, path, [], [OTHER_MESSAGES], RecordMode.NONE)
    message = str(info.value)
    assert str(path) in message
    assert wanted_key[:12] in message
    assert f"nearest recorded request {recorded_key[:12]}" in message
    assert "body.messages[1].content differs" in message
    assert "--record-mode new" in message


def test_miss_on_empty_cassette_says_it_is_empty(local_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    Cassette(path).save()
    with pytest.raises(CassetteMissError, match="the cassette is empty"):
        _record(local_profile, path, [], [MESSAGES], RecordMode.NONE)


def test_missing_cassette_in_mode_none_says_to_record(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(CassetteError) as info:
        Cassette.load(path, must_exist=True)
    assert str(path) in str(info.value)
    assert "--record-mode new" in str(info.value)


def test_missing_cassette_in_record_mode_is_empty(tmp_path: Path) -> None:
    cassette = Cassette.load(tmp_path / "absent.json", must_exist=False)
    assert cassette.entries == []


def test_wrong_format_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": "vcr", "version": 1, "entries": []}), encoding="utf-8")
    with pytest.raises(CassetteError, match="is not a summarizer cassette"):
        Cassette.load(path, must_exist=True)


def test_wrong_version_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps({"format": CASSETTE_FORMAT, "version": 2, "entries": []}), encoding="utf-8"
    )
    with pytest.raises(CassetteError) as info:
        Cassette.load(path, must_exist=True)
    assert "version 2" in str(info.value)
    assert "--record-mode all" in str(info.value)


def test_non_json_cassette_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CassetteError, match="not readable JSON"):
        Cassette.load(path, must_exist=True)


def test_cassette_without_entries_list_is_a_cassette_error(tmp_path: Path) -> None:
    # Was a bug: summarizer/cassette.py, Cassette.load (line 122) indexes data["entries"] and
    # each entry's keys unchecked, so a file with the right format/version but no
    # "entries" (or an entry missing "meta") raises a bare KeyError -- a traceback from
    # the CLI -- instead of a CassetteError telling the user to re-record.
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps({"format": CASSETTE_FORMAT, "version": CASSETTE_VERSION}), encoding="utf-8"
    )
    with pytest.raises(CassetteError):
        Cassette.load(path, must_exist=True)


# -- modes new and all ------------------------------------------------------------


def test_mode_new_replays_hits_and_records_misses(local_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    first, _, _ = _record(local_profile, path, [chat_response(_content("first"))], [MESSAGES])

    contents, inner, client = _record(
        local_profile,
        path,
        [chat_response(_content("second"))],
        [MESSAGES, OTHER_MESSAGES],
    )
    assert contents == [first[0], _content("second")]
    assert len(inner.requests) == 1
    assert json.loads(inner.requests[0].read())["messages"] == OTHER_MESSAGES
    assert client.transport is not None
    assert (client.transport.hits, client.transport.recorded) == (1, 1)
    entries = _read(path)["entries"]
    assert [e["request"]["body"]["messages"] for e in entries] == [MESSAGES, OTHER_MESSAGES]


def test_mode_all_rerecords_and_replaces_old_entries(
    local_profile: Profile, tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    _record(
        local_profile,
        path,
        [chat_response(_content("old one")), chat_response(_content("old two"))],
        [MESSAGES, OTHER_MESSAGES],
    )
    assert len(_read(path)["entries"]) == 2

    contents, inner, client = _record(
        local_profile, path, [chat_response(_content("fresh"))], [MESSAGES], RecordMode.ALL
    )
    assert contents == [_content("fresh")]
    assert len(inner.requests) == 1  # called although the cassette had this request
    assert client.transport is not None
    assert client.transport.hits == 0
    entries = _read(path)["entries"]
    assert len(entries) == 1  # the entry not re-requested is gone: the file was rewritten
    assert entries[0]["request"]["body"]["messages"] == MESSAGES
    assert entries[0]["response"]["body"]["choices"][0]["message"]["content"] == _content("fresh")


def test_non_200_response_is_not_recorded(local_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    inner = QueueTransport([{"error": {"message": "bad request, fixture"}}], status=400)
    client = ModelClient(
        local_profile,
        cassette=Cassette.load(path, must_exist=False),
        record_mode=RecordMode.NEW,
        inner_transport=inner,
    )
    with pytest.raises(ProviderError, match="400"):
        client.complete(MESSAGES, response_schema())
    client.close()
    assert len(inner.requests) == 1
    assert not path.exists()
    assert client.transport is not None
    assert client.transport.recorded == 0


def test_server_error_passes_through_transport_unrecorded(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    cassette = Cassette(path)
    inner = QueueTransport([{"error": {"message": "overloaded, fixture"}}], status=503)
    transport = CassetteTransport(cassette, RecordMode.NEW, inner=inner)
    with httpx2.Client(transport=transport) as client:
        response = client.post("http://fake.invalid/v1/chat/completions", json={"model": "m"})
    assert response.status_code == 503
    assert response.json() == {"error": {"message": "overloaded, fixture"}}
    assert cassette.entries == []
    assert not path.exists()


def test_cassette_is_saved_after_each_recorded_call(local_profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    on_disk_before: list[int] = []
    bodies = [chat_response(_content("one")), chat_response(_content("two"))]

    def handler(request: httpx2.Request) -> httpx2.Response:
        on_disk_before.append(len(_read(path)["entries"]) if path.exists() else 0)
        return httpx2.Response(200, json=bodies.pop(0))

    client = ModelClient(
        local_profile,
        cassette=Cassette.load(path, must_exist=False),
        record_mode=RecordMode.NEW,
        inner_transport=httpx2.MockTransport(handler),
    )
    client.complete(MESSAGES, response_schema())
    assert len(_read(path)["entries"]) == 1
    client.complete(OTHER_MESSAGES, response_schema())
    client.close()
    # When the second request reached the server, the first was already on disk.
    assert on_disk_before == [0, 1]
    assert len(_read(path)["entries"]) == 2


# -- scrub ------------------------------------------------------------------------


def test_scrub_replaces_secrets_in_nested_structures() -> None:
    value = {
        "a": [{"b": f"x {SECRET} y"}, SECRET, 3, None, True],
        "c": {"d": {"e": f"{SECRET}{SECRET}"}, "other": "sk-other"},
        "n": 1.5,
    }
    out = scrub(value, (SECRET, "sk-other"))
    assert out == {
        "a": [{"b": f"x {REDACTED} y"}, REDACTED, 3, None, True],
        "c": {"d": {"e": REDACTED + REDACTED}, "other": REDACTED},
        "n": 1.5,
    }
    assert SECRET not in json.dumps(out)
    assert value["a"][1] == SECRET  # the input is not modified


def test_scrub_without_secrets_returns_value_unchanged() -> None:
    value = {"a": ["sk-live"]}
    assert scrub(value, ()) is value
