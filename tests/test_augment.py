"""Tests for augment.py: shifted copies and random distortions of digits.

Small hand-made images with known answers (a lit pixel moved, a pattern
turned a quarter turn, a blob's centre of mass), a slow but obvious reference
for the sampling, and real MNIST: the shipped [784, 30, 10] network, which
never saw a distorted digit, still reads most distorted test digits right.
"""

import math
import os
import random

import pytest

from conftest import NETWORKS_DIR
from mnist_scratch.augment import (CENTRE, IDENTITY, SIDE, Distorter, ElasticGrid, affine_matrix,
                                   distort, elastic_field, shift_image, shifted_copies,
                                   shifted_copies_bytes, warp)
from mnist_scratch.datasets import load_mnist, pixel_table
from mnist_scratch.network import Network

LEVELS = set(pixel_table)


def image_with(pixels):
    """A blank 28 x 28 image with the given {(row, col): value} lit."""
    x = [0.0] * (SIDE * SIDE)
    for (r, c), value in pixels.items():
        x[r * SIDE + c] = value
    return x


def lit(x):
    """{(row, col): value} of the nonzero pixels of x."""
    return {(i // SIDE, i % SIDE): v for i, v in enumerate(x) if v}


def random_image(rng, ink=0.3):
    """A random image on MNIST's grey levels, about ``ink`` of it inked, away from the edges."""
    x = [0.0] * (SIDE * SIDE)
    for r in range(4, 24):
        for c in range(4, 24):
            if rng.random() < ink:
                x[r * SIDE + c] = pixel_table[rng.randrange(1, 256)]
    return x


def centre_of_mass(x):
    """(col, row) of the ink's centre of mass."""
    total = sum(x)
    return (sum(v * (i % SIDE) for i, v in enumerate(x)) / total,
            sum(v * (i // SIDE) for i, v in enumerate(x)) / total)


def reference_warp(x, matrix, shift, field=None):
    """warp written the obvious way: every output pixel, bounds checked pixel by pixel."""
    (a, b), (c, d) = matrix
    det = a * d - b * c
    inverse = ((d / det, -b / det), (-c / det, a / det))

    def pixel(row, col):
        inside = 0 <= row < SIDE and 0 <= col < SIDE
        return x[row * SIDE + col] if inside else 0.0

    out = []
    for r in range(SIDE):
        for col in range(SIDE):
            u, v = col - CENTRE - shift[0], r - CENTRE - shift[1]
            sx = inverse[0][0] * u + inverse[0][1] * v + CENTRE
            sy = inverse[1][0] * u + inverse[1][1] * v + CENTRE
            if field:
                sx, sy = sx + field[0][r * SIDE + col], sy + field[1][r * SIDE + col]
            i, j = math.floor(sy), math.floor(sx)
            fy, fx = sy - i, sx - j
            value = ((1 - fy) * ((1 - fx) * pixel(i, j) + fx * pixel(i, j + 1))
                     + fy * ((1 - fx) * pixel(i + 1, j) + fx * pixel(i + 1, j + 1)))
            out.append(round(value * 255) / 255)
    return out


@pytest.fixture(scope="module")
def digits():
    """The first 500 real MNIST test examples."""
    return load_mnist("test", limit=500)


# ------------------------------------------------------------ shifted copies

def test_a_lit_pixel_moves_one_pixel_each_way():
    x = image_with({(10, 20): 0.5})
    assert lit(shift_image(x, -1, 0)) == {(9, 20): 0.5}   # up
    assert lit(shift_image(x, 1, 0)) == {(11, 20): 0.5}   # down
    assert lit(shift_image(x, 0, -1)) == {(10, 19): 0.5}  # left
    assert lit(shift_image(x, 0, 1)) == {(10, 21): 0.5}   # right
    assert lit(shift_image(x, 3, -7)) == {(13, 13): 0.5}
    assert shift_image(x, 0, 0) == x and shift_image(x, 0, 0) is not x


def test_ink_pushed_over_an_edge_is_lost_and_paper_comes_in():
    corners = image_with({(0, 0): 1.0, (0, 27): 0.25, (27, 0): 0.5, (27, 27): 0.75})
    assert lit(shift_image(corners, 1, 0)) == {(1, 0): 1.0, (1, 27): 0.25}
    assert lit(shift_image(corners, 0, -1)) == {(0, 26): 0.25, (27, 26): 0.75}
    assert lit(shift_image(corners, -27, 27)) == {(0, 27): 0.5}
    full = [1.0] * 784
    moved = shift_image(full, 2, -3)
    assert sum(moved) == (28 - 2) * (28 - 3)
    assert lit(moved) == {(r, c): 1.0 for r in range(2, 28) for c in range(0, 25)}


def test_shift_image_refuses_bad_images_and_shifts():
    with pytest.raises(ValueError, match="784"):
        shift_image([0.0] * 783, 1, 0)
    with pytest.raises(ValueError, match="out of its frame"):
        shift_image([0.0] * 784, 28, 0)


def test_shifted_copies_order_and_labels():
    first, second = image_with({(5, 5): 1.0}), image_with({(20, 9): 0.5})
    expanded = shifted_copies([(first, 3), (second, 8)])
    assert len(expanded) == 10
    assert [label for _, label in expanded] == [3] * 5 + [8] * 5
    assert expanded[0][0] is first and expanded[5][0] is second  # the originals, not copies
    assert [lit(x) for x, _ in expanded[:5]] == [
        {(5, 5): 1.0}, {(4, 5): 1.0}, {(6, 5): 1.0}, {(5, 4): 1.0}, {(5, 6): 1.0}]
    assert lit(shifted_copies([(second, 8)], pixels=2)[4][0]) == {(20, 11): 0.5}


def test_shifted_copies_refuse_a_bad_number_of_pixels():
    for pixels in (0, -1, 28, 1.5, True, "1"):
        with pytest.raises(ValueError, match="pixels"):
            shifted_copies([([0.0] * 784, 0)], pixels=pixels)


def test_shifted_copies_of_real_digits_share_the_float_objects(digits):
    examples = digits[:100]
    expanded = shifted_copies(examples)
    assert len(expanded) == 5 * len(examples)
    # Every pixel of every copy is one of the 256 shared grey levels: no new floats.
    table_ids = {id(v) for v in pixel_table}
    assert {id(v) for x, _ in expanded for v in x} <= table_ids
    # A one-pixel shift keeps all the ink of nearly every MNIST digit (each fits
    # a 20 x 20 box, centred by its mass in the 28 x 28 frame).
    assert all(len(x) == 784 for x, _ in expanded)
    kept = [sum(expanded[5 * i + k][0]) == pytest.approx(sum(x))
            for i, (x, _) in enumerate(examples) for k in range(1, 5)]
    assert sum(kept) >= 0.95 * len(kept)
    assert shifted_copies_bytes(50000) == pytest.approx(1.28e9, rel=0.05)


# ------------------------------------------------------------ affine maps and warp

def test_affine_matrix():
    assert affine_matrix() == IDENTITY
    (a, b), (c, d) = affine_matrix(rotation=30, scale=(1.2, 0.7), shear=0.3)
    assert a * d - b * c == pytest.approx(1.2 * 0.7)  # rotation and shear keep areas
    (a, b), (c, d) = affine_matrix(rotation=90)
    # A point to the right of the centre goes up (counterclockwise on screen, y down).
    assert (a, c) == (pytest.approx(0), pytest.approx(-1))
    assert affine_matrix(shear=0.5) == ((1.0, 0.5), (0.0, 1.0))


def test_the_identity_returns_the_same_image(rng):
    x = random_image(rng)
    assert warp(x) == x
    assert warp(x, affine_matrix(rotation=0, scale=(1, 1), shear=0), (0, 0)) == x
    assert warp(x, IDENTITY, (0.0, 0.0), ([0.0] * 784, [0.0] * 784)) == x
    assert Distorter(rotation=0, scale=0, shear=0, shift=0)(x, rng) == x


def test_a_quarter_turn_moves_every_pixel_where_it_should(rng):
    x = random_image(rng)
    turned = warp(x, affine_matrix(rotation=90))
    # Counterclockwise: the pixel at (row r, col c) goes to (row 27 - c, col r).
    expected = [0.0] * 784
    for i, v in enumerate(x):
        r, c = divmod(i, SIDE)
        expected[(27 - c) * SIDE + r] = v
    assert turned == expected
    four_turns = x
    for _ in range(4):
        four_turns = warp(four_turns, affine_matrix(rotation=90))
    assert four_turns == x
    # A bar right of the centre ends up above it.
    bar = image_with({(14, c): 1.0 for c in range(16, 24)})
    assert set(lit(warp(bar, affine_matrix(rotation=90)))) == {(r, 14) for r in range(4, 12)}


def test_a_whole_pixel_shift_matches_shift_image(rng):
    x = random_image(rng)
    assert warp(x, shift=(3, -2)) == shift_image(x, -2, 3)


def test_the_centre_of_mass_moves_by_the_shift():
    blob = image_with({(r, c): 1.0 for r in range(11, 16) for c in range(12, 17)})
    before = centre_of_mass(blob)
    for shift in ((2.5, -1.25), (-0.3, 0.8), (1.0, 0.0)):
        after = centre_of_mass(warp(blob, shift=shift))
        assert after[0] - before[0] == pytest.approx(shift[0], abs=0.02)
        assert after[1] - before[1] == pytest.approx(shift[1], abs=0.02)
    # Bilinear sampling neither makes nor loses ink on a fractional shift (up to rounding).
    assert sum(warp(blob, shift=(0.4, 0.7))) == pytest.approx(sum(blob), abs=0.1)


def test_scaling_spreads_the_ink_around_the_centre():
    blob = image_with({(r, c): 1.0 for r in range(11, 17) for c in range(11, 17)})
    wider = lit(warp(blob, affine_matrix(scale=(2.0, 1.0))))
    # Columns 11..16 (offsets -2.5..2.5 from the centre 13.5) become offsets
    # -5..5: full ink where the source is inside the blob (columns 9..18), a
    # blend of ink and paper in the two columns either side.
    assert {c for (_, c), v in wider.items() if v == 1.0} == set(range(9, 19))
    assert {c for _, c in wider} == set(range(7, 21))
    assert {r for r, _ in wider} == set(range(11, 17))
    assert wider[(12, 7)] == wider[(12, 20)] == pixel_table[64]  # a quarter of the ink
    assert centre_of_mass(warp(blob, affine_matrix(scale=(2.0, 1.0)))) == pytest.approx(
        centre_of_mass(blob), abs=1e-9)


def test_warp_matches_the_obvious_reference(digits):
    rng = random.Random(5)
    for x, _ in digits[:12]:
        matrix = affine_matrix(rng.uniform(-40, 40), (rng.uniform(0.7, 1.3), rng.uniform(0.7, 1.3)),
                               rng.uniform(-0.4, 0.4))
        shift = (rng.uniform(-3, 3), rng.uniform(-3, 3))
        field = elastic_field(rng, 34.0, 4.0)
        assert warp(x, matrix, shift) == reference_warp(x, matrix, shift)
        assert warp(x, matrix, shift, field) == reference_warp(x, matrix, shift, field)


def test_warp_refuses_bad_input():
    with pytest.raises(ValueError, match="784"):
        warp([0.0] * 10)
    with pytest.raises(ValueError, match=r"in \[0, 1\], found 0.0 to 255"):
        warp([0.0] * 783 + [255.0])
    with pytest.raises(ValueError, match="cannot be inverted"):
        warp([0.0] * 784, ((1.0, 2.0), (2.0, 4.0)))
    assert warp([0.0] * 784, affine_matrix(rotation=33)) == [0.0] * 784


# ------------------------------------------------------------ elastic fields

def test_elastic_fields_are_smooth_random_and_repeatable():
    dx, dy = elastic_field(random.Random(1), 34.0, 4.0)
    assert len(dx) == len(dy) == 784
    assert (dx, dy) == elastic_field(random.Random(1), 34.0, 4.0)
    assert dx != elastic_field(random.Random(2), 34.0, 4.0)[0]
    assert dx != dy
    spread = math.sqrt(sum(v * v for v in dx + dy) / 1568)
    assert 0.5 < spread < 3.0  # about 1.4 pixels for alpha 34, sigma 4
    # Smooth: next-door pixels are displaced almost alike (unsmoothed noise
    # would differ by about 1.1 times the spread on average).
    steps = [abs(dx[i + 1] - dx[i]) for i in range(783) if (i + 1) % SIDE]
    assert max(steps) < 1.0 and sum(steps) / len(steps) < 0.3 * spread
    assert elastic_field(random.Random(1), 0.0, 4.0) == ([0.0] * 784, [0.0] * 784)


def coarse_variance(grid, position):
    """Var of a field of ``grid`` at pixel ``position`` along one axis, for unit node noise:
    the squared weights each noise node has there (the smoothing, then interpolation)."""
    node, w = grid.lerp[position]
    weights = [0.0] * grid.noise_side
    for m, share in ((node, 1 - w), (node + 1, w)):
        for t, k in enumerate(grid.kernel):
            weights[m + t] += share * k
    return sum(v * v for v in weights)


def test_the_coarse_grid_gives_the_field_simards_strength():
    # A field is linear in its noise; per axis the variance at a pixel is
    # Var(noise node) times the sum of squared weights, and 2-D is the
    # product of the two axes. Node noise is uniform in [-1/step, 1/step].
    exact, coarse = ElasticGrid(4.0, step=1.0), ElasticGrid(4.0)
    assert exact.nodes == 28 and coarse.nodes < 15

    def variance(grid, row, col):  # uniform in [-h, h] has variance h^2 / 3
        return coarse_variance(grid, row) * coarse_variance(grid, col) / (3 * grid.step ** 2)

    ratios = [variance(coarse, r, c) / variance(exact, r, c) for r in range(28) for c in range(28)]
    assert 0.8 < min(ratios) and max(ratios) < 1.2, (min(ratios), max(ratios))


# ------------------------------------------------------------ random distortions

def test_distortions_are_repeatable_and_leave_the_input_alone(rng):
    x = random_image(rng)
    original = list(x)
    for distorter in (Distorter(), Distorter(elastic_alpha=34)):
        first = distorter(x, random.Random(11))
        assert first == distorter(x, random.Random(11))
        assert first != distorter(x, random.Random(12))
        assert first != x
        assert x == original
    assert distort(x, random.Random(3), rotation=20) == Distorter(rotation=20)(x, random.Random(3))


def test_distorted_pixels_stay_in_0_1_on_the_256_levels(rng):
    solid = [1.0] * 784  # all ink: interpolation between ones must not exceed 1
    images = [solid, random_image(rng, ink=0.9)]
    distorter = Distorter(rotation=30, scale=0.3, shear=0.5, shift=3, elastic_alpha=50)
    for x in images:
        for _ in range(20):
            out = distorter(x, rng)
            assert len(out) == 784 and set(out) <= LEVELS
            assert min(out) >= 0.0 and max(out) <= 1.0


def test_distorter_checks_its_limits():
    for bad in ({"rotation": -1}, {"rotation": "10"}, {"scale": 1.5}, {"shear": -0.1},
                {"shift": 40}, {"elastic_alpha": -3}, {"elastic_sigma": 0}, {"shift": True},
                {"scale": float("nan")}):
        name = next(iter(bad))
        with pytest.raises(ValueError, match=name):
            Distorter(**bad)
    d = Distorter(rotation=12, elastic_alpha=34)
    assert d.settings()["rotation"] == 12 and d.settings()["elastic_alpha"] == 34
    assert repr(d).startswith("Distorter(rotation=12, scale=0.1,")


def test_the_shift_limit_bounds_the_centre_of_mass():
    blob = image_with({(r, c): 1.0 for r in range(11, 16) for c in range(12, 17)})
    before = centre_of_mass(blob)
    distorter = Distorter(rotation=0, scale=0, shear=0, shift=2)
    rng = random.Random(4)
    moves = []
    for _ in range(50):
        after = centre_of_mass(distorter(blob, rng))
        moves.append((after[0] - before[0], after[1] - before[1]))
    assert all(abs(mx) <= 2.02 and abs(my) <= 2.02 for mx, my in moves)
    assert max(abs(mx) for mx, _ in moves) > 1.5 and max(abs(my) for _, my in moves) > 1.5


def shipped_network():
    path = os.path.join(NETWORKS_DIR, "mnist-784-30-10.json")
    assert os.path.isfile(path), "the pretrained network %s is missing" % path
    return Network.load(path)


def accuracy(network, examples):
    return sum(network.predict(x) == label for x, label in examples) / len(examples)


def test_the_shipped_network_still_reads_distorted_digits(digits):
    network = shipped_network()
    rng = random.Random(2024)
    clean = accuracy(network, digits)
    distorted = [(Distorter()(x, rng), label) for x, label in digits]
    changed = sum(new != x for (new, _), (x, _) in zip(distorted, digits))
    assert changed >= 0.95 * len(digits)
    assert accuracy(network, distorted) >= 0.85
    # The expanded set's shifted copies read about as well.
    assert accuracy(network, shifted_copies(digits[:200])) >= 0.9
    # The test can fail: turned up to half a turn, most digits are misread.
    turned = [(Distorter(rotation=180, scale=0, shear=0, shift=0)(x, rng), label)
              for x, label in digits]
    assert accuracy(network, turned) < 0.6 < clean
