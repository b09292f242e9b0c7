"""Small helpers for writing the server's SQL from Python: quoting, and filling «name» markers in a template.

The templates are plpgsql, full of $$, %I, '{}' and braces, so markers use «…» rather than str.format.
"""
from __future__ import annotations

import re


def ident(name: str) -> str:
    """An identifier quoted for PostgreSQL (what format('%I') gives)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string literal for PostgreSQL (what format('%L') gives, without E'' escapes)."""
    return "'" + text.replace("'", "''") + "'"


_MARKER = re.compile(r"«(\w+)»")


def fill(template: str, **values: str) -> str:
    """The template with every «name» replaced; an unknown marker is a programming error."""
    def one(match: re.Match) -> str:
        return values[match.group(1)]
    return _MARKER.sub(one, template)
