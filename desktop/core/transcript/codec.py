"""A small table-driven codec: one list of fields per type writes it and reads it back.

A :class:`Codec` is a type's constructor and its fields, in the order they are
written. Each field is a JSON key, the attribute it holds, and a :class:`Kind` that
writes the value as JSON and reads it back, checking absence, null and type, and naming
the exact place of anything wrong. Keys a codec does not list are unknown fields: they
are read into the object's ``extra`` and written back, ahead of the known ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from desktop.core.transcript.errors import DocumentProblem

Document = dict[str, Any]


class HasExtra(Protocol):
    extra: dict[str, Any]


T = TypeVar("T", bound=HasExtra)


def type_name(value: Any) -> str:
    """How a JSON value's type is named in a message to a person."""
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        type(None): "null",
    }
    return names.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def fetch(
    data: Document, key: str, where: str, types: tuple[type, ...], what: str, optional: bool
) -> Any:
    """``data[key]`` checked to be one of ``types``; None when optional and absent or null."""
    if key not in data:
        if optional:
            return None
        raise DocumentProblem(f"{where}.{key} is missing")
    value = data[key]
    if value is None and optional:
        return None
    # JSON true/false are Python bools, which are ints: a count must not accept them.
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise DocumentProblem(f"{where}.{key} should be {what}, not {type_name(value)}")
    return value


class Kind:
    """How one field's value is written as JSON and read back.

    ``on_object``: what is written is the object's attribute (not a constant or a value
    the writer gives); ``loaded``: what is read is passed to the constructor.
    """

    on_object = True
    loaded = True

    def write(self, value: Any) -> Any:
        return value

    def read(self, data: Document, key: str, where: str) -> Any:
        raise NotImplementedError


class Scalar(Kind):
    """A string, number or true/false; ``absent`` is what a missing or null value reads as
    unless the field is ``required``."""

    def __init__(
        self, types: tuple[type, ...], what: str, *, required: bool = False, absent: Any = None
    ) -> None:
        self.types, self.what, self.required, self.absent = types, what, required, absent

    def read(self, data: Document, key: str, where: str) -> Any:
        value = fetch(data, key, where, self.types, self.what, not self.required)
        return self.absent if value is None else value


class Number(Scalar):
    """A number or null, read as a float (a file may write ``1`` for ``1.0``)."""

    def __init__(self) -> None:
        super().__init__((int, float), "a number")

    def read(self, data: Document, key: str, where: str) -> float | None:
        value = super().read(data, key, where)
        return None if value is None else float(value)


class Choice(Kind):
    """One of an enum's values, as its string."""

    def __init__(self, enum: type[StrEnum], *, required: bool = True) -> None:
        self.enum, self.required = enum, required

    def write(self, value: StrEnum | None) -> str | None:
        return None if value is None else value.value

    def read(self, data: Document, key: str, where: str) -> StrEnum | None:
        if not self.required and data.get(key) is None:
            return None
        text = fetch(data, key, where, (str,), "a string", False)
        try:
            return self.enum(text)
        except ValueError:
            allowed = ", ".join(m.value for m in self.enum)
            raise DocumentProblem(f"{where}.{key} is {text!r}; expected one of {allowed}") from None


