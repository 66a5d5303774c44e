"""Workflow commands: escaping their data and properties, and neutralising untrusted log text.

How the runner reads its output (actions/runner):

* it splits stdout into lines with .NET `StreamReader.ReadLine`: `\\n`, `\\r\\n` and a lone
  `\\r` all end a line;
* `ActionCommand.TryParseV2`: a line is a command when, after `TrimStart()`, it starts
  with `::` (a culture-sensitive comparison, which skips zero-width "ignorable" characters);
* `ActionCommand.TryParse` (tried when V2 fails): `##[` ANYWHERE in the line is a command;
* data is unescaped `%0D`, `%0A`, `%25`; properties also `%3A`, `%2C`.
"""

from __future__ import annotations

import re

# Default-ignorable code points: ICU (the runner's culture-sensitive StartsWith/IndexOf on
# Linux) treats them as absent, so "#\u200b#[" may match "##[". We treat them as absent too.
_IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_IGNORABLE_RE = re.compile(f"[{_IGNORABLE}]")
# Made visible: C0 controls but tab, DEL, C1 controls, line/paragraph separators,
# bidi embeddings/overrides/isolates; lone surrogates become U+FFFD.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
# `#` followed (ignorables allowed) by `#[` or `#vso[` (Azure Pipelines' prefix).
_V1_COMMAND = re.compile(
    f"#(?=[{_IGNORABLE}]*#[{_IGNORABLE}]*(?:v[{_IGNORABLE}]*s[{_IGNORABLE}]*o[{_IGNORABLE}]*)?\\[)",
    re.IGNORECASE,
)


def escape_data(s: str) -> str:
    """Escape workflow-command data as the runner unescapes it: `%`, CR, LF."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a workflow-command property value: data escaping plus `:` and `,`."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _skippable(ch: str) -> bool:
    return ch.isspace() or _IGNORABLE_RE.match(ch) is not None


def neutralise(s: str) -> str:
    """One log line from any text, from which the runner can run no workflow command.

    Pure. Line breaks, control characters (tab kept), ESC, bidi controls and U+2028/9
    become visible escapes (`\\n`, `\\r`, `\\x1b`, `\\u202e`), so the result is one line;
    every `##[` (and `##vso[`) becomes `# #[`; a `::` at the start of the line (after
    whitespace) becomes `: :`. Backslashes already in the text are left alone.
    """
    s = _V1_COMMAND.sub("# ", _UNSAFE.sub(_visible, s))
    i = 0
    while i < len(s) and _skippable(s[i]):
        i += 1
    if i < len(s) and s[i] == ":":
        j = i + 1
        while j < len(s) and _IGNORABLE_RE.match(s[j]):
            j += 1
        if j < len(s) and s[j] == ":":
            s = s[: i + 1] + " " + s[i + 1 :]
    return s
