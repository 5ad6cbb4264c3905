"""Animated GIFs of weight images changing while a network learns.

    render_weight_frames   draws each frame (a grid of weight tiles, a caption
                           and a colour bar) as an RGB picture
    write_gif              writes RGB pictures as a GIF with one fixed palette
    write_weight_gifs      one GIF per tile (per digit) and one of all tiles

Every frame of every GIF has the same layout and the same colour scale, so
nothing flickers but the weights. Sizes are for a projector: at the default
``dpi`` (200) the grid GIF of ten digits is about 1,500 pixels wide and its
text about 30 pixels high; ``dpi`` scales everything.

A GIF file stays small because the weights change little from one frame to
the next: every pixel that did not change is stored as "transparent, keep
what was there", which compresses to almost nothing.
"""

import io
import os
import textwrap

import matplotlib
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.patches import Polygon
from PIL import Image

from . import analysis
from .fileio import atomic_write_bytes, check_writable, ensure_folder
from .visualize_figures import WEIGHT_CMAP, new_figure, to_image

__all__ = ["CAPTION_SEPARATOR", "MAX_GIF_SECONDS", "MAX_GIF_LOOP", "DEFAULT_GIF_DPI",
           "MIN_GIF_DPI", "MAX_GIF_DPI", "gif_layout", "render_weight_frames", "gif_palette",
           "nearest_colors", "check_gif_timing", "write_gif", "write_weight_gifs"]

CAPTION_SEPARATOR = "  |  "  # between the parts of a frame's caption
MAX_GIF_SECONDS = 655.35   # a frame's delay: 16 bits of hundredths of a second
MAX_GIF_LOOP = 65536       # plays: the NETSCAPE extension stores repeats in 16 bits
DEFAULT_GIF_DPI = 200      # pixels per inch
MIN_GIF_DPI, MAX_GIF_DPI = 30, 400

FONT = 11                  # points: tile titles, colour bar
CAPTION_FONT = 12          # points: the caption over the tiles
# Where the pixels go, in inches (at 200 dpi an inch is 200 pixels).
GRID_TILE = 1.12           # a tile of the grid GIF: 224 pixels, 8 per weight, at 200 dpi
SINGLE_TILE = 1.4          # the tile of a one-digit GIF: 280 pixels, 10 per weight, at 200 dpi
GAP = 0.1                  # between two tiles
TITLE = 0.3                # the title over a tile
BAR = 1.3                  # the colour bar, its ticks and its label, right of the tiles
MARGIN = 0.1
SINGLE_WRAP = 22           # characters per caption line of a one-digit GIF


def gif_layout(tiles, columns, tile_inches, caption_lines=1, dpi=DEFAULT_GIF_DPI):
    """The size of a GIF frame: (width, height) in inches and in pixels, and its grid.

    Returns:
        dict with "inches" (width, height), "pixels" (width, height),
        "rows", "columns", "top" (inches above the tiles, for the caption).
    """
    rows = (tiles + columns - 1) // columns
    columns = min(columns, tiles)
    top = MARGIN + 0.25 * caption_lines * CAPTION_FONT / 12 + 0.1
    width = MARGIN + columns * tile_inches + (columns - 1) * GAP + BAR
    under = 0.3                # "votes against", under the last row
    height = top + rows * (TITLE + tile_inches) + (rows - 1) * GAP + under + MARGIN
    return {"inches": (width, height), "rows": rows, "columns": columns, "top": top,
            "pixels": (int(round(width * dpi)), int(round(height * dpi)))}


