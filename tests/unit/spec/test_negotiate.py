"""Format negotiation: Accept parsing, the choice table, and when responses vary."""

from __future__ import annotations

import pytest

from enlarger.spec.facts import SourceFacts
from enlarger.spec.model import Auto, Format, Output
from enlarger.spec.negotiate import (
    DEFAULT_WRITABLE,
    accepted_formats,
    choose_format,
    pick_variant,
    variant_accepts,
    varies_with_accept,
)

AVIF, WEBP = Format.AVIF, Format.WEBP
BOTH = frozenset({AVIF, WEBP})
NONE: frozenset[Format] = frozenset()

CHROME = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
SAFARI_15 = "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"
FIREFOX_OLD = "image/webp,*/*"
CURL = "*/*"


@pytest.mark.parametrize(
    ("accept", "formats"),
    [
        (None, NONE),
        ("", NONE),
        (CURL, NONE),
        ("image/*", NONE),
        ("image/*,*/*;q=0.8", NONE),
        (CHROME, BOTH),
        (SAFARI_15, {WEBP}),
        (FIREFOX_OLD, {WEBP}),
        ("image/avif", {AVIF}),
        ("IMAGE/AVIF", {AVIF}),
        (" image/webp ; q=0.5 ", {WEBP}),
        ("image/avif;q=0.001,image/webp;q=1.000", BOTH),
        ("image/avif;q=0,image/webp", {WEBP}),
        ("image/avif;q=0.000", NONE),
        ("image/webp,image/webp;q=0", NONE),  # refused once is refused
        ("image/avif;level=1;q=0.5", {AVIF}),
        ("image/avif;Q=0", NONE),
        ("image/avif;q=2", NONE),  # malformed weights count for nothing
        ("image/avif;q=0.5000", NONE),
        ("image/avif;q=-1", NONE),
        ("image/avif;q=.5", NONE),
        ("image/avif;q=1.001", NONE),
        ("image/avif;q=0.\u0663", NONE),  # an Arabic-Indic digit is not a digit here
        ("image/avif;q=1.", {AVIF}),
        ("image/avif;q=", NONE),
        ("image/avif;q=abc,image/webp", {WEBP}),
        ("image/avifx,image/web", NONE),
        (",,;,image/webp", {WEBP}),
    ],
)
def test_accepted_formats(accept: str | None, formats: frozenset[Format]) -> None:
    assert accepted_formats(accept) == formats


def facts(loader: str, *, alpha: bool = False) -> SourceFacts:
    return SourceFacts(
        width=100, height=80, loader=loader, has_alpha=alpha, bands=4 if alpha else 3
    )


AUTO = Output(auto=frozenset({Auto.FORMAT}))
AUTO_COMPRESS = Output(auto=frozenset({Auto.FORMAT, Auto.COMPRESS}))
PLAIN = Output()


