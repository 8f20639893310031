from __future__ import annotations

from pathlib import Path

import pytest

from enlarger.errors import ConfigError
from enlarger.settings import Settings
from enlarger.storage import ReplicatedStore, open_configured, open_store

pytestmark = pytest.mark.anyio


async def test_empty_url_is_data_dir_objects(tmp_path: Path) -> None:
    store = open_store("", tmp_path)
    assert store.describe() == (tmp_path / "objects").as_uri()
    await store.put("a/b.bin", b"data")
    assert (tmp_path / "objects" / "a" / "b.bin").read_bytes() == b"data"


def test_file_url_and_bare_path_name_the_same_folder(tmp_path: Path) -> None:
    folder = tmp_path / "my objects"
    by_url = open_store(folder.as_uri(), tmp_path)
    by_path = open_store(str(folder), tmp_path)
    assert by_url.describe() == by_path.describe() == folder.as_uri()
    assert folder.is_dir()


def test_relative_path_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        open_store("rel/objects", Path("unused")).describe()
        == (tmp_path / "rel" / "objects").as_uri()
    )


def test_s3_url_describes_bucket_prefix_and_endpoint_without_secrets(tmp_path: Path) -> None:
    store = open_store(
        "s3://photos/prod/v1?endpoint=http://127.0.0.1:8333&region=eu-west-1"
        "&access_key_id=AKID&secret_access_key=TOPSECRET&max_retries=0&timeout=2.5",
        tmp_path,
    )
    assert store.describe() == "s3://photos/prod/v1 (http://127.0.0.1:8333)"
    assert "TOPSECRET" not in repr(store)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gs://bucket/x", "unsupported scheme 'gs'"),
        ("file://host/dir", "expected file:///absolute/directory"),
        ("file:///dir?x=1", "expected file:///absolute/directory"),
        ("s3://", "expected s3://bucket/prefix"),
        ("s3:///prefix", "expected s3://bucket/prefix"),
        ("s3://user:pw@bucket/p", "expected s3://bucket/prefix"),
        ("s3://bucket/p?colour=red", "unknown option(s) colour"),
        ("s3://bucket/p?region=a&region=b", "repeated region"),
        ("s3://bucket/p?endpoint=ftp://host", "endpoint must be http:// or https://"),
        ("s3://bucket/p?allow_http=maybe", "allow_http must be true or false"),
        ("s3://bucket/p?max_retries=-1", "max_retries must be a whole number"),
        ("s3://bucket/p?timeout=soon", "timeout must be seconds > 0"),
        ("s3://bucket/p?connect_timeout=inf", "connect_timeout must be seconds > 0"),
    ],
)
def test_bad_urls_raise_config_error(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        open_store(url, tmp_path)
    assert message in error.value.message


def test_error_messages_do_not_echo_query_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        open_store("s3://bucket/p?secret_access_key=TOPSECRET&bogus=1", tmp_path)
    assert "TOPSECRET" not in error.value.message


def test_unusable_local_folder_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"not a folder")
    with pytest.raises(ConfigError, match="cannot be used"):
        open_store(str(tmp_path / "file" / "objects"), tmp_path)


def test_open_configured_replicates_when_a_replica_is_set(tmp_path: Path) -> None:
    settings = Settings.load(
        environ={},
        overrides={
            "data_dir": tmp_path,
            "storage_url": str(tmp_path / "main"),
            "replica_url": str(tmp_path / "copy"),
        },
    )
    store = open_configured(settings)
    assert isinstance(store, ReplicatedStore)
    assert store.primary.describe() == (tmp_path / "main").as_uri()
    assert store.secondary.describe() == (tmp_path / "copy").as_uri()


def test_open_configured_without_replica_is_the_plain_store(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, overrides={"data_dir": tmp_path})
    assert open_configured(settings).describe() == (tmp_path / "objects").as_uri()
