"""Strict helpers that read settings from the environment.

Ambiguous values fail loudly at start-up rather than silently meaning something else.
Every helper also reads ``NAME_FILE``: the value is then the content of that file (Docker and
systemd secrets), so secrets need not sit in the process environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        if name in os.environ:
            raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    """A string setting; ``required`` makes a missing or empty value an error."""
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: true/false, 1/0, yes/no, on/off; anything else is an error."""
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use true or false (also 1/0, yes/no, on/off)."
    )


def env_int(name: str, default: int) -> int:
    """An integer setting."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str] | None = None, *, separator: str = ",") -> list[str]:
    """A list setting: items separated by commas, surrounding blanks and empty items dropped."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(separator) if item.strip()]


def env_int_map(name: str) -> dict[str, int]:
    """Whole numbers by key: ``key=number`` items separated by commas (e.g. retention days)."""
    mapping: dict[str, int] = {}
    for item in env_list(name):
        key, separator, number = item.partition("=")
        try:
            if not separator or not key.strip():
                raise ValueError
            value = int(number)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not of the form key=whole number."
            ) from exc
        if value < 0:
            raise ImproperlyConfigured(f"{name}: {item!r} must not be negative.")
        mapping[key.strip()] = value
    return mapping
