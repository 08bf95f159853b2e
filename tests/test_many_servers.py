"""Two production servers on one PostgreSQL database and one Redis cache, and what happens
when either fails: with Redis down readers keep getting pages, with PostgreSQL down /healthz
says so, and nothing needs a restart afterwards."""

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection

from evidence.choices import Stance
from tests.conftest import require
from tests.factories import make_claim, make_evidence, make_study, publish
from tests.serving.servers import (
    csrf_of,
    fetch,
    free_port,
    production_env,
    running_server,
    signed_in_opener,
)
from tests.test_two_servers import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class RedisServer:
    """A redis-server of the test's own, which it may stop, start again, pause and resume."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.process = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdin=subprocess.DEVNULL,  # redis-server 7.0 crashes with descriptor 0 closed
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.RedisError):
                if self.client().ping():
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def page_keys(self) -> list:
        return self.client().keys("*page:*")


@pytest.fixture
def redis_server(tmp_path):
    if connection.vendor != "postgresql":
        require("REQUIRE_POSTGRES", "servers share one database only on PostgreSQL")
    if not shutil.which("redis-server"):
        require("REQUIRE_REDIS", "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def published_claim():
    claim = make_claim(statement="Many servers agree on this claim.")
    make_evidence(claim, make_study(title="The first trial"), stance=Stance.SUPPORTS)
    publish(claim, note="First.")
    return claim


@contextlib.contextmanager
def two_servers(tmp_path, redis_url, **settings):
    env = production_env(database_url(), CACHE_URL=redis_url, **settings)
    logs = tmp_path / "a.log", tmp_path / "b.log"
    with running_server(env, log=logs[0]) as a, running_server(env, log=logs[1]) as b:
        yield (a, b), logs


def timed_fetch(url):
    began = time.monotonic()
    reply = fetch(url)
    return reply, time.monotonic() - began


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


def test_a_version_published_through_one_server_is_served_by_the_other_on_its_next_request(
    tmp_path, redis_server, published_claim
):
    claim = published_claim
    editor = User.objects.create_user("edith", is_staff=True)
    # The servers hash as production does, not with the suite's fast test hasher.
    editor.password = make_password("editor-pass-123", hasher="pbkdf2_sha256")
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    page = f"/claims/{claim.slug}/"
    with two_servers(tmp_path, redis_server.url) as ((a, b), _):
        for server in (a, b):
            assert "Analysis v1" in fetch(server + page).text
            assert "Analysis v1" in fetch(server + page).text
        # The pages the servers rendered live in the one Redis, and each server's copy of
        # the stamps is watched (claimsite/mirror.py): the publication must reach both.
        assert redis_server.page_keys()
        clients = redis.Redis.from_url(redis_server.url).client_list()
        assert len({c["name"] for c in clients if c["name"].startswith("claims-mirror-")}) >= 2

        make_evidence(claim, make_study(title="A second trial"), stance=Stance.SUPPORTS)
        admin = signed_in_opener(a, "edith", "editor-pass-123")
        publish_url = f"{a}/admin/claims/claim/{claim.pk}/publish/"
        form = fetch(publish_url, opener=admin)
        reply = fetch(
            publish_url,
            opener=admin,
            data={"change_note": "Adds a second trial.", "csrfmiddlewaretoken": csrf_of(form)},
            headers={"Referer": publish_url},
        )
        assert reply.status == 302, reply.text

        for server in (b, a):
            html = fetch(server + page).text
            assert "Analysis v2" in html
            assert "A second trial" in html


def test_with_redis_stopped_both_servers_answer_from_the_database_then_use_redis_again(
    tmp_path, redis_server, published_claim
):
    pages = [f"/claims/{published_claim.slug}/", "/", "/studies/" + make_study().doi + "/"]
    with two_servers(tmp_path, redis_server.url + "?retry_after=1") as (servers, logs):
        for server in servers:
            for page in pages:
                assert fetch(server + page).status == 200
            assert fetch(server + "/healthz").text == "database: ok\ncache: ok\n"

        redis_server.stop()
        for server in servers:
            for _ in range(3):
                for page in pages:
                    reply, seconds = timed_fetch(server + page)
                    assert reply.status == 200
                    assert seconds < 2
            assert "Analysis v1" in fetch(server + pages[0]).text
            health = fetch(server + "/healthz")
            assert health.status == 200
            assert "cache: unreachable" in health.text
        for log in logs:
            assert "The cache is unreachable" in log.read_text()
            assert "Internal Server Error" not in log.read_text()

        redis_server.start()
        for server in servers:
            wait_for(lambda server=server: "cache: ok" in fetch(server + "/healthz").text)
        assert redis_server.page_keys() == []
        for server in servers:
            for page in pages:
                assert fetch(server + page).status == 200
        # Pages are written to the returned Redis again.
        assert len(redis_server.page_keys()) >= len(pages)


def test_a_hanging_redis_makes_no_request_wait_for_it_after_the_first(
    tmp_path, redis_server, published_claim
):
    page = f"/claims/{published_claim.slug}/"
    # A generous timeout, so that a request that waited for Redis stands out.
    with two_servers(tmp_path, redis_server.url + "?timeout=3&retry_after=60") as (servers, _):
        for server in servers:
            assert fetch(server + page).status == 200
        redis_server.pause()
        try:
            for server in servers:
                reply, _ = timed_fetch(server + page)  # may wait once for the timeout
                assert reply.status == 200
                for _ in range(10):
                    reply, seconds = timed_fetch(server + page)
                    assert reply.status == 200
                    assert seconds < 3
        finally:
            redis_server.resume()


def postgres_ctl(*args):
    ctl = os.environ.get("POSTGRES_CTL")
    if not ctl:
        require("REQUIRE_POSTGRES", "stopping PostgreSQL needs the server of scripts/with-postgres")
    subprocess.run([*shlex.split(ctl), "-w", *args], check=True, capture_output=True)


def test_with_postgresql_down_health_says_so_and_requests_succeed_after_it_restarts(
    tmp_path, redis_server, published_claim
):
    if not os.environ.get("POSTGRES_CTL"):
        require("REQUIRE_POSTGRES", "stopping PostgreSQL needs the server of scripts/with-postgres")
    page = f"/claims/{published_claim.slug}/"
    search = "/?q=servers"
    with two_servers(tmp_path, redis_server.url) as (servers, _):
        for server in servers:
            assert fetch(server + page).status == 200
            assert fetch(server + search).status == 200
        try:
            postgres_ctl("-m", "fast", "stop")
            for server in servers:
                health = fetch(server + "/healthz")
                assert health.status == 503
                assert health.text == "database: unreachable\ncache: ok\n"
                # A cached page whose stamp Redis holds needs no database at all.
                assert "Analysis v1" in fetch(server + page).text
        finally:
            postgres_ctl("-o", os.environ["POSTGRES_OPTIONS"], "start")
            connection.close()  # this test's own connection went with the old server
        for server in servers:
            # The first request after the restart, each on a connection kept from before it.
            assert fetch(server + search).status == 200
            assert fetch(server + "/healthz").status == 200
            assert "Analysis v1" in fetch(server + page).text
