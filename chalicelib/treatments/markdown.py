"""The Markdown subset of the treatments content feed's section bodies (``docs/treatments.md``).

Pure and standard library only: the indexer checks every body with :func:`problem` as a
line is read, and renders it once with :func:`to_html` when the document is built.

The subset:

- **Paragraphs**, separated by blank lines. The lines of a paragraph are joined with one
  space; there are no hard line breaks.
- **Lists**: a line starting ``- `` or ``* `` is a bulleted item, ``1. `` (any number, then
  a dot and a space) a numbered item. Numbered lists count from 1 in the order written;
  the numbers in the text are not kept. A line that is not an item continues the item
  above it. A list may follow a paragraph line directly; a blank line between items of the
  same kind does not end the list. Indentation is ignored, so there are no nested lists.
- **Inline**: ``**strong**``, ``*em*`` or ``_em_``, and links ``[text](target)``. A target is
  ``https://`` on one of :data:`ALLOWED_LINK_HOSTS` (which get ``rel="noopener noreferrer"``)
  or a path of this site starting with one ``/`` (not ``//``). Strong and em nest in each
  other and in link text; links do not nest.
- **Escapes**: a backslash before ASCII punctuation makes it plain text (``\\*``, ``\\#``,
  ``2019\\.``); any other backslash is itself.

Everything else is text, escaped on output: an unclosed ``**`` or ``*``, a run of three or
more ``*`` or two or more ``_``, ``*`` with spaces on both sides, ``_`` inside a word
(``snake_case``), ``[text]`` without ``(target)``, ``+ item``, ``> quote``, backticks,
tables. Bodies that would not mean what their author meant are rejected, never silently
stripped, with a plain reason naming the rule: raw HTML (``<`` followed by a letter,
``/``, ``!`` or ``?``), HTML character references (``&amp;``), control characters other
than tab and line breaks, ``#`` headings, horizontal rules and underlined headings (a line
of three or more ``-``, ``=``, ``*`` or ``_``), images, links with empty text or to
anything but the allowed targets.

Output holds only ``p``, ``ul``, ``ol``, ``li``, ``strong``, ``em`` and ``a`` (``href``, and
``rel`` on external links), one block a line, and is the same for the same body.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass, field

from chalicelib.patterns import CONTROL_IN_TEXT

ALLOWED_LINK_HOSTS: tuple[str, ...] = ("www.nhs.uk", "www.nice.org.uk", "www.hospitals.example")
"""Hosts that section links may point to, over https only."""

EXTERNAL_REL = "noopener noreferrer"

_RAW_HTML = re.compile(r"<[A-Za-z/!?][A-Za-z0-9-]{0,20}")
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});")
_HEADING = re.compile(r"#+(?:[ \t]|$)")
_RULE = re.compile(r"([-=*_])(?:[ \t]*\1){2,}")
_BULLET = re.compile(r"[-*][ \t]+(?=\S)")
_NUMBERED = re.compile(r"[0-9]{1,9}\.[ \t]+(?=\S)")
# RFC 3986 characters but parentheses (they end the target); no spaces, quotes or backslashes.
_URL_CHARS = r"[A-Za-z0-9\-._~!$&'*+,;=:@/?#%]*"
_HTTPS_TARGET = re.compile(rf"https://(?P<host>[A-Za-z0-9.-]+)(?:[/?#]{_URL_CHARS})?")
_SITE_PATH = re.compile(rf"/(?![/\\]){_URL_CHARS}")
_PUNCTUATION = frozenset(string.punctuation)
_FOUND_MAX = 40


class _Rejected(ValueError):
    """A body outside the subset; its message is the reason :func:`problem` returns."""


def problem(body: str) -> str | None:
    """None when ``body`` is in the subset, else a short plain reason naming the broken rule."""
    try:
        _render(body)
    except _Rejected as rejected:
        return str(rejected)
    return None


def to_html(body: str) -> str:
    """``body`` as HTML (see the module's description); raises ``ValueError`` with the reason
    :func:`problem` gives when the body is not in the subset."""
    return _render(body)


def _render(body: str) -> str:
    _check_characters(body)
    return "\n".join(block.html() for block in _blocks(body))


def _check_characters(body: str) -> None:
    if CONTROL_IN_TEXT.search(body):
        raise _Rejected("must not contain control characters other than tabs and line breaks")
    if raw := _RAW_HTML.search(body):
        raise _Rejected(f"must not contain raw HTML (found {raw.group()})")
    if reference := _CHARACTER_REFERENCE.search(body):
        raise _Rejected(
            f"must not contain HTML character references (found {reference.group()}): write the character itself"
        )


# --- Blocks ----------------------------------------------------------------------------


@dataclass
class _Block:
    tag: str  # "p", "ul" or "ol"
    items: list[list[str]] = field(default_factory=list)  # a paragraph has one item: its lines

    def html(self) -> str:
        if self.tag == "p":
            return f"<p>{_inline(' '.join(self.items[0]))}</p>"
        items = "".join(f"<li>{_inline(' '.join(lines))}</li>" for lines in self.items)
        return f"<{self.tag}>{items}</{self.tag}>"


def _blocks(body: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
            continue
        _check_line(line)
        tag, text = _item(line)
        if tag == "p":
            if current is None:
                current = _Block("p")
                current.items.append([])
                blocks.append(current)
            current.items[-1].append(text)
            continue
        if current is None and blocks and blocks[-1].tag == tag:
            current = blocks[-1]  # a blank line between items of one list
        if current is None or current.tag != tag:
            current = _Block(tag)
            blocks.append(current)
        current.items.append([text])
    return blocks


def _check_line(line: str) -> None:
    if _HEADING.match(line):
        raise _Rejected("headings belong in sections' headings (found a line starting #)")
    if _RULE.fullmatch(line):
        raise _Rejected(f"horizontal rules and underlined headings are not allowed (found {line[:_FOUND_MAX]})")


def _item(line: str) -> tuple[str, str]:
    """("ul" or "ol", the item's text) for a list item, else ("p", the line)."""
    for tag, marker in (("ul", _BULLET), ("ol", _NUMBERED)):
        if found := marker.match(line):
            return tag, line[found.end() :]
    return "p", line


# --- Inline ----------------------------------------------------------------------------


@dataclass
class _Delimiter:
    run: str  # "**", "*" or "_"
    can_open: bool
    can_close: bool


_Token = str | _Delimiter  # a str is HTML, already escaped or rendered


def _inline(text: str) -> str:
    tokens = _tokens(text)
    partner = _pairs(tokens)
    out: list[str] = []
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            out.append(token)
        elif index in partner:
            tag = "strong" if token.run == "**" else "em"
            out.append(f"<{tag}>" if partner[index] > index else f"</{tag}>")
        else:
            out.append(token.run)
    return "".join(out)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            tokens.append(html.escape("".join(plain), quote=True))
            plain.clear()

    index, end = 0, len(text)
    while index < end:
        character = text[index]
        if character == "\\" and index + 1 < end and text[index + 1] in _PUNCTUATION:
            plain.append(text[index + 1])
            index += 2
            continue
        if character in "*_":
            after_run = index
            while after_run < end and text[after_run] == character:
                after_run += 1
            run = text[index:after_run]
            delimiter = _delimiter(run, text[index - 1] if index else " ", text[after_run : after_run + 1] or " ")
            if delimiter is None:
                plain.append(run)
            else:
                flush()
                tokens.append(delimiter)
            index = after_run
            continue
        if character == "!" and text.startswith("[", index + 1) and _link_at(text, index + 1) is not None:
            raise _Rejected("images are not allowed")
        if character == "[" and (link := _link_at(text, index)) is not None:
            label, target, index = link
            flush()
            tokens.append(_link(label, target))
            continue
        plain.append(character)
        index += 1
    flush()
    return tokens


def _delimiter(run: str, before: str, after: str) -> _Delimiter | None:
    """The emphasis delimiter a run of ``*`` or ``_`` is, or None when it is text."""
    if run in ("*", "**"):
        can_open, can_close = not after.isspace(), not before.isspace()
    elif run == "_":  # not inside a word: snake_case stays text
        can_open = not after.isspace() and not before.isalnum()
        can_close = not before.isspace() and not after.isalnum()
    else:
        return None
    return _Delimiter(run, can_open, can_close) if can_open or can_close else None


def _pairs(tokens: list[_Token]) -> dict[int, int]:
    """Each paired delimiter's partner: a closer takes the nearest open one of its kind, and
    openers left between them become text, so the tags always nest. Linear in the tokens."""
    partner: dict[int, int] = {}
    openers: dict[str, list[int]] = {"**": [], "*": [], "_": []}
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            continue
        if token.can_close and openers[token.run]:
            opener = openers[token.run].pop()
            partner[opener], partner[index] = index, opener
            for stack in openers.values():
                while stack and stack[-1] > opener:
                    stack.pop()
        elif token.can_open:
            openers[token.run].append(index)
    return partner


def _link_at(text: str, start: int) -> tuple[str, str, int] | None:
    """(label, target, index after it) when ``[label](target)`` starts at ``start``."""
    index, end = start + 1, len(text)
    while index < end and text[index] != "]":
        if text[index] == "[":
            return None
        index += 2 if text[index] == "\\" and index + 1 < end else 1
    if not text.startswith("](", index):
        return None
    close = text.find(")", index + 2)
    if close < 0:
        return None
    return text[start + 1 : index], text[index + 2 : close], close + 1


def _link(label: str, target: str) -> str:
    external = _HTTPS_TARGET.fullmatch(target)
    allowed = (external is not None and external["host"].lower() in ALLOWED_LINK_HOSTS) or bool(
        _SITE_PATH.fullmatch(target)
    )
    if not allowed:
        hosts = ", ".join(f"https://{host}" for host in ALLOWED_LINK_HOSTS)
        found = target[:_FOUND_MAX] + ("..." if len(target) > _FOUND_MAX else "") if target else "an empty target"
        raise _Rejected(f"links only to {hosts} or paths of this site such as /treatments (found {found})")
    if not label.strip():
        raise _Rejected("links need text: [text](target)")
    rel = f' rel="{EXTERNAL_REL}"' if external else ""
    return f'<a href="{html.escape(target, quote=True)}"{rel}>{_inline(label)}</a>'
