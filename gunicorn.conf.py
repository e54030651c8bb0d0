"""Gunicorn settings: gevent workers, so one process holds many long Server-Sent-Event streams."""
import os

# Patch the standard library before anything imports sockets or ssl (requests, psycopg, redis).
from gevent import monkey

monkey.patch_all()

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Open connections per worker: every streaming chat holds one for its whole reply.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "2000"))
# gevent workers heartbeat from their own greenlet: a long stream does not trip this timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 75
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

GC_THRESHOLD = int(os.environ.get("GC_THRESHOLD", "50000"))


def post_worker_init(worker):
    """The loaded app's objects live as long as the worker: freeze them out of the cyclic garbage
    collector, and collect the young generation less often. With hundreds of open streams, full
    collections walking every live object took a fifth of the worker's CPU (bench/stream.py)."""
    import gc

    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)
