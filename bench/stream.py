"""Concurrent chat streams through gunicorn with ONE gevent worker.

For 200, 500 and 1,000 concurrent chat streams (POST /api/v2/chat/completions/, persisted like
any chat) of `--chunks` chunks `--interval` s apart from an efficient fake DeepSeek
(bench/fake_upstream.py), it prints and writes to bench/results/stream.json:
  - completed streams, and how many relayed every byte exactly (text and event sequence)
  - time to first token through the gateway, and directly from the upstream at the same
    concurrency measured the same minute; the difference is what the gateway adds
  - the worker's CPU microseconds per relayed event
  - the worker's memory per open stream (peak RSS while all streams are open, minus idle RSS)
  - the worker's CPU per stream once every stream's side effects (analytics, XP, the history entry) have run too,
    which the per-event figure leaves out when they run after the last stream ends

The same runs against `floor` (bench/floor_app.py: a bare Flask + requests relay, no database,
no auth, under the same gunicorn settings) show what the framework, the worker and the HTTP
client alone add on this machine at each load: the floor under the gateway's own figures.

Streams start spread over `--ramp` seconds (less than a stream's length), so at the peak all
of them are open at once. Usage: .venv/bin/python bench/stream.py [--concurrency 200,500,1000]
Database: BENCH_STREAM_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bench_stream,
created if missing); sqlite:///... works too.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from fake_upstream import expected_text  # noqa: E402

from promptcraft.sse import SSEParser  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def stream_once(port: int, path: str, body: dict, headers: dict[str, str], gateway: bool) -> dict:
    """One streamed request (HTTP/1.0, so the body is the raw stream): time to first token, text, events."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Type": "application/json",
                                                "Content-Length": str(len(payload)), "Host": "127.0.0.1"}.items())
    writer.write(f"POST {path} HTTP/1.0\r\n{head}\r\n".encode() + payload)
    await writer.drain()
    status_line = await reader.readuntil(b"\r\n")
    headers_raw = await reader.readuntil(b"\r\n\r\n")
    status = int(status_line.split()[1])
    parser, text, names, first = SSEParser(), [], [], None
    body = dechunk(reader) if b"chunked" in headers_raw.lower() else raw(reader)
    async for chunk in body:
        for message in parser.feed(chunk):
            if message.data is None:
                continue
            if gateway:
                names.append(message.event)
                content = json.loads(message.data).get("content", "") if message.event == "delta" else ""
            else:
                content = "" if message.data == "[DONE]" else \
                    (json.loads(message.data)["choices"] or [{}])[0].get("delta", {}).get("content") or ""
            if content:
                first = first if first is not None else time.perf_counter() - started
                text.append(content)
    writer.close()
    return {"status": status, "ttft": first, "text": "".join(text), "events": names}


async def raw(reader: asyncio.StreamReader):
    while data := await reader.read(65536):
        yield data


async def dechunk(reader: asyncio.StreamReader):
    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
        yield await reader.readexactly(size)
        await reader.readexactly(2)


async def run_many(count: int, ramp: float, make) -> list[dict]:
    async def delayed(i: int) -> dict:
        await asyncio.sleep(ramp * i / count)
        try:
            return await make()
        except (OSError, asyncio.IncompleteReadError) as error:
            return {"status": 0, "ttft": None, "text": "", "events": [], "error": repr(error)}

    return await asyncio.gather(*(delayed(i) for i in range(count)))


def prepare(database_url: str, workdir: Path) -> tuple[str, str]:
    """A migrated database with one user, credits and an API key; returns (url, key)."""
    if database_url.startswith("postgresql"):
        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"),
                                 isolation_level="AUTOCOMMIT")
        name = database_url.rsplit("/", 1)[1]
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    from flask_migrate import upgrade

    from promptcraft import create_app
    from promptcraft.auth import api_keys, service
    from promptcraft.extensions import db

    url = database_url.replace("postgresql://", "postgresql+psycopg://")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        user = service.create_user(username="bench", email="bench@example.test",
                                   password="load-test-harbour-lantern-42")
        user.credits = 10_000_000
        db.session.commit()
        _, key = api_keys.create_key(user, "bench")
        db.engine.dispose()
    return database_url, key


