"""URL imports of addresses with non-ASCII hosts and paths: encoded as browsers do, fetched."""

from __future__ import annotations

import pytest

from enlarger.errors import ClientError
from enlarger.ingest.fetch import fetch_image
from enlarger.security.ssrf import GuardedBackend
from tests.support.uploads import LocalServer, encoded, send

pytestmark = pytest.mark.anyio

IDN_HOST = "bücher.example"
IDN_ASCII = "xn--bcher-kva.example"


class NamesToLoopback(GuardedBackend):
    """Resolves the IDNA form of ``IDN_HOST`` to the local server and records the asks."""

    def __init__(self) -> None:
        super().__init__(allow_private=True)
        self.asked: list[str] = []

    async def vetted(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return ["127.0.0.1"] if host == IDN_ASCII else await super().vetted(host, port)


async def test_a_non_ascii_path_is_percent_encoded_and_fetched(local_server: LocalServer) -> None:
    image = encoded()
    local_server.routes["/caf%C3%A9/%E5%86%99%E7%9C%9F%201.jpg"] = send(200, image)
    url = local_server.url("/café/写真 1.jpg?größe=groß")
    fetched = await fetch_image(url, max_bytes=10**6, timeout_s=5, allow_private=True)
    assert fetched == image
    assert [path for path, _h, _b in local_server.requests] == [
        "/caf%C3%A9/%E5%86%99%E7%9C%9F%201.jpg?gr%C3%B6%C3%9Fe=gro%C3%9F"
    ]


async def test_existing_escapes_are_kept(local_server: LocalServer) -> None:
    local_server.routes["/a%2Fb%20c.jpg"] = send(200, b"ok")
    url = local_server.url("/a%2Fb%20c.jpg")
    assert await fetch_image(url, max_bytes=100, timeout_s=5, allow_private=True) == b"ok"


async def test_a_non_ascii_host_is_sent_in_idna_form(local_server: LocalServer) -> None:
    local_server.routes["/é.jpg"] = send(200, b"x")  # never asked for: the path is encoded
    local_server.routes["/%C3%A9.jpg"] = send(200, b"idn")
    backend = NamesToLoopback()
    url = f"http://{IDN_HOST}:{local_server.port}/é.jpg"
    fetched = await fetch_image(
        url, max_bytes=100, timeout_s=5, allow_private=True, backend=backend
    )
    assert fetched == b"idn"
    assert backend.asked == [IDN_ASCII]
    ((_path, headers, _body),) = local_server.requests
    assert headers["Host"] == f"{IDN_ASCII}:{local_server.port}"


async def test_a_non_ascii_redirect_target_is_encoded(local_server: LocalServer) -> None:
    raw_utf8 = "/été.jpg".encode().decode("latin-1")  # the handler writes headers as latin-1
    local_server.routes["/moved"] = send(302, headers={"Location": raw_utf8})
    local_server.routes["/%C3%A9t%C3%A9.jpg"] = send(200, b"summer")
    url = local_server.url("/moved")
    assert await fetch_image(url, max_bytes=100, timeout_s=5, allow_private=True) == b"summer"


@pytest.mark.parametrize("url", ["http://ab\u200d.example/a.jpg", "http://a\u0300b.example/"])
async def test_a_host_that_has_no_idna_form_is_400(url: str) -> None:
    with pytest.raises(ClientError) as refused:
        await fetch_image(url, max_bytes=100, timeout_s=5, allow_private=False)
    assert refused.value.status == 400
