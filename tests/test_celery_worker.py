"""Background work end to end: the heartbeat task in-process and through a real worker, and the
/health/ endpoint that load balancers poll."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.db import connection
from django.urls import reverse
from kombu import Exchange, Queue

from recovery_site.celery import app as celery_app
from recovery_site.tasks import worker_heartbeat

from .factories import TrustFactory

REPO_ROOT = Path(__file__).resolve().parent.parent
# The worker test gets a Redis database of its own, so leftovers of other runs on the default
# database (queued tasks, results) cannot answer for it.
WORKER_REDIS_DB = 9
WORKER_START_SECONDS = 60
TASK_SECONDS = 30


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_redis_db(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def _database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database this test session uses (pytest-django's test database)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    # An empty host means the local socket; a socket directory must be percent-encoded.
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


# --- in-process -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_heartbeat_runs_in_process_under_test_settings():
    # Given two trusts
    TrustFactory.create_batch(2)

    # When the heartbeat is sent (eager under the test settings)
    result = worker_heartbeat.delay()

    # Then it ran here and counted them
    assert result.get(timeout=1)["trusts"] == 2


# --- /health/ -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_is_ok_when_the_database_answers_and_tasks_run_in_process(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_is_ok_when_the_broker_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_answers_503_within_seconds_when_the_broker_is_down(client, settings, monkeypatch):
    # Given a broker address where nothing listens
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads these variables in preference to its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{_unused_port()}/0")
    # The broker pool is made on first use and kept: start one for this address (the earlier
    # pool comes back when the test ends).
    monkeypatch.setattr(celery_app, "_pool", None)

    # When a load balancer asks
    started = time.monotonic()
    response = client.get(reverse("health"))
    elapsed = time.monotonic() - started

    # Then it hears "unavailable" quickly, not after its own timeout
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}
    assert elapsed < 5


# --- a real worker --------------------------------------------------------------------------


@dataclass
class RunningWorker:
    nodename: str
    queue: str
    sender: Celery
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path: Path) -> Iterator[RunningWorker]:
    """A `celery worker` process on its own queue, reading the test database.

    `transactional_db` commits the test's rows, so the worker's own connection sees them.
    """
    broker_url = _with_redis_db(settings.REDIS_URL, WORKER_REDIS_DB)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    nodename = f"{queue}@recovery-care-test"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recovery_site.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    env.pop("CELERY_BROKER_WRITE_URL", None)
    log_path = tmp_path / "worker.log"
    # The sending side: the project's Celery app stays eager for every other test, so this test
    # sends through an app of its own that talks to the worker's broker.
    sender = Celery("recovery_site", broker=broker_url, backend=broker_url, set_as_current=False)
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks the worker.
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "recovery_site",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-Q",
                queue,
                "-n",
                nodename,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + WORKER_START_SECONDS
            while not sender.control.ping(destination=[nodename], timeout=0.5):
                if process.poll() is not None:
                    pytest.fail(
                        f"the worker exited with {process.returncode}:\n{log_path.read_text()}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(f"the worker did not answer a ping:\n{log_path.read_text()}")
            yield RunningWorker(nodename=nodename, queue=queue, sender=sender, log=log_path)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            # Redis keeps a queue's bindings after its worker has gone; remove this one's.
            with sender.connection_for_write() as conn:
                bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
                bound.declare()
                bound.delete()
            sender.close()


@pytest.mark.worker
def test_a_real_worker_runs_the_heartbeat_through_redis(celery_worker: RunningWorker):
    # Given three trusts, committed
    TrustFactory.create_batch(3)

    # When the heartbeat goes through Redis to the worker
    task = celery_worker.sender.tasks[worker_heartbeat.name]
    result = task.apply_async(queue=celery_worker.queue)

    # Then the worker ran it against the same database and answered through the result backend
    try:
        answer = result.get(timeout=TASK_SECONDS)
    except Exception:
        pytest.fail(f"the heartbeat did not come back:\n{celery_worker.output()}")
    finally:
        result.forget()
    assert answer == {"worker": celery_worker.nodename, "trusts": 3}
