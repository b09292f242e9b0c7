"""Opening a text file (CSV, a web page) in the encoding it was saved in, without reading it whole.

Chinese Windows saves GBK, Excel's “Unicode 文本” is UTF-16, everything newer UTF-8 (with or without a BOM);
a web page may declare its charset, and sometimes declares the wrong one. The first encoding in which the
whole file decodes is taken: the BOM's, the declared one, UTF-8, then GB18030 (which contains GBK and GB2312).
"""
from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .sheet import ImportFileError

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}
_CHUNK = 1 << 20


def text_encoding(path: Path, declared: Callable[[bytes], str | None] | None = None) -> str:
    """The encoding to read `path` in; `declared(head)` may name the one the file declares."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    candidates = ["utf-8", "gb18030"]
    if declared is not None and (name := declared(head)):
        name = _SUPERSETS.get(name, name)
        try:
            candidates.insert(0, codecs.lookup(name).name)
        except LookupError:
            pass
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise ImportFileError(f"无法识别“{path.name}”的文字编码（既不是 UTF-8 也不是 GBK）；请用 Excel 另存为 .xlsx 再导入")


def open_text(path: Path, declared: Callable[[bytes], str | None] | None = None) -> TextIO:
    """The file as text, read piece by piece; newlines are left as they are (the csv module wants that)."""
    return open(path, encoding=text_encoding(path, declared), newline="")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
