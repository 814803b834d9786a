"""URLs as uv reads them, so a binding is compared with the URL uv will actually call.

uv parses an index URL with the WHATWG URL standard (the `url` crate) once its scheme is
exactly `http` or `https`; anything else is a local path or a scheme it sends no credential
to. Python's urlsplit reads some strings differently (`\\` before the host, a tab inside
`../`, `%2e%2e` segments, `https:host` without slashes), and each difference is a way to
make a prefix check pass for a URL that uv sends elsewhere. So this is WHATWG's parser for
the two special schemes, cut down to what decides where a request goes: scheme, host, port
and path segments.

Where uvcreds cannot be sure it reads a host exactly as uv does (a non-ASCII name, which
uv maps with UTS 46), the host is kept as written: it then equals only itself, which can
block an export but never lets one through to a host nobody bound.

Imported by the fast path (the keyring answers): standard library only, no `re`.
"""

from __future__ import annotations

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# WHATWG "forbidden domain code points" (after percent-decoding the host).
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|%\x7f") | frozenset(map(chr, range(0x20)))
# WHATWG path percent-encode set, ASCII part (non-ASCII is always encoded).
_PATH_ENCODE = frozenset(' "#<>?`{}') | frozenset(map(chr, range(0x20))) | {"\x7f"}
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_DOUBLE_DOT = ("..", ".%2e", "%2e.", "%2e%2e")
_SINGLE_DOT = (".", "%2e")


class UrlError(ValueError):
    """An http(s) URL that uv cannot parse either (it would refuse the index)."""


class Url:
    """An http(s) URL reduced to where a request goes: scheme, host, port, path segments."""

    __slots__ = ("host", "path", "port", "scheme", "username")

    def __init__(
        self, scheme: str, host: str, port: int | None, path: tuple[str, ...], username: str
    ) -> None:
        self.scheme = scheme
        self.host = host
        self.port = port  # None for the scheme's default port
        self.path = path  # segments, percent-encoded as uv sends them; a trailing "" for `/`
        self.username = username  # percent-decoded userinfo username, "" when none

    def _key(self) -> tuple[object, ...]:
        return (self.scheme, self.host, self.port, self.path)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Url) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Url({self})"

    @property
    def origin(self) -> str:
        """`scheme://host[:port]`, as uv's realm."""
        port = "" if self.port is None else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}"

    @property
    def authority(self) -> str:
        """`host[:port]`: the keyring service name uv asks with after the full URL."""
        return self.origin.split("://", 1)[1]

    def __str__(self) -> str:
        """The URL without userinfo, query or fragment: safe to show and to store."""
        return self.origin + "/" + "/".join(self.path)

    def covers(self, other: Url) -> bool:
        """True when `other` is this URL or below it, by whole path segments."""
        if (self.scheme, self.host, self.port) != (other.scheme, other.host, other.port):
            return False
        prefix = self.path[:-1] if self.path and self.path[-1] == "" else self.path
        return other.path[: len(prefix)] == prefix

    def root(self) -> Url:
        """The URL less a trailing `simple` or `+simple` segment, where uv also sends the
        index's credential (file downloads below the index root)."""
        path = self.path[:-1] if self.path and self.path[-1] == "" else self.path
        if path and path[-1].lower() in ("simple", "+simple"):
            return Url(self.scheme, self.host, self.port, (*path[:-1], ""), self.username)
        return self


def parse(text: str) -> Url | None:
    """The URL uv would send requests to, or None when uv reads `text` as no http(s) URL
    (a local path, `file:`, another scheme). Raises UrlError for an http(s) URL that does
    not parse."""
    text = text.strip(_C0_AND_SPACE)  # as uv trims
    scheme, colon, rest = text.partition(":")
    if not colon or scheme not in SCHEMES:  # uv's scheme check is case-sensitive
        return None
    rest = rest.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    rest = rest.lstrip("/")
    end = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    authority, remainder = (rest, "") if end < 0 else (rest[:end], rest[end:])
    userinfo, at, hostport = authority.rpartition("@")
    host_text, port = _split_port(hostport, scheme)
    if at and not hostport:
        raise UrlError("credentials but no host")
    return Url(scheme, _host(host_text), port, _path(remainder), _username(userinfo))


def parse_publish(text: str) -> Url:
    """A publish URL as `uv publish` reads it: a URL parser that takes the scheme in any
    case (`HTTP://host/` is http there, though an index `url` so written is a path).
    Anything that is not an http(s) URL raises UrlError: it is refused, never read as
    "no destination"."""
    scheme, colon, rest = text.strip(_C0_AND_SPACE).partition(":")
    parsed = parse(scheme.lower() + colon + rest) if colon and scheme.isascii() else None
    if parsed is None:
        raise UrlError("not an http(s) URL")
    return parsed


