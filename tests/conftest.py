from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "pages"


@pytest.fixture
def page_html():
    def read(name: str) -> str:
        return (PAGES / name).read_text(encoding="utf-8")

    return read


@pytest.fixture
def site(tmp_path):
    """A served, editable copy of a fixture site and its archive (tests/editable_site.py), for the nightly-run
    tests: locks, incremental runs, date ranges, alarms, status, conditional GET and the log file."""
    from editable_site import served_copy

    with served_copy(tmp_path) as served:
        yield served


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free loopback port for the session (`.ci/run` installs Debian's redis-server;
    where it is missing, the tests that need it are skipped, never run against a stand-in)."""
    from edunews.fixtures.redis_server import redis_binary, redis_server

    binary = redis_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with redis_server(binary) as url:
        yield url


@pytest.fixture
def redis_db(redis_url):
    """The session's Redis, emptied before the test."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()
