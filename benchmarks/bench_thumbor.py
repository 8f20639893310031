"""thumbor 7 in its own virtualenv, configured to render the same photos as Enlarger.

Configuration, for a like-for-like comparison: file loader on the photos folder, unsafe
URLs, no storage and no result storage (every request renders), baseline JPEG (as
``fm=jpg``), EXIF dropped (thumbor's default), Enlarger's PNG zlib level, AVIF speed
9 - Enlarger's libvips effort (libvips hands libaom ``speed = 9 - effort``). AVIF needs
Pillow's own AVIF codec (Pillow >= 11.2) or pillow-avif-plugin; both are checked, and the
plugin is installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench_formats import AVIF_EFFORT, PNG_COMPRESSION, OutputFormat
from bench_procs import ServerGroup, ServerProcess, free_port

PACKAGES = ("thumbor>=7,<8", "pillow-avif-plugin")
PROCESSES = 2


def ensure_venv(venv: Path) -> Path:
    """Create ``venv`` with thumbor if missing; return its ``thumbor`` executable."""
    thumbor = venv / "bin" / "thumbor"
    if not thumbor.exists():
        print(f"creating {venv} with {', '.join(PACKAGES)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, *PACKAGES], check=True)
    return thumbor


def _venv_python(venv: Path, code: str) -> str:
    argv = [str(venv / "bin" / "python"), "-c", code]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


def versions(venv: Path) -> str:
    code = (
        "import importlib.metadata as m, PIL; from thumbor.engines import pil;"
        "print(f\"thumbor {m.version('thumbor')}, Pillow {PIL.__version__}, "
        "AVIF {'yes' if pil.HAVE_AVIF else 'no'}\")"
    )
    return _venv_python(venv, code)


def avif_available(venv: Path) -> bool:
    return _venv_python(venv, "from thumbor.engines import pil; print(pil.HAVE_AVIF)") == "True"


def write_config(work: Path, photos: Path) -> Path:
    config = work / "thumbor.conf"
    config.write_text(
        f"LOADER = 'thumbor.loaders.file_loader'\n"
        f"FILE_LOADER_ROOT_PATH = {str(photos.resolve())!r}\n"
        "ALLOW_UNSAFE_URL = True\n"
        "STORAGE = 'thumbor.storages.no_storage'\n"
        "RESULT_STORAGE = None\n"
        "PROGRESSIVE_JPEG = False\n"
        f"AVIF_SPEED = {9 - AVIF_EFFORT}\n"
        f"PNG_COMPRESSION_LEVEL = {PNG_COMPRESSION}\n"
        "MAX_AGE = 0\n"
    )
    return config


def thumbor_server(venv: Path, work: Path, photos: Path) -> ServerGroup:
    """Two single-process thumbor instances on their own ports.

    Not ``--processes 2``: those processes share one listening socket, so which process
    gets each of the 8 keep-alive connections is left to chance, and an uneven split idles
    a core for a reason that is no part of thumbor's rendering. The load spreads its
    connections evenly over the two ports instead.
    """
    thumbor = ensure_venv(venv)
    config = write_config(work, photos)
    members = []
    for n in range(PROCESSES):
        port = free_port()
        members.append(
            ServerProcess(
                name=f"thumbor-{n}",
                argv=[str(thumbor), "-c", str(config), "-i", "127.0.0.1", "-p", str(port)],
                port=port,
                cwd=work,
                env={},
                log_path=work / f"thumbor-{n}.log",
            )
        )
    return ServerGroup("thumbor", members)


def thumbor_path(photo_name: str, fmt: OutputFormat, box: int) -> str:
    return f"/unsafe/fit-in/{box}x{box}/{fmt.thumbor_filters}/{photo_name}"
