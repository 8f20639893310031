"""How one settings section is read and checked: typed values from overrides, the
environment and TOML, and ranges and choices enforced when the section is built."""

from __future__ import annotations

import dataclasses
import enum
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar

from enlarger.errors import ConfigError

ENV_PREFIX = "ENLARGER_"
#: where the catalog and objects live unless configured: relative to the working folder.
DEFAULT_DATA_DIR = Path("enlarger-data")


@dataclasses.dataclass(frozen=True, slots=True)
class Bounds:
    """A number setting's range: ``low`` <= value (< when ``exclusive``) <= ``high``."""

    low: float
    high: float | None = None
    exclusive: bool = False

    def admits(self, value: float) -> bool:
        above = value > self.low if self.exclusive else value >= self.low
        return above and (self.high is None or value <= self.high)

    def describe(self) -> str:
        low = f"{self.low:g}"
        if self.high is not None:
            return f"{low}-{self.high:g}"
        return f"> {low}" if self.exclusive else f">= {low}"


PORT = Bounds(0, 65535)  # 0: any free port
COUNT = Bounds(0)  # 0 usually means "one per CPU" or "none"
AT_LEAST_ONE = Bounds(1)
POSITIVE = Bounds(0, exclusive=True)


class Section:
    """Checks a section's fields against their ``Annotated`` bounds and enum types."""

    __slots__ = ()
    #: the section's TOML table.
    TABLE: ClassVar[str]

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self), include_extras=True)
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            hint = hints[field.name]
            kind = typing.get_args(hint)[0] if typing.get_origin(hint) is Annotated else hint
            is_enum = isinstance(kind, type) and issubclass(kind, enum.Enum)
            if is_enum and not isinstance(value, kind):
                self._refuse(field.name, f"{value!r} is not one of {_choices(kind)}")
            for bounds in getattr(hint, "__metadata__", ()):
                if not bounds.admits(value):
                    self._refuse(field.name, f"{value!r} is out of range ({bounds.describe()})")

    def _refuse(self, name: str, problem: str) -> None:
        variable, key = ENV_PREFIX + name.upper(), f"[{self.TABLE}] {name}"
        raise ConfigError(
            f"{name} {problem}; set by {variable} or {key}",
            setting=name,
            variable=variable,
            key=key,
        )


def data_dir(
    given: Mapping[str, Any],
    env: Mapping[str, str],
    toml: Mapping[str, Any],
    config_file: Path | None,
) -> Path:
    """The data folder; a relative ``data_dir`` in a config file is relative to that file."""
    if "data_dir" in given:
        return Path(given["data_dir"])
    if ENV_PREFIX + "DATA_DIR" in env:
        return Path(env[ENV_PREFIX + "DATA_DIR"])
    if "data_dir" not in toml or config_file is None:
        return DEFAULT_DATA_DIR
    if not isinstance(toml["data_dir"], str):
        raise ConfigError(f"config: data_dir: expected a path, got {toml['data_dir']!r}")
    return config_file.parent / toml["data_dir"]


def path_or_none(raw: str | None) -> Path | None:
    return Path(raw) if raw else None


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def section_values(
    section_type: Any,
    section: str,
    table: Mapping[str, Any],
    env: Mapping[str, str],
    given: Mapping[str, Any],
) -> dict[str, Any]:
    """A section's values, typed: overrides, then the environment, then its TOML table."""
    values: dict[str, Any] = {}
    for name, hint in typing.get_type_hints(section_type).items():
        env_name = ENV_PREFIX + name.upper()
        if name in given:
            values[name] = _convert(hint, given[name], name)
        elif env_name in env:
            values[name] = _convert(hint, env[env_name], env_name)
        elif name in table:
            values[name] = _convert(hint, table[name], f"[{section}] {name}")
    return values


def _convert(hint: Any, raw: object, where: str) -> object:
    """Convert a TOML value or an environment string to the field's declared type."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        if raw in ("", None):
            return None
        (hint,) = (a for a in args if a is not type(None))
    try:
        if hint is bool:
            return _to_bool(raw)
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return hint(raw)
        if hint in (int, float, str, Path):
            if hint in (int, float) and isinstance(raw, bool):
                raise ValueError(raw)
            return hint(raw)
    except (TypeError, ValueError):
        pass
    else:
        raise ConfigError(f"{where}: unsupported setting type {hint}")
    raise ConfigError(f"{where}: expected {_expected(hint)}, got {raw!r}")


def _expected(hint: Any) -> str:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"one of {_choices(hint)}"
    return str(getattr(hint, "__name__", hint))


def _choices(choices: type[enum.Enum]) -> str:
    return ", ".join(str(choice.value) for choice in choices)


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)
