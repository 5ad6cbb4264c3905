"""The checks of steps 8 to 10 (chapter 3 and your own handwriting): the worked solution
passes, and each typical mistake fails its own function, with its hint, while the
step's other functions pass.

Each mistake file in exercise_solutions/ is the worked solution with one function
changed; it runs through the command line, in the sandbox, as a student's file does.
Mistakes that need no file of their own are tried in this process with run_checks.
"""

import io
import math

import pytest

from mnist_scratch import check
from mnist_scratch.activations import sigmoid
from test_check import STEP_MARKS, assert_mistake_caught, solution



MISTAKES = [
    (8, "kept_sigma_prime", "cross_entropy_delta", ["kept the sigma'(z) = a (1 - a) factor",
                                                    "leaving delta^L = a - y"]),
    (8, "delta_sign_error", "cross_entropy_delta", ["wrong sign", "not y - a"]),
    (8, "log_of_zero", "cross_entropy_cost", ["math domain error", "counts as 0"]),
    (8, "softmax_overflow", "softmax", ["softmax([1000.0, 1001.0, 1002.0])", "OverflowError",
                                        "Subtract the largest z first"]),
    (9, "biases_decayed", "update_mini_batch_l2", ["Only the weights decay"]),
    (9, "decay_with_m", "update_mini_batch_l2", ["not m = len(mini_batch)"]),
    (9, "decay_sign_error", "update_mini_batch_l2", ["Your weights grew instead of shrinking"]),
    (10, "crop_off_by_one", "crop_to_ink", ["off by one", "bottom side is one pixel too far in",
                                            "grid[top:bottom + 1]"]),
    (10, "centre_swapped", "centre_of_mass", ["expected: (1.25, 2.0)", "got:      (2.0, 1.25)",
                                              "You returned (column, row)"]),
    (10, "centre_unweighted", "centre_of_mass", ["got:      (1.333333, 2.333333)",
                                                 "Weight each pixel's position by its ink"]),
]


@pytest.mark.parametrize("step, mistake, function, words",
                         [pytest.param(*m, marks=STEP_MARKS[m[0]], id=m[1]) for m in MISTAKES])
def test_typical_mistake_fails_its_function_with_its_hint(step, mistake, function, words):
    assert_mistake_caught(step, mistake, function, words)


def failure(name, func):
    """The last outcome of a function's checks, which must be a FAIL."""
    outcome = check.run_checks(name, func)[-1]
    assert outcome.status == "FAIL", outcome
    return outcome


@pytest.mark.step8
def test_more_cross_entropy_and_softmax_mistakes_get_their_hints():
    def cost_first_term_only(a, y):
        return -sum(yj * math.log(aj) for aj, yj in zip(a, y) if yj)
    assert "add the (1 - y_j) ln(1 - a_j) terms" in failure("cross_entropy_cost",
                                                            cost_first_term_only).hint

    def only_dc_da(z, a, y):
        return [(aj - yj) / (aj * (1 - aj)) for aj, yj in zip(a, y)]
    assert "You returned dC/da" in failure("cross_entropy_delta", only_dc_da).hint

    def not_normalised(z):
        return [math.exp(v) for v in z]
    assert "add up to 1" in failure("softmax", not_normalised).hint

    def shifted_by_the_first(z):  # any shift gives the same softmax: the check takes it
        exps = [math.exp(v - z[0]) for v in z]
        return [e / sum(exps) for e in exps]
    assert [o.status for o in check.run_checks("softmax", shifted_by_the_first)] == ["PASS"] * 5


@pytest.mark.step8
def test_the_delta_check_compares_with_numerical_gradients():
    """A delta right on the hand-made cases (three outputs) but wrong on a network of two
    outputs is caught by the third check, the numerical gradients of a real network."""
    def right_only_for_three_outputs(z, a, y):
        if len(a) == 3:
            return [aj - yj for aj, yj in zip(a, y)]
        return [sigmoid(v) - 0.5 for v in z]
    outcomes = check.run_checks("cross_entropy_delta", right_only_for_three_outputs)
    assert [o.status for o in outcomes] == ["PASS", "PASS", "FAIL"]
    assert "numerical gradient" in check.run_checks("cross_entropy_delta",
                                                    lambda z, a, y: [u - v for u, v in zip(a, y)]
                                                    )[-1].title


