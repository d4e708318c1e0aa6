"""A throwaway redis-server for a bench: Debian's binary on a free loopback port, nothing written to disk.

Like the tests' `redis_url` fixture (tests/conftest.py): the real server, never a stand-in; where it is missing
the caller says so and skips.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def redis_binary() -> str | None:
    return shutil.which("redis-server")


@contextmanager
def redis_server(binary: str) -> Iterator[str]:
    """Start redis-server on 127.0.0.1 (no RDB snapshots, no AOF) in a temporary directory; yield its URL."""
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as scratch:
        directory = Path(scratch)
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(directory), "--logfile", str(directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        try:
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log = (directory / "redis.log").read_text(errors="replace")[-2000:]
                        raise RuntimeError(f"redis-server did not start:\n{log}") from None
                    time.sleep(0.05)
            yield url
        finally:
            client.close()
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
