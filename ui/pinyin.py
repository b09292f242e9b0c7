"""拼音 for the tables: initials to search by (王芳 → wf) and keys that sort Chinese text by pinyin.

Each character is read by its most common reading from pypinyin's dictionary, as Excel and WPS do when
they sort by pinyin. Reading a whole phrase for context (pypinyin's lazy_pinyin: 重庆 → chong qing) costs
some tens of microseconds per text, which a 100,000-row ledger cannot afford on opening; reading character
by character costs a dictionary lookup. Each distinct text is read once per process and kept.
"""
from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable

# Importing pypinyin loads its dictionary of 400,000 phrases (about 50 MB) and copies the character one, unless
# told not to by its documented switches; reading character by character needs neither.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
from pypinyin.pinyin_dict import pinyin_dict  # noqa: E402 (after the switches)

_SYLLABLES: dict[str, str] = {}      # character -> toneless syllable, '' when it has no reading
INITIALS: dict[str, str] = {}        # text -> its initials, lowercased ('幸福社区' -> 'xfsq')
SORT_KEYS: dict[str, str] = {}       # text -> a key that sorts by pinyin


def syllable(char: str) -> str:
    """'绿' → 'lv': the first reading without tone marks, ü written v as people type it."""
    found = _SYLLABLES.get(char)
    if found is None:
        reading = pinyin_dict.get(ord(char))
        if reading is None:
            found = ""
        else:
            spelled = unicodedata.normalize("NFKD", reading.split(",")[0]).replace("u\u0308", "v")
            found = "".join(c for c in spelled if not unicodedata.combining(c))
        _SYLLABLES[char] = found
    return found


def initials(text: str) -> str:
    """'幸福社区第1网格' → 'xfsqd1wg'; ASCII text comes back lowercased."""
    found = INITIALS.get(text)
    if found is None:
        if text.isascii():
            found = text.lower()
        else:
            found = "".join((syllable(c) or c)[:1] for c in text).lower()
        INITIALS[text] = found
    return found


def sort_key(text: str) -> str:
    """A key that orders Chinese text by pinyin among Latin text, case-blind; the text itself breaks ties
    between homophones (张三, 章三) so that equal readings never interleave."""
    found = SORT_KEYS.get(text)
    if found is None:
        if text.isascii():
            found = text.lower()
        else:
            found = "".join(s + " " if (s := syllable(c)) else c for c in text).lower() + "\x00" + text
        SORT_KEYS[text] = found
    return found


def fill_initials(texts: Iterable[str]) -> dict[str, str]:
    """Make sure every text has its initials in INITIALS; returns INITIALS for fast lookups."""
    for text in texts:
        if text not in INITIALS:
            initials(text)
    return INITIALS


def fill_sort_keys(texts: Iterable[str]) -> dict[str, str]:
    for text in texts:
        if text not in SORT_KEYS:
            sort_key(text)
    return SORT_KEYS
