"""The replay tools' parts: log formats, Zipf logs, targets, statistics, warm-up plans."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from enlarger.errors import ClientError
from enlarger.replay.generate import generate
from enlarger.replay.logs import LogRead, popularity, targets_of
from enlarger.replay.stats import Sample, percentile, summarize
from enlarger.replay.targets import check_target
from enlarger.replay.warm import plan_warming

LINES = [
    '{"event": "request", "method": "GET", "path": "/a b.jpg", "query": "w=10"}',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /c.jpg?w=20 HTTP/1.1" 200 2326 "-" "x"',
    '{"event": "request", "method": "POST", "path": "/v1/images", "query": ""}',
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "HEAD /d.jpg HTTP/1.1" 200 0 "-" "x"',
    "not a log line",
    "",
]


def test_both_log_formats_are_read() -> None:
    read = LogRead()
    assert list(targets_of(LINES, read)) == ["/a%20b.jpg?w=10", "/c.jpg?w=20", "/d.jpg"]
    assert (read.targets, read.skipped) == (3, 2)
    assert read.formats == Counter({"nginx": 2, "enlarger": 1})


def test_generated_logs_follow_zipf_and_read_back() -> None:
    images = [f"img{n}.jpg" for n in range(50)]
    lines = list(generate(images, 5000, seed=7))
    requests = [json.loads(line) for line in lines]
    by_image = Counter(r["path"] for r in requests).most_common()
    # Zipf, s=1 over 50: the top image gets 1/H(50) = 22% of requests, the 10th 2.2%
    assert 0.19 < by_image[0][1] / 5000 < 0.25
    assert by_image[0][1] > 5 * by_image[9][1]
    assert len(list(targets_of(lines, LogRead()))) == 5000
    assert lines == list(generate(images, 5000, seed=7))


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost/", "http://[::1]:9"])
def test_loopback_targets_pass(url: str) -> None:
    assert check_target(url) == url.rstrip("/")


def test_other_targets_need_to_be_named() -> None:
    with pytest.raises(ClientError, match="refusing"):
        check_target("http://10.0.0.5:8080")
    with pytest.raises(ClientError, match="http"):
        check_target("ftp://127.0.0.1/")
    assert check_target("http://Images.Example.com", ["images.example.com"])


def test_summary() -> None:
    samples = [
        Sample(0.1 * n, 0.001 * (n + 1), 200, "miss" if n < 2 else "memory", 10) for n in range(10)
    ]
    samples.append(Sample(0.95, 0.5, 503, None, 0))
    summary = summarize(samples, duration_s=1.0, buckets=2)
    assert summary.throughput == 11
    assert summary.latency_ms[50] == pytest.approx(6.0)
    assert summary.latency_ms[99] == pytest.approx(500.0)
    assert summary.errors == {503: 1}
    assert summary.hit_ratio == pytest.approx(0.8)
    assert summary.miss_p95_ms == pytest.approx(2.0)
    assert [b.hit_ratio for b in summary.timeline] == [pytest.approx(0.6), 1.0]
    assert percentile([], 95) == 0.0


def test_warming_takes_the_most_requested_until_the_ratio() -> None:
    popular = popularity(["a"] * 6 + ["b"] * 3 + ["c"])
    assert plan_warming(popular, 0.6, 10).targets == ["a"]
    plan = plan_warming(popular, 0.9, 10)
    assert (plan.targets, plan.coverage) == (["a", "b"], 0.9)
    assert plan_warming(popular, 1.0, 1).targets == ["a"]
