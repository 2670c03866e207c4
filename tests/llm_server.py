"""A small OpenAI-compatible chat-completions server for the LLM runner's tests, on 127.0.0.1.

Its answer is a deterministic function of the request: it reads the document from the prompt and
quotes, for every "<Name> said <claim>." a SOURCE, a CUE and a CLAIM (with context and relations),
every "reportedly" as a HEDGE, and one sentence that is not in the document (so there is always
a quote that cannot be placed). The answer comes inside a code fence with a line of prose, as
chat models like to write. The first ``fail_first`` requests get HTTP 503; the server records
every request's Authorization header and the most requests it had in flight at once.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MISSING_QUOTE = "a sentence that this document does not contain"
SAID = re.compile(r"\b([A-Z][a-z]+) said ([^.]+)\.")


def answer_for(prompt: str) -> dict[str, Any]:
    """The model's answer to a prompt: a function of the document in it, nothing else."""
    doc_id = prompt.split("Document id: ", 1)[1].split("\n", 1)[0]
    text = prompt.split("\nDocument:\n", 1)[1]
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, str]] = []
    for n, match in enumerate(SAID.finditer(text), start=1):
        name, claim = match.group(1), match.group(2)
        spans += [
            {"id": f"S{n}", "label": "SOURCE", "text": name, "context": f"{name} said",
             "attrs": {"source_type": "named_person", "anonymity_reason": "not_applicable"}},
            {"id": f"U{n}", "label": "CUE", "text": "said", "context": f"{name} said {claim.split()[0]}"},
            {"id": f"C{n}", "label": "CLAIM", "text": claim, "context": f"said {claim}.",
             "attrs": {"quote": "indirect"}},
        ]  # fmt: skip
        relations += [
            {"label": "attributed_to", "head": f"C{n}", "tail": f"S{n}"},
            {"label": "introduced_by", "head": f"C{n}", "tail": f"U{n}"},
        ]
    for n, _ in enumerate(re.finditer(r"\breportedly\b", text), start=1):
        spans.append(
            {"id": f"H{n}", "label": "HEDGE", "text": "reportedly", "occurrence": n,
             "attrs": {"hedge_type": "evidential", "holder": "author"}}
        )  # fmt: skip
    spans.append({"id": "X1", "label": "CLAIM", "text": MISSING_QUOTE, "attrs": {"quote": "none"}})
    return {"id": doc_id, "spans": spans, "relations": relations}


@dataclass
class ChatServer:
    fail_first: int = 1
    delay: float = 0.05  # seconds per answer, so that concurrent requests overlap
    requests: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    authorizations: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def handle(self, body: dict[str, Any], authorization: str | None) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            number = self.requests
            self.authorizations.append(authorization)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
            if number <= self.fail_first:
                return 503, {"error": {"message": "overloaded, try again"}}
            prompt = body["messages"][-1]["content"]
            content = "Here is the annotation.\n```json\n" + json.dumps(answer_for(prompt)) + "\n```"
            usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(content.split())}
            message = {"role": "assistant", "content": content}
            return 200, {"object": "chat.completion", "model": body["model"], "choices": [{"message": message}],
                         "usage": usage}  # fmt: skip
        finally:
            with self.lock:
                self.in_flight -= 1


@contextmanager
def serve(fail_first: int = 1) -> Iterator[ChatServer]:
    state = ChatServer(fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/v1/chat/completions":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, payload = state.handle(body, self.headers.get("Authorization"))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 503:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
