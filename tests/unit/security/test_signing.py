"""imgix signatures and expiry, checked against URLs the official Python client signs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

import imgix
import pytest

from enlarger.errors import BadSignature, Expired
from enlarger.security.signing import check_expiry, signature, split_signature, verify

KEY = "test-key-Fv7xQ"


def signed_by_python_client(path: str, params: dict[str, object], key: str = KEY) -> SplitResult:
    builder = imgix.UrlBuilder(
        "images.example.com", sign_key=key, use_https=False, include_library_param=False
    )
    url: str = builder.create_url(path, params)
    return urlsplit(url)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("photo.jpg", {}),
        ("photo.jpg", {"w": 300, "fm": "webp"}),
        ("dir/sub dir/with space.jpg", {"w": 10, "h": 20, "fit": "crop"}),
        ("ünïcödé/фото 東京.png", {"txt": "Futura+Condensed Medium", "q": 80}),
        ("odd/a&b=c;d$e@f,g+h#i?j%k.jpg", {"blend64": "https://x.test/a b.png", "w": 5}),
        ("photo.jpg", {"expires": 4102444800, "dl": "naïve name.jpg"}),
    ],
)
def test_urls_signed_by_the_python_client_verify(path: str, params: dict[str, object]) -> None:
    url = signed_by_python_client(path, params)
    verify(KEY, url.path.encode("ascii"), url.query.encode("ascii"))


def test_signature_is_md5_of_key_path_and_query() -> None:
    expected = hashlib.md5(b"k/a.jpg?w=1&h=2", usedforsecurity=False).hexdigest()
    assert signature("k", b"/a.jpg", b"w=1&h=2") == expected
    bare = hashlib.md5(b"k/a.jpg", usedforsecurity=False).hexdigest()
    assert signature("k", b"/a.jpg", b"") == bare


def test_split_takes_only_a_trailing_s() -> None:
    assert split_signature(b"w=1&s=abc") == (b"w=1", b"abc")
    assert split_signature(b"s=abc") == (b"", b"abc")
    assert split_signature(b"s=abc&w=1") == (b"s=abc&w=1", None)
    assert split_signature(b"w=1&sat=5") == (b"w=1&sat=5", None)
    assert split_signature(b"") == (b"", None)


def test_without_a_key_nothing_is_checked() -> None:
    verify(None, b"/a.jpg", b"w=1&s=not-a-signature")
    verify("", b"/a.jpg", b"")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda p, q: (p, q.replace(b"w=300", b"w=301")), "does not match"),
        (lambda p, q: (p.replace(b"photo", b"photos"), q), "does not match"),
        (lambda p, q: (p, q.rsplit(b"&s=", 1)[0]), "missing"),
        (lambda p, q: (p, b"s=" + q.rsplit(b"&s=", 1)[1] + b"&" + q.rsplit(b"&s=", 1)[0]), "last"),
        (lambda p, q: (p, q + b"&s=" + q.rsplit(b"&s=", 1)[1]), "more than once"),
        (lambda p, q: (p, q.rsplit(b"&s=", 1)[0] + b"&s=xyz"), "32 hexadecimal"),
    ],
)
def test_tampered_urls_are_refused(
    mutate: Callable[[bytes, bytes], tuple[bytes, bytes]], reason: str
) -> None:
    url = signed_by_python_client("photo.jpg", {"w": 300, "fm": "webp"})
    path, query = mutate(url.path.encode("ascii"), url.query.encode("ascii"))
    with pytest.raises(BadSignature, match=reason) as info:
        verify(KEY, path, query)
    assert info.value.status == 403


def test_a_url_signed_with_another_key_is_refused() -> None:
    url = signed_by_python_client("photo.jpg", {"w": 300}, key="other-key")
    with pytest.raises(BadSignature):
        verify(KEY, url.path.encode("ascii"), url.query.encode("ascii"))


def test_the_path_is_checked_as_sent_not_re_encoded() -> None:
    url = signed_by_python_client("with space.jpg", {"w": 1})
    assert "%20" in url.path
    decoded_path = url.path.replace("%20", " ").encode("utf-8")
    with pytest.raises(BadSignature):
        verify(KEY, decoded_path, url.query.encode("ascii"))


def test_uppercase_hex_signatures_are_accepted() -> None:
    url = signed_by_python_client("photo.jpg", {"w": 1})
    head, sig = url.query.rsplit("s=", 1)
    verify(KEY, url.path.encode("ascii"), f"{head}s={sig.upper()}".encode("ascii"))


def test_expiry() -> None:
    check_expiry(None, 1_000.0)
    check_expiry(1_001, 1_000.0)
    with pytest.raises(Expired) as info:
        check_expiry(1_000, 1_000.0)
    assert info.value.status == 410
    assert info.value.body()["expires"] == 1_000