def render_weight_frames(frames, captions, titles, limit, columns=5, tile_inches=GRID_TILE,
                         dpi=DEFAULT_GIF_DPI, colorbar_label="weight"):
    """Draw a sequence of weight-image grids as RGB pictures, one per frame.

    One figure is built once; each frame only swaps the image data, the
    caption and the colour bar's arrows, so every frame has the same layout
    and the same colour scale [-limit, limit] (nothing flickers but the
    weights themselves). An arrow at an end of the colour bar shows only on
    the frames where some weight lies beyond that end (and is drawn in the
    end colour).

    Args:
        frames: list of frames; each frame a list of tiles, each tile 784
            numbers (one neuron's weights), the same number of tiles per frame.
        captions: one caption per frame (e.g. examples seen, accuracy); may
            have several lines.
        titles: one title per tile (e.g. the digit).
        limit: the colour scale is [-limit, limit] on every frame.
        columns: tiles per row.
        tile_inches: the side of a tile, in inches.
        dpi: pixels per inch.
        colorbar_label: what the colours measure.

    Returns:
        an iterator of numpy uint8 arrays of shape (height, width, 3), one per
        frame, each drawn when it is asked for (so only one frame's RGB pixels
        are in memory at a time).

    Raises:
        ValueError: no frames, or frames and captions that do not match.
    """
    if not frames:
        raise ValueError("no frames to render")
    if len(captions) != len(frames):
        raise ValueError("%d frames but %d captions" % (len(frames), len(captions)))
    tiles = len(frames[0])
    for frame in frames:
        if len(frame) != tiles:
            raise ValueError("every frame needs %d tiles, got %d" % (tiles, len(frame)))
    lines = max(caption.count("\n") + 1 for caption in captions)
    layout = gif_layout(tiles, columns, tile_inches, lines, dpi)
    width, height = layout["inches"]
    columns, top = layout["columns"], layout["top"]
    fig = new_figure(width, height)
    fig.set_dpi(dpi)
    norm = Normalize(vmin=-limit, vmax=limit)
    images = []
    for j in range(tiles):
        r, c = divmod(j, columns)
        left = MARGIN + c * (tile_inches + GAP)
        tile_top = top + r * (TITLE + tile_inches + GAP) + TITLE
        ax = fig.add_axes((left / width, 1 - (tile_top + tile_inches) / height,
                           tile_inches / width, tile_inches / height))
        images.append(ax.imshow(to_image(frames[0][j]), cmap=WEIGHT_CMAP, norm=norm,
                                interpolation="nearest"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(titles[j], fontsize=FONT, pad=3)
    arrows = _colour_bar(fig, images[0], layout, tile_inches, colorbar_label)
    caption = fig.text(0.5, 1 - (top - 0.08) / height, "", ha="center", va="bottom",
                       fontsize=CAPTION_FONT, linespacing=1.2)

    def draw():
        for frame, text in zip(frames, captions):
            for shown, tile in zip(images, frame):
                shown.set_data(to_image(tile))
            values = np.asarray(frame, dtype=float)
            arrows[0].set_visible(bool((values > limit).any()))
            arrows[1].set_visible(bool((values < -limit).any()))
            caption.set_text(text)
            fig.canvas.draw()
            yield np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()

    return draw()


def _colour_bar(fig, mappable, layout, tile_inches, label):
    """The colour bar right of the tiles, labelled, with an arrow over and under it.

    "votes for" (red) is written level with the first row's titles, "votes
    against" (blue) under the last row; the bar and its arrows fill the height
    of the tiles between them.

    Returns:
        (upper, lower): the two arrows, to show on frames whose weights lie beyond the scale.
    """
    width, height = layout["inches"]
    rows = layout["rows"]
    grid_top = layout["top"] + TITLE
    grid_bottom = layout["top"] + rows * (TITLE + tile_inches) + (rows - 1) * GAP
    arrow = 0.16                            # inches, the height of an arrow
    bar_top, bar_bottom = grid_top + arrow, grid_bottom - arrow
    left = width - BAR + 0.3
    bar_width = 0.18
    cax = fig.add_axes((left / width, 1 - bar_bottom / height, bar_width / width,
                        (bar_bottom - bar_top) / height))
    bar = fig.colorbar(mappable, cax=cax)
    bar.ax.tick_params(labelsize=FONT - 1)
    bar.set_label(label, fontsize=FONT)
    cmap = matplotlib.colormaps[WEIGHT_CMAP]
    centre = (left + bar_width / 2) / width
    arrows = []
    for end, tip, colour in ((bar_top, grid_top, cmap(1.0)), (bar_bottom, grid_bottom, cmap(0.0))):
        corners = [(left / width, 1 - end / height), ((left + bar_width) / width, 1 - end / height),
                   (centre, 1 - tip / height)]
        arrows.append(fig.add_artist(Polygon(corners, closed=True, transform=fig.transFigure,
                                             facecolor=colour, edgecolor="none")))
    words = (width - BAR / 2 - 0.05) / width   # the middle of the bar and its ticks
    fig.text(words, 1 - (grid_top - 0.04) / height, "votes for", ha="center", va="bottom",
             fontsize=FONT, color=cmap(0.92))
    fig.text(words, 1 - (grid_bottom + 0.04) / height, "votes against", ha="center", va="top",
             fontsize=FONT, color=cmap(0.08))
    return arrows


def gif_palette(cmap=WEIGHT_CMAP, colors=64, greys=32):
    """One fixed GIF palette for weight pictures: the colour map plus a grey ramp.

    A GIF has at most 256 colours per frame. ``colors`` evenly spaced colours
    of ``cmap`` cover the weight tiles and the colour bar; ``greys`` shades
    from black to white cover the text, the frames and the white background.

    Returns:
        numpy uint8 array of shape (colors + greys, 3).
    """
    ramp = matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, colors))[:, :3]
    grey = np.repeat(np.linspace(0.0, 1.0, greys)[:, None], 3, axis=1)
    return np.round(np.concatenate([ramp, grey]) * 255).astype(np.uint8)