class Time(Kind):
    """A timezone-aware time as an ISO 8601 string."""

    def __init__(self, *, required: bool = True) -> None:
        self.required = required

    def write(self, value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    def read(self, data: Document, key: str, where: str) -> datetime | None:
        text = fetch(data, key, where, (str,), "a string", True)
        if text is None:
            if self.required:
                raise DocumentProblem(f"{where}.{key} is missing")
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise DocumentProblem(f"{where}.{key} is not a date and time: {text!r}") from None
        if moment.tzinfo is None:  # compared with aware times later, it would raise then
            raise DocumentProblem(f"{where}.{key} has no time zone: {text!r}")
        return moment


def items(data: Document, key: str, where: str, absent_ok: bool) -> list[Any]:
    """The list at ``data[key]``; empty when absent and ``absent_ok`` (null is wrong)."""
    if absent_ok and key not in data:
        return []
    value: list[Any] = fetch(data, key, where, (list,), "a list", False)
    return value


class Texts(Kind):
    """A list of strings (ids); ``absent_ok`` for lists added after version 1 began."""

    def __init__(self, *, absent_ok: bool = False) -> None:
        self.absent_ok = absent_ok

    def write(self, value: list[str]) -> list[str]:
        return list(value)

    def read(self, data: Document, key: str, where: str) -> list[str]:
        values = items(data, key, where, self.absent_ok)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise DocumentProblem(
                    f"{where}.{key}[{i}] should be a string, not {type_name(value)}"
                )
        return values


class Objects(Kind):
    """A list of objects of one type."""

    def __init__(self, codec: Codec[Any], *, absent_ok: bool = False) -> None:
        self.codec, self.absent_ok = codec, absent_ok

    def write(self, value: list[Any]) -> list[Document]:
        return [self.codec.encode(item) for item in value]

    def read(self, data: Document, key: str, where: str) -> list[Any]:
        values = items(data, key, where, self.absent_ok)
        return [self.codec.decode(item, f"{where}.{key}[{i}]") for i, item in enumerate(values)]


class Unknown(Protocol):
    """An object of a kind no codec knows, kept as it was read (``data``)."""

    data: Document


class Tagged(Kind):
    """A list of objects of several types, each told by its ``kind`` key (a post's
    blocks). Each type's codec lists ``kind`` as a :class:`Const` of its name.

    With ``unknown``, an object of a kind none of them is becomes ``unknown(kind,
    object)`` and is written back as it was read (a newer release's kind); without it,
    such an object is a DocumentProblem."""

    def __init__(
        self,
        codecs: dict[str, Codec[Any]],
        *,
        absent_ok: bool = False,
        unknown: Callable[[str, Document], Unknown] | None = None,
    ) -> None:
        self.codecs, self.absent_ok, self.unknown = codecs, absent_ok, unknown

    def write(self, value: list[Any]) -> list[Document]:
        return [self._write_one(item) for item in value]

    def _write_one(self, item: Any) -> Document:
        if self.unknown is not None and not any(
            isinstance(item, c.make)  # type: ignore[arg-type]
            for c in self.codecs.values()
        ):
            return dict(item.data)
        return self._codec_of(item).encode(item)

    def _codec_of(self, item: Any) -> Codec[Any]:
        return next(c for c in self.codecs.values() if isinstance(item, c.make))  # type: ignore[arg-type]

    def read(self, data: Document, key: str, where: str) -> list[Any]:
        out = []
        for i, item in enumerate(items(data, key, where, self.absent_ok)):
            at = f"{where}.{key}[{i}]"
            if not isinstance(item, dict):
                raise DocumentProblem(f"{at} should be an object, not {type_name(item)}")
            kind = fetch(item, "kind", at, (str,), "a string", False)
            codec = self.codecs.get(kind)
            if codec is None and self.unknown is not None:
                out.append(self.unknown(kind, item))
                continue
            if codec is None:
                allowed = ", ".join(self.codecs)
                raise DocumentProblem(f"{at}.kind is {kind!r}; expected one of {allowed}")
            out.append(codec.decode(item, at))
        return out


class Nested(Kind):
    """One object of another type: None when absent or null, or, with ``default``, the
    type's defaults (an empty object)."""

    def __init__(self, codec: Codec[Any], *, default: bool = False) -> None:
        self.codec, self.default = codec, default

    def write(self, value: Any) -> Document | None:
        return None if value is None else self.codec.encode(value)

    def read(self, data: Document, key: str, where: str) -> Any:
        value = data.get(key)
        if self.default:
            return self.codec.decode(value or {}, f"{where}.{key}")
        return None if value is None else self.codec.decode(value, f"{where}.{key}")


class Const(Kind):
    """A value the format fixes (its name, its version); checked by the loader, not here."""

    on_object = loaded = False

    def __init__(self, value: Any) -> None:
        self.value = value

    def write(self, value: Any) -> Any:
        return self.value


class Given(Kind):
    """A value the writer supplies to :meth:`Codec.encode` (the session's blobs)."""

    on_object = loaded = False


class Derived(Kind):
    """A value written from the object (a property) and ignored when read, since it is
    worked out again from what is read (an attachment's size from its bytes)."""

    loaded = False


@dataclass(frozen=True)
class Field:
    """One JSON key of a type, the attribute it holds (the same name unless given), and
    its kind."""

    key: str
    kind: Kind
    attr: str = ""

    @property
    def attribute(self) -> str:
        return self.attr or self.key


class Codec(Generic[T]):
    """Writes a type's objects as JSON objects and reads them back, from one field list."""

    def __init__(self, make: Callable[..., T], *fields: Field) -> None:
        self.make = make
        self.fields = fields
        self.keys = frozenset(f.key for f in fields)

    def encode(self, obj: T, **given: Any) -> Document:
        """The JSON object: unknown fields first, then every field in order."""
        out = dict(obj.extra)
        for f in self.fields:
            if isinstance(f.kind, Given):
                out[f.key] = given[f.key]
            else:
                out[f.key] = f.kind.write(getattr(obj, f.attribute) if f.kind.on_object else None)
        return out

    def arguments(self, data: Any, where: str) -> dict[str, Any]:
        """The constructor's arguments read from ``data``, ``extra`` included."""
        if not isinstance(data, dict):
            raise DocumentProblem(f"{where} should be an object, not {type_name(data)}")
        values = {
            f.attribute: f.kind.read(data, f.key, where) for f in self.fields if f.kind.loaded
        }
        values["extra"] = {k: v for k, v in data.items() if k not in self.keys}
        return values

    def decode(self, data: Any, where: str) -> T:
        """The object read from ``data``; DocumentProblem naming ``where`` if it is wrong."""
        return self.make(**self.arguments(data, where))
