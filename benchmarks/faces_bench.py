"""How well the face detector finds faces on real photos, and what a face crop costs.

Photos: scikit-image's packaged test photos (``pip install scikit-image``; nothing is
downloaded: only the files inside the package) and the photos in ``--photos``
(``/work/shared/photos``, with its ``edge/`` hopper portraits). ``FACES`` says how many
human faces each photo shows (checked by eye); every other photo shows none. Per photo
a detection count is split into found (up to the true count), missed and false.
scikit-image's ``lfw_subset.npy`` adds 100 tight 25x25 face crops and 100 non-face
patches, each enlarged 4x.

Cost: ``imaging.render`` of ``w=400&h=300&fit=crop`` with and without ``crop=faces`` on
the same photos, interleaved, medians of ``--repeat`` runs; and the detector alone.

    python benchmarks/faces_bench.py [--photos DIR] [--repeat 5] [--cascades a.xml,b.xml]
        [--steps 1.1,1.2]

Each cascade and scale step is counted in the same run; the cost table uses the first.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pyvips

from enlarger.imaging import faces
from enlarger.imaging.api import RenderOptions, render
from enlarger.imaging.probe import probe
from enlarger.spec.imgix import parse

#: human faces per photo, by file name; any other photo has none.
FACES = {
    "astronaut.png": 1,
    "skimage_astronaut.png": 1,
    "camera.png": 1,
    "hopper.webp": 1,
    **{f"hopper_orientation_{n}.jpg": 1 for n in range(2, 9)},
}
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
PLAIN, FACE_CROP = "w=400&h=300&fit=crop", "w=400&h=300&fit=crop&crop=faces"


@dataclass
class Tally:
    found: int = 0
    missed: int = 0
    false: int = 0
    seconds: list[float] | None = None

    def add(self, truth: int, detected: int) -> None:
        self.found += min(truth, detected)
        self.missed += max(0, truth - detected)
        self.false += max(0, detected - truth)


def photos(folder: Path) -> Iterator[tuple[str, bytes]]:
    data_dir = skimage_data()
    folders = [f for f in (data_dir, folder, folder / "edge") if f is not None and f.is_dir()]
    for place in folders:
        for path in sorted(place.iterdir()):
            if path.suffix.lower() in SUFFIXES and not path.name.startswith("anim"):
                yield path.name, path.read_bytes()


def skimage_data() -> Path | None:
    spec = importlib.util.find_spec("skimage")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


def use_detector(cascade: str, step: float) -> None:
    faces.CASCADE, faces.SCALE_STEP = cascade, step
    faces._local.__dict__.clear()


def count_photos(folder: Path) -> Tally:
    tally = Tally(seconds=[])
    for name, data in photos(folder):
        facts = probe(data)
        start = time.perf_counter()
        found = faces.find_faces(data, facts, facts.orientation)
        assert tally.seconds is not None
        tally.seconds.append(time.perf_counter() - start)
        tally.add(FACES.get(name, 0), len(found))
        if found or name in FACES:
            print(f"    {name}: {len(found)} of {FACES.get(name, 0)}")
    return tally


def count_lfw() -> Tally | None:
    data_dir = skimage_data()
    if data_dir is None:
        return None
    patches = np.load(data_dir / "lfw_subset.npy")  # 100 faces, then 100 non-faces
    tally = Tally()
    for index, patch in enumerate(patches):
        grey = (patch * 255).round().astype(np.uint8)
        image = pyvips.Image.new_from_memory(grey.tobytes(), 25, 25, 1, "uchar")
        found = faces.detect(image.copy(interpretation="b-w").resize(4, kernel="cubic"))
        tally.add(1 if index < 100 else 0, min(1, len(found)))
    return tally


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cost(folder: Path, names: list[str], repeat: int) -> None:
    print("\n| photo | size | fit=crop ms | crop=faces ms | ratio | detector ms |")
    print("|---|---|---|---|---|---|")
    for name in names:
        data = (folder / name).read_bytes()
        facts = probe(data)
        plain, face_crop = render_of(data, PLAIN), render_of(data, FACE_CROP)
        face_crop()  # warm: the classifier is loaded
        pairs = [(median_ms(plain, 1), median_ms(face_crop, 1)) for _ in range(repeat)]
        base = statistics.median(p[0] for p in pairs)
        with_faces = statistics.median(p[1] for p in pairs)
        alone = median_ms(partial(faces.find_faces, data, facts, facts.orientation), repeat)
        print(
            f"| {name} | {facts.width}x{facts.height} | {base:.1f} | {with_faces:.1f} | "
            f"{with_faces / base:.2f} | {alone:.1f} |"
        )


def render_of(data: bytes, query: str) -> Callable[[], object]:
    return partial(render, data, parse(query), frozenset(), RenderOptions())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/photos"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cascades", default=faces.CASCADE)
    parser.add_argument("--steps", default=str(faces.SCALE_STEP))
    parser.add_argument(
        "--cost-photos",
        default="skimage_astronaut.png,plasma_kite.jpg,mate_elephants_3840.jpg",
    )
    arguments = parser.parse_args()
    if skimage_data() is None:
        print("scikit-image is not installed: its photos and lfw_subset are left out")
    cascades = arguments.cascades.split(",")
    steps = [float(step) for step in arguments.steps.split(",")]
    rows = []
    for cascade in cascades:
        for step in steps:
            use_detector(cascade, step)
            print(f"  {cascade} at {step}:")
            tally, lfw = count_photos(arguments.photos), count_lfw()
            median = statistics.median(tally.seconds or [0.0]) * 1000
            lfw_found, lfw_false = ("n/a", "n/a") if lfw is None else (lfw.found, lfw.false)
            rows.append(
                f"| {cascade} | {step} | {tally.found} / {tally.missed} / {tally.false} | "
                f"{lfw_found}/100 | {lfw_false}/100 | {median:.1f} |"
            )
    print(
        "\n| cascade | scale step | photos: found / missed / false | LFW faces found | "
        "LFW non-faces flagged | detector ms, median |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    use_detector(cascades[0], steps[0])
    cost(arguments.photos, arguments.cost_photos.split(","), arguments.repeat)


if __name__ == "__main__":
    main()
