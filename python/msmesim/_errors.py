"""Errors raised by the Python layer, in the same form as the C++ core's:
"field: got value; allowed: ..." with .field, .value and .allowed set."""

from __future__ import annotations

from . import _core


def invalid(field: str, value: object, allowed: str, kind: type = _core.InvalidArgumentError) -> Exception:
    """An InvalidArgumentError (or TypeMismatchError) naming field, value and what is allowed."""
    shown = repr(value) if isinstance(value, str) else str(value)
    err = kind(f"{field}: got {shown}; allowed: {allowed}")
    err.field, err.value, err.allowed = field, str(shown), allowed
    return err
