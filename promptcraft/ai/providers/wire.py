"""HTTP for OpenAI-compatible servers (DeepSeek included): one pooled session per provider,
connect and read timeouts, bounded retries before the first byte, errors mapped to ProviderError.

Keys and prompts are never logged at INFO: only the provider, path, status and timings.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError

from promptcraft.ai.types import ProviderError
from promptcraft.sse import SSEParser

log = logging.getLogger("promptcraft.ai")

STATUS_CODES = {400: "invalid_request", 401: "provider_unauthorized", 402: "provider_payment_required",
                403: "provider_unauthorized", 422: "invalid_parameters", 429: "rate_limited",
                503: "overloaded"}


def _arrivals(response: requests.Response) -> Iterator[bytes]:
    """Bytes as they arrive. A chunked body comes a chunk at a time; a plain (length-less) body
    would be read to its end by iter_content, so it is read with one socket read at a time."""
    if response.raw.chunked:
        yield from response.iter_content(chunk_size=None)
        return
    while data := response.raw.read1(65536):
        yield data


class WireClient:
    def __init__(self, name: str, base_url: str, api_key: str | None, *, read_timeout: float,
                 connect_timeout: float, retries: int, pool_size: int = 64) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.read_timeout = read_timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.session = requests.Session()
        # pool_size: open connections kept for reuse (one per concurrent stream at most); a stream
        # beyond it opens its own and closes it after.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Content-Type": "application/json", "Accept": "application/json",
                                     "User-Agent": "PromptCraft/2"})
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"
        # The environment's proxy (HTTP(S)_PROXY, NO_PROXY) and CA bundle are read once, here, by
        # requests' own rules: left on, it would scan os.environ on every call (0.1 ms of CPU a call).
        settings = self.session.merge_environment_settings(self.base_url, {}, None, None, None)
        self.session.proxies.update(settings["proxies"])
        self.session.verify = settings["verify"]
        self.session.trust_env = False

    def _send(self, method: str, path: str, body: dict[str, Any] | None, stream: bool) -> requests.Response:
        """Send with retries (timeouts, connection errors, 5xx) only before any byte came back."""
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                response = self.session.request(
                    method, self.base_url + path, data=json.dumps(body) if body is not None else None,
                    stream=stream, timeout=(self.connect_timeout, self.read_timeout),
                    headers={"Accept": "text/event-stream"} if stream else None)
            except requests.Timeout:
                error = ProviderError("timeout", f"{self.name} did not answer in time.", provider=self.name)
            except requests.ConnectionError:
                error = ProviderError("connection", f"{self.name} could not be reached.", provider=self.name)
            else:
                log.info("%s %s %s -> %s in %.0f ms", self.name, method, path, response.status_code,
                         (time.perf_counter() - started) * 1000)
                if response.status_code < 400:
                    return response
                error = self._error(response)
            if attempt >= self.retries or error.code not in {"timeout", "connection", "upstream_error", "overloaded"}:
                raise error
            attempt += 1
            time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))

    def _error(self, response: requests.Response) -> ProviderError:
        """DeepSeek and OpenAI say what went wrong in {"error": {"message", "type", "code"}}."""
        try:
            detail = response.json().get("error", {})
            message = detail.get("message") if isinstance(detail, dict) else str(detail)
        except ValueError:
            message = None
        finally:
            response.close()
        status = response.status_code
        code = STATUS_CODES.get(status, "upstream_error" if status >= 500 else "invalid_request")
        text = message or f"{self.name} answered HTTP {status}."
        return ProviderError(code, f"{self.name}: {text}", provider=self.name, upstream_status=status)

    def probe(self, path: str, timeout: float) -> bool:
        """Whether the server answers at all (for health pages): one quick GET, no retries."""
        try:
            response = self.session.get(self.base_url + path, timeout=(timeout, timeout))
            response.close()
            return response.status_code < 500
        except requests.RequestException:
            return False

    def get_json(self, path: str) -> dict[str, Any]:
        return self._decode(self._send("GET", path, None, stream=False))

    def post_json(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._decode(self._send("POST", path, body, stream=False))

    def _decode(self, response: requests.Response) -> dict[str, Any]:
        try:
            # Blank keep-alive lines may come before the JSON; the decoder skips whitespace.
            payload = json.loads(response.content.decode("utf-8"))
        except requests.RequestException:
            raise ProviderError("connection", f"{self.name} dropped the connection.", provider=self.name) from None
        except ValueError:
            raise ProviderError("bad_response", f"{self.name} did not answer with JSON.", provider=self.name) from None
        if not isinstance(payload, dict):
            raise ProviderError("bad_response", f"{self.name} answered with unexpected JSON.", provider=self.name)
        return payload

    def stream_json(self, path: str, body: dict[str, Any]) -> tuple[requests.Response, Iterator[dict[str, Any]]]:
        """The open response (close it to stop) and its `data:` payloads, decoded, up to [DONE]."""
        response = self._send("POST", path, body, stream=True)
        return response, self._events(response)

    def _events(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        parser = SSEParser()
        try:
            for chunk in _arrivals(response):
                for message in parser.feed(chunk):
                    if message.data is None:
                        continue  # a comment: ": keep-alive" while the provider is busy
                    if message.data.strip() == "[DONE]":
                        return
                    try:
                        yield json.loads(message.data)
                    except ValueError:
                        raise ProviderError("bad_response", f"{self.name} sent an event that is not JSON.",
                                            provider=self.name) from None
        except requests.Timeout:
            raise ProviderError("timeout", f"{self.name} sent nothing for {self.read_timeout:.0f} s.",
                                provider=self.name) from None
        except requests.ConnectionError as error:
            # requests reports a read timeout in the middle of a stream as a ConnectionError.
            if error.args and isinstance(error.args[0], ReadTimeoutError):
                raise ProviderError("timeout", f"{self.name} sent nothing for {self.read_timeout:.0f} s.",
                                    provider=self.name) from None
            raise ProviderError("connection", f"{self.name} dropped the stream.", provider=self.name) from None
        except (requests.exceptions.ChunkedEncodingError, AttributeError, OSError):
            # AttributeError/OSError: the response was closed under us (the client went away).
            raise ProviderError("connection", f"{self.name} dropped the stream.", provider=self.name) from None
        finally:
            response.close()
        raise ProviderError("bad_response", f"{self.name} ended the stream without [DONE].", provider=self.name)
