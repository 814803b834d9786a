"""PowerShell, which this machine cannot run: the snippet and the hook's output parse
(tree-sitter-powershell), and every value reads back under the documented quoting rule.

About PowerShell single-quoted (verbatim) strings, the language specification (section
2.3.5.2, "String literals") says: the string opens and closes with a single-quote-character,
which is any of U+0027 ' and U+2018 to U+201B; inside, every character stands for itself
(no variable, backtick or escape is interpreted, newlines included) except that a
single-quote-character must be written twice, and the pair reads as one quote.
"""

from __future__ import annotations

import tree_sitter
import tree_sitter_powershell
from hypothesis import given
from hypothesis import strategies as st

from tests.e2e.shells.test_quoting import TRICKY
from uvcreds.routes.env.shells import pwsh, snippet

QUOTES = "'\u2018\u2019\u201a\u201b"
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def decode_verbatim(text: str) -> tuple[str, str]:
    """One single-quoted string at the start of text, by the rule above: (value, rest)."""
    assert text[:1] in QUOTES, f"not a single-quoted string: {text[:20]!r}"
    value: list[str] = []
    position = 1
    while True:
        assert position < len(text), "unterminated string"
        char = text[position]
        if char in QUOTES:
            if position + 1 < len(text) and text[position + 1] in QUOTES:
                value.append(text[position + 1])
                position += 2
                continue
            return "".join(value), text[position + 1 :]
        value.append(char)
        position += 1


def _problems(source: str) -> list[str]:
    """Every ERROR or MISSING node of the parse, with where it is."""
    found: list[str] = []
    pending = [PARSER.parse(source.encode("utf-8", "surrogateescape")).root_node]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            found.append(f"{node.type} at {node.start_point}: {node.text!r}")
        pending.extend(node.children)
    return found


def _string_literals(source: str) -> list[str]:
    pending = [PARSER.parse(source.encode("utf-8")).root_node]
    found: list[tuple[int, str]] = []
    while pending:
        node = pending.pop()
        if node.type == "string_literal":
            found.append((node.start_byte, (node.text or b"").decode("utf-8")))
        else:
            pending.extend(node.children)
    return [text for _, text in sorted(found)]


def test_the_decoder_follows_the_documented_examples() -> None:
    assert decode_verbatim("'it''s'") == ("it's", "")
    assert decode_verbatim("'$HOME `n'; rest") == ("$HOME `n", "; rest")
    assert decode_verbatim("\u2018a\u2019\u2019b\u2019") == ("a\u2019b", "")
    assert decode_verbatim("'line\nbreak'") == ("line\nbreak", "")


def test_the_snippet_parses_with_any_executable_path() -> None:
    exe = "C:\\Program Files\\it's $x `y` \u2018z\u2019\\uvcreds.exe"
    for keyring in (False, True):
        code = pwsh.hook(exe, keyring=keyring)
        assert _problems(code) == []
        assert f"& {pwsh.quote(exe)} hook pwsh @global:__uvcreds_flags" in code
        mode, rest = code.split("\n", 1)
        assert mode == (
            "$global:__uvcreds_flags = @('--keyring')"
            if keyring
            else "$global:__uvcreds_flags = @()"
        )
        assert rest.replace(pwsh.quote(exe), "@UVCREDS_EXE@") == snippet(pwsh.SNIPPET)


def test_tricky_values_read_back_and_parse() -> None:
    values = [value for value in TRICKY if not _has_surrogate(value)]  # not UTF-8
    changes: dict[str, str | None] = {f"V{i}": value for i, value in enumerate(values)}
    changes["GONE"] = None
    paths = [f"C:\\{value}" for value in values]
    code = pwsh.render(changes) + pwsh.render_watch(
        paths[1], paths[2], 2**31 - 1, paths, ["SECRET_VAR"]
    )
    assert _problems(code) == []
    expected = [*values, "env:/GONE", paths[1], paths[2], *paths, "SECRET_VAR"]
    literals = _string_literals(code)
    assert literals == [pwsh.quote(value) for value in expected]
    assert [decode_verbatim(literal) for literal in literals] == [(v, "") for v in expected]


@given(st.text())
def test_any_text_reads_back(value: str) -> None:
    assert decode_verbatim(pwsh.quote(value)) == (value, "")


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in value)
