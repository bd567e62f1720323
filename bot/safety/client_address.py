"""The client's address for per-address limits: the peer itself, or — only when the peer is a
trusted proxy — the nearest address in X-Forwarded-For that is not a trusted proxy (read right
to left, so a client cannot choose its own address by sending the header itself).

The app decides this itself instead of relying on the ASGI server's proxy middleware, so the
limits hold under any server; `madoguchi serve` passes the same list to uvicorn, and an address
uvicorn already took from a trusted proxy is simply an untrusted peer here.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

_MAX_HOP = 64  # longer "addresses" are cut: they key a limit, nothing else


class TrustedProxies:
    """A comma-separated list of addresses and networks (CIDR); `*` trusts every peer (only
    when nothing but the proxy can reach the server); other names match literally."""

    def __init__(self, spec: str) -> None:
        items = [x.strip() for x in spec.split(",") if x.strip()]
        self.any = "*" in items
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.names: set[str] = set()
        for item in items:
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.names.add(item)

    def __contains__(self, host: str) -> bool:
        if self.any or host in self.names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in net for net in self.networks)

    def client(self, peer: str | None, forwarded: str | None) -> str:
        """The address a per-address limit should count."""
        host = peer or "unknown"
        if not forwarded or host not in self:
            return host
        for hop in reversed([h.strip()[:_MAX_HOP] for h in forwarded.split(",")]):
            if not hop:
                continue
            host = hop
            if hop not in self:
                break
        return host


@lru_cache(maxsize=8)
def trusted_proxies(spec: str) -> TrustedProxies:
    """The parsed list for a settings string (parsed once)."""
    return TrustedProxies(spec)
