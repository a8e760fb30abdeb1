"""The transport under the openai SDK for live calls: cache, caps, rate-limit pauses.

``CallTransport`` sits between the SDK and the network. For each request the SDK
sends (first attempts and the SDK's own retries alike) it:

1. answers from the response cache when it holds the request's key; identical
   requests in flight at once wait for the first instead of paying twice;
2. waits while the server has asked everyone to back off (a 429's Retry-After pauses
   every thread, not only the one that got it);
3. asks the ``Budget`` whether the call may be sent (``--max-cost``/``--max-tokens``);
4. sends it, and stores a usable answer in the cache before the SDK sees it.

Retrying is left to the SDK (``max_retries`` per profile): it honours Retry-After,
backs off exponentially with jitter, and never retries 401/403/404/400.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx2

from .cache import ResponseCache
from .cassette import replay_response, request_identity, scrub
from .usage import Budget, UsageTally

Backoff = Callable[[float], float]
_MAX_PAUSE = 120.0  # the SDK ignores longer Retry-After values and fails instead


def _retry_after(headers: httpx2.Headers) -> float | None:
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            value = float(headers.get(name, ""))
        except ValueError:
            continue
        if 0 < value / divisor <= _MAX_PAUSE:
            return value / divisor
    return None


def cacheable(payload: Any) -> bool:
    """A chat completion with at least one choice; empty or garbled answers are asked again."""
    if not isinstance(payload, dict):
        return False
    choices = payload.get("choices")
    return isinstance(choices, list) and bool(choices)


class CallTransport(httpx2.BaseTransport):
    def __init__(
        self,
        *,
        inner: httpx2.BaseTransport | None = None,
        cache: ResponseCache | None = None,
        budget: Budget | None = None,
        tally: UsageTally | None = None,
        backoff: Backoff | None = None,
        secrets: tuple[str, ...] = (),
        profile: str = "",
    ) -> None:
        self._inner = inner
        self.cache = cache
        self.budget = budget
        self.tally = tally or UsageTally()
        self._backoff = backoff or (lambda seconds: seconds)
        self._secrets = tuple(s for s in secrets if s)
        self._profile = profile
        self._lock = threading.Lock()
        self._flights: dict[str, threading.Lock] = {}
        self._not_before = 0.0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        endpoint, body, key = request_identity(request)
        if self.cache is None:
            return self._send(request, endpoint, body, key)
        with self._lock:
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            hit = self.cache.get(key)
            if hit is not None:
                self.tally.answered(hit["response"].get("body"), replayed=True)
                return replay_response(hit["response"], request)
            return self._send(request, endpoint, body, key)

    def _pause(self) -> None:
        while True:
            with self._lock:
                wait = self._not_before - time.monotonic()
            if wait <= 0:
                return
            time.sleep(wait)

    def _send(self, request: httpx2.Request, endpoint: str, body: Any, key: str) -> httpx2.Response:
        self._pause()
        reservation = self.budget.reserve(body) if self.budget is not None else None
        usage: tuple[int, int] | None = (0, 0)
        try:
            self.tally.sent()
            started = time.monotonic()
            response = self._network().handle_request(request)
            try:
                content = response.read()
            finally:
                response.close()  # hands the connection back to the pool
            elapsed = time.monotonic() - started
            if response.status_code == 429:
                self._hold_everyone(response.headers)
            if response.status_code != 200:
                return httpx2.Response(
                    response.status_code,
                    headers=response.headers,
                    content=content,
                    request=request,
                )
            try:
                payload: Any = json.loads(content)
            except (json.JSONDecodeError, UnicodeDecodeError):
                payload = None
            usage = self.tally.answered(payload, replayed=False)
            if self.cache is not None and cacheable(payload):
                self.cache.put(
                    key,
                    endpoint,
                    scrub({"status": 200, "body": payload}, self._secrets),
                    {
                        "profile": self._profile,
                        "requested_model": body.get("model") if isinstance(body, dict) else None,
                        "response_model": payload.get("model"),
                        "recorded_at": datetime.now(timezone.utc)
                        .replace(microsecond=0)
                        .isoformat(),
                        "usage": payload.get("usage"),
                        "elapsed_s": round(elapsed, 2),
                    },
                )
            return httpx2.Response(200, headers=response.headers, content=content, request=request)
        finally:
            if self.budget is not None and reservation is not None:
                self.budget.settle(reservation, usage)

    def _network(self) -> httpx2.BaseTransport:
        # Made on first use (a replay never needs it), once, whichever thread comes first.
        with self._lock:
            if self._inner is None:
                self._inner = httpx2.HTTPTransport()
            return self._inner

    def _hold_everyone(self, headers: httpx2.Headers) -> None:
        delay = _retry_after(headers)
        if delay is None:
            return
        until = time.monotonic() + self._backoff(delay)
        with self._lock:
            self._not_before = max(self._not_before, until)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
