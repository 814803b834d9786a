"""JSON for the fast path, through CPython's C scanner and encoder.

`import json` pulls in `re` and costs more than all of the fast path's own work (see
bench/); these are the same C functions `json` itself calls, minus that import.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ClassVar

try:
    import _json
except ImportError:  # another Python: the standard module does the same job
    _json = None  # type: ignore[assignment]


class _Context:
    """The attributes `_json.make_scanner` reads, set as `json.JSONDecoder()` sets them."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: ClassVar[dict[str, str]] = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return float(name.lower().replace("infinity", "inf"))


_scan: Callable[[str, int], tuple[object, int]] | None = None
if _json is not None:
    _scan = _json.make_scanner(_Context())  # type: ignore[arg-type]


def loads(text: str) -> object:
    """Parse one JSON document; ValueError when it is not one."""
    if _scan is None:
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip())
    try:
        value, end = _scan(text, start)
    except StopIteration:
        raise ValueError("not JSON") from None
    if text[end:].strip():
        raise ValueError("extra data after the JSON document")
    return value


def dumps(value: object) -> str:
    """Encode str, int, float, bool, None, lists and str-keyed dicts, ASCII only."""
    if _json is None:
        import json

        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, str):
        return str(_json.encode_basestring_ascii(value))
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot encode {type(value).__name__}")
