"""``optimize``: choose what to encode, run the search, keep the smallest that qualifies."""

from __future__ import annotations

from dataclasses import dataclass, field

from enlarger import imaging
from enlarger.errors import InvalidParameter, UnprocessableImage
from enlarger.optimize.options import OptimizeOptions, OutputFormat
from enlarger.optimize.search import Trial, search, seed_quality

#: libvips loader -> the format a same-format optimisation writes.
_SAME = {"jpeg": "jpeg", "png": "png", "webp": "webp", "avif": "avif", "gif": "gif"}
#: AVIF's quality scale sits lower than JPEG's for the same score.
_SEED_OFFSET = {"jpeg": 0, "webp": 0, "avif": -25, "png": 0}
_LOSSLESS_TARGETS = frozenset({"png", "webp", "avif"})


@dataclass(frozen=True, slots=True)
class Optimized:
    """The output and how it was made. ``score`` is SSIMULACRA2 against the (decoded,
    oriented) input: 100.0 for lossless outputs. ``quality`` is None when lossless."""

    data: bytes
    format: str
    width: int
    height: int
    score: float
    input_size: int
    quality: int | None = None
    met_target: bool = True
    notes: tuple[str, ...] = ()
    trials: dict[str, tuple[Trial, ...]] = field(default_factory=dict)

    @property
    def saved_bytes(self) -> int:
        return self.input_size - len(self.data)

    def report(self) -> dict[str, object]:
        """A JSON-ready summary (Kraken's ``original_size``/``kraked_size``/``saved_bytes``)."""
        return {
            "original_size": self.input_size,
            "kraked_size": len(self.data),
            "saved_bytes": self.saved_bytes,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "score": round(self.score, 2),
            "quality": self.quality,
            "met_target": self.met_target,
            "notes": list(self.notes),
        }


def optimize(data: bytes, options: OptimizeOptions) -> Optimized:
    facts = imaging.probe(data)
    if options.lossy:
        return _lossy(data, facts.loader, options)
    if options.format is OutputFormat.SAME or options.format.value == _SAME.get(facts.loader):
        return _lossless_same(data, facts.loader, options)
    return _lossless_converted(data, options)


def _lossless_same(data: bytes, loader: str, options: OptimizeOptions) -> Optimized:
    if loader not in _SAME:
        raise UnprocessableImage("no lossless optimiser for this format", loader=loader)
    out = imaging.optimize_lossless(
        data, loader, options.preserve_meta, gif_timeout_s=options.gif_timeout_s
    )
    facts = imaging.probe(out.data)
    notes = (out.note,) if out.note else ()
    return Optimized(
        out.data, _SAME[loader], facts.width, facts.height, 100.0, len(data), notes=notes
    )


def _lossless_converted(data: bytes, options: OptimizeOptions) -> Optimized:
    source = imaging.decode_source(data, options.preserve_meta, auto_orient=options.auto_orient)
    if options.format is OutputFormat.AUTO:
        formats = sorted(_LOSSLESS_TARGETS - {"avif"})  # lossless AVIF is slow and rarely wins
    elif options.format.value in _LOSSLESS_TARGETS:
        formats = [options.format.value]
    else:
        raise InvalidParameter("format", "png, webp or avif without lossy", options.format.value)
    outputs = {fmt: imaging.encode_lossless(source, fmt) for fmt in formats}
    fmt = min(outputs, key=lambda name: len(outputs[name]))
    return Optimized(outputs[fmt], fmt, source.width, source.height, 100.0, len(data))


def _lossy(data: bytes, loader: str, options: OptimizeOptions) -> Optimized:
    source = imaging.decode_source(data, options.preserve_meta, auto_orient=options.auto_orient)
    formats = _lossy_formats(loader, options.format, has_alpha=source.has_alpha)
    if not formats:  # GIF: only lossless
        return _lossless_same(data, loader, options)
    found: dict[str, tuple[bytes, int, float, bool, tuple[Trial, ...]]] = {}
    for fmt in formats:

        def encode(quality: int, fmt: str = fmt) -> bytes:
            return imaging.encode_lossy(source, fmt, quality, options.sampling_scheme)

        def score(encoded: bytes) -> float:
            return imaging.perceptual_score(source, encoded)

        if options.quality is not None:
            encoded = encode(options.quality)
            got = score(encoded)
            trial = Trial(options.quality, len(encoded), got)
            found[fmt] = (encoded, options.quality, got, True, (trial,))
        else:
            seed = max(1, min(100, seed_quality(options.target) + _SEED_OFFSET[fmt]))
            result = search(encode, score, options.target, seed=seed)
            found[fmt] = (result.data, result.quality, result.score, result.met, result.trials)
    passing = [fmt for fmt in found if found[fmt][3]] or list(found)
    best = min(passing, key=lambda fmt: len(found[fmt][0]))
    encoded, quality, got, met, _ = found[best]
    notes = _notes(source)
    if options.format is OutputFormat.SAME and loader in _SAME:
        lossless = _lossless_same(data, loader, options)
        if len(lossless.data) <= len(encoded):
            return Optimized(
                lossless.data,
                lossless.format,
                lossless.width,
                lossless.height,
                100.0,
                len(data),
                notes=(*notes, "lossless was smaller"),
                trials={fmt: found[fmt][4] for fmt in found},
            )
    return Optimized(
        encoded,
        best,
        source.width,
        source.height,
        got,
        len(data),
        quality=quality,
        met_target=met,
        notes=notes,
        trials={fmt: found[fmt][4] for fmt in found},
    )


def _lossy_formats(loader: str, wanted: OutputFormat, *, has_alpha: bool) -> list[str]:
    if wanted is OutputFormat.AUTO:
        return ["webp", "avif"] + ([] if has_alpha else ["jpeg"])
    if wanted is OutputFormat.GIF or (wanted is OutputFormat.SAME and loader == "gif"):
        return []
    if wanted is OutputFormat.SAME:
        same = _SAME.get(loader)
        return [same] if same else ["png" if has_alpha else "jpeg"]
    if wanted is OutputFormat.JPEG and has_alpha:
        return ["jpeg"]  # flattened on white, as asked
    return [wanted.value]


def _notes(source: imaging.Source) -> tuple[str, ...]:
    notes = []
    if source.oriented:
        notes.append("EXIF orientation applied")
    if source.converted_to_srgb:
        notes.append("colour profile converted to sRGB")
    return tuple(notes)
