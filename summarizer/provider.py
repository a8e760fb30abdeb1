"""Calls to the model, through the official openai SDK only.

``ModelClient`` turns a profile (and optionally a cassette) into an ``OpenAI`` or
``AzureOpenAI`` client, asks for structured output in the profile's mode, and maps the
SDK's exceptions to ``ProviderError`` with a message that says what to do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from .cassette import Cassette, CassetteTransport, RecordMode
from .config import OutputMode, Profile, ProviderKind
from .errors import ProviderError
from .prompts import render_prompt

SCHEMA_NAME = "chunk_extraction"
# Used only when the profile names no key variable (local servers) or a cassette
# replays without calling anyone; it is never written anywhere.
_PLACEHOLDER_KEY = "no-key-needed"


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str
    model: str
    usage: dict[str, int] | None


class ModelClient:
    """One profile's connection to a model, optionally through a cassette."""

    def __init__(
        self,
        profile: Profile,
        *,
        cassette: Cassette | None = None,
        record_mode: RecordMode = RecordMode.NONE,
        inner_transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.profile = profile
        replay_only = cassette is not None and record_mode is RecordMode.NONE
        key = profile.api_key(required=not replay_only) or _PLACEHOLDER_KEY
        self.transport: CassetteTransport | None = None
        transport: httpx2.BaseTransport | None = inner_transport
        if cassette is not None:
            self.transport = CassetteTransport(
                cassette,
                record_mode,
                inner=inner_transport,
                provider_kind=profile.kind.value,
                profile=profile.name,
                secrets=(key,) if key != _PLACEHOLDER_KEY else (),
            )
            transport = self.transport
        http_client = httpx2.Client(transport=transport) if transport is not None else None
        # Retries of network errors belong to the SDK; a replay never needs them.
        max_retries = 0 if replay_only else 2
        self._client: openai.OpenAI
        if profile.kind is ProviderKind.AZURE:
            self._client = openai.AzureOpenAI(
                api_key=key,
                azure_endpoint=profile.base_url or "",
                api_version=profile.api_version,
                timeout=profile.timeout,
                max_retries=max_retries,
                http_client=http_client,
            )
        else:
            self._client = openai.OpenAI(
                api_key=key,
                base_url=profile.base_url,
                timeout=profile.timeout,
                max_retries=max_retries,
                http_client=http_client,
            )

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> Completion:
        """One chat completion whose answer should match ``schema``."""
        p = self.profile
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
        if not response.choices:
            raise ProviderError(f"{p.name}: the server returned no choices: check the server")
        choice = response.choices[0]
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
