"""Chinese fonts for PDF output: find a TrueType-outline CJK font on this machine and register it with reportlab.

reportlab embeds subsets of TrueType (glyf) fonts only; it rejects CFF-outline fonts such as Noto Sans CJK or
Source Han (.otf), so those are skipped. Search order: the STREETLEDGER_PDF_FONT override, the Windows system
fonts (宋体 for text, 黑体 for headings), a font shipped in resources/fonts/, WenQuanYi, then any CJK font
found in the usual font folders.
"""
from __future__ import annotations

import functools
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from exports import ExportError
from ledger import paths

REGULAR_NAME = "StreetLedgerCJK"
BOLD_NAME = "StreetLedgerCJK-Bold"
FONT_ENV = "STREETLEDGER_PDF_FONT"     # a font file, optionally "path#index" for a collection (.ttc)

# characters every report prints: a font lacking one of them cannot be the CJK font
_PROBE = "中文第页共合计元"
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
# file-name fragments of fonts likely to carry Chinese; tried before any other file in a folder
_HINTS = ("wqy", "wenquan", "simsun", "simhei", "simkai", "simfang", "msyh", "yahei", "droidsansfallback",
          "uming", "ukai", "hei", "song", "kai", "fang", "ming", "cjk", "han", "gb", "chinese", "zh")
_SCAN_LIMIT = 400


class FontError(ExportError):
    """No font on this machine can print Chinese into a PDF."""


@dataclass(frozen=True)
class FontSource:
    path: Path
    index: int = 0

    def __str__(self) -> str:
        return f"{self.path}#{self.index}" if self.index else str(self.path)


@dataclass(frozen=True)
class CjkFonts:
    """The registered font names to use in styles and on a canvas, and where they came from."""

    regular: str
    bold: str
    regular_source: FontSource
    bold_source: FontSource | None     # None: no heavier face found, bold text uses the regular font


def windows_font_dirs() -> list[Path]:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    folders = [Path(windir) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")   # fonts installed for one user
    return folders


def font_dirs() -> list[Path]:
    """Folders searched for any CJK font, after the named candidates."""
    home = Path.home()
    folders = [paths.resources_dir() / "fonts"]
    if sys.platform == "win32":
        folders += windows_font_dirs()
    folders += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts", home / ".fonts",
                Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    return folders


def _named_candidates() -> tuple[list[FontSource], list[FontSource]]:
    """(regular, bold) candidates by name, best first."""
    regular: list[FontSource] = []
    bold: list[FontSource] = []
    override = os.environ.get(FONT_ENV)
    if override:
        path, _, index = override.partition("#")
        regular.append(FontSource(Path(path), int(index) if index.isdigit() else 0))
    for folder in windows_font_dirs():
        regular += [FontSource(folder / n) for n in ("simsun.ttc", "simsun.ttf", "msyh.ttc", "msyh.ttf", "simhei.ttf")]
        bold += [FontSource(folder / n) for n in ("simhei.ttf", "msyhbd.ttc", "msyhbd.ttf")]
    shipped = paths.resources_dir() / "fonts"
    if shipped.is_dir():
        files = sorted(p for p in shipped.iterdir() if p.suffix.lower() in _FONT_SUFFIXES)
        regular += [FontSource(p) for p in files if "bold" not in p.stem.lower() and "bd" not in p.stem.lower()]
        bold += [FontSource(p) for p in files if "bold" in p.stem.lower() or p.stem.lower().endswith("bd")]
    for folder in (Path("/usr/share/fonts/truetype/wqy"), Path("/usr/share/fonts/wqy-microhei"),
                   Path("/usr/share/fonts/wenquanyi/wqy-microhei"), Path("/usr/share/fonts/wqy-zenhei")):
        regular += [FontSource(folder / "wqy-microhei.ttc"), FontSource(folder / "wqy-zenhei.ttc")]
    regular += [FontSource(Path("/usr/share/fonts/truetype/arphic/uming.ttc")),
                FontSource(Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
                FontSource(Path("/System/Library/Fonts/STHeiti Light.ttc")),
                FontSource(Path("/Library/Fonts/Arial Unicode.ttf"))]
    return regular, bold


def _scanned_candidates() -> list[FontSource]:
    """Every font file in the usual folders, those whose names hint at Chinese first."""
    found: list[Path] = []
    for folder in font_dirs():
        if not folder.is_dir():
            continue
        try:
            for root, _dirs, files in os.walk(folder):
                found += [Path(root) / f for f in files if f.lower().endswith(_FONT_SUFFIXES)]
                if len(found) > 5 * _SCAN_LIMIT:
                    break
        except OSError:
            continue
    found.sort(key=lambda p: (not any(h in p.name.lower() for h in _HINTS), p.stat().st_size if p.exists() else 0))
    return [FontSource(p) for p in found[:_SCAN_LIMIT]]


def _load(source: FontSource, name: str) -> TTFont | None:
    """The font if it is TrueType-outline and prints Chinese; None otherwise (CFF, damaged, Latin only)."""
    if not source.path.is_file():
        return None
    try:
        font = TTFont(name, str(source.path), subfontIndex=source.index)
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError, struct.error):
        return None
    char_to_glyph = getattr(font.face, "charToGlyph", {})
    if not all(ord(ch) in char_to_glyph for ch in _PROBE):
        return None
    return font


@functools.lru_cache(maxsize=1)
def cjk_fonts() -> CjkFonts:
    """Register the CJK fonts once per process and return their names; raises FontError if there is none."""
    regular_candidates, bold_candidates = _named_candidates()
    regular = regular_source = None
    tried: set[tuple[Path, int]] = set()
    for source in regular_candidates:
        tried.add((source.path, source.index))
        regular = _load(source, REGULAR_NAME)
        if regular is not None:
            regular_source = source
            break
    if regular is None:
        for source in _scanned_candidates():
            if (source.path, source.index) in tried:
                continue
            regular = _load(source, REGULAR_NAME)
            if regular is not None:
                regular_source = source
                break
    if regular is None or regular_source is None:
        raise FontError(
            "找不到可用于生成PDF的中文字体。请安装宋体或黑体（Windows 自带，位于 C:\\Windows\\Fonts），"
            f"或把 TrueType 格式（.ttf/.ttc）的中文字体放入“{paths.resources_dir() / 'fonts'}”文件夹。"
            "注意：思源黑体、Noto CJK 等 OpenType（CFF）字体无法嵌入PDF。")
    pdfmetrics.registerFont(regular)

    bold_source = None
    for source in bold_candidates:
        if source == regular_source:
            continue
        bold = _load(source, BOLD_NAME)
        if bold is not None:
            pdfmetrics.registerFont(bold)
            bold_source = source
            break
    bold_name = BOLD_NAME if bold_source is not None else REGULAR_NAME
    # so that <b> in a Paragraph and fontName + bold in styles find the heavier face
    addMapping(REGULAR_NAME, 0, 0, REGULAR_NAME)
    addMapping(REGULAR_NAME, 1, 0, bold_name)
    addMapping(REGULAR_NAME, 0, 1, REGULAR_NAME)
    addMapping(REGULAR_NAME, 1, 1, bold_name)
    return CjkFonts(REGULAR_NAME, bold_name, regular_source, bold_source)
