"""Support for tests and benchmarks that run the real production server (gunicorn) as a subprocess."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.test.utils import override_settings

START_TIMEOUT = 120
# The key the subprocess servers sign with (a test's own sessions for them are signed with it too).
SUBPROCESS_SECRET_KEY = "subprocess-server-secret-key-" + "x" * 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_for_subprocess(directory: Path) -> str:
    """A URL another process can open to see the committed data: on PostgreSQL the current (test) database itself,
    on SQLite a file copy of the in-memory test database, made now."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(database["USER"] or "")
        password = f":{urllib.parse.quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
        host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
        return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"
    copy = directory / "copy.sqlite3"
    target = sqlite3.connect(copy)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@contextlib.contextmanager
def gunicorn_server(directory: Path, *, workers: int = 2, settings_module: str = "config.settings.production", **env):
    """gunicorn with the production configuration file on a free port, over a copy of the data committed so far;
    yields its base URL. Static files are collected first, as a deployment does."""
    port = free_port()
    metrics_dir = directory / "prometheus"
    metrics_dir.mkdir(exist_ok=True)
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url_for_subprocess(directory),
        "SECRET_KEY": SUBPROCESS_SECRET_KEY,
        "MFA_ENCRYPTION_KEY": settings.MFA_ENCRYPTION_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_ACCESS_LOG": "",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "CELERY_BROKER_URL": "",
        # Production needs a shared cache; a fresh key prefix per server, since row ids repeat across test databases.
        "REDIS_URL": os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15"),
        "CACHE_KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        "STATIC_ROOT": str(directory / "static"),
        **env,
    }
    root = Path(settings.BASE_DIR)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=environment, check=True
    )
    log_path = directory / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=root,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    urllib.request.urlopen(base + "/health/live/", timeout=5)  # noqa: S310
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    assert process.poll() is None, log_path.read_text()[-3000:]
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)  # waiting for the server to listen, not a timing assertion
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


class SharedConnectionWSGIServer(ThreadedWSGIServer):
    """Django's threaded test server, but one request at a time while it shares the caller's connections.

    An in-memory SQLite database exists only inside one connection, so the live server's request threads all use
    the test's connection object. Two overlapping requests then run inside one connection and one transaction
    state: one request's SAVEPOINT meets the other's half-stepped INSERT (SQLite: "cannot open savepoint - SQL
    statements in progress"), one's rollback breaks the other's atomic block (TransactionManagementError), and two
    bookings of one slot can both commit, because BEGIN IMMEDIATE serializes connections, not threads. With shared
    connections the requests are therefore handled one after another, as a one-worker server would; with real
    connections (PostgreSQL, file SQLite) they stay concurrent.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared_connection_lock = threading.Lock()

    def process_request_thread(self, request, client_address):
        if not self.connections_override:
            super().process_request_thread(request, client_address)
            return
        with self._shared_connection_lock:
            super().process_request_thread(request, client_address)


class SharedConnectionLiveServerThread(LiveServerThread):
    server_class = SharedConnectionWSGIServer


@contextlib.contextmanager
def live_server_thread(*, urlconf: str | None = None):
    """A live server in this process over the test database (its data visible without a commit only on in-memory
    SQLite, where it shares the connection); yields its port."""
    shared = {conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    overrides = {"ALLOWED_HOSTS": ["*"], **({"ROOT_URLCONF": urlconf} if urlconf else {})}
    try:
        with override_settings(**overrides):
            server = SharedConnectionLiveServerThread(
                "127.0.0.1", _StaticFilesHandler, connections_override=shared, port=0
            )
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            try:
                yield server.port
            finally:
                server.terminate()
    finally:
        for conn in shared.values():
            conn.dec_thread_sharing()
