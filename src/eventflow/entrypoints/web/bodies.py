"""Request bodies: JSON read and validated at the edge with one cattrs converter.

Each route declares its body as a small attrs class; ``read_body`` turns the JSON into it or raises
``InvalidInput`` (422) naming the first faulty field, with cattrs' messages (``required field missing @ $.date``).
Types are strict: ``"5"`` is not an integer and ``1`` is not text, so a wrong JSON type is a 422, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
import falcon
from cattrs.cols import is_sequence, is_set
from cattrs.preconf.json import make_converter

from eventflow.core import errors
from eventflow.core.commands import UNSET
from eventflow.core.i18n import N_, Message, Value

T = TypeVar("T")
A = TypeVar("A", bound=attrs.AttrsInstance)

#: Ids and counts must fit a database integer; larger numbers are refused at the door.
MAX_INT = 2**31 - 1
#: JSON bodies are small forms; files travel as multipart or tus uploads.
MAX_JSON_BYTES = 1024 * 1024
_PATH_FIELD = re.compile(r"@ \$\.([A-Za-z_]+)")


class BodyError(errors.InvalidInput):
    """The body is not valid JSON at all (400), as opposed to valid JSON with wrong fields (422)."""


class WrongValue(ValueError):
    """Raised by the strict hooks below; its ``message`` is meant for the client (translated at the door)."""

    def __init__(self, message: str, /, **values: Value) -> None:
        self.message = Message(message, values)
        super().__init__(str(self.message))


def problem(exc: BaseException, kind: type | None) -> Message:
    """What is wrong with one value, as a message for its reader (cattrs' cases, in words that translate)."""
    if isinstance(exc, WrongValue):
        return exc.message
    expected = getattr(kind, "__name__", None) or (repr(kind) if kind is not None else "")
    if isinstance(exc, KeyError):
        return Message(N_("required field missing"))
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return Message(N_("extra fields found (%(fields)s)"), {"fields": ", ".join(sorted(exc.extra_fields))})
    if isinstance(exc, TypeError) and kind is None and str(exc).endswith("object is not iterable"):
        return Message(N_("invalid value for type, expected a list"))
    if isinstance(exc, AttributeError) and str(exc).endswith("object has no attribute 'items'"):
        return Message(N_("expected an object"))
    if isinstance(exc, ValueError | TypeError) and expected:
        return Message(N_("invalid value for type, expected %(type)s"), {"type": expected})
    return Message(N_("invalid value"))


def _strict_int(value: Any, _: type) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise WrongValue("expected an integer, not %(type)s", type=type(value).__name__)
    if not -MAX_INT <= value <= MAX_INT:
        raise WrongValue("%(value)s is out of range", value=value)
    return value


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise WrongValue("expected text, not %(type)s", type=type(value).__name__)
    if "\x00" in value:
        raise WrongValue("text must not contain NUL characters")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise WrongValue("expected true or false, not %(type)s", type=type(value).__name__)
    return value


def _strict_float(value: Any, _: type) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise WrongValue("expected a number, not %(type)s", type=type(value).__name__)
    return float(value)


def _is_collection(kind: Any) -> bool:
    return bool(is_sequence(kind) or is_set(kind))


def _make_converter() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(float, _strict_float)
    # A list is a JSON array: cattrs would take the characters of a text (or the keys of an object) as its items.
    lenient = conv.copy()

    def strict_collection(kind: Any) -> Callable[[Any, Any], Any]:
        items = lenient.get_structure_hook(kind)

        def hook(value: Any, _: Any) -> Any:
            if not isinstance(value, list):
                raise WrongValue("expected a list, not %(type)s", type=type(value).__name__)
            return items(value, kind)

        return hook

    conv.register_structure_hook_factory(_is_collection, strict_collection)
    return conv


converter = _make_converter()


def read_json(req: falcon.Request) -> Any:
    """The parsed JSON body; 400 when it is missing or malformed, 413 when it is far larger than any form."""
    if (req.content_length or 0) > MAX_JSON_BYTES:
        raise falcon.HTTPContentTooLarge(description=N_("a JSON body may hold at most 1 MB"))
    try:
        return req.get_media()
    except falcon.MediaNotFoundError:
        raise BodyError("this request needs a JSON body") from None
    except (falcon.MediaMalformedError, RecursionError):
        raise BodyError("the body is not valid JSON") from None


def structure(raw: Any, cls: type[T]) -> T:
    """``raw`` (parsed JSON) as ``cls``; ``InvalidInput`` naming the first faulty field otherwise."""
    if not isinstance(raw, dict):
        raise errors.InvalidInput("the body must be a JSON object")
    try:
        return converter.structure(raw, cls)
    except cattrs.BaseValidationError as exc:
        raise validation_error(exc) from None


def validation_error(exc: cattrs.BaseValidationError) -> errors.InvalidInput:
    """cattrs' failures as one ``InvalidInput`` in words that translate: each problem with its JSON path
    ("required field missing @ $.date"), naming the first faulty field."""
    problems: list[Message] = []

    def collect(error: BaseException, kind: type | None) -> str:
        problems.append(problem(error, kind))
        return str(len(problems) - 1)

    found = [line.partition(" @ ") for line in cattrs.transform_error(exc, format_exception=collect)]
    shown = [Message(N_("%(problem)s @ %(path)s"), {"problem": problems[int(i)], "path": path}) for i, _, path in found]
    message = shown[0]
    for more in shown[1:]:
        message = Message("%(first)s; %(then)s", {"first": message, "then": more})
    match = _PATH_FIELD.search(f"@ {found[0][2]}") if found else None
    return errors.InvalidInput(message, match.group(1) if match else None)


def read_body(req: falcon.Request, cls: type[T]) -> T:
    return structure(read_json(req), cls)


def read_changes(req: falcon.Request, cls: type[A]) -> dict[str, Any]:
    """For PATCH: the fields the body gives, validated by ``cls`` (whose fields default to ``UNSET``), as a dict."""
    body = read_body(req, cls)
    return {key: value for key, value in attrs.asdict(body, recurse=False).items() if value is not UNSET}
