"""Calls to the model, through the official openai SDK only.

``ModelClient`` turns a profile (and optionally a cassette) into an ``OpenAI`` or
``AzureOpenAI`` client, asks for structured output in the profile's mode, and maps the
SDK's exceptions to ``ProviderError`` with a message that says what to do.

Transports under the SDK, outermost first: the cassette (when given; it is then the
only source of answers), then ``CallTransport`` (response cache, spending caps,
rate-limit pauses), then the network. Retries are the SDK's (``max_retries`` of the
profile): Retry-After is honoured, other waits back off exponentially with jitter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from .cache import ResponseCache
from .calls import Backoff, CallTransport
from .cassette import Cassette, CassetteTransport, RecordMode, request_key, scrub
from .config import OutputMode, Profile, ProviderKind
from .errors import ExtractionError, ProviderError
from .prompts import render_prompt
from .usage import Budget, UsageTally

SCHEMA_NAME = "chunk_extraction"
CHAT_ENDPOINT = "chat/completions"
# Used only when the profile names no key variable (local servers) or a cassette
# replays without calling anyone; it is never written anywhere.
_PLACEHOLDER_KEY = "no-key-needed"


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str
    model: str
    usage: dict[str, int] | None


class _OpenAI(openai.OpenAI):
    backoff: Backoff | None = None

    # The SDK's own schedule (Retry-After, else 0.5 s doubling to 8 s, minus up to 25%
    # jitter) passes through ``backoff``, which tests use to shrink the waits.
    def _calculate_retry_timeout(self, *args: Any, **kwargs: Any) -> float:
        delay = super()._calculate_retry_timeout(*args, **kwargs)
        return self.backoff(delay) if self.backoff is not None else delay


class _AzureOpenAI(openai.AzureOpenAI):
    backoff: Backoff | None = None

    def _calculate_retry_timeout(self, *args: Any, **kwargs: Any) -> float:
        delay = super()._calculate_retry_timeout(*args, **kwargs)
        return self.backoff(delay) if self.backoff is not None else delay


class ModelClient:
    """One profile's connection to a model, optionally through a cassette.

    Without a cassette, answers come from ``cache`` when it holds them. ``tally``
    counts calls and usage; ``backoff`` maps each retry wait the SDK chooses to the
    wait actually slept (default: unchanged).
    """

    def __init__(
        self,
        profile: Profile,
        *,
        cassette: Cassette | None = None,
        record_mode: RecordMode = RecordMode.NONE,
        inner_transport: httpx2.BaseTransport | None = None,
        cache: ResponseCache | None = None,
        budget: Budget | None = None,
        tally: UsageTally | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.profile = profile
        self.tally = tally or UsageTally()
        replay_only = cassette is not None and record_mode is RecordMode.NONE
        key = profile.api_key(required=not replay_only) or _PLACEHOLDER_KEY
        self._secrets = (key,) if key != _PLACEHOLDER_KEY else ()
        self._cache = cache if cassette is None else None
        self.transport: CassetteTransport | None = None
        calls = CallTransport(
            inner=inner_transport,
            cache=cache if cassette is None else None,
            budget=budget,
            tally=self.tally,
            backoff=backoff,
            secrets=self._secrets,
            profile=profile.name,
        )
        transport: httpx2.BaseTransport = calls
        if cassette is not None:
            self.transport = CassetteTransport(
                cassette,
                record_mode,
                inner=calls,
                provider_kind=profile.kind.value,
                profile=profile.name,
                secrets=self._secrets,
                tally=self.tally,
            )
            transport = self.transport
        http_client = httpx2.Client(transport=transport)
        # A replay never needs retries.
        max_retries = 0 if replay_only else profile.max_retries
        client: _OpenAI | _AzureOpenAI
        if profile.kind is ProviderKind.AZURE:
            client = _AzureOpenAI(
                api_key=key,
                azure_endpoint=profile.base_url or "",
                api_version=profile.api_version,
                timeout=profile.timeout,
                max_retries=max_retries,
                http_client=http_client,
            )
        else:
            client = _OpenAI(
                api_key=key,
                base_url=profile.base_url,
                timeout=profile.timeout,
                max_retries=max_retries,
                http_client=http_client,
            )
        client.backoff = backoff
        self._client: openai.OpenAI = client

    def request_body(
        self, messages: list[dict[str, str]], schema: dict[str, Any]
    ) -> dict[str, Any]:
        return request_body(self.profile, messages, schema)

    def forget(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> None:
        """Drop this request's cached answer: it could not be used, a rerun asks again."""
        if self._cache is not None:
            body = request_body(self.profile, messages, schema)
            self._cache.forget(request_key(CHAT_ENDPOINT, body))

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        """One chat completion whose answer should match ``schema``."""
        try:
            return self._complete(messages, schema)
        except ProviderError as exc:
            # A server may echo the key in an error body; no message ever carries it.
            raise ProviderError(str(scrub(str(exc), self._secrets))) from exc.__cause__

    def _complete(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        p = self.profile
        kwargs = self.request_body(messages, schema)
        try:
            response = self._client.chat.completions.create(**kwargs)
        except openai.APITimeoutError as exc:
            raise ProviderError(
                f"{p.name}: no answer within {p.timeout:g}s: raise 'timeout' in the profile "
                "or use a smaller --chunk-tokens"
            ) from exc
        except openai.APIConnectionError as exc:
            raise ProviderError(_unreachable(p)) from exc
        except openai.AuthenticationError as exc:
            raise ProviderError(
                f"{p.name}: the server rejected the API key from ${p.api_key_env}: check it"
            ) from exc
        except openai.PermissionDeniedError as exc:
            raise ProviderError(
                f"{p.name}: the key from ${p.api_key_env} may not use {p.model!r} "
                f"({_api_message(exc)}): check the key's project and permissions, or --model"
            ) from exc
        except openai.RateLimitError as exc:
            raise ProviderError(
                f"{p.name}: still rate-limited after {p.max_retries} retries "
                f"({_api_message(exc)}): lower --concurrency, raise max_retries, or check "
                "the account's quota"
            ) from exc
        except openai.InternalServerError as exc:
            raise ProviderError(
                f"{p.name}: the server failed with {exc.status_code} after {p.max_retries} "
                f"retries ({_api_message(exc)}): try again later (finished calls are cached)"
            ) from exc
        except openai.NotFoundError as exc:
            raise ProviderError(
                f"{p.name}: model or endpoint {p.model!r} not found ({_api_message(exc)}): "
                "check 'model' and 'base_url' (--model overrides)"
            ) from exc
        except openai.APIStatusError as exc:
            raise ProviderError(
                f"{p.name}: the server answered {exc.status_code} ({_api_message(exc)}): "
                "check the profile's settings, or run 'summarizer providers'"
            ) from exc
        except (ValueError, openai.APIResponseValidationError) as exc:
            # The SDK lets a body that is not JSON escape as a bare JSONDecodeError.
            raise ProviderError(
                f"{p.name}: the server's answer is not a chat completion ({str(exc)[:80]}): "
                "run again (nothing was cached), or check base_url and the server"
            ) from exc
        if not response.choices:
            raise ProviderError(
                f"{p.name}: the server returned no choices: run again (nothing was cached), "
                "or check the server"
            )
        choice = response.choices[0]
        refusal = getattr(choice.message, "refusal", None)
        if refusal or choice.finish_reason == "content_filter":
            reason = str(refusal or "content filter")[:120]
            self.forget(messages, schema)
            raise ExtractionError(
                f"{p.name}: the model refused this text ({reason!r}): try another "
                "model or --provider, or leave the article out"
            )
        content = choice.message.content or ""
        if p.output_mode is OutputMode.TOOL and choice.message.tool_calls:
            call = choice.message.tool_calls[0]
            content = getattr(getattr(call, "function", None), "arguments", "") or ""
        usage = None
        if response.usage is not None:
            usage = {
                "prompt_tokens": response.usage.prompt_tokens,
                "completion_tokens": response.usage.completion_tokens,
                "total_tokens": response.usage.total_tokens,
            }
        return Completion(
            content=content,
            finish_reason=str(choice.finish_reason),
            model=response.model or p.model,
            usage=usage,
        )

    def close(self) -> None:
        self._client.close()


def request_body(
    profile: Profile, messages: list[dict[str, str]], schema: dict[str, Any]
) -> dict[str, Any]:
    """The keyword arguments of the chat completion call, i.e. the request body."""
    p = profile
    kwargs: dict[str, Any] = {
        "model": p.model,
        "messages": _with_schema_prompt(messages, schema, p.output_mode),
        "temperature": p.temperature,
        "max_tokens": p.max_tokens,
    }
    if p.seed is not None:
        kwargs["seed"] = p.seed
    if p.output_mode is OutputMode.JSON_SCHEMA:
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
        }
    elif p.output_mode is OutputMode.JSON_OBJECT:
        kwargs["response_format"] = {"type": "json_object"}
    else:
        kwargs["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": SCHEMA_NAME,
                    "description": "Record the extraction.",
                    "parameters": schema,
                    "strict": True,
                },
            }
        ]
        kwargs["tool_choice"] = {"type": "function", "function": {"name": SCHEMA_NAME}}
    return kwargs


def _with_schema_prompt(
    messages: list[dict[str, str]], schema: dict[str, Any], mode: OutputMode
) -> list[dict[str, str]]:
    # json_object mode enforces JSON but not our schema, so the model must read it.
    if mode is not OutputMode.JSON_OBJECT:
        return messages
    extra = render_prompt("json-object-schema", schema=json.dumps(schema, indent=1))
    first = dict(messages[0])
    first["content"] = first["content"] + "\n\n" + extra
    return [first, *messages[1:]]


def _unreachable(p: Profile) -> str:
    if p.kind is ProviderKind.OPENAI_COMPATIBLE:
        return (
            f"Cannot reach the {p.name!r} model server at {p.base_url}: start it "
            "(scripts/local-model.sh serve) or replay with --cassette FILE"
        )
    return f"Cannot reach {p.base_url or 'the OpenAI API'}: check the network or --provider"


def _api_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or body.get("error", {})
        if isinstance(message, dict):
            message = message.get("message")
        if message:
            return str(message)[:200]
    return str(exc)[:200]
