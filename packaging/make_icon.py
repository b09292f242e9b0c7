"""Draw the application icon (resources/icons/streetledger.ico and .png) with Pillow.

The icon is committed, so a build never needs this script or a CJK font; run it again only to change
the design: `python packaging/make_icon.py [--font PATH]`. Each icon size is drawn on its own instead of
scaled down from the large one, because two characters shrunk to 16 px become a red smudge: the small
sizes show the single character 台, the larger ones 台账.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"

RED = (196, 18, 36, 255)
GOLD = (246, 196, 70, 255)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# Fonts tried in order when --font is not given: Windows' own bold Chinese UI font, then Debian's
# WenQuanYi (fonts-wqy-zenhei), so the script runs on a developer's Windows machine and here.
FONT_CANDIDATES = (
    "C:/Windows/Fonts/msyhbd.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def find_font(explicit: str | None) -> Path:
    candidates = [explicit] if explicit else list(FONT_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit("找不到中文字体；请用 --font 指定一个（如 msyhbd.ttc 或 wqy-zenhei.ttc）。")


def draw(size: int, font_path: Path) -> Image.Image:
    """One icon image of `size` px, drawn at 4× and reduced so the edges are smooth."""
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    margin = round(big * 0.03)
    radius = round(big * 0.22)
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius, fill=RED)
    # A gold ring inside the tile makes the emblem; it is left out where it would blur into the text.
    if size >= 32:
        ring = round(big * 0.09)
        width = max(scale, round(big * 0.028))
        pen.rounded_rectangle(
            (ring, ring, big - ring, big - ring), round(radius * 0.7), outline=GOLD, width=width
        )

    text = "台账" if size >= 48 else "台"
    # Two characters share the width inside the ring; a lone character may fill most of the tile.
    font_size = round(big * (0.34 if len(text) == 2 else 0.74))
    font = ImageFont.truetype(str(font_path), font_size)
    # A gold stroke thickens a regular-weight font into something that reads as bold at small sizes.
    stroke = max(1, round(font_size * 0.035))
    left, top, right, bottom = pen.textbbox((0, 0), text, font=font, stroke_width=stroke)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    pen.text((x, y), text, font=font, fill=GOLD, stroke_width=stroke, stroke_fill=GOLD)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", help="a TrueType/TTC font with bold Chinese glyphs")
    args = parser.parse_args()
    font_path = find_font(args.font)

    ICONS.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size, font_path) for size in ICO_SIZES}
    images[256].save(ICONS / "streetledger.png", optimize=True)
    largest = images[ICO_SIZES[-1]]
    largest.save(
        ICONS / "streetledger.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES[:-1]],
    )
    print(f"已生成 {ICONS / 'streetledger.ico'} 和 {ICONS / 'streetledger.png'}（字体 {font_path.name}）")


if __name__ == "__main__":
    main()
