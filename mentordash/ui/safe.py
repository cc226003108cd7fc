"""Untrusted text shown as plain text (issue 13, item 10).

st.markdown, st.write, st.caption, st.info/warning/error/success, st.subheader, expander titles and
widget labels all render Markdown: a link value (`?division=[Sign in again](https://evil)`), an
uploaded column header, a cell of an upload, a file name or a saved mapping's name would otherwise
draw links, images, headings or coloured text inside the app. Every such text passes through
plain() before it is put into one of those; a frame shown with st.dataframe needs nothing.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and then means itself:
# that disarms links, images, emphasis, code, headings, tables, HTML, Streamlit's :color[...] and
# :material/icon: directives and $math$.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
# GitHub-flavoured Markdown also links bare addresses (https://..., www...., name@host.org) found in
# the text after escapes are undone: an invisible word joiner (U+2060) inside the scheme, "www" or
# after "@" keeps them from being recognised, and shows nothing.
_AUTOLINKED = re.compile(r"(?i)(?<=[hfw])(?=ttps?:|tp:|ww\.)|(?<=mailto)(?=:)|(?<=@)")
JOINER = "\u2060"


def plain(text: object, limit: int | None = None) -> str:
    """`text` as Markdown that shows exactly its characters, on one line, cut to `limit` characters."""
    value = _LINE_BREAKS.sub(" ", str(text))
    if limit is not None and len(value) > limit:
        value = value[:limit] + "…"
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINKED.sub(JOINER, value))


_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9._ -]+")


def file_name(text: object, fallback: str = "download") -> str:
    """A download's file name built from untrusted text: letters, digits, dot, dash, underscore, space."""
    name = _UNSAFE_IN_FILE_NAMES.sub("_", str(text)).strip(" .")[:120]
    return name or fallback


def quoted(text: object, limit: int | None = None) -> str:
    """plain(text) between typographic quotes, for naming a value inside a sentence."""
    return f"‘{plain(text, limit)}’"