def start_gunicorn(port: int, upstream_port: int, database_url: str, log, app: str = "wsgi:app") -> subprocess.Popen:
    """The server under test (or the floor relay, `app="floor_app:app"`); its stderr goes to `log`
    (a file: a pipe nobody reads would fill up and block the worker on its next log line)."""
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "b" * 40, "JWT_SECRET_KEY": "j" * 40,
           "DATABASE_URL": database_url, "AI_PROVIDERS": "deepseek", "DEEPSEEK_API_KEY": "bench",
           "DEEPSEEK_BASE_URL": f"http://127.0.0.1:{upstream_port}", "RATELIMIT_DEFAULT": "10000000 per minute",
           "AI_DAILY_REQUESTS": "100000000", "AI_DAILY_TOKENS": "1000000000", "LOG_LEVEL": "WARNING",
           "WEB_CONCURRENCY": "1", "WORKER_CONNECTIONS": "4000", "PORT": str(port), "HOST": "127.0.0.1",
           "DB_POOL_SIZE": "40", "DB_MAX_OVERFLOW": "10", "AI_KEEPALIVE_SECONDS": "10"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app, "--backlog", "4096",
                                "--pythonpath", str(ROOT / "bench")], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    log.seek(0)
    raise RuntimeError("gunicorn did not start: " + log.read()[-4000:].decode(errors="replace"))


def worker_pid(master: int) -> int:
    """The master's one worker (the master may listen a moment before it has forked it)."""
    for _ in range(100):
        if children := Path(f"/proc/{master}/task/{master}/children").read_text().split():
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn {master} started no worker")


async def sample_rss(pid: int, stop: asyncio.Event, peaks: list[int]) -> None:
    while not stop.is_set():
        peaks.append(rss_bytes(pid))
        await asyncio.sleep(0.1)


ENDPOINTS = {
    "chat": ("/api/v2/chat/completions/", {"message": "Hello"}, ["start"]),
    "basic": ("/api/v2/chat/completions/basic/", {"messages": [{"role": "user", "content": "Hello"}]}, []),
    "floor": ("/relay", {"message": "Hello"}, []),  # bench/floor_app.py: a bare relay, the floor
}


# Analytics events each stream's side effects write (ai.call; the chat adds chat.turn, and
# prompt.recorded for its entry in the prompt history): when all of them are in, the side effects
# have run.
SIDE_EFFECT_EVENTS = {"chat": 3, "basic": 1}


def recorded_events(database: sa.Engine) -> int:
    """How many analytics events the bench database holds."""
    with database.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM analytics_events")).scalar()


def wait_for_side_effects(database: sa.Engine, expected: int, timeout: float = 180.0) -> bool:
    deadline = time.monotonic() + timeout
    while recorded_events(database) < expected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    time.sleep(0.5)  # the last send's other receivers (XP) finish after its analytics event
    return True


