"""Generate the app's icons in every size the platforms ask for from one source image."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw

SOURCE = Path(settings.BASE_DIR) / "static" / "pwa" / "source-icon.png"
TARGET = Path(settings.BASE_DIR) / "static" / "pwa" / "icons"
BACKGROUND = (31, 95, 139, 255)  # the logo's blue, as in the manifest's theme colour

# name, size, how much of the square the picture fills, rounded corners?
# Maskable icons keep their picture inside the central safe zone (a circle of 80 %); the
# Apple touch icon must be opaque (iOS fills transparency with black).
ICONS = [
    ("icon-192.png", 192, 0.9, True),
    ("icon-512.png", 512, 0.9, True),
    ("maskable-192.png", 192, 0.62, False),
    ("maskable-512.png", 512, 0.62, False),
    ("apple-touch-icon-180.png", 180, 0.8, False),
    ("favicon-32.png", 32, 1.0, True),
]


class Command(BaseCommand):
    help = "Generate static/pwa/icons/ from static/pwa/source-icon.png (run by `make setup`)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(SOURCE))
        parser.add_argument("--target", default=str(TARGET))

    def handle(self, *args, source: str, target: str, **options):
        try:
            with Image.open(source) as opened:
                picture = opened.convert("RGBA")
        except OSError as exc:
            raise CommandError(f"Cannot read the source icon {source}: {exc}") from exc
        if picture.width != picture.height or picture.width < 512:
            raise CommandError("The source icon must be square and at least 512 px wide.")
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        for name, size, fill, rounded in ICONS:
            make_icon(picture, size, fill, rounded).save(folder / name, optimize=True)
        self.stdout.write(f"{len(ICONS)} icons written to {folder}")


def make_icon(picture: Image.Image, size: int, fill: float, rounded: bool) -> Image.Image:
    """The picture centred on the background colour, scaled to ``fill`` of the square."""
    scale = 4  # draw large, shrink once: smooth edges
    canvas_size = size * scale
    canvas = Image.new("RGBA", (canvas_size, canvas_size), (0, 0, 0, 0))
    background = Image.new("RGBA", canvas.size, BACKGROUND)
    if rounded:
        mask = Image.new("L", canvas.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, canvas_size - 1, canvas_size - 1), radius=canvas_size * 6 // 32, fill=255
        )
        canvas.paste(background, (0, 0), mask)
    else:
        canvas = background
    inner = round(canvas_size * fill)
    scaled = picture.resize((inner, inner), Image.LANCZOS)
    offset = (canvas_size - inner) // 2
    canvas.alpha_composite(scaled, (offset, offset))
    icon = canvas.resize((size, size), Image.LANCZOS)
    return icon if rounded else icon.convert("RGB")
