"""Build frozen dataclasses from untyped mappings (TOML tables), with precise errors.

Every unknown key and every value of the wrong type is an ``InputError`` naming the key
(with its dotted path) and what is allowed, so a typo in a policy file never passes silently.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from trustscan.errors import InputError

T = TypeVar("T")


def dataclass_from_mapping(cls: type[T], data: Mapping[str, Any], where: str) -> T:
    """Create ``cls`` from ``data``; ``where`` names the place for error messages."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where} must be a table, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    allowed = sorted(fields)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in fields:
            raise InputError(
                f"unknown key {where}.{key}" if where else f"unknown key {key!r}",
                f"allowed keys: {', '.join(allowed)}",
            )
        values[key] = _coerce(hints[key], raw, f"{where}.{key}" if where else key)
    required = [
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in values]
    if missing:
        raise InputError(
            f"missing key {where}.{missing[0]}" if where else f"missing key {missing[0]!r}",
            f"required keys: {', '.join(required)}",
        )
    return cls(**values)


def _coerce(hint: Any, raw: Any, where: str) -> Any:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_member(hint, raw, where)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        errors = []
        for option in non_none:
            try:
                return _coerce(option, raw, where)
            except InputError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is typing.Literal:
        if raw not in args:
            raise InputError(
                f"{where} = {raw!r} is not allowed", f"use one of: {', '.join(map(str, args))}"
            )
        return raw
    if origin is tuple:
        items = [raw] if isinstance(raw, (str, Mapping)) else raw
        if not isinstance(items, list | tuple):
            raise InputError(f"{where} must be a list, got {type(raw).__name__}")
        item_type = args[0]
        return tuple(_coerce(item_type, item, f"{where}[{i}]") for i, item in enumerate(items))
    if origin in (Mapping, dict) or hint is dict:
        if not isinstance(raw, Mapping):
            raise InputError(f"{where} must be a table, got {type(raw).__name__}")
        value_type = args[1] if args else Any
        return {str(k): _coerce(value_type, v, f"{where}.{k}") for k, v in raw.items()}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return dataclass_from_mapping(hint, raw, where)
    if hint is Any:
        return raw
    if hint is bool:
        if not isinstance(raw, bool):
            raise InputError(f"{where} must be true or false, got {raw!r}")
        return raw
    if hint is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise InputError(f"{where} must be a number, got {raw!r}")
        return float(raw)
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise InputError(f"{where} must be a whole number, got {raw!r}")
        return raw
    if hint is str:
        if isinstance(raw, datetime.date):
            return raw.isoformat()  # TOML dates (expires = 2026-12-31) are read as strings
        if not isinstance(raw, str):
            raise InputError(f"{where} must be a string, got {raw!r}")
        return raw
    raise TypeError(f"unsupported field type {hint!r} at {where}")  # a programming error


def _enum_member(hint: type[enum.Enum], raw: Any, where: str) -> enum.Enum:
    """An enum member by value (``"fail"``) or, for ordered enums written as labels, by name."""
    try:
        return hint(raw)
    except ValueError:
        pass
    if isinstance(raw, str) and raw.upper() in hint.__members__:
        return hint[raw.upper()]
    allowed = ", ".join(str(m.value) for m in hint)
    raise InputError(f"{where} = {raw!r} is not allowed", f"use one of: {allowed}")
