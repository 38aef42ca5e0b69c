"""Generate the letters dataset of homework 2 (26 upper-case letters, 32x32 grayscale).

The dataset lives in ``data/character_classification/`` and is committed, so users never run
this script; it is here so that anyone can see, check and regenerate how the data was made.

Usage (the exact command that made the committed files)::

    python tools/make_letters.py --out data/character_classification --seed 0 \\
        --per-class-train 400 --per-class-test 50

Arguments:
    --out              output folder (default ``data/character_classification``).
    --seed             seed of the NumPy random Generator (default 0).
    --per-class-train  images per letter for train + validation together (default 400);
                       one tenth of them (rounded) go to validation, the rest to train.
    --per-class-test   images per letter for the test split (default 50).

What it writes (see ``data/character_classification/README.md`` for the full format):
    images/{train,validation,test}/<LETTER>/<5-digit index>.png   32x32, mode "L", dark on light
    train.json, validation.json, test.json   JSON Lines: {"path": "train/A/00017.png", "label": 0}
    new_images/predict01.png ... predict06.png, new_images/README.md   images for predict mode
    fonts.json   which typeface families and font files went to which split

How an image is made: one letter is rendered at about 100 px with Pillow from one font file,
its strokes are thickened or thinned (MaxFilter / MinFilter), it is rotated by up to 15
degrees, cropped to its ink, stretched a little, scaled to fill 72-92% of a square frame and
placed near its centre with a small random shift (always fully inside), downsampled to 32x32,
blurred, turned into dark ink on light paper with random contrast, and given Gaussian noise.

Fonts: matplotlib's bundled fonts plus free fonts from Debian/Ubuntu packages::

    apt-get install fonts-liberation fonts-croscore fonts-freefont-ttf fonts-urw-base35 \\
        fonts-texgyre fonts-dejavu-core fonts-crosextra-carlito fonts-crosextra-caladea \\
        fonts-open-sans fonts-noto-core fonts-roboto-unhinted fonts-lato fonts-cabin \\
        fonts-cantarell fonts-comic-neue fonts-ebgaramond fonts-linuxlibertine \\
        fonts-sil-gentium fonts-sil-andika fonts-go fonts-inconsolata

Font files are grouped into typeface *families* by name, and metric clones of one design
count as one family (Liberation Sans, Arimo, Nimbus Sans, FreeSans and TeX Gyre Heros are all
Helvetica). The test split only uses families that never appear in train or validation, so the
test accuracy measures how well a model generalises to typefaces it has not seen.

Determinism: one ``numpy.random.Generator`` per split, spawned from ``--seed``; font files
are sorted; PNGs carry no timestamps. Running the script twice gives byte-identical files
with the same Pillow, FreeType and zlib (the committed files were made with Pillow 13.0.0,
FreeType 2.14.3, zlib 1.2.13, NumPy 2.4; other versions may rasterise glyphs or compress PNGs
slightly differently, which changes bytes but not the nature of the data).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import string
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

LETTERS = string.ascii_uppercase
IMAGE_SIZE = 32
RENDER_SIZE = 100  # font size in px for the high-resolution rendering
VALIDATION_FRACTION = 0.1
MAX_THINNING_LOSS = 0.03  # see change_stroke
SPLITS = ("train", "validation", "test")

# Where the font files are looked for; the "mpl" root is found at run time.
FONT_ROOTS = {
    "sys": Path("/usr/share/fonts"),
    "texmf": Path("/usr/share/texmf/fonts/opentype/public"),
}

# Face names that are too thin, decorative or non-alphabetic to look like printed letters.
EXCLUDED_STYLE_WORDS = ("thin", "hairline", "light", "extralight")

# Licences as stated in /usr/share/doc/<package>/copyright (and matplotlib's licence files).
PACKAGE_LICENCES = {
    "matplotlib": "DejaVu: Bitstream Vera licence; STIX: SIL OFL 1.1; Computer Modern: "
    "BaKoMa free licence (matplotlib's LICENSE_BAKOMA)",
    "fonts-liberation": "GNU GPL 2 with font exceptions (Liberation 1.07)",
    "fonts-croscore": "SIL OFL 1.1",
    "fonts-freefont-ttf": "GNU GPL 3 or later with font exception",
    "fonts-urw-base35": "GNU AGPL 3 with font exception",
    "fonts-texgyre": "GUST Font License",
    "fonts-dejavu-core": "Bitstream Vera licence (DejaVu changes public domain)",
    "fonts-crosextra-carlito": "SIL OFL 1.1",
    "fonts-crosextra-caladea": "Apache License 2.0",
    "fonts-open-sans": "Apache License 2.0",
    "fonts-noto-core": "SIL OFL 1.1",
    "fonts-roboto-unhinted": "Apache License 2.0",
    "fonts-lato": "SIL OFL 1.1",
    "fonts-cabin": "SIL OFL 1.1",
    "fonts-cantarell": "SIL OFL 1.1",
    "fonts-comic-neue": "SIL OFL 1.1",
    "fonts-ebgaramond": "SIL OFL 1.1",
    "fonts-linuxlibertine": "GNU GPL 2 or later with font exception, or SIL OFL 1.1",
    "fonts-sil-gentium": "SIL OFL 1.1",
    "fonts-sil-andika": "SIL OFL 1.1 (with Reserved Font Name)",
    "fonts-go": "BSD-3-Clause",
    "fonts-inconsolata": "SIL OFL 1.0",
}


@dataclass(frozen=True)
class Family:
    """One typeface design: several packages may ship clones of it.

    ``sources`` holds (package, root, glob) triples; the glob is matched against file paths
    relative to ``FONT_ROOTS[root]``.
    """

    name: str
    split: str  # "trainval" or "test"
    sources: tuple[tuple[str, str, str], ...]


# The families, in a fixed order. Script, symbol, dingbat, math, keyboard, initials and
# non-Latin fonts are left out simply by not being listed.
FAMILIES = (
    Family(
        "Helvetica (Liberation Sans, Arimo, Nimbus Sans, FreeSans, TeX Gyre Heros)",
        "trainval",
        (
            ("fonts-liberation", "sys", "truetype/liberation/LiberationSans-*.ttf"),
            ("fonts-liberation", "sys", "truetype/liberation/LiberationSansNarrow-*.ttf"),
            ("fonts-croscore", "sys", "truetype/croscore/Arimo-*.ttf"),
            ("fonts-urw-base35", "sys", "opentype/urw-base35/NimbusSans-*.otf"),
            ("fonts-urw-base35", "sys", "opentype/urw-base35/NimbusSansNarrow-*.otf"),
            ("fonts-freefont-ttf", "sys", "truetype/freefont/FreeSans*.ttf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyreheros*.otf"),
        ),
    ),
    Family(
        "Times (Liberation Serif, Tinos, Nimbus Roman, FreeSerif, TeX Gyre Termes, STIX)",
        "trainval",
        (
            ("fonts-liberation", "sys", "truetype/liberation/LiberationSerif-*.ttf"),
            ("fonts-croscore", "sys", "truetype/croscore/Tinos-*.ttf"),
            ("fonts-urw-base35", "sys", "opentype/urw-base35/NimbusRoman-*.otf"),
            ("fonts-freefont-ttf", "sys", "truetype/freefont/FreeSerif*.ttf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyretermes-*.otf"),
            ("matplotlib", "mpl", "STIXGeneral*.ttf"),
        ),
    ),
    Family(
        "Courier (Liberation Mono, Cousine, Nimbus Mono, FreeMono, TeX Gyre Cursor)",
        "trainval",
        (
            ("fonts-liberation", "sys", "truetype/liberation/LiberationMono-*.ttf"),
            ("fonts-croscore", "sys", "truetype/croscore/Cousine-*.ttf"),
            ("fonts-urw-base35", "sys", "opentype/urw-base35/NimbusMonoPS-*.otf"),
            ("fonts-freefont-ttf", "sys", "truetype/freefont/FreeMono*.ttf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyrecursor-*.otf"),
        ),
    ),
    Family(
        "Palatino (P052, TeX Gyre Pagella)",
        "trainval",
        (
            ("fonts-urw-base35", "sys", "opentype/urw-base35/P052-*.otf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyrepagella-*.otf"),
        ),
    ),
    Family(
        "Avant Garde (URW Gothic, TeX Gyre Adventor)",
        "trainval",
        (
            ("fonts-urw-base35", "sys", "opentype/urw-base35/URWGothic-*.otf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyreadventor-*.otf"),
        ),
    ),
    Family(
        "Bookman (URW Bookman, TeX Gyre Bonum)",
        "trainval",
        (
            ("fonts-urw-base35", "sys", "opentype/urw-base35/URWBookman-*.otf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyrebonum-*.otf"),
        ),
    ),
    Family(
        "DejaVu Sans (incl. Condensed and Mono)",
        "trainval",
        (
            ("matplotlib", "mpl", "DejaVuSans-*.ttf"),
            ("matplotlib", "mpl", "DejaVuSans.ttf"),
            ("matplotlib", "mpl", "DejaVuSansMono*.ttf"),
            ("fonts-dejavu-core", "sys", "truetype/dejavu/DejaVuSansCondensed*.ttf"),
        ),
    ),
    Family(
        "DejaVu Serif (incl. Condensed)",
        "trainval",
        (
            ("matplotlib", "mpl", "DejaVuSerif-*.ttf"),
            ("matplotlib", "mpl", "DejaVuSerif.ttf"),
            ("fonts-dejavu-core", "sys", "truetype/dejavu/DejaVuSerifCondensed*.ttf"),
        ),
    ),
    Family(
        "Computer Modern Roman",
        "trainval",
        (
            ("matplotlib", "mpl", "cmr10.ttf"),
            ("matplotlib", "mpl", "cmb10.ttf"),
            ("matplotlib", "mpl", "cmti10.ttf"),
        ),
    ),
    Family("Computer Modern Sans", "trainval", (("matplotlib", "mpl", "cmss10.ttf"),)),
    Family("Computer Modern Typewriter", "trainval", (("matplotlib", "mpl", "cmtt10.ttf"),)),
    Family(
        "Carlito",
        "trainval",
        (("fonts-crosextra-carlito", "sys", "truetype/crosextra/Carlito-*.ttf"),),
    ),
    Family(
        "Open Sans (incl. its derivative Noto Sans)",
        "trainval",
        (
            ("fonts-open-sans", "sys", "truetype/open-sans/OpenSans-*.ttf"),
            ("fonts-noto-core", "sys", "truetype/noto/NotoSans-*.ttf"),
            ("fonts-noto-core", "sys", "truetype/noto/NotoSansDisplay-*.ttf"),
        ),
    ),
    Family(
        "Roboto (incl. Condensed)",
        "trainval",
        (
            ("fonts-roboto-unhinted", "sys", "truetype/roboto/unhinted/RobotoTTF/Roboto-*.ttf"),
            ("fonts-roboto-unhinted", "sys", "truetype/roboto/unhinted/RobotoCondensed-*.ttf"),
        ),
    ),
    Family("Lato", "trainval", (("fonts-lato", "sys", "truetype/lato/Lato-*.ttf"),)),
    Family(
        "Cantarell", "trainval", (("fonts-cantarell", "sys", "opentype/cantarell/Cantarell-*"),)
    ),
    Family(
        "Comic Neue",
        "trainval",
        (("fonts-comic-neue", "sys", "opentype/comic-neue/ComicNeue-*.otf"),),
    ),
    Family(
        "EB Garamond",
        "trainval",
        (("fonts-ebgaramond", "sys", "opentype/ebgaramond/EBGaramond*.otf"),),
    ),
    Family(
        "Linux Libertine (incl. Display and Mono)",
        "trainval",
        (
            ("fonts-linuxlibertine", "sys", "opentype/linux-libertine/LinLibertine_R*.otf"),
            ("fonts-linuxlibertine", "sys", "opentype/linux-libertine/LinLibertine_DR.otf"),
            ("fonts-linuxlibertine", "sys", "opentype/linux-libertine/LinLibertine_M.otf"),
        ),
    ),
    Family(
        "Gentium (incl. GentiumAlt)",
        "trainval",
        (("fonts-sil-gentium", "sys", "truetype/gentium/Gentium*.ttf"),),
    ),
    Family(
        "Go (incl. Mono and Smallcaps)",
        "trainval",
        (("fonts-go", "sys", "fonts-go/Go-*.ttf"),),
    ),
    Family("Andika", "trainval", (("fonts-sil-andika", "sys", "truetype/andika/Andika-*.ttf"),)),
    # Families kept for the test split only.
    Family(
        "Century Schoolbook (C059, TeX Gyre Schola)",
        "test",
        (
            ("fonts-urw-base35", "sys", "opentype/urw-base35/C059-*.otf"),
            ("fonts-texgyre", "texmf", "tex-gyre/texgyreschola-*.otf"),
        ),
    ),
    Family(
        "Caladea",
        "test",
        (("fonts-crosextra-caladea", "sys", "truetype/crosextra/Caladea-*.ttf"),),
    ),
    Family(
        "Noto Serif",
        "test",
        (
            # Not Noto Serif Display: its hairlines vanish at 32 px.
            ("fonts-noto-core", "sys", "truetype/noto/NotoSerif-*.ttf"),
        ),
    ),
    Family("Cabin", "test", (("fonts-cabin", "sys", "opentype/cabin/Cabin-*.otf"),)),
    Family(
        "Linux Biolinum",
        "test",
        (("fonts-linuxlibertine", "sys", "opentype/linux-libertine/LinBiolinum_R*.otf"),),
    ),
    Family(
        "Inconsolata",
        "test",
        (("fonts-inconsolata", "sys", "truetype/inconsolata/Inconsolata.otf"),),
    ),
)


# ----------------------------------------------------------------------------- fonts


def font_roots() -> dict[str, Path]:
    """The folders searched for fonts: the system ones plus matplotlib's bundled fonts."""
    try:
        import matplotlib
    except ImportError as error:
        raise SystemExit("make_letters.py needs matplotlib for its bundled fonts") from error
    return {**FONT_ROOTS, "mpl": Path(matplotlib.get_data_path()) / "fonts" / "ttf"}