def nearest_colors(picture, palette):
    """For each pixel of an RGB picture, the index of the nearest palette colour.

    Exact (Euclidean distance in RGB), so a colour that is in the palette
    always maps to itself. Works on the picture's distinct colours only,
    which are few (a few hundred), not on every pixel.

    Args:
        picture: uint8 array (height, width, 3).
        palette: uint8 array (n, 3), n <= 256.

    Returns:
        uint8 array (height, width) of palette indices.
    """
    pixels = np.asarray(picture, dtype=np.int64).reshape(-1, 3)
    packed = (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]
    distinct, where = np.unique(packed, return_inverse=True)
    rgb = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=1)
    distances = ((rgb[:, None, :] - palette[None, :, :].astype(np.int64)) ** 2).sum(axis=2)
    nearest = distances.argmin(axis=1).astype(np.uint8)
    return nearest[where.reshape(-1)].reshape(picture.shape[:2])


def check_gif_timing(duration=0.1, loop=0, last_duration=None):
    """Refuse what a GIF cannot store: a frame's delay is 16 bits of hundredths of a
    second, the number of plays 16 bits.

    Raises:
        ValueError: naming the value and the range.
    """
    if not 0 <= loop <= MAX_GIF_LOOP:
        raise ValueError("loop must be 0 (forever) to %d, got %r" % (MAX_GIF_LOOP, loop))
    for name, seconds in (("duration", duration), ("last_duration", last_duration)):
        if seconds is not None and not 0 < seconds <= MAX_GIF_SECONDS:
            raise ValueError("%s must be more than 0 and at most %g seconds (the longest delay "
                             "a GIF can store), got %r" % (name, MAX_GIF_SECONDS, seconds))