def display(text: str) -> str:
    """A URL for messages and files: no userinfo (a lone username is often a token), no
    query. Text that is no http(s) URL (a path) is shown as it is; a broken URL is cut at
    its last `@` before the path, so what was written before it is never shown."""
    try:
        parsed = parse(text)
    except UrlError:
        scheme, _, rest = text.partition(":")
        end = min((i for i in (rest.find(c) for c in "?#") if i >= 0), default=len(rest))
        return f"{scheme}://{rest[:end].rpartition('@')[2].lstrip('/')}"
    return text if parsed is None else str(parsed)


def _split_port(hostport: str, scheme: str) -> tuple[str, int | None]:
    closing = hostport.rfind("]")
    colon = hostport.rfind(":")
    if colon < 0 or colon < closing:
        return hostport, None
    host, digits = hostport[:colon], hostport[colon + 1 :]
    if not digits:
        return host, None
    if not digits.isascii() or not digits.isdigit():
        raise UrlError(f"port {digits!r} is not a number")
    port = int(digits)
    if port > 65535:
        raise UrlError(f"port {port} is out of range")
    return host, None if port == DEFAULT_PORTS[scheme] else port


def _host(text: str) -> str:
    if not text:
        raise UrlError("no host")
    if text.startswith("["):
        if not text.endswith("]"):
            raise UrlError("unclosed IPv6 address")
        import ipaddress

        try:
            return f"[{ipaddress.IPv6Address(text[1:-1]).compressed}]"
        except ValueError:
            raise UrlError("invalid IPv6 address") from None
    try:
        host = _percent_decode(text).decode("utf-8")
    except UnicodeDecodeError:
        raise UrlError("host is not UTF-8") from None
    if not host.isascii():
        return host  # uv maps it with UTS 46; kept as written, it equals only itself
    host = host.lower()
    if any(c in _FORBIDDEN_HOST for c in host):
        raise UrlError(f"forbidden character in host {host!r}")
    labels = host.split(".")
    last = labels[-2] if len(labels) > 1 and labels[-1] == "" else labels[-1]
    if last and (last.isdigit() or (last[:2] == "0x" and _is_hex(last[2:]))):
        return _ipv4(labels)
    return host


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _ipv4(labels: list[str]) -> str:
    """WHATWG's IPv4 parser: decimal, octal (leading 0) or hex (0x) parts, the last
    filling the remaining bytes (`0x7f.1` is 127.0.0.1)."""
    if labels[-1] == "" and len(labels) > 1:
        labels = labels[:-1]
    if len(labels) > 4 or "" in labels:
        raise UrlError("invalid IPv4 address")
    numbers = [_ipv4_number(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise UrlError("IPv4 address out of range")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def _ipv4_number(label: str) -> int:
    base, digits = 10, label
    if label[:2] == "0x":
        base, digits = 16, label[2:]
    elif len(label) > 1 and label[0] == "0":
        base, digits = 8, label[1:]
    if not digits:
        return 0
    try:
        return int(digits, base)
    except ValueError:
        raise UrlError("invalid IPv4 address") from None


def _path(remainder: str) -> tuple[str, ...]:
    """Path segments with dot segments resolved (also `%2e`), percent-encoded as uv does."""
    path_text = remainder
    for stop in ("?", "#"):
        path_text = path_text.split(stop, 1)[0]
    raw = path_text[1:].split("/") if path_text.startswith("/") else path_text.split("/")
    segments: list[str] = []
    for position, raw_segment in enumerate(raw):
        segment = _encode(raw_segment)
        last = position == len(raw) - 1
        lowered = segment.lower()
        if lowered in _DOUBLE_DOT:
            if segments:
                segments.pop()
            if last:
                segments.append("")
        elif lowered in _SINGLE_DOT:
            if last:
                segments.append("")
        else:
            segments.append(segment)
    return tuple(segments) or ("",)


def _encode(segment: str) -> str:
    if segment.isascii() and not any(c in _PATH_ENCODE for c in segment):
        return segment
    try:
        data = segment.encode("utf-8")
    except UnicodeEncodeError:
        raise UrlError("path is not valid text") from None
    return "".join(chr(b) if b < 0x80 and chr(b) not in _PATH_ENCODE else f"%{b:02X}" for b in data)


def _percent_decode(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate fails the decode later
    out = bytearray()
    i = 0
    while i < len(data):
        pair = data[i + 1 : i + 3]
        if data[i] == 0x25 and len(pair) == 2 and all(c in b"0123456789abcdefABCDEF" for c in pair):
            out.append(int(pair, 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _username(userinfo: str) -> str:
    name = userinfo.split(":", 1)[0]
    try:
        return _percent_decode(name).decode("utf-8")
    except UnicodeDecodeError:
        raise UrlError("username is not UTF-8") from None