@pytest.mark.step9
def test_more_weight_decay_mistakes_get_their_hints():
    correct = check.load_student_file(solution("correct"))   # the worked solution
    add, gradient_sums, scale, sub = correct.add, correct.gradient_sums, correct.scale, correct.sub

    def no_decay(weights, biases, mini_batch, eta, lmbda, n):
        return correct.update_mini_batch(weights, biases, mini_batch, eta)
    assert "Your step has no weight decay" in failure("update_mini_batch_l2", no_decay).hint

    def decay_after_the_step(weights, biases, mini_batch, eta, lmbda, n):
        new_w, new_b = correct.update_mini_batch(weights, biases, mini_batch, eta)
        decay = 1 - eta * lmbda / n
        return [[scale(decay, row) for row in w] for w in new_w], new_b
    assert "multiplies the old weights only" in failure("update_mini_batch_l2",
                                                        decay_after_the_step).hint

    def decays_only_when_lmbda_is_5(weights, biases, mini_batch, eta, lmbda, n):
        sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
        step = eta / len(mini_batch)
        decay = 1 - eta * 5.0 / n  # ignores lmbda
        return ([[sub(scale(decay, row), scale(step, g)) for row, g in zip(w, sw)]
                 for w, sw in zip(weights, sum_w)],
                [add(b, scale(-step, sb)) for b, sb in zip(biases, sum_b)])
    outcomes = check.run_checks("update_mini_batch_l2", decays_only_when_lmbda_is_5)
    assert [o.status for o in outcomes] == ["PASS", "FAIL"]
    assert "lmbda = 0" in outcomes[-1].hint


@pytest.mark.step10
def test_more_crop_and_centre_mistakes_get_their_hints():
    def ignores_threshold(grid, threshold):
        rows = [r for r, row in enumerate(grid) if any(row)]
        cols = [c for c in range(len(grid[0])) if any(row[c] for row in grid)]
        return [row[cols[0]:cols[-1] + 1] for row in grid[rows[0]:rows[-1] + 1]]
    assert "GREATER than threshold" in failure("crop_to_ink", ignores_threshold).hint

    def one_too_many(grid, threshold):
        rows = [r for r, row in enumerate(grid) if any(v > threshold for v in row)]
        cols = [c for c in range(len(grid[0])) if any(row[c] > threshold for row in grid)]
        return [row[cols[0]:cols[-1] + 2] for row in grid[rows[0]:rows[-1] + 1]]
    assert "the right side is one pixel too far out" in failure("crop_to_ink", one_too_many).hint

    def returns_the_whole_grid_when_empty(grid, threshold):
        rows = [r for r, row in enumerate(grid) if any(v > threshold for v in row)]
        if not rows:
            return grid
        cols = [c for c in range(len(grid[0])) if any(row[c] > threshold for row in grid)]
        return [row[cols[0]:cols[-1] + 1] for row in grid[rows[0]:rows[-1] + 1]]
    outcome = failure("crop_to_ink", returns_the_whole_grid_when_empty)
    assert "no pixel is greater than the threshold" in outcome.expected

    def one_based(grid):
        mass = sum(map(sum, grid))
        return (sum((r + 1) * v for r, line in enumerate(grid) for v in line) / mass,
                sum((c + 1) * v for line in grid for c, v in enumerate(line)) / mass)
    assert "count rows and columns from 0" in failure("centre_of_mass", one_based).hint

    def pixel_corners(grid):
        mass = sum(map(sum, grid))
        return (sum((r + 0.5) * v for r, line in enumerate(grid) for v in line) / mass,
                sum((c + 0.5) * v for line in grid for c, v in enumerate(line)) / mass)
    assert "half a pixel off" in failure("centre_of_mass", pixel_corners).hint


@pytest.mark.step8
def test_check_step_runs_the_new_steps_in_process():
    out = io.StringIO()
    outcomes = check.check_step(10, {"centre_of_mass": lambda grid: (0.0, 0.0)}, out=out)
    assert [o.status for o in outcomes] == ["FAIL", "FAIL"]
    assert "no function named crop_to_ink" in out.getvalue()
    assert "Step 10: 0 passed, 2 failed, 0 not written yet." in out.getvalue()