async def measure(count: int, args, port: int, upstream_port: int, key: str, pid: int, endpoint: str,
                  database: sa.Engine) -> dict:
    expected = expected_text(args.chunks)
    body = {"model": "deepseek-v4-flash", "messages": [{"role": "user", "content": "Hello"}], "stream": True}
    direct = await run_many(count, args.ramp, lambda: stream_once(upstream_port, "/chat/completions", body, {},
                                                                  gateway=False))
    await asyncio.sleep(1)
    events_before = recorded_events(database) if endpoint in SIDE_EFFECT_EVENTS else 0
    idle_rss, cpu_before = rss_bytes(pid), cpu_seconds(pid)
    stop, peaks = asyncio.Event(), []
    sampler = asyncio.create_task(sample_rss(pid, stop, peaks))
    path, chat, opening = ENDPOINTS[endpoint]
    spy = subprocess.Popen(["py-spy", "record", "-p", str(pid), "-d", "8", "-f", "raw", "-o",
                            os.environ["BENCH_PYSPY"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) \
        if os.environ.get("BENCH_PYSPY") else None
    results = await run_many(count, args.ramp, lambda: stream_once(port, path, chat, {"X-API-Key": key},
                                                                   gateway=True))
    stop.set()
    await sampler
    if spy:
        spy.wait()
    cpu = cpu_seconds(pid) - cpu_before
    settled = None
    if endpoint in SIDE_EFFECT_EVENTS and wait_for_side_effects(
            database, events_before + count * SIDE_EFFECT_EVENTS[endpoint]):
        settled = round((cpu_seconds(pid) - cpu_before) * 1000 / count, 2)
    deltas = args.chunks
    exact = [r for r in results if r["status"] == 200 and r["text"] == expected
             and r["events"] == opening + ["delta"] * deltas + ["done"]]
    through = [r["ttft"] * 1000 for r in results if r["ttft"] is not None]
    straight = [r["ttft"] * 1000 for r in direct if r["ttft"] is not None]
    relayed = sum(len(r["events"]) for r in results)
    return {
        "endpoint": path, "concurrency": count,
        "completed": sum(r["status"] == 200 and "done" in r["events"] for r in results),
        "byte_exact": len(exact), "failed_statuses": sorted({r["status"] for r in results if r["status"] != 200}),
        "ttft_gateway_ms": {"p50": round(statistics.median(through), 1), "p95": round(percentile(through, 95), 1)},
        "ttft_direct_ms": {"p50": round(statistics.median(straight), 1), "p95": round(percentile(straight, 95), 1)},
        "gateway_added_ttft_ms": {"p50": round(statistics.median(through) - statistics.median(straight), 1),
                                  "p95": round(percentile(through, 95) - percentile(straight, 95), 1)},
        "cpu_us_per_relayed_event": round(cpu * 1e6 / max(relayed, 1), 1),
        "worker_cpu_seconds": round(cpu, 2), "relayed_events": relayed,
        "worker_cpu_ms_per_stream_with_side_effects": settled,
        "memory_per_open_stream_kb": round((max(peaks) - idle_rss) / count / 1024, 1),
        "worker_rss_idle_mb": round(idle_rss / 2**20, 1), "worker_rss_peak_mb": round(max(peaks) / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", default="200,500,1000")
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds over which the streams start")
    parser.add_argument("--endpoints", default="chat,basic,floor",
                        help="chat: /api/v2/chat/completions/ (persisted); basic: /api/v2/chat/completions/basic/; "
                             "floor: a bare Flask + requests relay, same gunicorn settings (bench/floor_app.py)")
    args = parser.parse_args()
    database = os.environ.get("BENCH_STREAM_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_stream")
    upstream_port, port, floor_port = free_port(), free_port(), free_port()
    upstream = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fake_upstream.py"), "--port",
                                 str(upstream_port), "--chunks", str(args.chunks), "--interval", str(args.interval)])
    gunicorn = floor = None
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "gunicorn.log", "w+b") as log:
        try:
            url, key = prepare(database, Path(tmp))
            events_db = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            gunicorn = start_gunicorn(port, upstream_port, url, log)
            pid = worker_pid(gunicorn.pid)
            if "floor" in args.endpoints.split(","):
                floor = start_gunicorn(floor_port, upstream_port, url, log, app="floor_app:app")
            asyncio.run(run_many(20, 0.5, lambda: stream_once(port, "/api/v2/chat/completions/", {"message": "warm"},
                                                              {"X-API-Key": key}, gateway=True)))
            report = {"chunks": args.chunks, "interval_s": args.interval, "ramp_s": args.ramp, "workers": 1,
                      "worker_class": "gevent", "database": url.split(":")[0], "runs": []}
            for endpoint in args.endpoints.split(","):
                for count in [int(c) for c in args.concurrency.split(",")]:
                    server = (floor_port, worker_pid(floor.pid)) if endpoint == "floor" else (port, pid)
                    figures = asyncio.run(measure(count, args, server[0], upstream_port, key, server[1], endpoint,
                                                  events_db))
                    report["runs"].append(figures)
                    print(f"[{endpoint}] {count:>5} streams: {figures['completed']} completed, "
                          f"{figures['byte_exact']} byte-exact; "
                          f"first token p50/p95 gateway {figures['ttft_gateway_ms']['p50']}/"
                          f"{figures['ttft_gateway_ms']['p95']} ms, direct {figures['ttft_direct_ms']['p50']}/"
                          f"{figures['ttft_direct_ms']['p95']} ms, added {figures['gateway_added_ttft_ms']['p50']}/"
                          f"{figures['gateway_added_ttft_ms']['p95']} ms; {figures['cpu_us_per_relayed_event']} µs CPU "
                          f"per event; {figures['memory_per_open_stream_kb']} KB per open stream", flush=True)
                    if settled := figures["worker_cpu_ms_per_stream_with_side_effects"]:
                        print(f"        worker CPU per stream once its side effects have run too: {settled} ms",
                              flush=True)
        finally:
            for server in (floor, gunicorn):
                if server:
                    server.send_signal(signal.SIGTERM)
                    server.wait(20)
            if gunicorn:
                log.seek(0)
                errors = log.read().decode(errors="replace")
                if "Traceback" in errors or "WORKER TIMEOUT" in errors:
                    print("gunicorn reported:\n" + errors[-4000:], file=sys.stderr)
            upstream.terminate()
    out = ROOT / "bench" / "results" / "stream.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
