"""The address a request came from, as far as we can trust it.

Without TRUSTED_PROXIES the peer (REMOTE_ADDR) is the client, and X-Forwarded-For is ignored:
anyone can write that header. A Unix socket has no peer address: there the proxy in front is
trusted when TRUSTED_PROXIES is set, and otherwise no client has an address (password checks
are then refused, see accounts.forms.begin_throttled_attempt; `make serve` refuses to bind a
Unix socket without TRUSTED_PROXIES). Behind trusted reverse proxies, each proxy appends the address
it received the request from, so X-Forwarded-For is read from the right, skipping trusted
proxies; the first address that is not one is the client. Whatever lies further left was
written by the client and is never used.
"""

import ipaddress
from collections.abc import Sequence

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(request, proxies: Sequence[Network] | None = None) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind trusted proxies the right-most
    untrusted address of X-Forwarded-For. None when the request carries no usable address.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXIES if proxies is None else proxies
    raw_peer = (request.META.get("REMOTE_ADDR") or "").strip()
    peer = _parse(raw_peer)
    if peer is None:
        # No peer address: gunicorn on a Unix socket, which only a process on this machine
        # (the reverse proxy) can reach. With TRUSTED_PROXIES set, that proxy is trusted and
        # its X-Forwarded-For names the client; without, nobody can be told apart.
        if raw_peer or not proxies:
            return None
        client = None
    elif not _trusted(peer, proxies):
        return str(peer)
    else:
        client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        hop = _parse(entry)
        if hop is None:
            # Trusted proxies write valid addresses; anything else cannot be believed, so the
            # last trusted hop stands for the client.
            break
        client = hop
        if not _trusted(hop, proxies):
            break
    return str(client) if client is not None else None


def throttle_key(address: str | None) -> str | None:
    """The address that throttling counts: an IPv6 client owns a whole /64 network, so it
    is counted as one; an IPv4 address is counted as itself."""
    if not address:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)
