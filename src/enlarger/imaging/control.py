"""How the caller steers one render: the render's real cost, and cancellation.

The render pool (``http/pool.py``) admits a render by an estimate, then learns its real
cost here once the header is read (``settle``), and cancels it when its request passes
the deadline. libvips checks a kill flag while it evaluates, so a cancelled render stops
within one tile instead of running to its end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pyvips

from enlarger.errors import DeadlineExceeded


class RenderControl(Protocol):
    def settle(self, cost: int) -> None:
        """The render's cost in pixels (``spec.cost.render_cost``), once its Plan is made."""

    def cancelled(self) -> bool:
        """True once the render should stop."""


class Unsteered:
    """The control of a render nobody cancels or budgets (the CLI, jobs, tests)."""

    def settle(self, cost: int) -> None:
        pass

    def cancelled(self) -> bool:
        return False


UNSTEERED = Unsteered()


def check_cancelled(control: RenderControl) -> None:
    if control.cancelled():
        raise DeadlineExceeded("the render was cancelled at its deadline", retry_after=1)


@contextmanager
def cancellable(image: Any, control: RenderControl) -> Iterator[None]:
    """Evaluate ``image`` (a pyvips.Image) in the block, killed once ``control`` is cancelled.

    A killed evaluation fails with a libvips error; it leaves here as ``DeadlineExceeded``.
    """
    if isinstance(control, Unsteered):
        yield
        return

    def on_eval(evaluated: Any, _progress: Any) -> None:
        if control.cancelled():
            evaluated.set_kill(True)

    image.set_progress(True)
    image.signal_connect("eval", on_eval)
    try:
        yield
    except pyvips.Error:
        check_cancelled(control)
        raise
