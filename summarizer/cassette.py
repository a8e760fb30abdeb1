"""Record and replay model calls at the HTTP layer, under the openai SDK.

The SDK sends its request through an ``httpx2`` transport; ``CassetteTransport`` sits
there, so on replay the SDK's own response parsing runs exactly as it does live.
Requests are matched on content, not order: the key is the sha256 of the canonical
JSON (sorted keys, no whitespace) of the endpoint and the request body (model,
messages, response_format, tools, sampling parameters). Headers never take part in
the key and are never written, so no Authorization header or key reaches a file.

Cassette file (``format`` + ``version`` checked on load)::

    {"format": "summarizer-cassette", "version": 1,
     "entries": [{"key": ..., "request": {"method", "endpoint", "body"},
                  "response": {"status", "body"},
                  "meta": {"provider_kind", "profile", "requested_model",
                           "response_model", "recorded_at", "usage", "elapsed_s"}}]}
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx2

from .errors import CassetteError, CassetteMissError
from .record_mode import RecordMode as RecordMode  # re-exported: its old home
from .usage import UsageTally

CASSETTE_FORMAT = "summarizer-cassette"
CASSETTE_VERSION = 1
REDACTED = "<redacted>"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _endpoint(url: httpx2.URL) -> str:
    # Key on the API route, not the host or deployment prefix, so a server on another
    # port (or an Azure deployment path) replays the same recording.
    path = url.path.rstrip("/")
    for route in ("chat/completions", "completions", "embeddings", "responses"):
        if path.endswith("/" + route):
            return route
    return path


def request_key(endpoint: str, body: Any) -> str:
    """The content key of a request, shared by cassettes and the response cache."""
    return hashlib.sha256(canonical_json({"endpoint": endpoint, "body": body}).encode()).hexdigest()


def request_identity(request: httpx2.Request) -> tuple[str, Any, str]:
    """(endpoint route, parsed JSON body, ``request_key``) of a request the SDK sends."""
    body = json.loads(request.read() or b"null")
    endpoint = _endpoint(request.url)
    return endpoint, body, request_key(endpoint, body)


@dataclass
class Entry:
    key: str
    request: dict[str, Any]
    response: dict[str, Any]
    meta: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "request": self.request,
            "response": self.response,
            "meta": self.meta,
        }


class Cassette:
    """A cassette file in memory; ``save`` writes it atomically."""

    def __init__(self, path: Path, entries: list[Entry] | None = None) -> None:
        self.path = path
        self.entries: list[Entry] = entries or []

    @classmethod
    def load(cls, path: Path, *, must_exist: bool) -> Cassette:
        if not path.exists():
            if must_exist:
                raise CassetteError(
                    f"Cassette {path} does not exist: record it with --record-mode new "
                    "(needs a model server) or check the path"
                )
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CassetteError(
                f"Cassette {path} is not readable JSON ({exc}): re-record it"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != CASSETTE_FORMAT:
            raise CassetteError(f"{path} is not a summarizer cassette: check the path")
        if data.get("version") != CASSETTE_VERSION:
            raise CassetteError(
                f"Cassette {path} has version {data.get('version')}, this summarizer reads "
                f"version {CASSETTE_VERSION}: re-record it with --record-mode all"
            )
        try:
            entries = [
                Entry(e["key"], e["request"], e["response"], e["meta"]) for e in data["entries"]
            ]
        except (KeyError, TypeError) as exc:
            raise CassetteError(
                f"Cassette {path} is damaged (missing {exc}): re-record it with --record-mode all"
            ) from exc
        return cls(path, entries)

    def find(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def put(self, entry: Entry) -> None:
        self.entries = [e for e in self.entries if e.key != entry.key]
        self.entries.append(entry)

    def save(self) -> None:
        data = {
            "format": CASSETTE_FORMAT,
            "version": CASSETTE_VERSION,
            "entries": [e.to_json() for e in self.entries],
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path)

    def nearest(self, endpoint: str, body: Any) -> tuple[Entry, str] | None:
        """The recorded request most like this one, and where they first differ."""
        if not self.entries:
            return None
        wanted = canonical_json(body)
        scored = [
            (difflib.SequenceMatcher(None, wanted, canonical_json(e.request["body"])).ratio(), i)
            for i, e in enumerate(self.entries)
            if e.request.get("endpoint") == endpoint
        ]
        if not scored:
            return None
        _, index = max(scored)
        entry = self.entries[index]
        return entry, first_difference(entry.request["body"], body)


def first_difference(recorded: Any, wanted: Any, path: str = "body") -> str:
    """A short human description of the first place two JSON values differ."""
    if isinstance(recorded, dict) and isinstance(wanted, dict):
        for key in sorted(set(recorded) | set(wanted)):
            if key not in recorded:
                return f"{path}.{key} is new"
            if key not in wanted:
                return f"{path}.{key} is missing"
            if recorded[key] != wanted[key]:
                return first_difference(recorded[key], wanted[key], f"{path}.{key}")
        return "identical"
    if isinstance(recorded, list) and isinstance(wanted, list):
        for i, (a, b) in enumerate(zip(recorded, wanted, strict=False)):
            if a != b:
                return first_difference(a, b, f"{path}[{i}]")
        return f"{path} has {len(wanted)} items, recorded {len(recorded)}"
    if isinstance(recorded, str) and isinstance(wanted, str):
        at = next(
            (i for i, (a, b) in enumerate(zip(recorded, wanted, strict=False)) if a != b),
            min(len(recorded), len(wanted)),
        )
        return (
            f"{path} differs at character {at}: recorded {recorded[at : at + 40]!r}, "
            f"now {wanted[at : at + 40]!r}"
        )
    return f"{path}: recorded {recorded!r}, now {wanted!r}"


def scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """Replace any secret string found anywhere in a JSON value."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    return value


