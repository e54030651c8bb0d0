"""Where background jobs run: in the serving process, or on RQ workers over Redis.

Without JOB_QUEUE_URL a job runs in the process that took the request, on a thread (a greenlet
under gunicorn's gevent worker). With it, jobs are enqueued on RQ (queue JOB_QUEUE_NAME) and run
by `flask jobs worker` processes — the Procfile's `worker:` line — so the web processes and hosts
share the workers, and a job outlives the web process that started it. Two kinds go there:
research jobs (`research.runner`), and the side effects of a chat turn (`signals.QUEUED`, sent by
`background`), which would otherwise take ~7 ms of the web worker's CPU a turn.

The small side effects (an analytics event: ~0.5 ms) stay on the web process's background
thread: handing one to RQ costs ~0.4 ms there, and RQ's own work for a job (dequeue, status,
registries) ~5 ms on the worker (measured on the bench database).

A job is a function's dotted name and plain arguments; the worker runs it in an app context and
a database session of its own, like the in-process runners do.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any

import click
import redis
import rq
from flask import current_app
from flask.cli import AppGroup
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from promptcraft.extensions import db

log = logging.getLogger("promptcraft.jobs")


def enabled() -> bool:
    """Whether background jobs go to RQ (JOB_QUEUE_URL is set)."""
    return bool(current_app.config.get("JOB_QUEUE_URL"))


ENQUEUE_TIMEOUT_SECONDS = 2.0  # the longest a web process waits on Redis to hand work over


def queue() -> rq.Queue:
    """The app's RQ queue for handing work over (one Redis connection pool per app). Its
    connection gives up after ENQUEUE_TIMEOUT_SECONDS: a stuck Redis must not hold a response."""
    found = current_app.extensions.get("job_queue")
    if found is None:
        found = current_app.extensions["job_queue"] = _queue(socket_connect_timeout=ENQUEUE_TIMEOUT_SECONDS,
                                                             socket_timeout=ENQUEUE_TIMEOUT_SECONDS)
    return found


def _queue(**connection_options: Any) -> rq.Queue:
    connection = redis.Redis.from_url(current_app.config["JOB_QUEUE_URL"], **connection_options)
    return rq.Queue(current_app.config["JOB_QUEUE_NAME"], connection=connection,
                    default_timeout=current_app.config["JOB_TIMEOUT_SECONDS"])


def enqueue(function: str, *args: Any, key: str | None = None) -> bool:
    """Run `function` (a dotted name: "package.module.name") with `args` on a worker; `key`
    names the job, for `waiting`. False when there is no queue, or it cannot be reached: the
    caller then runs the work itself, so nothing is lost."""
    if not enabled():
        return False
    try:
        queue().enqueue_call(run, args=(function, *args), job_id=key, result_ttl=0,
                             failure_ttl=current_app.config["JOB_FAILURE_TTL_SECONDS"])
    except redis.RedisError:
        log.warning("the job queue cannot be reached: %s runs in this process", function, exc_info=True)
        return False
    return True


WAITING = {JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def waiting(key: str) -> bool:
    """Whether the job named `key` is still waiting for a worker (False when it is running, over,
    unknown, or there is no queue to ask)."""
    if not enabled():
        return False
    try:
        return Job.fetch(key, connection=queue().connection).get_status() in WAITING
    except (NoSuchJobError, redis.RedisError):
        return False


def run(function: str, *args: Any) -> None:
    """On a worker: call `function` in an app context of its own, its session closed after."""
    module_name, _, name = function.rpartition(".")
    target = getattr(importlib.import_module(module_name), name)
    with current_app._get_current_object().app_context():
        try:
            target(*args)
        finally:
            db.session.remove()


jobs_cli = AppGroup("jobs", help="Background jobs on RQ workers (JOB_QUEUE_URL).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
def worker(burst: bool) -> None:
    """Run queued background jobs: research, the side effects of chat turns."""
    if not enabled():
        raise click.UsageError("JOB_QUEUE_URL is not set: background jobs run in the serving process.")
    work = _queue()  # no socket timeout: a worker waits on Redis for its next job
    click.echo(f"Working on queue {work.name!r}" + (" until it is empty." if burst else "."))
    # Jobs run one after another in this process and its app: RQ's default fork per job would
    # hand each child the parent's pooled database connections.
    rq.SimpleWorker([work], connection=work.connection).work(burst=burst, logging_level="WARNING")
