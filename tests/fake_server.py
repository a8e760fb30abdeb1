"""A local OpenAI-compatible chat server for fault-injection tests and benchmarks.

Usage::

    with FakeServer(latency=0.5, script=[status(429, retry_after="1")]) as server:
        profile = Profile(..., base_url=server.base_url)
        ...
        assert len(server.requests) == 2

It listens on 127.0.0.1 on an ephemeral port (stdlib ``http.server``, one thread per
connection) and answers ``POST .../chat/completions``. Each request gets the next
``Reply`` of ``script`` (a list, consumed in arrival order) or, when ``script`` is a
function, whatever it returns for the request; afterwards, or when the function
returns None, the default reply: a valid extraction whose single fact quotes the first
sentence of the article text in the user message. ``latency`` delays every answer.

It is bounded: after ``max_requests`` requests it answers 400 (which the SDK does not
retry), and after ``max_seconds`` it shuts down, releasing any hanging handler.
Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from summarizer.cassette import request_key


@dataclass(frozen=True)
class Reply:
    """One scripted answer; build it with the functions below."""

    kind: str = "ok"  # ok | status | hang | reset | content | raw | no_choices | refusal
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    finish_reason: str = "stop"
    seconds: float = 0.0


def ok() -> Reply:
    return Reply()


def status(code: int, *, retry_after: str | None = None, message: str = "injected") -> Reply:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return Reply("status", status=code, headers=headers, text=message)


def slow(seconds: float) -> Reply:
    """The default answer, ``seconds`` later than the others."""
    return Reply("ok", seconds=seconds)


def hang(seconds: float) -> Reply:
    """Say nothing for ``seconds`` (longer than the client's timeout), then close."""
    return Reply("hang", seconds=seconds)


def reset() -> Reply:
    """Drop the connection with a TCP reset, answering nothing."""
    return Reply("reset")


def content(text: str, *, finish_reason: str = "stop") -> Reply:
    """A well-formed completion whose message content is ``text``."""
    return Reply("content", text=text, finish_reason=finish_reason)


def raw(body: str, *, code: int = 200) -> Reply:
    """A response body that is not a chat completion at all."""
    return Reply("raw", status=code, text=body)


def no_choices() -> Reply:
    return Reply("no_choices")


def refusal(text: str = "I can't help with that.") -> Reply:
    return Reply("refusal", text=text)


@dataclass
class SeenRequest:
    path: str
    body: Any
    key: str
    headers: dict[str, str]
    completed: bool = False  # the whole answer was written to the socket

    @property
    def article_text(self) -> str:
        return article_text(self.body)


Script = Sequence[Reply] | Callable[[SeenRequest], Reply | None]


def article_text(body: Any) -> str:
    """The article part the request asks about (from its first user message)."""
    messages = body.get("messages", []) if isinstance(body, dict) else []
    users = [m.get("content", "") for m in messages if m.get("role") == "user"]
    if not users:
        return ""
    text: str = users[0]
    marker = "ARTICLE TEXT:\n"
    return text.split(marker, 1)[1] if marker in text else text


def first_sentence(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    body = " ".join(lines[1:] or lines)  # skip the title line when there is more
    match = re.match(r"(.+?[.!?\u3002])(\s|$)", body)
    sentence = match.group(1) if match else body
    return sentence[:300]


def valid_extraction(quote: str) -> dict[str, Any]:
    return {
        "article": {"outlet": None, "published": None, "title": None, "main_event": quote[:80]},
        "facts": [
            {
                "statement": quote,
                "quote": quote,
                "off_topic": False,
                "subject": "the event",
                "value": None,
                "attribution": {"kind": "article", "name": None},
                "hedged": False,
            }
        ],
        "positions": [],
    }


def completion(
    text: str | None, *, finish_reason: str = "stop", refusal_text: str | None = None
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal_text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


class FakeServer:
    def __init__(
        self,
        *,
        latency: float = 0.0,
        script: Script = (),
        max_requests: int = 10_000,
        max_seconds: float = 120.0,
    ) -> None:
        self.latency = latency
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.requests: list[SeenRequest] = []
        self.max_in_flight = 0
        self._script = script if callable(script) else list(script)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._stopping = threading.Event()
        # Guards "answers may be written" and the number being written right now, so
        # hold() can return only when no answer is half-way out.
        self._gate = threading.Condition()
        self._open = True
        self._writing = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> FakeServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll keeps stop() quick; tests start and stop many servers.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.max_seconds, self.stop)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        self._stopping.set()
        self.release()
        if self._timer is not None:
            self._timer.cancel()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def hold(self) -> None:
        """Answer nothing more until ``release``; requests keep arriving and wait.

        Returns once no answer is being written, so ``completed`` is then final."""
        with self._gate:
            self._open = False
            self._gate.wait_for(lambda: self._writing == 0, timeout=self.max_seconds)

    def release(self) -> None:
        with self._gate:
            self._open = True
            self._gate.notify_all()

    # -- bookkeeping -------------------------------------------------------------------

    @property
    def completed(self) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.completed]

    def keys(self) -> list[str]:
        with self._lock:
            return [r.key for r in self.requests]

    def _admit(self, seen: SeenRequest) -> Reply:
        with self._lock:
            self.requests.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            if len(self.requests) > self.max_requests:
                return status(400, message="fake server request limit reached")
            if callable(self._script):
                return self._script(seen) or ok()
            return self._script.pop(0) if self._script else ok()

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _begin_write(self) -> None:
        with self._gate:
            self._gate.wait_for(lambda: self._open, timeout=self.max_seconds)
            self._writing += 1

    def _end_write(self) -> None:
        with self._gate:
            self._writing -= 1
            self._gate.notify_all()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests read .requests; a log line per call is noise

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        data = self.rfile.read(length)
        try:
            body = json.loads(data or b"null")
        except json.JSONDecodeError:
            body = None
        seen = SeenRequest(
            path=self.path,
            body=body,
            key=request_key("chat/completions", body),
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        reply = self.fake._admit(seen)
        try:
            self._answer(seen, reply)
        except OSError:
            pass  # the client gave up (timeout, kill -9): nothing to answer
        finally:
            self.fake._leave()

    def _answer(self, seen: SeenRequest, reply: Reply) -> None:
        if reply.kind == "hang":
            self.fake._wait(reply.seconds)
            self.close_connection = True
            return
        if reply.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.fake._wait(self.fake.latency + reply.seconds)
        code, headers, payload = self._payload(seen, reply)
        self.fake._begin_write()
        try:
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
            seen.completed = True
        finally:
            self.fake._end_write()

    def _payload(self, seen: SeenRequest, reply: Reply) -> tuple[int, dict[str, str], bytes]:
        if reply.kind == "status":
            error = {"error": {"message": reply.text, "type": "injected", "code": None}}
            return reply.status, reply.headers, json.dumps(error).encode()
        if reply.kind == "raw":
            return reply.status, {}, reply.text.encode()
        if reply.kind == "no_choices":
            body = completion(None)
            body["choices"] = []
        elif reply.kind == "refusal":
            body = completion(None, refusal_text=reply.text)
        elif reply.kind == "content":
            body = completion(reply.text, finish_reason=reply.finish_reason)
        else:
            quote = first_sentence(seen.article_text)
            body = completion(json.dumps(valid_extraction(quote), ensure_ascii=False))
        return 200, {}, json.dumps(body, ensure_ascii=False).encode()
