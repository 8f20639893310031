"""The face detector and the face analyser on real portraits (tests/fixtures).

The astronaut (scikit-image's portrait of Eileen Collins, 256x256 here) has one face,
checked by hand on a grid: brows to chin and cheek to cheek, ``HAND_BOX``.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import pyvips

from enlarger.imaging.api import RenderOptions, render
from enlarger.imaging.faces import find_faces
from enlarger.imaging.probe import probe
from enlarger.spec.imgix import parse
from enlarger.spec.model import RenderSpec
from enlarger.spec.plan import Box
from enlarger.spec.thumbor import parse_path
from tests.support.images import fixture

ASTRONAUT = "skimage_astronaut_256.jpg"
#: the astronaut's face, found by eye: left, top, width, height.
HAND_BOX = Box(92, 44, 56, 44)
HOPPER = "edge/hopper.webp"


def faces_in(name: str) -> tuple[Box, ...]:
    data = fixture(name)
    facts = probe(data)
    return find_faces(data, facts, facts.orientation)


def overlap(a: Box, b: Box) -> float:
    """Intersection over union."""
    width = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    height = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    shared = max(0.0, width) * max(0.0, height)
    return shared / (a.width * a.height + b.width * b.height - shared)


def rendered(name: str, spec: RenderSpec) -> Any:
    result = render(fixture(name), spec, frozenset(), RenderOptions())
    return pyvips.Image.new_from_buffer(result.data, "")


def pixels(image: Any) -> np.ndarray[Any, Any]:
    rgb = image.extract_band(0, n=3)
    return np.ndarray(
        buffer=rgb.write_to_memory(), dtype=np.uint8, shape=(rgb.height, rgb.width, 3)
    ).astype(np.float64)


def rows_shown(output: Any, source: Any) -> int:
    """The source row at which a full-width ``output`` (at the source's scale) starts."""
    shown, whole = pixels(output), pixels(source)
    errors = [
        np.abs(whole[top : top + output.height] - shown).mean()
        for top in range(source.height - output.height + 1)
    ]
    return int(np.argmin(errors))


def test_the_detector_finds_the_astronauts_face_where_a_person_sees_it() -> None:
    (face,) = faces_in(ASTRONAUT)
    assert overlap(face, HAND_BOX) > 0.4


@pytest.mark.parametrize("orientation", range(2, 9))
def test_faces_are_found_in_the_upright_frame_of_exif_oriented_sources(orientation: int) -> None:
    (upright,) = faces_in(HOPPER)
    (turned,) = faces_in(f"edge/hopper_orientation_{orientation}.jpg")
    # each is stored turned or mirrored so that its EXIF orientation shows hopper.webp
    assert overlap(turned, upright) > 0.9


@pytest.mark.parametrize(
    "name", ["skimage_rocket.jpg", "skimage_chelsea_225.png", "mate_storm_exif6_240.jpg"]
)
def test_no_face_is_found_where_there_is_none(name: str) -> None:
    assert faces_in(name) == ()


def test_crop_faces_shows_the_face_where_a_centred_crop_cuts_it_off() -> None:
    source = pyvips.Image.new_from_buffer(fixture(ASTRONAUT), "")
    faces = rendered(ASTRONAUT, parse("w=256&h=64&fit=crop&crop=faces"))
    centred = rendered(ASTRONAUT, parse("w=256&h=64&fit=crop"))
    assert (faces.width, faces.height) == (256, 64)
    top = rows_shown(faces, source)
    assert top <= HAND_BOX.top
    assert top + 64 >= HAND_BOX.top + HAND_BOX.height
    assert rows_shown(centred, source) == 96  # the centre: below the chin


def test_crop_faces_without_a_face_falls_back_to_the_other_crop_values() -> None:
    fallback = rendered("skimage_rocket.jpg", parse("w=200&h=60&fit=crop&crop=faces,bottom"))
    bottom = rendered("skimage_rocket.jpg", parse("w=200&h=60&fit=crop&crop=bottom"))
    assert (pixels(fallback) == pixels(bottom)).all()


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("w=300&h=200&fit=facearea", (300, 200)),
        ("w=120&h=160&fit=facearea&facepad=2", (120, 160)),
        ("w=100&fit=facearea", (100, 100)),  # the face area is square
        ("h=90&fit=facearea&facepad=1.5", (90, 90)),
        ("fit=facearea&facepad=10", (256, 256)),  # limited by the image
        ("w=300&h=200&fit=facearea&faceindex=2", (300, 200)),  # no 2nd face: a crop
        ("w=100&h=100&fit=facearea,max&faceindex=2", (100, 100)),
    ],
)
def test_fit_facearea_sizes(query: str, size: tuple[int, int]) -> None:
    output = rendered(ASTRONAUT, parse(query))
    assert (output.width, output.height) == size


