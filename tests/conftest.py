"""Shared test helpers. Nothing here talks to a network or a model server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "scholz-putin"
ARTICLES = sorted(CORPUS.glob("0*.txt"))
CASSETTE = REPO / "cassettes" / "scholz-putin.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real keys, no user config, no shared checkpoints, cwd in a temp dir."""
    for name in (
        "OPENAI_API_KEY",
        "AZURE_OPENAI_API_KEY",
        "SUMMARIZER_CONFIG",
        "SUMMARIZER_PROVIDER",
        "SUMMARIZER_LOCAL_PORT",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.chdir(tmp_path)


def chat_response(
    content: str, *, finish_reason: str = "stop", model: str = "fixture-model"
) -> dict[str, Any]:
    """A hand-written chat.completion body (a fixture, not a recorded response)."""
    return {
        "id": "chatcmpl-fixture",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    }


class QueueTransport(httpx2.MockTransport):
    """Answers with the queued bodies in order and keeps every request it saw."""

    def __init__(self, bodies: list[dict[str, Any]], status: int = 200) -> None:
        self.bodies = list(bodies)
        self.requests: list[httpx2.Request] = []
        self.status = status
        super().__init__(self._handle)

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.bodies:
            raise AssertionError("QueueTransport ran out of responses")
        return httpx2.Response(self.status, json=self.bodies.pop(0))

    def sent_json(self, i: int) -> Any:
        return json.loads(self.requests[i].read())


def valid_extraction(quote: str = "Scholz and Putin agreed to remain in contact") -> dict[str, Any]:
    """A hand-written valid ChunkExtraction (fixture)."""
    return {
        "article": {
            "outlet": None,
            "published": None,
            "title": None,
            "main_event": "Scholz and Putin speak by phone",
        },
        "facts": [
            {
                "statement": "The two leaders agreed to stay in contact.",
                "quote": quote,
                "off_topic": False,
                "subject": "Scholz and Putin",
                "value": None,
                "attribution": {"kind": "unnamed_source", "name": "officials"},
                "hedged": False,
            }
        ],
        "positions": [],
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/* from the current code; review `git diff tests/golden`.",
    )
