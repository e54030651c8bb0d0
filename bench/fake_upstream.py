"""An efficient fake DeepSeek for load tests: asyncio, one coroutine per stream, no framework.

POST /chat/completions with "stream": true answers `--chunks` content chunks `--interval`
seconds apart in DeepSeek's exact wire format, then a usage chunk and [DONE]. The text is
deterministic (`expected_text(chunks)`), so a client can check every relayed byte.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time


def expected_text(chunks: int) -> str:
    return "".join(piece(i) for i in range(chunks))


def piece(i: int) -> str:
    return f"tok{i:02d}·é "  # multi-byte characters travel too


def event(payload: dict) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, chunks: int, interval: float) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = json.loads(await reader.readexactly(length)) if length else {}
        if not head.startswith(b"POST /chat/completions"):
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        # Chunked, as DeepSeek answers: every write is one chunk on the wire.
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        base = {"id": "bench", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model", "deepseek-v4-flash"), "system_fingerprint": "fp_bench"}

        def chunk(delta: dict, finish: str | None = None, usage: dict | None = None) -> bytes:
            data = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if usage:
                data["usage"] = usage
            return event(data)

        writer.write(chunked(chunk({"role": "assistant", "content": ""})))
        for i in range(chunks):
            if i:
                await asyncio.sleep(interval)
            writer.write(chunked(chunk({"content": piece(i)})))
            await writer.drain()
        usage = {"prompt_tokens": 20, "completion_tokens": chunks, "total_tokens": 20 + chunks,
                 "prompt_cache_hit_tokens": 0, "prompt_cache_miss_tokens": 20}
        writer.write(chunked(chunk({"content": ""}, "stop", usage) + b"data: [DONE]\n\n") + b"0\r\n\r\n")
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port: int, chunks: int, interval: float) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, chunks, interval), "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.25)
    options = parser.parse_args()
    asyncio.run(serve(options.port, options.chunks, options.interval))
