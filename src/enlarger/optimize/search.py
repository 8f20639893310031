"""The lossy quality search: the smallest encoding whose score still meets a target.

Pure arithmetic over two callables (encode at a quality, score the bytes), so it is tested
without images. The first quality comes from a model of the image: the encoder quality a
typical photo needs for the target (libjpeg's calibration of SSIMULACRA2: q35 scores
about 50, q70 70, q85 80, q90 85, q95 90), moved by how the image scored at a probe.
Later steps interpolate between the closest qualities that passed and failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

#: (SSIMULACRA2 score, encoder quality) for a typical photo: the search's prior.
_CURVE = ((30.0, 20), (50.0, 35), (70.0, 70), (80.0, 85), (85.0, 90), (90.0, 95), (100.0, 100))
#: at most this many encodes per format.
MAX_TRIES = 5
#: a passing encode scoring less than this above the target is close enough: stop there.
CLOSE_ENOUGH = 1.0


@dataclass(frozen=True, slots=True)
class Trial:
    quality: int
    size: int
    score: float


@dataclass(frozen=True, slots=True)
class Found:
    """The best passing encoding (or, when none passed, the highest-scoring one)."""

    data: bytes
    quality: int
    score: float
    met: bool
    trials: tuple[Trial, ...]


def seed_quality(target: float) -> int:
    """The prior: encoder quality a typical photo needs to score ``target``."""
    for (s0, q0), (s1, q1) in pairwise(_CURVE):
        if target <= s1:
            return round(q0 + (q1 - q0) * max(0.0, target - s0) / (s1 - s0))
    return 100


def search(
    encode: Callable[[int], bytes],
    score: Callable[[bytes], float],
    target: float,
    *,
    seed: int | None = None,
) -> Found:
    """Bracket the lowest passing quality in at most ``MAX_TRIES`` encodes."""
    low, high = 1, 100  # highest known failing + 1, lowest known passing
    quality = seed if seed is not None else seed_quality(target)
    best: tuple[bytes, int, float] | None = None
    fallback: tuple[bytes, int, float] | None = None
    trials: list[Trial] = []
    for _ in range(MAX_TRIES):
        data = encode(quality)
        got = score(data)
        trials.append(Trial(quality, len(data), got))
        if got >= target:
            if best is None or len(data) < len(best[0]):
                best = (data, quality, got)
            high = min(high, quality)
            if got - target < CLOSE_ENOUGH:
                break
        else:
            if fallback is None or got > fallback[2]:
                fallback = (data, quality, got)
            low = max(low, min(quality + 1, 100))
        if low >= high and best is not None:
            break
        quality = _next(trials, target, low, high if best is not None else 100)
        if any(t.quality == quality for t in trials):
            break
    if best is not None:
        return Found(best[0], best[1], best[2], True, tuple(trials))
    assert fallback is not None
    return Found(fallback[0], fallback[1], fallback[2], False, tuple(trials))


def _next(trials: list[Trial], target: float, low: int, high: int) -> int:
    """The quality predicted to just meet ``target``, kept inside [low, high]."""
    last = trials[-1]
    others = [t for t in trials[:-1] if t.quality != last.quality]
    if others:
        near = min(others, key=lambda t: abs(t.score - target))
        slope = (last.score - near.score) / (last.quality - near.quality)
    else:
        slope = 0.6  # score points per quality step near the top of the scale, typically
    step = (target - last.score) / slope if slope > 0 else None
    guess = (low + high) // 2 if step is None else round(last.quality + step)
    return max(low, min(high, guess))
