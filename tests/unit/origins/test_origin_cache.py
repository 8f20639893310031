"""The origin cache: bounded by bytes, least recently used out, rebuilt from disk."""

from __future__ import annotations

from pathlib import Path

from enlarger.origins.origin_cache import OriginCache


def test_least_recently_used_originals_leave_first(tmp_path: Path) -> None:
    cache = OriginCache(tmp_path, max_bytes=250)
    for name in "abc":
        cache.put(f"http://o/{name}", name.encode() * 100, f'"{name}"', None)
    assert cache.lookup("http://o/a") is None  # 300 bytes > 250: the oldest went
    assert cache.lookup("http://o/b") is not None  # b is now the most recently used
    cache.put("http://o/d", b"d" * 100, None, None)
    kept = {url for url in ("a", "b", "c", "d") if cache.lookup(f"http://o/{url}")}
    assert kept == {"b", "d"}
    assert sum(p.stat().st_size for p in tmp_path.glob("*/*.body")) == 200


def test_entries_survive_a_restart_and_revalidation(tmp_path: Path) -> None:
    put = OriginCache(tmp_path, max_bytes=1000).put("http://o/a", b"abc", '"e"', "Mon")
    reopened = OriginCache(tmp_path, max_bytes=1000)
    cached = reopened.lookup("http://o/a")
    assert cached == put
    renewed = reopened.revalidated(put)
    assert renewed.fetched_at >= put.fetched_at
    assert renewed.digest == put.digest
    assert reopened.read(renewed) == b"abc"


def test_an_original_over_the_budget_is_not_kept(tmp_path: Path) -> None:
    cache = OriginCache(tmp_path, max_bytes=2)
    cached = cache.put("http://o/a", b"abc", None, None)
    assert cached.size == 3
    assert cache.lookup("http://o/a") is None
