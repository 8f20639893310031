"""The SSRF address table: every special-purpose range is refused, public unicast passes."""

from __future__ import annotations

import ipaddress

import pytest

from enlarger.errors import BlockedAddress
from enlarger.security import ssrf
from enlarger.security.address_ranges import blocked_reason

#: address -> the IANA special-purpose (or deprecated) block it stands for.
BLOCKED = {
    # IPv4 special-purpose registry
    "0.1.2.3": "0.0.0.0/8 this network",
    "10.255.0.1": "10/8 private",
    "100.64.0.1": "100.64/10 shared address space",
    "100.127.255.254": "100.64/10 shared address space, last host",
    "127.0.0.2": "127/8 loopback",
    "169.254.169.254": "169.254/16 link-local (cloud metadata)",
    "172.31.255.255": "172.16/12 private",
    "192.0.0.1": "192.0.0/29 DS-Lite",
    "192.0.0.8": "192.0.0.8 IPv4 dummy address",
    "192.0.0.9": "192.0.0.9 PCP anycast",
    "192.0.0.170": "192.0.0.170 NAT64/DNS64 discovery",
    "192.0.2.1": "192.0.2/24 TEST-NET-1",
    "192.88.99.1": "192.88.99/24 deprecated 6to4 relay anycast",
    "192.168.0.1": "192.168/16 private",
    "198.18.0.1": "198.18/15 benchmarking",
    "198.19.255.254": "198.18/15 benchmarking, upper half",
    "198.51.100.7": "198.51.100/24 TEST-NET-2",
    "203.0.113.9": "203.0.113/24 TEST-NET-3",
    "224.0.0.251": "224/4 multicast",
    "239.255.255.250": "224/4 multicast (SSDP)",
    "240.0.0.1": "240/4 reserved",
    "255.255.255.255": "limited broadcast",
    # IPv6 special-purpose registry and deprecated blocks
    "::": "::/128 unspecified",
    "::1": "::1/128 loopback",
    "::ffff:127.0.0.1": "IPv4-mapped loopback",
    "::ffff:10.0.0.1": "IPv4-mapped private",
    "::ffff:100.64.0.1": "IPv4-mapped shared address space",
    "::7f00:1": "IPv4-compatible (deprecated) loopback",
    "::a00:1": "IPv4-compatible (deprecated) private",
    "::808:808": "IPv4-compatible (deprecated) public: the form itself is refused",
    "::ffff:0:a00:1": "IPv4-translated (SIIT) private",
    "64:ff9b::7f00:1": "NAT64 well-known prefix, loopback",
    "64:ff9b::a9fe:a9fe": "NAT64 well-known prefix, link-local",
    "64:ff9b:1::a00:1": "64:ff9b:1::/48 local-use NAT64",
    "64:ff9b:1::808:808": "64:ff9b:1::/48 local-use NAT64, even of a public address",
    "100::1": "100::/64 discard-only",
    "100:0:0:1::1": "100:0:0:1::/64 dummy prefix",
    "2001::1": "2001::/32 Teredo",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "2001::/32 Teredo, a real-looking one",
    "2001:2::1": "2001:2::/48 benchmarking",
    "2001:10::1": "2001:10::/28 deprecated ORCHID",
    "2001:20::1": "2001:20::/28 ORCHIDv2",
    "2001:db8::1": "2001:db8::/32 documentation",
    "2002:7f00:1::": "6to4 of loopback",
    "2002:a00:1::1": "6to4 of private",
    "2002:c0a8:101::": "6to4 of 192.168.1.1",
    "3fff::1": "3fff::/20 documentation",
    "3fff:fff:ffff::1": "3fff::/20 documentation, last /32",
    "5f00::1": "5f00::/16 SRv6 SIDs",
    "fc00::1": "fc00::/7 unique local",
    "fd12:3456::1": "fc00::/7 unique local",
    "fe80::1": "fe80::/10 link-local",
    "febf::1": "fe80::/10 link-local, top",
    "fec0::1": "fec0::/10 deprecated site-local",
    "feff::1": "fec0::/10 deprecated site-local, top",
    "ff02::1": "ff00::/8 multicast",
    "ff0e::1": "ff00::/8 global-scope multicast",
    "4000::1": "unallocated, outside 2000::/3",
}

PUBLIC = {
    "1.1.1.1": "Cloudflare DNS",
    "8.8.8.8": "Google DNS",
    "93.184.215.14": "example.com",
    "100.63.255.255": "just below 100.64/10",
    "100.128.0.1": "just above 100.64/10",
    "172.32.0.1": "just above 172.16/12",
    "198.20.0.1": "just above 198.18/15",
    "223.255.255.254": "just below multicast",
    "2606:4700:4700::1111": "Cloudflare DNS",
    "2a00:1450:4001:80b::200e": "Google",
    "2001:4860:4860::8888": "Google DNS, just past 2001::/23",
    "3fff:1000::1": "just past 3fff::/20",
    "::ffff:8.8.8.8": "IPv4-mapped public",
    "2002:808:808::1": "6to4 of a public address",
    "64:ff9b::808:808": "NAT64 well-known prefix of a public address",
}


@pytest.mark.parametrize("address", list(BLOCKED), ids=list(BLOCKED.values()))
def test_special_purpose_addresses_are_blocked(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None
    with pytest.raises(BlockedAddress):
        ssrf.vet_addresses("h", [address], allow_private=False)


@pytest.mark.parametrize("address", list(PUBLIC), ids=list(PUBLIC.values()))
def test_public_unicast_passes(address: str) -> None:
    parsed = ipaddress.ip_address(address)
    assert blocked_reason(parsed) is None
    assert ssrf.vet_addresses("h", [address], allow_private=False) == [str(parsed)]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("fec0::1", "non-global-unicast IPv6"),
        ("3fff::1", "documentation"),
        ("::ffff:198.18.0.1", "benchmarking"),
        ("192.0.0.1", "IETF protocol assignment"),
    ],
)
def test_the_refusal_names_the_block(address: str, reason: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason
