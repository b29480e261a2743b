"""JSON lines between a recorder and its clients: dataclasses ⇄ one JSON object per line.

Conversion follows the dataclasses' type hints (nested dataclasses, tuples,
optionals, literals), so the recorder and the dashboard share one definition
(:mod:`spineball.session.api`) and nothing is written twice.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, Final, Literal, TypeVar, Union, get_args, get_origin

from spineball.session.api import USER_INPUTS, SessionUpdate, UserInput

MAX_LINE_BYTES: Final = 1 << 20  # a client that sends more than this per line is cut off

T = TypeVar("T")


class WireError(ValueError):
    """A line that is not a valid message (the peer is dropped, nothing else happens)."""


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_jsonable`'s output; raises WireError."""
    origin = get_origin(tp)
    if tp is Any or tp is object:
        return value
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return from_jsonable(option, value)
            except WireError as err:
                errors.append(str(err))
        raise WireError(f"{value!r} fits none of {options}: {'; '.join(errors)}")
    if origin is Literal:
        if value not in get_args(tp):
            raise WireError(f"{value!r} is not one of {get_args(tp)}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise WireError(f"expected a list, got {type(value).__name__}")
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in value)
        if len(args) != len(value):
            raise WireError(f"expected {len(args)} items, got {len(value)}")
        return tuple(from_jsonable(a, v) for a, v in zip(args, value, strict=True))
    if origin is dict:
        if not isinstance(value, dict):
            raise WireError(f"expected an object, got {type(value).__name__}")
        return value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise WireError(f"{tp.__name__}: expected an object")
        hints = _hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        try:
            return tp(**{k: from_jsonable(hints[k], v) for k, v in value.items() if k in known})
        except TypeError as err:
            raise WireError(f"{tp.__name__}: {err}") from None
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WireError(f"expected a number, got {value!r}")
        return float(value)
    if tp in (int, str, bool):
        if type(value) is not tp:
            raise WireError(f"expected {tp.__name__}, got {value!r}")
        return value
    if tp is type(None):
        if value is not None:
            raise WireError(f"expected null, got {value!r}")
        return None
    raise WireError(f"cannot decode type {tp!r}")  # pragma: no cover - api types only


def _line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode() + b"\n"


def _parse(line: bytes) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"message of {len(line)} bytes is too long")
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise WireError(f"not JSON: {err}") from None
    if not isinstance(obj, dict):
        raise WireError("a message must be a JSON object")
    return obj


_INPUTS_BY_NAME: Final = {cls.__name__: cls for cls in USER_INPUTS}


def encode_input(message: UserInput) -> bytes:
    return _line({"input": type(message).__name__, "fields": to_jsonable(message)})


def decode_input(line: bytes) -> UserInput:
    obj = _parse(line)
    cls = _INPUTS_BY_NAME.get(str(obj.get("input")))
    if cls is None:
        raise WireError(f"unknown input {obj.get('input')!r}")
    result: UserInput = from_jsonable(cls, obj.get("fields", {}))
    return result


def encode_update(update: SessionUpdate) -> bytes:
    return _line({"update": to_jsonable(update)})


def decode_update(line: bytes) -> SessionUpdate:
    obj = _parse(line)
    if "update" not in obj:
        raise WireError("not an update")
    result: SessionUpdate = from_jsonable(SessionUpdate, obj["update"])
    return result