def has_all_letters(path: Path) -> bool:
    """True if the font maps every letter A-Z to a glyph (read from its cmap table)."""
    from fontTools.ttLib import TTFont  # ships with matplotlib

    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return all(ord(letter) in cmap for letter in LETTERS)


def is_wanted_style(path: Path) -> bool:
    """Leave out thin, light and hairline weights: they vanish at 32x32."""
    stem = path.stem.lower()
    return not any(word in stem for word in EXCLUDED_STYLE_WORDS)


def resolve_families(roots: dict[str, Path]) -> dict[str, list[dict]]:
    """Find the font files of every family.

    Returns ``{family name: [{"file": relative path, "package": ..., "path": Path}, ...]}``
    with files sorted. Raises SystemExit naming the packages to install when a family has
    no usable file, so a partial font set never silently changes the dataset.
    """
    found: dict[str, list[dict]] = {}
    missing_packages: set[str] = set()
    for family in FAMILIES:
        files = []
        for package, root_key, pattern in family.sources:
            root = roots[root_key]
            matches = sorted(p for p in root.glob(pattern) if p.is_file())
            matches = [p for p in matches if is_wanted_style(p)]
            if not matches:
                missing_packages.add(package)
                continue
            for path in matches:
                if not has_all_letters(path):
                    raise SystemExit(f"font {path} lacks some of the letters A-Z")
                relative = f"{root_key}:{path.relative_to(root).as_posix()}"
                files.append({"file": relative, "package": package, "path": path})
        found[family.name] = files
    if missing_packages:
        packages = " ".join(sorted(missing_packages))
        raise SystemExit(
            f"no font files found for packages: {packages}\n"
            f"install them with: apt-get install {packages}"
        )
    return found


