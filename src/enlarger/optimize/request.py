"""A whole optimization request in Kraken's terms: the optimizer's options plus how the
answer is delivered (``wait`` or ``callback_url``), resizes, ``convert`` extras and
``s3_store``. ``parse_request`` validates it once; unknown keys and bad values raise
``InvalidParameter`` (400) naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from enlarger.errors import InvalidParameter
from enlarger.optimize.options import OptimizeOptions, parse_options
from enlarger.optimize.resize import Resize, parse_colour, parse_resize
from enlarger.spec.model import Color

#: request keys that are not optimizer options (``auth`` is read by the HTTP layer).
_DELIVERY_KEYS = frozenset({"auth", "wait", "callback_url", "url", "resize", "s3_store", "dev"})
_CONVERT_KEYS = frozenset({"format", "background", "keep_extension"})
_S3_KEYS = frozenset({"key", "secret", "bucket", "region", "path", "acl", "endpoint"})
_S3_ACLS = ("public_read", "private")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class S3Target:
    """Where to write the result instead of this server's store. Secrets are never shown
    (``repr``), logged or stored: requests carrying them are refused for callbacks."""

    bucket: str
    region: str
    path: str
    acl: str
    endpoint: str | None
    key: str = field(repr=False)
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class OptimizeRequest:
    options: OptimizeOptions
    wait: bool
    callback_url: str | None
    resizes: tuple[Resize, ...] = ()
    #: ``resize`` was a list: the answer has ``results`` keyed by id.
    resize_set: bool = False
    background: Color | None = None
    keep_extension: bool = False
    s3: S3Target | None = None
    url: str | None = None


def parse_request(raw: Mapping[str, Any]) -> OptimizeRequest:
    if not isinstance(raw, Mapping):
        raise InvalidParameter("data", "a JSON object of options", type(raw).__name__)
    wait, callback = raw.get("wait", False), raw.get("callback_url")
    if not isinstance(wait, bool):
        raise InvalidParameter("wait", "true or false", str(wait))
    if callback is not None and (not isinstance(callback, str) or not callback):
        raise InvalidParameter("callback_url", "an http(s) URL", str(callback))
    if wait == (callback is not None):
        raise InvalidParameter("wait", "either wait: true or a callback_url (one of them)", "")
    url = raw.get("url")
    if url is not None and (not isinstance(url, str) or not url):
        raise InvalidParameter("url", "an http(s) URL", str(url))
    resizes, resize_set = parse_resize(raw["resize"]) if "resize" in raw else ((), False)
    convert = raw.get("convert", {})
    background, keep_extension = _convert_extras(convert)
    s3 = _s3_target(raw["s3_store"]) if "s3_store" in raw else None
    if s3 is not None and callback is not None:
        raise InvalidParameter(
            "s3_store", "wait: true (S3 credentials are never stored for later)", "callback_url"
        )
    options = {key: value for key, value in raw.items() if key not in _DELIVERY_KEYS}
    return OptimizeRequest(
        options=parse_options(options),
        wait=wait,
        callback_url=callback,
        resizes=resizes,
        resize_set=resize_set,
        background=background,
        keep_extension=keep_extension,
        s3=s3,
        url=url,
    )


def stored_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The request as a job may keep it: without credentials (``auth``)."""
    return {key: value for key, value in raw.items() if key != "auth"}


def safe_file_name(name: str | None) -> str:
    """A file name usable in an object key and a URL: ``image`` when nothing is left."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("-", base).strip(".-")
    return cleaned[:100] or "image"


def _convert_extras(convert: Any) -> tuple[Color | None, bool]:
    if not isinstance(convert, Mapping):
        return None, False  # parse_options reports it
    for key in convert:
        if key not in _CONVERT_KEYS:
            raise InvalidParameter(
                f"convert.{key}", f"one of {', '.join(sorted(_CONVERT_KEYS))}", key
            )
    keep = convert.get("keep_extension", False)
    if not isinstance(keep, bool):
        raise InvalidParameter("convert.keep_extension", "true or false", str(keep))
    background = convert.get("background")
    colour = None if background is None else parse_colour("convert.background", background)
    return colour, keep


def _s3_target(raw: Any) -> S3Target:
    if not isinstance(raw, Mapping):
        raise InvalidParameter("s3_store", "an object", type(raw).__name__)
    for key in raw:
        if key not in _S3_KEYS:
            raise InvalidParameter(f"s3_store.{key}", f"one of {', '.join(sorted(_S3_KEYS))}", key)
    values: dict[str, str] = {}
    for key, default in (
        ("key", None),
        ("secret", None),
        ("bucket", None),
        ("region", "us-east-1"),
        ("path", ""),
        ("acl", "public_read"),
    ):
        value = raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise InvalidParameter(f"s3_store.{key}", "a string", "missing or not a string")
        values[key] = value
    if values["acl"] not in _S3_ACLS:
        raise InvalidParameter("s3_store.acl", " or ".join(_S3_ACLS), values["acl"])
    endpoint = raw.get("endpoint")
    if endpoint is not None and (
        not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://"))
    ):
        raise InvalidParameter("s3_store.endpoint", "an http(s) URL", "not one")
    return S3Target(
        bucket=values["bucket"],
        region=values["region"],
        path=values["path"].strip("/"),
        acl=values["acl"],
        endpoint=endpoint,
        key=values["key"],
        secret=values["secret"],
    )
