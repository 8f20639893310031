from __future__ import annotations

import ipaddress

import anyio
import pytest

from enlarger.errors import BlockedAddress, ClientError
from enlarger.security import address_ranges, ssrf


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.9.9.9",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert address_ranges.blocked_reason(ipaddress.ip_address(address)) is not None
    with pytest.raises(BlockedAddress):
        ssrf.vet_addresses("h", [address], allow_private=False)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_ranges.blocked_reason(ipaddress.ip_address(address)) is None
    assert ssrf.vet_addresses("h", [address], allow_private=False) == [address]


def test_one_bad_address_blocks_the_whole_name() -> None:
    with pytest.raises(BlockedAddress) as caught:
        ssrf.vet_addresses("mixed.example", ["1.1.1.1", "10.0.0.1"], allow_private=False)
    assert caught.value.status == 403
    assert caught.value.body()["host"] == "mixed.example"


def test_allow_private_lets_everything_through() -> None:
    assert ssrf.vet_addresses("h", ["127.0.0.1", "::1"], allow_private=True) == ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "::1"]
)
def test_names_and_odd_spellings_are_judged_by_the_address_they_resolve_to(host: str) -> None:
    with pytest.raises(BlockedAddress):
        anyio.run(ssrf.resolve, host, 80, False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.jpg",
        "file:///etc/passwd",
        "gopher://x",
        "http://",
        "nonsense",
        "http://example.com:99999/",
    ],
)
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(ClientError) as caught:
        ssrf.check_url(url)
    assert caught.value.status == 400


def test_check_url_returns_the_host() -> None:
    assert ssrf.check_url("https://Images.Example.com:8443/a.jpg") == "images.example.com"
    assert ssrf.check_url("http://[::1]:8080/") == "::1"
