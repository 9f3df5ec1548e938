"""Journal images for the replica: real JPEG and PNG bytes, drawn on demand from the image id.

An archive test needs images that decode, that differ from one another (so de-duplication by content is
meaningful) and that stay the same from run to run. Drawing them with Pillow from a seeded palette satisfies
all three without shipping binary files, and drawing on request keeps a 10,000-article site from holding
gigabytes: only a small LRU of recently sent images is kept.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw

#: Muted colours of district news photos: sky, rice fields, roofs, banners, uniforms.
_PALETTE = (
    (74, 132, 189),
    (142, 186, 222),
    (96, 153, 72),
    (168, 196, 96),
    (203, 170, 102),
    (176, 63, 52),
    (214, 48, 49),
    (232, 196, 64),
    (58, 90, 64),
    (120, 120, 128),
    (236, 232, 220),
    (40, 52, 84),
)


@lru_cache(maxsize=256)
def image_bytes(seed: int, image_id: int, fmt: str, width: int, height: int) -> bytes:
    """The bytes of one image: a "scene" (sky gradient, ground, shapes) unique to ``(seed, image_id)``.

    JPEGs come out at 5–30 KB; PNGs are flat-coloured palette images of a few KB. The image id is written
    into the file (JPEG comment, PNG text chunk), so two ids never give the same bytes.
    """
    rng = random.Random(f"img:{seed}:{image_id}")
    sky, ground, *accents = rng.sample(_PALETTE, 6)
    if fmt == "png":
        return _png(rng, image_id, width, height, sky, ground, accents)
    return _jpeg(rng, image_id, width, height, sky, ground, accents)


@lru_cache(maxsize=8)
def _sky_mask(width: int, height: int) -> Image.Image:
    """A vertical gradient for the sky; it depends only on the size (the site uses a handful), so it is kept."""
    return Image.linear_gradient("L").resize((width, height))


def _scene(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    ground: tuple[int, int, int],
    accents: list[tuple[int, int, int]],
) -> None:
    horizon = int(height * rng.uniform(0.45, 0.7))
    draw.rectangle((0, horizon, width, height), fill=ground)
    sun = rng.randint(height // 12, height // 6)
    cx, cy = rng.randint(sun, width - sun), rng.randint(sun, max(sun + 1, horizon - sun))
    draw.ellipse((cx - sun, cy - sun, cx + sun, cy + sun), fill=(250, 236, 180))
    for _ in range(rng.randint(3, 6)):  # buildings, a banner, a stage
        w, h = rng.randint(width // 10, width // 3), rng.randint(height // 10, height // 3)
        x = rng.randint(0, width - w)
        draw.rectangle((x, horizon - h, x + w, horizon), fill=rng.choice(accents))
    for _ in range(rng.randint(6, 14)):  # people
        x, y = rng.randint(0, width - 12), rng.randint(horizon, height - 30)
        colour = rng.choice(accents)
        draw.ellipse((x + 2, y, x + 10, y + 8), fill=(60, 40, 30))
        draw.rectangle((x, y + 8, x + 12, y + 30), fill=colour)


def _jpeg(
    rng: random.Random,
    image_id: int,
    width: int,
    height: int,
    sky: tuple[int, int, int],
    ground: tuple[int, int, int],
    accents: list[tuple[int, int, int]],
) -> bytes:
    mask = _sky_mask(width, height)
    lighter = tuple(min(255, c + 70) for c in sky)
    image = Image.composite(Image.new("RGB", (width, height), sky), Image.new("RGB", (width, height), lighter), mask)
    _scene(ImageDraw.Draw(image), rng, width, height, ground, accents)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.choice((70, 75, 80)), comment=f"img_id={image_id}".encode())
    return out.getvalue()


def _png(
    rng: random.Random,
    image_id: int,
    width: int,
    height: int,
    sky: tuple[int, int, int],
    ground: tuple[int, int, int],
    accents: list[tuple[int, int, int]],
) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (width, height), sky)
    _scene(ImageDraw.Draw(image), rng, width, height, ground, accents)
    info = PngInfo()
    info.add_text("Comment", f"img_id={image_id}")
    out = io.BytesIO()
    image.quantize(colors=16).save(out, "PNG", pnginfo=info, optimize=False)
    return out.getvalue()
