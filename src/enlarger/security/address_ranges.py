"""Which IP addresses an outbound request may reach: public unicast only.

The tables follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus the
deprecated blocks they no longer list), written out here rather than taken from
``ipaddress.is_global``, whose answer changes between Python releases and lags the
registries (``3fff::/20``, ``5f00::/16`` and ``64:ff9b:1::/48`` are unknown to 3.11).
Python's own checks still run after these as a second opinion.

IPv6 is judged by allow-list first: only ``2000::/3`` is global unicast, so site-local
``fec0::/10``, ULAs, link-local, multicast, IPv4-compatible ``::/96``, the discard and
local-use NAT64 prefixes and anything IANA allocates outside ``2000::/3`` later are all
refused without being named. Addresses that embed an IPv4 address the network will
actually deliver to (IPv4-mapped, 6to4 and the well-known NAT64 prefix) are judged by
that IPv4 address. Blocks that IANA marks globally reachable but an image host has no
business in (the anycast exceptions inside ``192.0.0.0/24`` and ``2001::/23``) are refused
whole, which is the safe side.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

#: IPv4 blocks that are not public unicast, with the name a refusal gives.
IPV4_DENIED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/8"), "this-network"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "shared (carrier-grade NAT)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "IETF protocol assignment"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "deprecated 6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),  # includes the limited broadcast 255.255.255.255
)

#: the only IPv6 space allocated for global unicast.
IPV6_GLOBAL_UNICAST = _V6("2000::/3")

#: blocks inside ``2000::/3`` that are not public unicast.
IPV6_DENIED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("2001::/23"), "IETF protocol assignment"),  # includes Teredo 2001::/32
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
)

#: the well-known NAT64 prefix: the last 32 bits are the IPv4 address it translates to.
NAT64_WELL_KNOWN = _V6("64:ff9b::/96")


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address."""
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return blocked_reason(embedded)
    return _registry_reason(address) or _python_reason(address)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address that traffic to ``address`` is delivered to, when it embeds one."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _registry_reason(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv4Address):
        return next((name for net, name in IPV4_DENIED if address in net), None)
    if address not in IPV6_GLOBAL_UNICAST:
        return "non-global-unicast IPv6"
    return next((name for net, name in IPV6_DENIED if address in net), None)


def _python_reason(address: IPAddress) -> str | None:
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not globally routable"),
    )
    return next((reason for blocked, reason in checks if blocked), None)
