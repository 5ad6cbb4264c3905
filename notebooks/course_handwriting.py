"""Notebook 10: your own handwriting. Why a photo shrunk to 28 x 28 is misread, and the
steps that make it look like MNIST; the student writes two of them, ``crop_to_ink`` and
``centre_of_mass``, and the photo is then read through theirs."""

from course_common import CHECK, CHOOSE, PLOTS, SETUP, check_cell, stub

NOTEBOOKS = {}

NOTEBOOKS["10_your_own_handwriting"] = [
    ("md", """# Step 10: your own handwriting

A network trained on MNIST reads MNIST's digits well. Photograph a digit you wrote, shrink
the photo to 28 x 28 and give it to the same network, and it is usually wrong: the photo is
nothing like the pictures it learned from. This notebook shows why, then makes a photo look
like MNIST one step at a time, the way `python -m mnist_scratch.predict photo.jpg` does
(`mnist_scratch/preprocess.py`, with `paper.py` for the light and `segment.py` for finding
the digits). Your turn: write two of those steps, the crop and the centre
of mass.

Pytest marker: `pytest -m step10`. From the shell:
`python -m mnist_scratch.predict photo.jpg --figure readings.png`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
import math
import random
from mnist_scratch import preprocess, predict
from mnist_scratch.datasets import load_mnist
from mnist_scratch.linalg import argmax
network = predict.load_network()    # the best network that ships with the project
test = load_mnist("test", limit=20)
# Quick mode draws smaller photos, and fewer of them.
SCALE, N_PHOTOS = (4, 5) if QUICK else (6, 20)

def make_photo(x, scale=SCALE, seed=3):
    \"\"\"A photo-like picture of the MNIST image x: grey levels 0..255 (255 = white), the
    digit drawn `scale` times larger in dark ink, off centre, on paper lit unevenly (darker
    to the right and at the bottom), with camera noise.\"\"\"
    rng = random.Random(seed)
    height, width = 38 * scale, 34 * scale
    top, left = 7 * scale, 2 * scale             # where the digit's 28 x 28 frame starts
    def ink(r, c):                               # x at (r, c) of the photo, by bilinear interpolation
        u, v = (r - top) / scale - 0.5, (c - left) / scale - 0.5
        r0, c0 = math.floor(u), math.floor(v)
        total = 0.0
        for rr, wr in ((r0, 1 - (u - r0)), (r0 + 1, u - r0)):
            for cc, wc in ((c0, 1 - (v - c0)), (c0 + 1, v - c0)):
                if 0 <= rr < 28 and 0 <= cc < 28:
                    total += wr * wc * x[rr * 28 + cc]
        return total
    photo = []
    for r in range(height):
        row = []
        for c in range(width):
            paper = 225 - 100 * c / width - 30 * r / height
            grey = paper * (1 - 0.75 * ink(r, c)) + rng.gauss(0, 6)
            row.append(min(255, max(0, round(grey))))
        photo.append(row)
    return photo

def show(grids, titles, photo_like=None):
    \"\"\"Grids side by side: photos as grey levels 0..255, ink as 0 (paper) to 1 (ink).\"\"\"
    fig = visualize.new_figure(2.3 * len(grids), 2.8, layout="constrained")
    for i, (ax, grid, title) in enumerate(zip(fig.subplots(1, len(grids), squeeze=False)[0], grids, titles)):
        if photo_like is not None and i in photo_like:
            ax.imshow(grid, cmap="gray", vmin=0, vmax=255)
        else:
            ax.imshow(grid, cmap=visualize.DIGIT_CMAP, vmin=0, vmax=1)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig

def read(vector):
    \"\"\"The digit the network picks for 784 inputs, and its share of the ten outputs.\"\"\"
    a = network.feedforward(vector)
    return argmax(a), a[argmax(a)] / sum(a)""" + CHOOSE),
    ("md", """## A photo of a digit

To run anywhere, this notebook makes its own photo: the first MNIST test digit (a 7, never
trained on) drawn large in dark ink on paper under uneven light, with noise, as a phone would
see it. To try a photo of your own instead, set `MY_PHOTO` to its path (reading it needs
Pillow, in the `viz` extra); everything below then uses it."""),
    ("code", """MY_PHOTO = None   # e.g. "my_digit.jpg": a photo of ONE digit you wrote
x, label = test[0]
if MY_PHOTO:
    rows = predict.read_picture(MY_PHOTO)    # upright (EXIF), at most 1000 pixels on its long side
    photo = preprocess.grey_from_rgb(rows) if isinstance(rows[0][0], tuple) else rows
else:
    photo = make_photo(x)
print("the photo: %d x %d pixels; the MNIST image: 28 x 28, labelled %d" % (len(photo), len(photo[0]), label))
display(show([photo, [x[r * 28:(r + 1) * 28] for r in range(28)]], ["the photo", "the MNIST image"],
             photo_like={0}))"""),
    ("md", """## The naive way: shrink the whole photo to 28 x 28

Average the photo's pixels in a 28 x 28 grid of blocks and turn dark into ink
(`ink = 1 - grey / 255`), and the network reads... something else, most of the time:"""),
    ("code", """def naive_vector(photo):
    \"\"\"The whole photo averaged into 28 x 28 blocks, inverted: 784 inputs.\"\"\"
    h, w = len(photo), len(photo[0])
    vector = []
    for i in range(28):
        for j in range(28):
            block = [photo[r][c] for r in range(i * h // 28, (i + 1) * h // 28)
                     for c in range(j * w // 28, (j + 1) * w // 28)]
            vector.append(1 - sum(block) / len(block) / 255)
    return vector

naive = naive_vector(photo)
digit, share = read(naive)
print("the naive input is read as %d (%.0f%% of the outputs)" % (digit, 100 * share))
display(show([[naive[r * 28:(r + 1) * 28] for r in range(28)]], ["what the network sees"]))"""),
    ("md", """Compare it with the MNIST image. MNIST's paper is exactly 0, and here it is grey (and
greyer to the right, where the light falls off); MNIST's digits fill a 20 x 20 box centred in
the frame, and this one is small and off centre. The network has never seen anything like
it. The fix is to make the photo the way MNIST's images were made (LeCun, Cortes and Burges):
find the ink, crop it, scale it into a 20 x 20 box keeping its shape, and put its centre of
mass at the centre of a 28 x 28 frame.

## Step by step

**Lighting.** `flatten_lighting` estimates the paper's own brightness everywhere (the 90th
percentile of each cell of a coarse grid, interpolated between the cells) and divides every
pixel by it: the paper becomes white everywhere, shadow or not. **Ink.** `ink_from_grey`
does that (and removes the lines of ruled paper), then picks a threshold between paper and
ink (Otsu's method) and turns each pixel into ink from 0 (paper) to 1."""),
    ("code", """flat = preprocess.flatten_lighting(photo)
ink = preprocess.ink_from_grey(photo)
paper = sum(v == 0.0 for row in ink for v in row) / (len(ink) * len(ink[0]))
print("%.0f%% of the pixels are paper (exactly 0), as in MNIST's images" % (100 * paper))
display(show([photo, flat, ink], ["the photo", "lighting flattened", "the ink"], photo_like={0, 1}))"""),
    ("md", """## Your turn: crop and centre

Two of the steps are yours, for a grid (a list of rows of floats, 0 = paper, 1 = ink); the
cells after them crop and centre the photo's digit with them:

1. `crop_to_ink(grid, threshold)`: the smallest part of the grid holding every pixel greater
   than `threshold`, as a new list of rows (the first and last such rows and columns
   included). Raise `ValueError` if there is none. An off-by-one at either end gets its own
   hint.
2. `centre_of_mass(grid)`: `(row, col)`, each pixel's position weighted by its ink:
   `row = sum(r * grid[r][c]) / sum(grid[r][c])` over all pixels, and the same for `col`.
   Rows count down from 0, columns right from 0. Raise `ValueError` if the grid has no ink
   (the sum is 0). Returning `(col, row)`, or the plain average position of the inked pixels,
   each get a hint."""),
    ("code", stub("crop_to_ink(grid, threshold=0.0)")),
    ("code", check_cell("crop_to_ink")),
    ("code", stub("centre_of_mass(grid)")),
    ("code", check_cell("centre_of_mass")),
    ("md", """**Crop.** Your `crop_to_ink` cuts the ink down to the digit. **Scale.** `scale_into_box`
scales the crop so that its longer side is 20 pixels, averaging areas so that thin strokes
become grey instead of vanishing. **Centre.** `frame` puts it into a 28 x 28 frame of paper,
moved so that its centre of mass, by your `centre_of_mass`, falls on the centre (14, 14), as
in MNIST (to the nearest whole pixel)."""),
    ("code", """def library_crop_to_ink(grid, threshold=0.0):
    \"\"\"The library's crop: the box of the largest piece of ink (find_digits drops specks).\"\"\"
    return preprocess.crop(grid, preprocess.find_digits(grid)[0])

crop_step = yours_or_library(crop_to_ink, library_crop_to_ink)
centre_step = yours_or_library(centre_of_mass, preprocess.centre_of_mass)

def frame(boxed, centre_of_mass, size=28):
    \"\"\"boxed in a size x size frame of paper, its centre of mass as near the centre as fits.\"\"\"
    row, col = centre_of_mass(boxed)
    top = min(max(round(size / 2 - row), 0), size - len(boxed))
    left = min(max(round(size / 2 - col), 0), size - len(boxed[0]))
    framed = [[0.0] * size for _ in range(size)]
    for r, line in enumerate(boxed):
        framed[top + r][left:left + len(line)] = line
    return framed

cropped = crop_step(ink, 0.0)
boxed = preprocess.scale_into_box(cropped)
framed = frame(boxed, centre_step)
print("crop %d x %d - scaled %d x %d - centre of mass in the frame (%.1f, %.1f)"
      % ((len(cropped), len(cropped[0]), len(boxed), len(boxed[0])) + preprocess.centre_of_mass(framed)))
digit, share = read(preprocess.to_vector(framed))
print("now the network reads %d (%.0f%% of the outputs)" % (digit, 100 * share))
display(show([cropped, boxed, framed], ["cropped", "scaled into a 20 x 20 box", "centred in 28 x 28"]))"""),
    ("md", """`preprocess.prepare(photo)` runs all the steps for every digit in a picture: it finds the
digits first (`find_digits`: connected pieces of ink, left to right, specks left out), and
thickens strokes thinner than MNIST's, which a ballpoint pen makes. On a set of such photos,
the naive way, the steps above (with your crop and centre) and `prepare`:"""),
    ("code", """def read_photo(photo):
    \"\"\"The digit the network reads in a photo of one digit, through the steps above.\"\"\"
    ink = preprocess.ink_from_grey(photo)
    return read(preprocess.to_vector(frame(preprocess.scale_into_box(crop_step(ink, 0.0)), centre_step)))[0]

naive_right = steps_right = prepare_right = 0
for x_k, label_k in test[:N_PHOTOS]:
    photo_k = make_photo(x_k)
    naive_right += read(naive_vector(photo_k))[0] == label_k
    steps_right += read_photo(photo_k) == label_k
    found = preprocess.prepare(photo_k)
    prepare_right += len(found) == 1 and read(found[0][1])[0] == label_k
print("%d photos of MNIST test digits read right: %d the naive way, %d by the steps above, %d by prepare"
      % (N_PHOTOS, naive_right, steps_right, prepare_right))"""),
    ("md", """Your crop keeps every pixel of ink, so a speck of noise far from the digit would make it
larger; `prepare` drops such specks first. Now photograph a digit of your own (dark pen,
plain paper, the digit filling a good part of the picture) and read it: set `MY_PHOTO` above,
or from the shell

    python -m mnist_scratch.predict my_digit.jpg --figure readings.png

which also reads numbers of several digits and draws what the network saw."""),
]
