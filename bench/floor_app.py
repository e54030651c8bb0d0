"""The least a relay can do, as a floor for bench/stream.py: a bare Flask app that streams the
fake upstream's chunks back as PromptCraft's `delta` / `done` events through one pooled
`requests` session. No database, no authentication, no quota, no usage row.

Served by the same gunicorn settings (one gevent worker), it shows how much time to first token
the framework, the worker and the HTTP client alone add on this machine at a given load; what
the gateway adds beyond it is the product's own work.
"""
from __future__ import annotations

import json
import os

import requests
from flask import Flask, Response, request
from requests.adapters import HTTPAdapter

from promptcraft import sse
from promptcraft.sse import SSEParser

app = Flask(__name__)
upstream = requests.Session()
upstream.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=64))
upstream.trust_env = False
URL = os.environ.get("DEEPSEEK_BASE_URL", "http://127.0.0.1:8001") + "/chat/completions"


@app.post("/relay")
def relay() -> Response:
    message = request.get_json()["message"]
    response = upstream.post(URL, json={"model": "deepseek-v4-flash", "stream": True,
                                        "messages": [{"role": "user", "content": message}]},
                             stream=True, timeout=(5, 30))

    def events():
        parser = SSEParser()
        try:
            for chunk in response.iter_content(chunk_size=None):
                for message in parser.feed(chunk):
                    if message.data is None or message.data == "[DONE]":
                        continue
                    choices = json.loads(message.data).get("choices") or [{}]
                    if text := choices[0].get("delta", {}).get("content"):
                        yield sse.event("delta", {"content": text})
            yield sse.event("done", {})
        finally:
            response.close()

    return Response(events(), mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})