class FontCache:
    """Loads each font file once at the rendering size."""

    def __init__(self) -> None:
        self._fonts: dict[Path, ImageFont.FreeTypeFont] = {}

    def get(self, path: Path) -> ImageFont.FreeTypeFont:
        if path not in self._fonts:
            self._fonts[path] = ImageFont.truetype(str(path), RENDER_SIZE)
        return self._fonts[path]


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Augment:
    """Ranges of the random distortions (sizes are for a 32 px frame and scale with it).

    The default is what the dataset uses. The letter stays roughly centred and upright: a
    1024 -> 32 -> 26 MLP on raw pixels has no translation invariance, so large shifts would
    make the homework's model fail for reasons the course has not taught yet.
    """

    rotation_deg: float = 15.0  # hard limit; angles are drawn with std rotation_deg / 2.5
    fill_range: tuple[float, float] = (0.72, 0.92)  # letter's longer side / frame side
    shift_px: float = 2.0  # largest shift of the letter's centre from the frame's centre
    stretch: float = 0.12  # largest relative change of the letter's width
    blur_max: float = 0.8  # largest Gaussian blur radius
    noise_max: float = 6.0  # largest std of the Gaussian noise, in grey levels
    paper_range: tuple[float, float] = (215.0, 255.0)
    ink_range: tuple[float, float] = (0.0, 50.0)

    def scaled(self, strength: float) -> Augment:
        """The same distortions, ``strength`` times as strong (for the predict images)."""
        low, high = self.fill_range
        return Augment(
            rotation_deg=self.rotation_deg * strength,
            fill_range=(high - (high - low) * strength, high),
            shift_px=self.shift_px * strength,
            stretch=self.stretch * strength,
            blur_max=self.blur_max * strength,
            noise_max=self.noise_max * strength,
            paper_range=self.paper_range,
            ink_range=self.ink_range,
        )