class CassetteTransport(httpx2.BaseTransport):
    """An httpx2 transport that replays from, and records into, a cassette.

    ``secrets`` (the API key in use) are scrubbed from anything written, as a second
    line of defence: headers are never written in the first place.
    """

    def __init__(
        self,
        cassette: Cassette,
        mode: RecordMode,
        *,
        inner: httpx2.BaseTransport | None = None,
        provider_kind: str = "",
        profile: str = "",
        secrets: tuple[str, ...] = (),
        tally: UsageTally | None = None,
    ) -> None:
        self.cassette = cassette
        self.tally = tally or UsageTally()
        # Concurrent extraction records from several threads into one file.
        self._lock = threading.Lock()
        self.mode = mode
        self._inner = inner
        self._provider_kind = provider_kind
        self._profile = profile
        self._secrets = tuple(s for s in secrets if s)
        self._rewritten = False
        self.hits = 0
        self.recorded = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        endpoint, body, key = request_identity(request)
        if self.mode is not RecordMode.ALL:
            entry = self.cassette.find(key)
            if entry is not None:
                with self._lock:
                    self.hits += 1
                self.tally.answered(entry.response.get("body"), replayed=True)
                return replay_response(entry.response, request)
            if self.mode is RecordMode.NONE:
                raise CassetteMissError(self._miss_message(key, endpoint, body))
        return self._record(request, key, endpoint, body)

    def _miss_message(self, key: str, endpoint: str, body: Any) -> str:
        near = self.cassette.nearest(endpoint, body)
        hint = (
            "the cassette is empty"
            if near is None
            else (f"nearest recorded request {near[0].key[:12]} ({near[1]})")
        )
        return (
            f"Cassette {self.cassette.path} has no response for request {key[:12]}: {hint}. "
            "Re-record with --record-mode new and a running model, or undo the change "
            "to prompts, schema, model or settings"
        )

    def _record(
        self, request: httpx2.Request, key: str, endpoint: str, body: Any
    ) -> httpx2.Response:
        if self._inner is None:
            self._inner = httpx2.HTTPTransport()
        started = time.monotonic()
        response = self._inner.handle_request(request)
        try:
            content = response.read()
        finally:
            response.close()
        elapsed = time.monotonic() - started
        if response.status_code != 200:
            # Errors are passed through to the SDK (which raises), never recorded.
            return httpx2.Response(
                response.status_code, headers=response.headers, content=content, request=request
            )
        try:
            payload = json.loads(content)
        except json.JSONDecodeError:
            payload = content.decode("utf-8", "replace")
        entry = Entry(
            key=key,
            request=scrub(
                {"method": request.method, "endpoint": endpoint, "body": body}, self._secrets
            ),
            response=scrub({"status": response.status_code, "body": payload}, self._secrets),
            meta={
                "provider_kind": self._provider_kind,
                "profile": self._profile,
                "requested_model": body.get("model") if isinstance(body, dict) else None,
                "response_model": payload.get("model") if isinstance(payload, dict) else None,
                "recorded_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                "usage": payload.get("usage") if isinstance(payload, dict) else None,
                "elapsed_s": round(elapsed, 1),
            },
        )
        with self._lock:
            if self.mode is RecordMode.ALL and not self._rewritten:
                self.cassette.entries = []
                self._rewritten = True
            self.cassette.put(entry)
            # Saved after every call: a crash after 40 of 50 calls keeps the 40.
            self.cassette.save()
            self.recorded += 1
        return replay_response(entry.response, request)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()


def replay_response(response: dict[str, Any], request: httpx2.Request) -> httpx2.Response:
    """An HTTP response rebuilt from a stored ``{"status", "body"}``."""
    body = response["body"]
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return httpx2.Response(
        response["status"],
        headers={"content-type": "application/json"},
        content=content,
        request=request,
    )
