"""A canonical encoding of plain values: equal values give equal bytes, in any process.

Fingerprints hash what a page was made from. ``pickle`` bytes will not do for
that: pickle writes a value it met before as a reference to the first one, so
two equal contexts whose parts are shared differently (one built by this
process, one loaded from the saved state) pickle to different bytes, and a
resumed build renders pages again for nothing. This encoding writes every
value whole, tagged with its type, and sorts the members of sets::

    >>> encode({"a": (1, "x")}) == encode({"a": (1, "x")})
    True
    >>> encode([1]) == encode((1,))  # a list and a tuple may render differently
    False

``replace`` maps a type to a function giving the bytes that stand for a value
of that type (the fingerprinter gives each article the digest of what a page
read of it).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from generator.lazy_text import StoredText

Replace = dict[type, Callable[[Any], bytes]]


def encode(value: Any, replace: Replace | None = None) -> bytes:
    """The canonical bytes of ``value`` (plain data, dataclasses, dates, sets...)."""
    out: list[bytes] = []
    _Encoder(replace or {}, out).write(value)
    return b"".join(out)


class _Encoder:
    def __init__(self, replace: Replace, out: list[bytes]) -> None:
        self.replace = replace
        self.out = out

    def write(self, value: Any) -> None:
        kind = type(value)
        replaced = self.replace.get(kind)
        if replaced is not None:
            self.out.append(b"R")
            self._bytes(replaced(value))
            return
        writer = _WRITERS.get(kind)
        if writer is not None:
            writer(self, value)
        else:
            self._other(value)

    def _bytes(self, data: bytes) -> None:
        self.out.append(b"%d:" % len(data))
        self.out.append(data)

    def _text(self, tag: bytes, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self.out.append(tag + b"%d:" % len(data))
        self.out.append(data)

    def _items(self, opening: bytes, values, closing: bytes) -> None:
        self.out.append(opening)
        for item in values:
            self.write(item)
        self.out.append(closing)

    def _mapping(self, value: dict) -> None:
        self.out.append(b"{")
        for key, item in value.items():  # in order: a template may iterate over it
            self.write(key)
            self.write(item)
        self.out.append(b"}")

    def _set(self, value) -> None:
        members = sorted(encode(item, self.replace) for item in value)
        self.out.append(b"<")
        for member in members:
            self._bytes(member)
        self.out.append(b">")

    def _moment(self, value: date | time | datetime | timedelta) -> None:
        tz = getattr(value, "tzinfo", None)
        text = f"{type(value).__name__}|{value!s}|{tz!s}"
        self._text(b"t", text)

    def _other(self, value: Any) -> None:
        kind = type(value)
        name = f"{kind.__module__}.{kind.__qualname__}"
        if dataclasses.is_dataclass(value):
            self._text(b"D", name)
            self._items(b"(", (getattr(value, f.name) for f in _fields(kind)), b")")
        elif isinstance(value, str):  # Markup and other str subclasses render differently
            self._text(b"S", name)
            self._text(b"s", str(value))
        elif isinstance(value, enum.Enum):
            self._text(b"E", f"{name}.{value.name}")
        elif isinstance(value, PurePath):
            self._text(b"P", str(value))
        elif isinstance(value, dict):
            self._text(b"M", name)
            self._mapping(value)
        elif isinstance(value, (tuple, list)):
            self._text(b"L", name)
            self._items(b"[", value, b"]")
        elif hasattr(kind, "__canonical__"):  # a value made when asked: what it stands for
            self._text(b"C", name)
            self.write(value.__canonical__())
        elif hasattr(value, "__dict__"):
            self._text(b"O", name)
            self._mapping(dict(sorted(vars(value).items())))
        else:  # nothing better is known of it: its repr, which may name its address
            self._text(b"?", f"{name}|{value!r}")


@functools.cache
def _fields(kind: type) -> tuple:
    return dataclasses.fields(kind)


def _none(encoder: _Encoder, value: None) -> None:
    encoder.out.append(b"N")


def _bool(encoder: _Encoder, value: bool) -> None:
    encoder.out.append(b"T" if value else b"F")


def _int(encoder: _Encoder, value: int) -> None:
    encoder.out.append(b"i%d;" % value)


def _float(encoder: _Encoder, value: float) -> None:
    encoder.out.append(b"f" + float.hex(value).encode() + b";")


def _str(encoder: _Encoder, value: str) -> None:
    encoder._text(b"s", value)


def _raw(encoder: _Encoder, value: bytes) -> None:
    encoder.out.append(b"b")
    encoder._bytes(bytes(value))


_WRITERS: dict[type, Callable[[_Encoder, Any], None]] = {
    type(None): _none,
    bool: _bool,
    int: _int,
    float: _float,
    str: _str,
    bytes: _raw,
    bytearray: _raw,
    tuple: lambda encoder, value: encoder._items(b"(", value, b")"),
    list: lambda encoder, value: encoder._items(b"[", value, b"]"),
    dict: _Encoder._mapping,
    set: _Encoder._set,
    frozenset: _Encoder._set,
    datetime: _Encoder._moment,
    date: _Encoder._moment,
    time: _Encoder._moment,
    timedelta: _Encoder._moment,
    StoredText: lambda encoder, value: encoder._text(b"s", str(value)),  # as its string
}
