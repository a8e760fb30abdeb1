"""Token usage, cost and spending caps of a run.

``UsageTally`` counts what the transports see (requests sent, answers replayed, the
usage each answer reports); ``RunStats`` is its frozen summary, the numbers a report
appendix shows. ``Budget`` enforces ``--max-cost`` / ``--max-tokens`` before a call is
sent: it counts the prompt with tiktoken and assumes the answer may use all of
``max_tokens``, so a run stops before it could exceed a cap, never after.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from typing import Any

from .config import Profile
from .errors import BudgetError
from .tokens import count_tokens


def cost_usd(profile: Profile, prompt_tokens: int, completion_tokens: int) -> float | None:
    if profile.price_input_per_mtok is None or profile.price_output_per_mtok is None:
        return None
    return (
        prompt_tokens * profile.price_input_per_mtok
        + completion_tokens * profile.price_output_per_mtok
    ) / 1_000_000


@dataclass(frozen=True)
class RunStats:
    """What one extraction run cost.

    ``calls_made`` counts every request sent to the model server, retries included;
    ``calls_from_cache`` every answer replayed from the response cache or a cassette.
    Tokens are the usage the server reported: ``prompt_tokens``/``completion_tokens``
    for calls made in this run (what was paid now), ``cached_*`` for replayed answers
    (paid by an earlier run). ``estimated_cost_usd`` prices the calls made now with the
    profile's prices; None when the profile has none.
    """

    calls_made: int = 0
    calls_from_cache: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0
    estimated_cost_usd: float | None = None

    def summary(self) -> str:
        cost = (
            "cost unknown (profile has no prices)"
            if self.estimated_cost_usd is None
            else f"about ${self.estimated_cost_usd:.4f}"
        )
        return (
            f"{self.calls_made} calls made, {self.calls_from_cache} from cache; "
            f"{self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion tokens "
            f"paid now, {cost}"
        )


def _usage(payload: Any) -> tuple[int, int] | None:
    usage = payload.get("usage") if isinstance(payload, dict) else None
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return prompt, completion


class UsageTally:
    """Thread-safe counters shared by the transports of one run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent = 0
        self._replayed = 0
        self._paid = [0, 0]
        self._cached = [0, 0]

    def sent(self) -> None:
        with self._lock:
            self._sent += 1

    def answered(self, payload: Any, *, replayed: bool) -> tuple[int, int] | None:
        """Count one answer's usage; returns it (None if the server reported none)."""
        usage = _usage(payload)
        with self._lock:
            if replayed:
                self._replayed += 1
            if usage is not None:
                target = self._cached if replayed else self._paid
                target[0] += usage[0]
                target[1] += usage[1]
        return usage

    def stats(self, profile: Profile) -> RunStats:
        with self._lock:
            return RunStats(
                calls_made=self._sent,
                calls_from_cache=self._replayed,
                prompt_tokens=self._paid[0],
                completion_tokens=self._paid[1],
                cached_prompt_tokens=self._cached[0],
                cached_completion_tokens=self._cached[1],
                estimated_cost_usd=cost_usd(profile, self._paid[0], self._paid[1]),
            )


def prompt_tokens(body: Any) -> int:
    """Tokens of what a request asks the model to read: messages, schema, tools."""
    if not isinstance(body, dict):
        return 0
    parts = [str(m.get("content") or "") for m in body.get("messages", []) if isinstance(m, dict)]
    for key in ("response_format", "tools"):
        if key in body:
            parts.append(json.dumps(body[key], sort_keys=True))
    return sum(_count(p) for p in parts)


@functools.lru_cache(maxsize=64)
def _count(text: str) -> int:
    # The system prompt and the schema are the same in every request: count them once.
    return count_tokens(text)


@dataclass(frozen=True)
class Reservation:
    prompt: int
    completion: int


class Budget:
    """Caps on a run's spending, checked before each request is sent."""

    def __init__(
        self, profile: Profile, *, max_cost: float | None = None, max_tokens: int | None = None
    ) -> None:
        self.profile = profile
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._spent = [0, 0]
        self._held = [0, 0]

    @property
    def active(self) -> bool:
        return self.max_cost is not None or self.max_tokens is not None

    def reserve(self, body: Any) -> Reservation:
        prompt = prompt_tokens(body) if self.active else 0
        bound = body.get("max_tokens") if isinstance(body, dict) else None
        completion = bound if isinstance(bound, int) else self.profile.max_tokens
        with self._lock:
            inp = self._spent[0] + self._held[0] + prompt
            out = self._spent[1] + self._held[1] + completion
            if self.max_tokens is not None and inp + out > self.max_tokens:
                raise BudgetError(
                    f"stopped before a call that could bring the run to {inp + out:,} tokens, "
                    f"over --max-tokens {self.max_tokens:,} ({sum(self._spent):,} used): "
                    "raise the cap; finished calls are cached, so a rerun pays only for the rest"
                )
            cost = cost_usd(self.profile, inp, out)
            if self.max_cost is not None and cost is not None and cost > self.max_cost:
                spent = cost_usd(self.profile, *self._spent) or 0.0
                raise BudgetError(
                    f"stopped before a call that could bring the run to ${cost:.4f}, over "
                    f"--max-cost ${self.max_cost:g} (${spent:.4f} spent): raise the cap; "
                    "finished calls are cached, so a rerun pays only for the rest"
                )
            self._held[0] += prompt
            self._held[1] += completion
        return Reservation(prompt, completion)

    def settle(self, reservation: Reservation, usage: tuple[int, int] | None) -> None:
        """Replace a reservation by what the call used (the reservation if unknown)."""
        used = usage if usage is not None else (reservation.prompt, reservation.completion)
        with self._lock:
            self._held[0] -= reservation.prompt
            self._held[1] -= reservation.completion
            self._spent[0] += used[0]
            self._spent[1] += used[1]