@pytest.mark.parametrize(
    ("output", "accepted", "source", "chosen"),
    [
        # fm wins over everything
        (Output(fm=Format.PNG, auto=frozenset({Auto.FORMAT})), BOTH, facts("jpeg"), Format.PNG),
        (Output(fm=Format.PJPG), NONE, facts("png", alpha=True), Format.PJPG),
        (Output(fm=Format.GIF), BOTH, facts("webp"), Format.GIF),
        # auto=format: AVIF, then WebP, then PNG for alpha, else JPEG
        (AUTO, BOTH, facts("jpeg"), AVIF),
        (AUTO, {AVIF}, facts("png", alpha=True), AVIF),
        (AUTO, {WEBP}, facts("jpeg"), WEBP),
        (AUTO_COMPRESS, {WEBP}, facts("png", alpha=True), WEBP),
        (AUTO, NONE, facts("png", alpha=True), Format.PNG),
        (AUTO, NONE, facts("png"), Format.JPG),
        (AUTO, NONE, facts("webp"), Format.JPG),
        (AUTO, NONE, facts("gif", alpha=True), Format.PNG),
        # no fm, no auto=format: keep the source's format when it is a web format
        (PLAIN, BOTH, facts("jpeg"), Format.JPG),
        (PLAIN, NONE, facts("png", alpha=True), Format.PNG),
        (PLAIN, NONE, facts("png"), Format.PNG),
        (PLAIN, NONE, facts("webp", alpha=True), Format.WEBP),
        (PLAIN, NONE, facts("gif"), Format.GIF),
        # auto=compress alone picks by transparency (imgix): JPEG here, whatever Accept says
        (Output(auto=frozenset({Auto.COMPRESS})), BOTH, facts("webp"), Format.JPG),
        (Output(auto=frozenset({Auto.COMPRESS})), BOTH, facts("png", alpha=True), Format.PNG),
        # otherwise JPEG, or PNG with alpha
        (PLAIN, BOTH, facts("heif"), Format.JPG),
        (PLAIN, BOTH, facts("heif", alpha=True), Format.PNG),
        (PLAIN, NONE, facts("avif"), Format.AVIF),
        (PLAIN, NONE, facts("tiff"), Format.JPG),
        (PLAIN, NONE, facts("svg", alpha=True), Format.PNG),
        (PLAIN, NONE, facts("pdf"), Format.JPG),
        (PLAIN, NONE, facts("jxl"), Format.JPG),  # JPEG XL only when libvips writes it
    ],
)
def test_choose_format(
    output: Output, accepted: frozenset[Format], source: SourceFacts, chosen: Format
) -> None:
    assert choose_format(output, frozenset(accepted), source) is chosen


def test_only_writable_formats_are_chosen() -> None:
    no_avif = DEFAULT_WRITABLE - {AVIF}
    assert choose_format(AUTO, BOTH, facts("jpeg"), no_avif) is WEBP
    assert choose_format(AUTO, frozenset({AVIF}), facts("jpeg"), no_avif) is Format.JPG
    with_jxl = DEFAULT_WRITABLE | {Format.JXL}
    assert choose_format(PLAIN, NONE, facts("jxl"), with_jxl) is Format.JXL
    assert choose_format(PLAIN, NONE, facts("gif"), DEFAULT_WRITABLE - {Format.GIF}) is Format.JPG


def test_default_writable_is_everything_but_jpeg_xl() -> None:
    assert set(Format) - DEFAULT_WRITABLE == {Format.JXL}


@pytest.mark.parametrize(
    ("output", "varies"),
    [
        (AUTO, True),
        (AUTO_COMPRESS, True),
        (Output(fm=Format.WEBP, auto=frozenset({Auto.FORMAT})), False),
        (Output(auto=frozenset({Auto.COMPRESS})), False),
        (PLAIN, False),
        (Output(fm=Format.AVIF), False),
    ],
)
def test_varies_with_accept(output: Output, varies: bool) -> None:
    assert varies_with_accept(output) is varies


JPG, PNG = Format.JPG, Format.PNG


def test_an_auto_format_preset_is_rendered_per_negotiable_format_and_a_fallback() -> None:
    auto = Output(auto=frozenset({Auto.FORMAT}))
    everything = frozenset(Format)
    assert variant_accepts(auto, everything) == (
        frozenset({AVIF}),
        frozenset({WEBP}),
        frozenset(),
    )
    assert variant_accepts(auto, everything - {AVIF}) == (frozenset({WEBP}), frozenset())
    # fm decides, or nothing negotiates: one render with no Accept
    assert variant_accepts(Output(fm=WEBP, auto=frozenset({Auto.FORMAT})), everything) == (
        frozenset(),
    )
    assert variant_accepts(Output(), everything) == (frozenset(),)


@pytest.mark.parametrize(
    ("stored", "accepted", "chosen"),
    [
        ({AVIF, WEBP, JPG}, {AVIF, WEBP}, AVIF),
        ({AVIF, WEBP, JPG}, {WEBP}, WEBP),
        ({AVIF, WEBP, PNG}, set(), PNG),
        ({WEBP, JPG}, {AVIF}, JPG),  # this libvips wrote no AVIF
        ({AVIF, WEBP}, set(), None),  # no fallback stored
    ],
)
def test_the_stored_variant_follows_accept(
    stored: set[Format], accepted: set[Format], chosen: Format | None
) -> None:
    assert pick_variant(stored, frozenset(accepted)) is chosen