@pytest.mark.parametrize("pad", [1, 1.5, 2])
def test_fit_facearea_alone_is_the_padded_face_at_the_sources_scale(pad: float) -> None:
    (face,) = faces_in(ASTRONAUT)
    output = rendered(ASTRONAUT, parse(f"fit=facearea&facepad={pad}"))
    assert output.width == output.height == round(face.width * pad)


def test_fit_facearea_shows_the_face_box_itself() -> None:
    source = pyvips.Image.new_from_buffer(fixture(ASTRONAUT), "")
    (face,) = faces_in(ASTRONAUT)
    area = pixels(rendered(ASTRONAUT, parse("fit=facearea")))
    side = area.shape[0]

    def error(left: int, top: int) -> float:
        return float(np.abs(pixels(source.crop(left, top, side, side)) - area).mean())

    near = [(round(face.left) + dx, round(face.top) + dy) for dx in (-3, 0, 3) for dy in (-3, 0, 3)]
    assert min(near, key=lambda at: error(*at)) == (round(face.left), round(face.top))


def test_fit_facearea_without_a_face_uses_the_fallback_fit() -> None:
    clip = rendered("skimage_rocket.jpg", parse("w=100&h=100&fit=facearea,max"))
    crop = rendered("skimage_rocket.jpg", parse("w=100&h=100&fit=facearea"))
    assert (clip.width, clip.height) == (100, 67)
    plain = rendered("skimage_rocket.jpg", parse("w=100&h=100&fit=crop"))
    assert (pixels(crop) == pixels(plain)).all()


def test_fm_json_faces_lists_each_faces_bounds() -> None:
    spec = parse("fm=json&faces=1")
    document = json.loads(render(fixture(ASTRONAUT), spec, frozenset(), RenderOptions()).data)
    (face,) = document["Faces"]
    assert set(face["bounds"]) == {"x", "y", "width", "height"}
    bounds = Box(*(face["bounds"][key] for key in ("x", "y", "width", "height")))
    assert overlap(bounds, HAND_BOX) > 0.4
    rocket = render(fixture("skimage_rocket.jpg"), spec, frozenset(), RenderOptions())
    assert json.loads(rocket.data)["Faces"] == []
    plain = render(fixture(ASTRONAUT), parse("fm=json"), frozenset(), RenderOptions())
    assert "Faces" not in json.loads(plain.data)


def test_thumbor_smart_crops_to_the_face() -> None:
    source = pyvips.Image.new_from_buffer(fixture(ASTRONAUT), "")
    smart = rendered(ASTRONAUT, parse_path(f"256x64/smart/{ASTRONAUT}")[0].spec)
    plain = rendered(ASTRONAUT, parse_path(f"256x64/{ASTRONAUT}")[0].spec)
    top = rows_shown(smart, source)
    assert top <= HAND_BOX.top
    assert top + 64 >= HAND_BOX.top + HAND_BOX.height
    assert rows_shown(plain, source) == 96


def test_thumbor_focal_wins_over_smart_faces() -> None:
    source = pyvips.Image.new_from_buffer(fixture(ASTRONAUT), "")
    path = f"256x64/smart/filters:focal(0x200:256x240)/{ASTRONAUT}"
    focused = rendered(ASTRONAUT, parse_path(path)[0].spec)
    assert rows_shown(focused, source) == 188