def write_gif(path, pictures, duration=0.1, loop=0, last_duration=None, palette=None):
    """Write RGB pictures as an animated GIF, atomically, with ONE palette for all frames.

    Choosing a GIF's (at most 256) colours frame by frame would give the same
    weight slightly different colours in different frames, which flickers.
    So every frame is mapped, without dithering, onto one palette: ``palette``
    if given (see ``gif_palette``), else one chosen from the first, middle and
    last pictures together.

    Args:
        path: the .gif file to write.
        pictures: uint8 arrays (height, width, 3), all the same shape: a list,
            or with a ``palette`` any iterable (each is turned into one byte per
            pixel as soon as it comes).
        duration: seconds each frame is shown.
        loop: how often to play: 0 = forever, 1 = once, n = n times.
        last_duration: seconds the last frame is shown (default: ``duration``).
        palette: optional uint8 array (n, 3) of at most 255 colours.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
        ValueError: no pictures, or a duration or loop count a GIF cannot store.
    """
    check_writable(path, "GIF file")
    check_gif_timing(duration, loop, last_duration)
    if palette is None:
        pictures = list(pictures)
        if not pictures:
            raise ValueError("no frames to write")
        samples = np.concatenate([pictures[0], pictures[len(pictures) // 2], pictures[-1]])
        chosen = Image.fromarray(samples).quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        palette = np.asarray(chosen.getpalette()[:3 * 255], dtype=np.uint8).reshape(-1, 3)
    palette = np.asarray(palette, dtype=np.uint8)
    if not 1 <= len(palette) <= 255:
        raise ValueError("a GIF palette here has 1 to 255 colours (one more index means "
                         "'unchanged'), got %d" % len(palette))
    # The palette padded to 256 entries with a colour no frame uses (magenta); the
    # last index means "unchanged" (transparent).
    unchanged = 255
    padded = np.concatenate([palette, np.tile([[255, 0, 255]], (256 - len(palette), 1))])
    padded = padded.astype(np.uint8)
    frames = []
    previous = None
    for picture in pictures:
        indices = nearest_colors(picture, palette)
        if previous is None:
            stored = indices
        else:
            # A pixel that did not change is written as "transparent": the
            # viewer keeps the previous frame's pixel (disposal 1 below), and
            # long runs of one index compress to almost nothing.
            stored = np.where(indices == previous, unchanged, indices).astype(np.uint8)
        previous = indices
        frame = Image.frombytes("P", (stored.shape[1], stored.shape[0]), stored.tobytes())
        frame.putpalette(padded.tobytes())
        frames.append(frame)
    if not frames:
        raise ValueError("no frames to write")
    ms = max(int(round(duration * 1000)), 10)
    durations = [ms] * len(frames)
    if last_duration is not None:
        durations[-1] = max(int(round(last_duration * 1000)), 10)
    options = {"duration": durations if len(durations) > 1 else durations[0],
               "optimize": False, "disposal": 1}
    if len(frames) > 1:
        options["transparency"] = unchanged
    if loop == 0:
        options["loop"] = 0          # the NETSCAPE extension: repeat forever
    elif loop > 1:
        options["loop"] = loop - 1   # repeats after the first play
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], **options)
    atomic_write_bytes(path, buffer.getvalue())


def write_weight_gifs(out_dir, frames, captions, titles, duration=0.1, loop=0,
                      last_duration=None, prefix="digit", limit=None, on_frame=None,
                      dpi=DEFAULT_GIF_DPI, colorbar_label="weight"):
    """One GIF per tile (e.g. per digit) and one grid GIF of all tiles together.

    Args:
        out_dir: the folder to write into (created if missing).
        frames: list of frames; each a list of tiles of 784 weights (see
            ``render_weight_frames``).
        captions: one caption per frame; its parts, separated by
            CAPTION_SEPARATOR, go on lines of their own in the one-tile GIFs.
        titles: one title per tile; tile j is written to "<prefix>-<j>.gif".
        duration, loop, last_duration: see ``write_gif``.
        limit: the colour scale [-limit, limit] of every frame of every GIF;
            default ``analysis.symmetric_limit`` of the frames (the 99.5th
            percentile of |weight| over all tiles of a frame, the largest over
            the frames; the few larger weights get the end colours, and the
            colour bar's arrows say so on the frames that have them).
        on_frame: optional callback ``on_frame(done, total)`` as frames are drawn.
        dpi: pixels per inch.
        colorbar_label: what the colours measure.

    Returns:
        dict with "paths" (the tile GIFs in order, then the grid GIF "<prefix>s.gif"),
        "limits" (the (vmin, vmax) used for every frame) and "frames" (the count).

    Raises:
        ValueError: an empty ``out_dir``; NotADirectoryError: it is a file.
    """
    out_dir = ensure_folder(out_dir)
    if limit is None:
        limit = analysis.symmetric_limit(frames)
    palette = gif_palette()
    tiles = len(frames[0])
    total = len(frames) * (tiles + 1)
    done = [0]

    def counted(pictures):
        for picture in pictures:
            yield picture
            done[0] += 1
            if on_frame is not None:
                on_frame(done[0], total)

    paths = []
    # A single tile is narrow: its caption's parts go on lines of their own.
    one_per_line = ["\n".join(textwrap.fill(part, SINGLE_WRAP)
                              for part in caption.split(CAPTION_SEPARATOR))
                    for caption in captions]
    for j in range(tiles):
        pictures = render_weight_frames([[frame[j]] for frame in frames], one_per_line,
                                        [titles[j]], limit, columns=1, tile_inches=SINGLE_TILE,
                                        dpi=dpi, colorbar_label=colorbar_label)
        path = os.path.join(out_dir, "%s-%s.gif" % (prefix, j))
        write_gif(path, counted(pictures), duration, loop, last_duration, palette)
        paths.append(path)
    pictures = render_weight_frames(frames, captions, titles, limit, columns=5,
                                    tile_inches=GRID_TILE, dpi=dpi, colorbar_label=colorbar_label)
    grid = os.path.join(out_dir, "%ss.gif" % prefix)
    write_gif(grid, counted(pictures), duration, loop, last_duration, palette)
    paths.append(grid)
    return {"paths": paths, "limits": (-limit, limit), "frames": len(frames)}