def render_ink(font: ImageFont.FreeTypeFont, letter: str) -> Image.Image:
    """The letter as white ink (255) on black (0), on a canvas with room to spare."""
    canvas_side = 3 * RENDER_SIZE
    canvas = Image.new("L", (canvas_side, canvas_side), 0)
    ImageDraw.Draw(canvas).text(
        (canvas_side // 2, canvas_side // 2), letter, fill=255, font=font, anchor="mm"
    )
    # Keep a small margin around the ink: the stroke filters and rotation need no more,
    # and a small image makes them fast.
    bbox = canvas.getbbox()
    if bbox is None:
        raise RuntimeError(f"letter {letter!r} rendered empty with font {font.path}")
    left, top, right, bottom = bbox
    margin = 8
    return canvas.crop((left - margin, top - margin, right + margin, bottom + margin))


def change_stroke(ink: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Thicken (MaxFilter) or thin (MinFilter) the strokes, or leave them, at random.

    Thinning is skipped for glyphs with hairlines (serif faces such as Computer Modern):
    it would erase those strokes and turn, say, a V into a backslash.
    """
    choice = rng.integers(0, 5)
    if choice == 0:
        thinned = ink.filter(ImageFilter.MinFilter(3))
        solid = np.asarray(ink) > 127
        # Thinning then thickening back restores every stroke wider than the filter; what
        # is still missing was a hairline.
        restored = np.asarray(thinned.filter(ImageFilter.MaxFilter(3))) > 127
        lost = np.count_nonzero(solid & ~restored) / max(1, np.count_nonzero(solid))
        return ink if lost > MAX_THINNING_LOSS else thinned
    if choice in (1, 2):
        return ink
    return ink.filter(ImageFilter.MaxFilter(3 if choice == 3 else 5))


def place_in_frame(
    ink: Image.Image, size: tuple[int, int], rng: np.random.Generator, augment: Augment
) -> np.ndarray:
    """Crop ``ink`` to its bounding box and place it, scaled and shifted, in a frame.

    Returns ink coverage in [0, 1] as a float array of shape (height, width). The letter's
    longer side takes ``fill`` of the frame's shorter side, so it is always fully inside.
    """
    glyph = ink.crop(ink.getbbox())
    stretch = 1.0 + rng.uniform(-augment.stretch, augment.stretch)
    glyph_w = glyph.width * stretch
    glyph_h = glyph.height
    width, height = size
    frame_scale = min(width, height) / IMAGE_SIZE
    fill = rng.uniform(*augment.fill_range)
    # Scale from rendering pixels to output pixels.
    scale = fill * min(width, height) / max(glyph_w, glyph_h)
    out_w = max(1.0, glyph_w * scale)
    out_h = max(1.0, glyph_h * scale)
    # Centre the letter, shift it a little, and clamp so that all of it stays in the frame.
    shift_x, shift_y = rng.uniform(-augment.shift_px, augment.shift_px, size=2) * frame_scale
    left = float(np.clip((width - out_w) / 2 + shift_x, 0.0, width - out_w))
    top = float(np.clip((height - out_h) / 2 + shift_y, 0.0, height - out_h))
    # Work at a supersampled resolution so the final downsampling anti-aliases the edges.
    factor = 4
    big_w, big_h = round(out_w * factor), round(out_h * factor)
    glyph = glyph.resize((max(1, big_w), max(1, big_h)), Image.Resampling.LANCZOS)
    frame = Image.new("L", (width * factor, height * factor), 0)
    frame.paste(glyph, (round(left * factor), round(top * factor)))
    frame = frame.resize((width, height), Image.Resampling.BOX)
    return np.asarray(frame, dtype=np.float64) / 255.0


def render_letter(
    font: ImageFont.FreeTypeFont,
    letter: str,
    rng: np.random.Generator,
    augment: Augment,
    size: tuple[int, int] = (IMAGE_SIZE, IMAGE_SIZE),
) -> np.ndarray:
    """One augmented letter: uint8 array (height, width), dark ink on light paper."""
    ink = change_stroke(render_ink(font, letter), rng)
    # Mostly small angles, as on a page fed a little crooked into a scanner; never past the
    # limit.
    limit = augment.rotation_deg
    angle = float(np.clip(rng.normal(0.0, limit / 2.5), -limit, limit)) if limit > 0 else 0.0
    ink = ink.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=0)
    coverage = place_in_frame(ink, size, rng, augment)
    blur = rng.uniform(0.0, augment.blur_max) * min(size) / IMAGE_SIZE
    if blur > 0.05:
        blurred = Image.fromarray(np.round(coverage * 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(blur)
        )
        coverage = np.asarray(blurred, dtype=np.float64) / 255.0
    paper = rng.uniform(*augment.paper_range)
    ink_level = rng.uniform(*augment.ink_range)
    pixels = paper - (paper - ink_level) * coverage
    noise_std = rng.uniform(0.0, augment.noise_max)
    pixels = pixels + rng.normal(0.0, noise_std, size=pixels.shape)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------- output


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.replace(temp_name, path)
    except BaseException:
        if os.path.exists(temp_name):
            os.remove(temp_name)
        raise


def family_plan(families: list[str], count: int, rng: np.random.Generator) -> list[str]:
    """``count`` family names, as evenly spread as possible, in random order."""
    repeated = [families[i % len(families)] for i in range(count)]
    order = rng.permutation(count)
    return [repeated[i] for i in order]


def make_images(
    split_families: dict[str, list[dict]],
    per_class: int,
    rng: np.random.Generator,
    fonts: FontCache,
    augment: Augment,
) -> dict[str, list[tuple[np.ndarray, str]]]:
    """``{letter: [(image, family name), ...]}`` with ``per_class`` images per letter."""
    names = sorted(split_families)
    result = {}
    for letter in LETTERS:
        images = []
        for family in family_plan(names, per_class, rng):
            files = split_families[family]
            entry = files[rng.integers(0, len(files))]
            font = fonts.get(entry["path"])
            images.append((render_letter(font, letter, rng, augment), family))
        result[letter] = images
    return result


def save_split(images_dir: Path, split: str, images: dict[str, list]) -> list[str]:
    """Save one split's PNGs; return its JSON lines, sorted by path."""
    lines = []
    for label, letter in enumerate(LETTERS):
        for index, (pixels, _family) in enumerate(images[letter]):
            relative = f"{split}/{letter}/{index:05d}.png"
            target = images_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png_bytes(Image.fromarray(pixels, mode="L")))
            lines.append(json.dumps({"path": relative, "label": label}))
    return sorted(lines)


def make_predict_images(
    out: Path, test_families: dict[str, list[dict]], rng: np.random.Generator, fonts: FontCache
) -> None:
    """A handful of varied images for the predict mode, from test-split families."""
    gentle = Augment().scaled(0.3)
    # (file name, (width, height), kind)
    specs = [
        ("predict01.png", (32, 32), "gray"),
        ("predict02.png", (64, 64), "gray"),
        ("predict03.png", (100, 80), "gray"),
        ("predict04.png", (48, 48), "rgb"),
        ("predict05.png", (64, 64), "inverted"),
        ("predict06.png", (128, 128), "gray"),
    ]
    names = sorted(test_families)
    letters = rng.choice(list(LETTERS), size=len(specs), replace=False)
    readme = [
        "# Images for the predict mode",
        "",
        "Letters rendered from typeface families of the test split (never seen in training),",
        "made by `tools/make_letters.py`. They differ on purpose from the 32x32 training images:",
        "",
        "| file | letter | size (w x h) | kind | family |",
        "|---|---|---|---|---|",
    ]
    for number, ((name, size, kind), letter) in enumerate(zip(specs, letters)):
        family = names[number % len(names)]
        files = test_families[family]
        entry = files[rng.integers(0, len(files))]
        pixels = render_letter(fonts.get(entry["path"]), str(letter), rng, gentle, size)
        if kind == "inverted":
            image = Image.fromarray(255 - pixels, mode="L")
            description = "grayscale, inverted: light letter on dark"
        elif kind == "rgb":
            coverage = 1.0 - pixels.astype(np.float64) / 255.0
            paper = np.array([250.0, 240.0, 200.0])  # light yellow
            ink = np.array([20.0, 40.0, 150.0])  # blue
            rgb = paper + (ink - paper) * coverage[..., None]
            image = Image.fromarray(np.clip(np.round(rgb), 0, 255).astype(np.uint8), mode="RGB")
            description = "RGB colour: blue letter on light yellow"
        else:
            image = Image.fromarray(pixels, mode="L")
            description = "grayscale, dark on light"
        write_atomic(out / "new_images" / name, png_bytes(image))
        readme.append(f"| {name} | {letter} | {size[0]} x {size[1]} | {description} | {family} |")
    write_atomic(out / "new_images" / "README.md", ("\n".join(readme) + "\n").encode())


def split_trainval(
    images: dict[str, list], rng: np.random.Generator
) -> tuple[dict[str, list], dict[str, list]]:
    """Take a random tenth of each letter's images as validation, the rest as train."""
    train, validation = {}, {}
    for letter in LETTERS:
        items = images[letter]
        n_val = round(len(items) * VALIDATION_FRACTION)
        order = rng.permutation(len(items))
        validation[letter] = [items[i] for i in sorted(order[:n_val])]
        train[letter] = [items[i] for i in sorted(order[n_val:])]
    return train, validation


def family_counts(images: dict[str, list]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for letter in LETTERS:
        for _pixels, family in images[letter]:
            counts[family] = counts.get(family, 0) + 1
    return dict(sorted(counts.items()))


def generate(out: Path, seed: int, per_class_train: int, per_class_test: int) -> None:
    """Make the whole dataset under ``out`` (see the module docstring)."""
    import PIL
    from PIL import features

    if per_class_train < 2 or per_class_test < 1:
        raise SystemExit(
            f"--per-class-train must be >= 2 and --per-class-test >= 1, "
            f"got {per_class_train} and {per_class_test}"
        )
    roots = font_roots()
    families = resolve_families(roots)
    by_split = {
        kind: {f.name: families[f.name] for f in FAMILIES if f.split == kind}
        for kind in ("trainval", "test")
    }
    fonts = FontCache()
    augment = Augment()
    trainval_rng, test_rng, split_rng, predict_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(4)
    )
    trainval = make_images(by_split["trainval"], per_class_train, trainval_rng, fonts, augment)
    test = make_images(by_split["test"], per_class_test, test_rng, fonts, augment)
    train, validation = split_trainval(trainval, split_rng)
    splits = {"train": train, "validation": validation, "test": test}

    # Build the image tree beside the old one, then swap, so a crash leaves the old one.
    out.mkdir(parents=True, exist_ok=True)
    images_dir = out / "images"
    staging = out / ".images.new"
    shutil.rmtree(staging, ignore_errors=True)
    lines = {split: save_split(staging, split, splits[split]) for split in SPLITS}
    old = out / ".images.old"
    shutil.rmtree(old, ignore_errors=True)
    if images_dir.exists():
        os.replace(images_dir, old)
    os.replace(staging, images_dir)
    shutil.rmtree(old, ignore_errors=True)

    for split in SPLITS:
        write_atomic(out / f"{split}.json", ("\n".join(lines[split]) + "\n").encode())

    def describe(kind: str) -> dict:
        return {
            name: [{"file": e["file"], "package": e["package"]} for e in entries]
            for name, entries in by_split[kind].items()
        }

    manifest = {
        "seed": seed,
        "pillow_version": PIL.__version__,
        "freetype_version": features.version("freetype2"),
        "numpy_version": np.__version__,
        "font_roots": {
            "sys": str(FONT_ROOTS["sys"]),
            "texmf": str(FONT_ROOTS["texmf"]),
            "mpl": "matplotlib.get_data_path()/fonts/ttf",
        },
        "splits": {
            "train": {"families": describe("trainval"), "images": family_counts(train)},
            "validation": {"families": describe("trainval"), "images": family_counts(validation)},
            "test": {"families": describe("test"), "images": family_counts(test)},
        },
        "licences": {
            package: PACKAGE_LICENCES[package]
            for package in sorted({e["package"] for entries in families.values() for e in entries})
        },
    }
    write_atomic(out / "fonts.json", (json.dumps(manifest, indent=1) + "\n").encode())
    make_predict_images(out, by_split["test"], predict_rng, fonts)
    for split in SPLITS:
        print(f"{split}: {len(lines[split])} images")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("data/character_classification"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-class-train", type=int, default=400)
    parser.add_argument("--per-class-test", type=int, default=50)
    args = parser.parse_args(argv)
    generate(args.out, args.seed, args.per_class_train, args.per_class_test)


if __name__ == "__main__":
    main(sys.argv[1:])
