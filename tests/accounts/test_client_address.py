"""Which address a request is counted against, and that a client cannot choose it."""

import http.client
import ipaddress
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from accounts.addresses import client_address, throttle_key
from claimsite.env import env_networks

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32")]


def address_of(remote, forwarded=None, proxies=PROXIES):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    return client_address(request, proxies)


def test_without_trusted_proxies_the_peer_is_the_client():
    assert address_of("203.0.113.9", "198.51.100.1", proxies=[]) == "203.0.113.9"


def test_an_untrusted_client_cannot_choose_its_address():
    assert address_of("203.0.113.9", "198.51.100.1, 10.0.0.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_client_is_used():
    assert address_of("10.0.0.2", "198.51.100.7") == "198.51.100.7"


def test_the_right_most_untrusted_address_is_the_client():
    # The client wrote "1.1.1.1" itself; the proxies appended the rest.
    assert address_of("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.5") == "198.51.100.7"


def test_a_malformed_forwarded_entry_stands_for_the_last_trusted_hop():
    assert address_of("10.0.0.2", "198.51.100.7, not-an-address") == "10.0.0.2"
    assert address_of("10.0.0.2", "") == "10.0.0.2"


def test_ipv6_and_ipv4_mapped_addresses_are_understood():
    assert address_of("2001:db8::1", "2001:db9::abcd") == "2001:db9::abcd"
    assert address_of("::ffff:203.0.113.9") == "203.0.113.9"


def test_an_ipv6_client_is_counted_as_its_64_network():
    assert throttle_key("2001:db9:1:2:aaaa::1") == throttle_key("2001:db9:1:2:bbbb::2")
    assert throttle_key("2001:db9:1:2::1") == "2001:db9:1:2::"
    assert throttle_key("203.0.113.9") == "203.0.113.9"


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,2001:db8::/32")
    assert [str(n) for n in env_networks("TRUSTED_PROXIES")] == [
        "10.0.0.1/32",
        "192.168.0.0/16",
        "2001:db8::/32",
    ]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1,proxy.example")
    with pytest.raises(ImproperlyConfigured, match="'proxy.example' is not an IP address"):
        env_networks("TRUSTED_PROXIES")


def test_behind_a_proxy_one_visitor_s_failures_do_not_pause_another(client, member, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]

    def attempt(password, forwarded):
        return client.post(
            "/accounts/login/",
            {"username": "mia", "password": password},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for _ in range(25):
        attempt("wrong", "198.51.100.66")
    assert attempt("member-pass-123", "198.51.100.66").status_code == 429
    assert attempt("member-pass-123", "198.51.100.7").status_code == 302


class Browser:
    """A visitor connecting to the live server from a local address of its own."""

    def __init__(self, url, source):
        self.host, self.port = urlsplit(url).hostname, urlsplit(url).port
        self.source = source
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.source, 0)
        )
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        content = response.read().decode()
        connection.close()
        return response.status, content

    def sign_in(self, username, password, headers=None):
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        return self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )


@pytest.mark.django_db(transaction=True)
def test_an_attacker_elsewhere_does_not_lock_the_member_out(live_server):
    User.objects.create_user("mia", "mia@example.org", "member-pass-123")
    attacker = Browser(live_server.url, "127.0.0.2")
    for _ in range(6):
        status, _ = attacker.sign_in("mia", "wrong")
    assert status == 429
    # Claiming to be somewhere else changes nothing when the server trusts no proxy.
    status, page = attacker.sign_in(
        "mia", "member-pass-123", headers={"X-Forwarded-For": "127.0.0.3"}
    )
    assert status == 429
    assert "Too many failed sign-in attempts" in page

    member = Browser(live_server.url, "127.0.0.3")
    status, _ = member.sign_in("mia", "member-pass-123")
    assert status == 302
    assert "sessionid" in member.cookies


# A Unix socket: gunicorn's requests carry no peer address.


def test_behind_a_unix_socket_with_trusted_proxies_the_forwarded_client_is_used():
    assert address_of("", "198.51.100.7") == "198.51.100.7"
    # What the client wrote further left is still ignored.
    assert address_of("", "1.1.1.1, 198.51.100.7, 10.0.0.5") == "198.51.100.7"


def test_behind_a_unix_socket_without_trusted_proxies_nobody_has_an_address():
    assert address_of("", "198.51.100.7", proxies=[]) is None


def test_sign_in_without_any_client_address_is_refused_not_counted_by_username(
    client, member, settings
):
    from accounts.models import LoginFailure

    settings.TRUSTED_PROXIES = []
    # Counted by username alone, five wrong guesses from anyone would pause the owner too.
    for _ in range(6):
        response = client.post(
            "/accounts/login/", {"username": "mia", "password": "wrong"}, REMOTE_ADDR=""
        )
        assert response.status_code == 503
        assert "cannot tell visitors apart" in response.content.decode()
    assert not LoginFailure.objects.exists()


def test_behind_a_unix_socket_an_attacker_cannot_pause_an_editors_sign_in(client, editor, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    for _ in range(10):
        client.post(
            "/accounts/login/",
            {"username": "edith", "password": "wrong"},
            REMOTE_ADDR="",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "edith", "password": "editor-pass-123"},
        REMOTE_ADDR="",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302


def test_a_unix_socket_without_trusted_proxies_is_refused_at_start(monkeypatch):
    from claimsite.env import unix_socket_bind

    monkeypatch.setenv("BIND_ADDRESS", "unix:/run/claims.sock")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    with pytest.raises(ImproperlyConfigured, match="set TRUSTED_PROXIES"):
        unix_socket_bind("BIND_ADDRESS")
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")
    assert unix_socket_bind("BIND_ADDRESS") == "unix:/run/claims.sock"
