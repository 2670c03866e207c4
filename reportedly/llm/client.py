"""Chat completions over HTTP, for any OpenAI-compatible server (vLLM, llama.cpp, Ollama, hosted).

- at most ``concurrency`` requests at once (a thread pool over one HTTP connection pool);
- on HTTP 429 or 5xx, a timeout or a dropped connection, up to ``retries`` more tries after
  ``backoff * 2**n`` seconds (or the server's ``Retry-After``, when it gives one);
- every answer is cached on disk, keyed by model, prompt version and prompt text, so a rerun
  sends nothing and gives the same predictions. The API key goes only into the request header;
  it is never printed, logged or cached.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportedly.document import atomic_write_text
from reportedly.incidents import ReportedlyError

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF = 60.0


@dataclass(frozen=True)
class Answer:
    content: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool
    attempts: int  # HTTP requests made for it (0 when cached)
    seconds: float


@dataclass
class Usage:
    """Totals over a run (thread-safe)."""

    requests: int = 0
    cached: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.requests += answer.attempts
            self.retries += max(0, answer.attempts - 1)
            self.cached += int(answer.cached)
            self.prompt_tokens += answer.prompt_tokens
            self.completion_tokens += answer.completion_tokens
            self.seconds += answer.seconds


class ResponseCache:
    """One JSON file per answer under ``folder/<model>/``; the key hashes model, prompt version and prompt."""

    def __init__(self, folder: Path, model: str, prompt_version: str) -> None:
        self.folder = Path(folder) / (re.sub(r"[^A-Za-z0-9._-]+", "_", model) or "model")
        self.model = model
        self.prompt_version = prompt_version

    def key(self, prompt: str) -> str:
        payload = json.dumps([self.model, self.prompt_version, prompt], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def path(self, prompt: str) -> Path:
        key = self.key(prompt)
        return self.folder / key[:2] / f"{key}.json"

    def get(self, prompt: str) -> dict[str, Any] | None:
        path = self.path(prompt)
        if not path.is_file():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None  # a damaged entry is asked again and rewritten
        return record if isinstance(record, dict) and isinstance(record.get("content"), str) else None

    def put(self, prompt: str, record: dict[str, Any]) -> None:
        atomic_write_text(self.path(prompt), json.dumps(record, ensure_ascii=False, indent=1) + "\n")


class ChatClient:
    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        concurrency: int = 4,
        timeout: float = 120.0,
        retries: int = 4,
        backoff: float = 1.0,
        cache: ResponseCache | None = None,
        temperature: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        if concurrency < 1 or retries < 0 or timeout <= 0:
            raise ReportedlyError.of("RPT-CLI-OPTION", "concurrency must be >= 1, retries >= 0 and timeout > 0")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.concurrency = concurrency
        self.retries = retries
        self.backoff = backoff
        self.cache = cache
        self.temperature = temperature
        self.sleep = sleep
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self.http = httpx.Client(headers=headers, timeout=timeout, limits=limits)
        self.usage = Usage()

    def close(self) -> None:
        self.http.close()

    def complete_all(self, prompts: Sequence[str]) -> list[Answer]:
        """Answers in the order of ``prompts``, at most ``concurrency`` requests in flight."""
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            answers = list(pool.map(self.complete, prompts))
        return answers

    def complete(self, prompt: str) -> Answer:
        if self.cache is not None:
            hit = self.cache.get(prompt)
            if hit is not None:
                answer = Answer(
                    hit["content"], int(hit.get("prompt_tokens", 0)), int(hit.get("completion_tokens", 0)), True, 0, 0.0
                )
                self.usage.add(answer)
                return answer
        answer = self._request(prompt)
        if self.cache is not None:
            self.cache.put(
                prompt,
                {
                    "model": self.model,
                    "prompt_version": self.cache.prompt_version,
                    "content": answer.content,
                    "prompt_tokens": answer.prompt_tokens,
                    "completion_tokens": answer.completion_tokens,
                },
            )
        self.usage.add(answer)
        return answer

    def _request(self, prompt: str) -> Answer:
        import httpx

        body = {"model": self.model, "messages": [{"role": "user", "content": prompt}], "temperature": self.temperature}
        started = time.perf_counter()
        problem = ""
        for attempt in range(1, self.retries + 2):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = self.http.post(self.url, json=body)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return self._answer(response, attempt, time.perf_counter() - started)
                problem = f"HTTP {response.status_code}: {response.text[:300]}"
                if response.status_code not in RETRIED_STATUS:
                    raise ReportedlyError.of(
                        "RPT-LLM-REQUEST",
                        f"{self.url} refused the request ({problem}); check --base-url, --model and the key",
                    )
                wait = _retry_after(response.headers.get("retry-after"), wait)
            if attempt <= self.retries:
                self.sleep(min(wait, MAX_BACKOFF))
        raise ReportedlyError.of(
            "RPT-LLM-REQUEST", f"{self.url}: no answer after {self.retries + 1} tries (last: {problem})"
        )

    def _answer(self, response: Any, attempts: int, seconds: float) -> Answer:
        try:
            payload = response.json()
            content = payload["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ReportedlyError.of(
                "RPT-LLM-REQUEST", f"{self.url} answered without choices[0].message.content: {response.text[:300]}"
            ) from None
        usage = payload.get("usage") or {}
        return Answer(
            str(content or ""),
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            False,
            attempts,
            seconds,
        )


def _retry_after(header: str | None, default: float) -> float:
    try:
        return max(0.0, float(header)) if header is not None else default
    except ValueError:
        return default  # an HTTP date: keep our own backoff
