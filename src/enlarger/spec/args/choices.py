"""Words from a fixed set: booleans, enum members (one or a list), fixed integers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

from enlarger.spec.args.base import fail
from enlarger.spec.args.numbers import read_integer

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class Boolean:
    """true/false/1/0, any case (the Python imgix client writes ``str(True)``)."""

    @property
    def expected(self) -> str:
        return "true, false, 1 or 0"

    def parse(self, parameter: str, raw: str) -> bool:
        word = raw.lower()
        if word in {"true", "1"}:
            return True
        if word in {"false", "0"}:
            return False
        raise fail(parameter, self, raw)

    def format(self, value: bool) -> str:
        return "true" if value else "false"


def _choices(values: list[str], unsupported: frozenset[str]) -> str:
    text = "one of " + ", ".join(values)
    if unsupported:
        text += f" ({', '.join(sorted(unsupported))}: not supported by this server)"
    return text


@dataclass(frozen=True, slots=True)
class Choice(Generic[E]):
    """One member of a string enum, by its value; ``synonyms`` map extra words to members.

    ``unsupported`` lists values the dialect defines that this server does not implement:
    they are rejected like any bad value, with an ``expected`` text that says so.
    """

    enum: type[E]
    unsupported: frozenset[str] = frozenset()
    synonyms: Mapping[str, E] = field(default_factory=dict)
    #: read values regardless of case (imgix's ``ch=Width,DPR`` for ``width,dpr``).
    casefold: bool = False
    #: the members this parameter takes, when not all of the enum's (empty: all).
    only: frozenset[E] = frozenset()

    @property
    def members(self) -> list[E]:
        return [m for m in self.enum if not self.only or m in self.only]

    @property
    def words(self) -> Mapping[str, E]:
        return {**{str(m.value): m for m in self.members}, **self.synonyms}

    @property
    def expected(self) -> str:
        return _choices([str(m.value) for m in self.members], self.unsupported)

    def parse(self, parameter: str, raw: str) -> E:
        member = self.words.get(raw.lower() if self.casefold else raw)
        if member is None:
            raise fail(parameter, self, raw)
        return member

    def format(self, value: E) -> str:
        return str(value.value)


@dataclass(frozen=True, slots=True)
class ChoiceList(Generic[E]):
    """Comma-separated members of a string enum (``crop=top,left``); order is not kept."""

    choice: Choice[E]

    @property
    def expected(self) -> str:
        return "a comma-separated list of " + self.choice.expected.removeprefix("one of ")

    def parse(self, parameter: str, raw: str) -> frozenset[E]:
        words = self.choice.words
        folded = raw.lower() if self.choice.casefold else raw
        members = [words.get(item) for item in folded.split(",")]
        if not raw or None in members:
            raise fail(parameter, self, raw)
        return frozenset(m for m in members if m is not None)

    def format(self, value: frozenset[E]) -> str:
        order = list(self.choice.enum)
        return ",".join(str(m.value) for m in sorted(value, key=order.index))


@dataclass(frozen=True, slots=True)
class IntegerChoice:
    """One of a fixed set of integers (``orient``, ``chromasub``)."""

    values: tuple[int, ...]

    @property
    def expected(self) -> str:
        return _choices([str(v) for v in self.values], frozenset())

    def parse(self, parameter: str, raw: str) -> int:
        value = read_integer(raw, signed=False)
        if value not in self.values or raw != str(value):  # no leading zeros: one spelling
            raise fail(parameter, self, raw)
        return value

    def format(self, value: int) -> str:
        return str(value)
