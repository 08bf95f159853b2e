"""The README's nginx example, run with a real nginx in front of a live server: readers get
pages from nginx's cache, members never do."""

import contextlib
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from evidence.choices import Stance
from tests.conftest import require
from tests.factories import make_claim, make_evidence, make_study, publish
from tests.serving.servers import fetch, free_port

NGINX = Path("/usr/sbin/nginx")


def readme_nginx_block() -> str:
    readme = (settings.BASE_DIR / "README.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) == 1, "the README has one nginx example"
    return blocks[0]


@contextlib.contextmanager
def nginx_in_front_of(upstream: str, folder: Path):
    """The README's block, pointed at `upstream` and listening on a free port."""
    port = free_port()
    block = readme_nginx_block()
    replacements = {
        "/var/cache/nginx/claims": str(folder / "cache"),
        "server 127.0.0.1:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{port};",
    }
    for example, here in replacements.items():
        assert example in block
        block = block.replace(example, here)
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    config = folder / "nginx.conf"
    config.write_text(
        # One process as this user (no workers switching to another user), in the foreground.
        f"daemon off; master_process off; pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; {temp} uwsgi_temp_path {folder / 'uwsgi'};"
        f" scgi_temp_path {folder / 'scgi'};\n{block}\n}}\n"
    )
    process = subprocess.Popen(
        [str(NGINX), "-c", str(config), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {process.stderr.read().decode()}")
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def proxy(live_server, tmp_path):
    if not NGINX.exists():
        require(
            "REQUIRE_NGINX", "nginx is not installed at /usr/sbin/nginx (apt-get install nginx)"
        )
    with nginx_in_front_of(urlsplit(live_server.url).netloc, tmp_path) as base:
        yield base


@pytest.fixture
def claim_page(transactional_db):
    claim = make_claim(statement="A claim read through a proxy.")
    make_evidence(claim, make_study(title="The proxied trial"), stance=Stance.SUPPORTS)
    publish(claim, note="First.")
    return f"/claims/{claim.slug}/"


def session_cookie(member) -> str:
    client = Client()
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_readers_second_request_is_answered_from_nginxs_cache(proxy, claim_page):
    first = fetch(proxy + claim_page)
    assert first.status == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    second = fetch(proxy + claim_page)
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.body == first.body
    assert "The proxied trial" in second.text
    # Readers with cookies the page ignores share the same copy.
    third = fetch(proxy + claim_page, headers={"Cookie": "csrftoken=abc; _ga=GA1.2.3"})
    assert third.headers["X-Cache-Status"] == "HIT"


def test_a_members_page_is_never_served_from_nginxs_cache(proxy, claim_page, member):
    assert fetch(proxy + claim_page).headers["X-Cache-Status"] == "MISS"  # a reader's copy
    cookie = {"Cookie": session_cookie(member)}
    for _ in range(2):
        page = fetch(proxy + claim_page, headers=cookie)
        assert page.status == 200
        assert page.headers["X-Cache-Status"] == "BYPASS"
        assert "private" in page.headers["Cache-Control"]
        assert member.username in page.text  # the member's own header
    reader = fetch(proxy + claim_page)
    assert reader.headers["X-Cache-Status"] == "HIT"
    assert member.username not in reader.text


def test_a_page_a_member_saw_first_is_not_stored_for_readers(proxy, claim_page, member):
    assert (
        member.username
        in fetch(proxy + claim_page, headers={"Cookie": session_cookie(member)}).text
    )
    reader = fetch(proxy + claim_page)
    assert reader.headers["X-Cache-Status"] == "MISS"
    assert member.username not in reader.text
