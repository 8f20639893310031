"""The protocol every argument parser follows, and the one error shape they raise."""

from __future__ import annotations

from typing import Protocol, TypeVar

from enlarger.errors import InvalidParameter

T = TypeVar("T")


class Arg(Protocol[T]):
    """What every parser offers: parse one raw value, write one back, say what it expects."""

    @property
    def expected(self) -> str: ...

    def parse(self, parameter: str, raw: str) -> T: ...

    def format(self, value: T) -> str: ...


def fail(parameter: str, arg: Arg[T], raw: str) -> InvalidParameter:
    return InvalidParameter(parameter, arg.expected, raw)
