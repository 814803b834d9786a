"""JSON for the fast path in plain Python: the files and the shell state uvcreds writes are
small, and `import json` (which pulls in `re`) costs more than reading them this way.

Strict RFC 8259, as `json.loads` reads it: anything else, any bytes at all, raises
ValueError, which every reader takes as "absent". Nesting is bounded, so a hostile document
cannot exhaust the stack. `dumps` writes ASCII only, as `json.dumps` does by default.
"""

from __future__ import annotations

MAX_DEPTH = 64
_WHITESPACE = " \t\n\r"
_DIGITS = "0123456789"
_ESCAPED = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_LITERALS = {"true": True, "false": False, "null": None}


def loads(text: str) -> object:
    """Parse one JSON document; ValueError when it is not one."""
    value, end = _value(text, _skip(text, 0), 0)
    if _skip(text, end) != len(text):
        raise ValueError("extra data after the JSON document")
    return value


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _value(text: str, at: int, depth: int) -> tuple[object, int]:
    if at >= len(text):
        raise ValueError("a value is missing")
    first = text[at]
    if first == '"':
        return _string(text, at + 1)
    if first in "[{":
        if depth >= MAX_DEPTH:
            raise ValueError("nested too deeply")
        return (_array if first == "[" else _object)(text, _skip(text, at + 1), depth + 1)
    for word, value in _LITERALS.items():
        if text.startswith(word, at):
            return value, at + len(word)
    return _number(text, at)


def _array(text: str, at: int, depth: int) -> tuple[list[object], int]:
    items: list[object] = []
    if text[at : at + 1] == "]":
        return items, at + 1
    while True:
        item, at = _value(text, at, depth)
        items.append(item)
        at = _skip(text, at)
        mark = text[at : at + 1]
        if mark == "]":
            return items, at + 1
        if mark != ",":
            raise ValueError("expected ',' or ']'")
        at = _skip(text, at + 1)


def _object(text: str, at: int, depth: int) -> tuple[dict[str, object], int]:
    members: dict[str, object] = {}
    if text[at : at + 1] == "}":
        return members, at + 1
    while True:
        if text[at : at + 1] != '"':
            raise ValueError("expected a string key")
        key, at = _string(text, at + 1)
        at = _skip(text, at)
        if text[at : at + 1] != ":":
            raise ValueError("expected ':'")
        members[key], at = _value(text, _skip(text, at + 1), depth)
        at = _skip(text, at)
        mark = text[at : at + 1]
        if mark == "}":
            return members, at + 1
        if mark != ",":
            raise ValueError("expected ',' or '}'")
        at = _skip(text, at + 1)


def _string(text: str, at: int) -> tuple[str, int]:
    """The string whose opening quote is just before `at`, and the index after its end."""
    parts: list[str] = []
    while True:
        end = at
        while end < len(text) and text[end] not in '"\\' and text[end] >= " ":
            end += 1
        parts.append(text[at:end])
        if end >= len(text) or text[end] < " ":
            raise ValueError("unterminated string, or a control character in it")
        if text[end] == '"':
            return "".join(parts), end + 1
        code = text[end + 1 : end + 2]
        if code in _ESCAPED:
            parts.append(_ESCAPED[code])
            at = end + 2
        elif code == "u":
            char, at = _unicode_escape(text, end)
            parts.append(char)
        else:
            raise ValueError("invalid escape")


def _unicode_escape(text: str, at: int) -> tuple[str, int]:
    """`\\uXXXX` at `at`, joined with a following low surrogate as json does."""
    high = _hex4(text, at + 2)
    if 0xD800 <= high < 0xDC00 and text[at + 6 : at + 8] == "\\u":
        low = _hex4(text, at + 8)
        if 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), at + 12
    return chr(high), at + 6


def _hex4(text: str, at: int) -> int:
    digits = text[at : at + 4]
    if len(digits) != 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise ValueError("invalid \\u escape")
    return int(digits, 16)


def _number(text: str, at: int) -> tuple[int | float, int]:
    """RFC 8259's number: -?(0|[1-9]digits)(.digits)?([eE][+-]?digits)?"""
    end = at + (text[at : at + 1] == "-")
    start = end
    end = _digits(text, end)
    if end == start or (text[start] == "0" and end - start > 1):
        raise ValueError("invalid number")
    is_float = False
    if text[end : end + 1] == ".":
        is_float, fraction = True, end + 1
        end = _digits(text, fraction)
        if end == fraction:
            raise ValueError("invalid number")
    if text[end : end + 1] in ("e", "E"):
        is_float, exponent = True, end + 1 + (text[end + 1 : end + 2] in ("+", "-"))
        end = _digits(text, exponent)
        if end == exponent:
            raise ValueError("invalid number")
    literal = text[at:end]
    return (float(literal) if is_float else int(literal)), end


def _digits(text: str, at: int) -> int:
    while at < len(text) and text[at] in _DIGITS:
        at += 1
    return at


def dumps(value: object) -> str:
    """Encode str, int, float, bool, None, lists and str-keyed dicts, ASCII only."""
    if isinstance(value, str):
        return _quote(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("JSON has no NaN or infinity")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_quote(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot encode {type(value).__name__}")


def _quote(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(map(_escape, text)) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return char
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
