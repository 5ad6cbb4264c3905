"""What students really get wrong, caught by the checker with a hint: edge cases of argmax,
learn's seed and epochs, lists changed in place, an overflowing sigmoid, integer division,
a function that only calls the library; and hidden cases, whose input never shows.

Each mistake file in exercise_solutions/ is the worked solution with one function
changed; it runs through the command line, in the sandbox, as a student's file does.
Mistakes that need no file of their own are tried in this process with run_checks.
"""

import csv
import math
import os
import shutil
import sys

import pytest

from mnist_scratch import check
from mnist_scratch.check import step2, step3, step5
from mnist_scratch.check.compare import short
from test_check import STEP_MARKS, assert_mistake_caught, run, solution, statuses_by_function


MISTAKES = [
    (1, "wrong_magic_images", "read_images", [
        "read_images(two-tiny-images.gz)", "it raised ValueError: not an image file",
        "two-tiny-images.gz is a good file: an image file, whose magic number is 2051",
        "compare it with 2051"]),
    (2, "library_matvec", "matvec", [
        "it calls the library's mnist_scratch.linalg.matvec", "Write it yourself"]),
    (3, "argmax_misses_last", "argmax", [
        "argmax([2, 7, 1, 8])", "expected: 3", "got:      1",
        "your loop stops one entry early"]),
    (3, "argmax_best_from_zero", "argmax", [
        "argmax([-2.0, -0.5, -3.0])", "expected: 1", "got:      0",
        "did you start the best value at 0?"]),
    (3, "argmax_rounded", "argmax", [
        "argmax: hidden check 1 failed (its input is not shown)", "Return the INDEX"]),
    (3, "sigmoid_overflow", "sigmoid", [
        "sigmoid(-1000.0)", "OverflowError", "math.exp(-z) overflows",
        "e^z / (1 + e^z)"]),
    (3, "update_in_place", "update", [
        "expected: the caller's weights, unchanged", "it changed weights, the caller's list",
        "never change a list you were given"]),
    (3, "feedforward_changes_biases", "feedforward", [
        "it changed biases, the caller's list", "(z IS the list b, not a copy)"]),
    (4, "library_backprop", "backprop", [
        "it calls the library's mnist_scratch.network.Network", "Write it yourself"]),
    (5, "create_batches_global_random", "create_batches", [
        "it used the random module's shared generator", "rng.shuffle"]),
    (5, "integer_step", "update_mini_batch", [
        "nothing moved", "// is integer (floor) division", "Write eta / m"]),
    (5, "learn_ignores_seed", "learn", [
        "the same weights and biases from the same seed, bit for bit",
        "different ones from two calls with seed 3", "random.Random() without the seed"]),
    (5, "learn_global_random", "learn", [
        "it used the random module's shared generator", "rng = random.Random(seed)"]),
    (5, "learn_epoch_short", "learn", [
        ", 1, 40, 3.0, 3)", "the network learn starts from", "one epoch too few"]),
    (5, "learn_shuffles_data", "learn", [
        "it reordered training_data, the caller's list, in place", "Shuffle a copy"]),
    (5, "learn_fixed_layers", "learn", [
        "learn: hidden check 1 failed (its input is not shown)",
        "got:      weights or biases of the wrong shapes", "for any number of layers"]),
]


@pytest.mark.parametrize("step, mistake, function, words",
                         [pytest.param(*m, marks=STEP_MARKS[m[0]], id=m[1]) for m in MISTAKES])
def test_typical_mistake_fails_its_function_with_its_hint(step, mistake, function, words):
    assert_mistake_caught(step, mistake, function, words)


# ------------------------------------------------------------ hidden cases

def hidden_texts():
    """Texts that would give a hidden case away: its arguments and its answer as the
    report writes them, and every number of its input with three or more digits."""
    cases = step2.HIDDEN_MATVEC + step3.HIDDEN_ARGMAX
    texts = set()
    for args, expected in cases:
        texts.add(", ".join(short(a) for a in args))
        texts.add(short(expected))
        for value in str(args).replace("[", " ").replace("]", " ").replace(",", " ").split():
            if sum(c.isdigit() for c in value) >= 3:
                texts.add(value)
    texts.add(short(step5.HIDDEN_SIZES))
    for n, m in step5.HIDDEN_BATCHES:
        texts.add("create_batches(%d examples, m=%d)" % (n, m))
    # A text of one or two characters (an answer such as the index 9) is in any report.
    return {text for text in texts if len(text) > 2}


@pytest.fixture(scope="module")
def texts_of_hidden_cases():
    return hidden_texts()


def assert_nothing_hidden_in(text, hidden):
    for secret in hidden:
        assert secret not in text, "%r shows a hidden case:\n%s" % (secret, text)


@pytest.mark.step3
def test_the_worked_solution_passes_hidden_cases_that_never_show(texts_of_hidden_cases):
    code, out = run(["all", solution("correct"), "--only", "matvec", "argmax", "create_batches",
                     "learn"])
    assert code == 0, out
    for title in ("matvec: hidden check 1", "argmax: hidden check 1", "argmax: hidden check 2",
                  "create_batches: hidden check 1", "create_batches: hidden check 2",
                  "learn: hidden check 1"):
        assert "  PASS  %s\n" % title in out, out
    assert_nothing_hidden_in(out, texts_of_hidden_cases)
    # The function names still lead every title (for reports that group by function).
    assert set(statuses_by_function(out)) == {"matvec", "argmax", "create_batches", "learn"}


@pytest.mark.step3
@pytest.mark.parametrize("mistake, step, function", [
    ("argmax_rounded", 3, "argmax"), ("learn_fixed_layers", 5, "learn")])
def test_a_failed_hidden_case_shows_its_hint_but_not_its_input(mistake, step, function,
                                                              texts_of_hidden_cases):
    code, out = run([str(step), solution(mistake), "--only", function])
    assert code == 1, out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  FAIL"))
    block = lines[at:at + 4]
    assert block[0] == "  FAIL  %s: hidden check 1 failed (its input is not shown)" % function
    assert not any("expected:" in line for line in block), out
    assert any(line.strip().startswith("hint:") for line in block), out
    assert_nothing_hidden_in(out, texts_of_hidden_cases)


@pytest.mark.step3
def test_grading_never_writes_a_hidden_case_into_the_csv(tmp_path, texts_of_hidden_cases):
    """Graded as a class is, each file in a process of its own: the hidden case stays
    hidden, and calling the library's answer is caught there too."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("correct", "argmax_rounded", "library_matvec"):  # mistakes import correct
        shutil.copy(solution(name), str(folder / (name + ".py")))
    out = tmp_path / "grades.csv"
    code, _ = run(["grade", str(folder), "--steps", "2", "3", "--out", str(out)])
    assert code == 0
    with open(str(out), newline="", encoding="utf-8") as f:
        rows = {(r["student"], r["function"]): r for r in csv.DictReader(f)}
    row = rows["argmax_rounded.py", "argmax"]
    assert row["status"] == "FAIL"
    assert "argmax: hidden check 1 failed (its input is not shown)" in row["detail"]
    assert "expected:" not in row["detail"] and "Return the INDEX" in row["detail"]
    assert rows["correct.py", "argmax"]["detail"] == "7 checks passed"
    assert rows["library_matvec.py", "matvec"]["status"] == "FAIL"
    assert "it calls the library's mnist_scratch.linalg.matvec" in \
        rows["library_matvec.py", "matvec"]["detail"]
    assert rows["library_matvec.py", "argmax"]["status"] == "PASS"
    assert_nothing_hidden_in(out.read_text(encoding="utf-8"), texts_of_hidden_cases)
    assert_nothing_hidden_in((tmp_path / "grades.md").read_text(encoding="utf-8"),
                             texts_of_hidden_cases)


HIDDEN_TROUBLE = '''
def argmax(v):
    if len(v) > 5:   # only the hidden cases are this long
        %s
    return v.index(max(v))
'''


@pytest.mark.step3
@pytest.mark.parametrize("body, status, words", [
    ("raise ValueError('cannot handle %r' % (v,))", "FAIL",
     ["it raised ValueError (at steps.py line 4:"]),
    ("while True:\n            pass", "TIMEOUT", ["still running after 1 s"]),
], ids=["exception-quoting-its-input", "endless-loop"])
def test_a_hidden_case_that_raises_or_hangs_does_not_show_its_input(
        tmp_path, texts_of_hidden_cases, body, status, words):
    path = tmp_path / "steps.py"
    path.write_text(HIDDEN_TROUBLE % body)
    code, out = run(["3", str(path), "--only", "argmax", "--timeout", "1"])
    assert code == 1, out
    assert "  %s  argmax: hidden check 1" % status in out, out
    for word in words:
        assert word in out, out
    assert "cannot handle [" not in out
    assert_nothing_hidden_in(out, texts_of_hidden_cases)


# ------------------------------------------------------ write it yourself

def failure(name, func):
    """The last outcome of a function's checks, which must be a FAIL."""
    outcome = check.run_checks(name, func)[-1]
    assert outcome.status == "FAIL", outcome
    return outcome


@pytest.fixture(scope="module")
def worked():
    """The worked solution, loaded as a student's file is."""
    return check.load_student_file(solution("correct"))


@pytest.mark.step2
def test_calling_the_librarys_answer_fails_however_it_is_reached(worked):
    from mnist_scratch import linalg
    from mnist_scratch.linalg import argmax as library_argmax
    from mnist_scratch.network import Network
    from mnist_scratch.training import update_mini_batch as library_step

    assert "mnist_scratch.linalg.matvec" in failure("matvec", linalg.matvec).got
    assert "Write it yourself" in failure("argmax", lambda v: library_argmax(v)).hint

    def dot_by_rows(u, v):    # the library's dot, inside a comprehension
        return sum(linalg.hadamard(u, v))
    assert "mnist_scratch.linalg.hadamard" in failure("dot", dot_by_rows).got

    def update_mini_batch(weights, biases, mini_batch, eta):
        network = Network.from_parameters(weights, biases)
        library_step(network, mini_batch, eta)
        return network.weights, network.biases
    assert "it calls the library's mnist_scratch.network.Network" in failure(
        "update_mini_batch", update_mini_batch).got

    def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
        network = Network(sizes, seed=seed)   # the library's first weights
        for _ in range(epochs):
            for batch in worked.create_batches(training_data, mini_batch_size,
                                               __import__("random").Random(seed)):
                network.weights, network.biases = worked.update_mini_batch(
                    network.weights, network.biases, batch, eta)
        return network.weights, network.biases
    assert "mnist_scratch.network.Network.__init__" in failure("learn", learn).got


@pytest.mark.step2
def test_own_helpers_and_the_library_outside_the_answer_are_allowed(worked, capsys):
    from mnist_scratch import linalg

    def matvec(m, v):   # the student's own dot, from their own module
        return [worked.dot(row, v) for row in m]
    assert all(o.status == "PASS" for o in check.run_checks("matvec", matvec))

    def backprop(weights, biases, x, y):   # linalg is not the answer of backprop
        activations, zs = [x], []
        for w, b in zip(weights, biases):
            zs.append(linalg.add(linalg.matvec(w, activations[-1]), b))
            activations.append([worked.sigmoid(z) for z in zs[-1]])
        delta = [(a - t) * a * (1 - a) for a, t in zip(activations[-1], y)]
        nabla_b, nabla_w = [delta], [linalg.outer(delta, activations[-2])]
        for i in range(len(weights) - 2, -1, -1):
            back = linalg.matvec(linalg.transpose(weights[i + 1]), delta)
            delta = [e * a * (1 - a) for e, a in zip(back, activations[i + 1])]
            nabla_b.insert(0, delta)
            nabla_w.insert(0, linalg.outer(delta, activations[i]))
        return nabla_b, nabla_w
    assert [o.status for o in check.run_checks("backprop", backprop)] == ["PASS"] * 3
    # A notebook's check says the same, and never raises.
    assert check.check_function("matvec", linalg.matvec) is False
    assert "Write it yourself" in capsys.readouterr().out


@pytest.mark.step2
def test_watching_leaves_the_profiler_as_it_was():
    seen = []

    def profiler(frame, event, arg):
        seen.append(event)
    sys.setprofile(profiler)
    try:
        check.run_checks("add", lambda u, v: [a + b for a, b in zip(u, v)])
        assert sys.getprofile() is profiler
    finally:
        sys.setprofile(None)
    assert seen
    check.run_checks("add", lambda u, v: [a + b for a, b in zip(u, v)])
    assert sys.getprofile() is None


# ------------------------------------------------------ more mistakes, in process

@pytest.mark.step3
def test_more_edge_cases_get_their_hints(worked):
    def argmax_last_on_ties(v):
        return max(range(len(v)), key=lambda i: (v[i], i))
    assert "compare with >, not >=" in failure("argmax", argmax_last_on_ties).hint

    def argmax_by_size(v):
        return max(range(len(v)), key=lambda i: abs(v[i]))
    assert "furthest from 0 (abs)" in failure("argmax", argmax_by_size).hint

    def sigmoid_other_form(z):
        e = math.exp(z)
        return e / (1 + e)
    outcome = failure("sigmoid", sigmoid_other_form)
    assert outcome.title.endswith("(1000.0)") and "math.exp(z) overflows" in outcome.hint

    def image_to_vector_floor(image):
        return [pixel // 255 for row in image for pixel in row]
    assert "integer (floor) division" in failure("image_to_vector", image_to_vector_floor).hint

    def update_floor(weights, biases, mini_batch, eta):
        step = eta // len(mini_batch)
        return [[w - step for w in row] for row in weights], [b - step for b in biases]
    outcome = failure("update", update_floor)
    assert outcome.got.startswith("nothing moved") and "eta // m" in outcome.hint

    def dot_overflows(u, v):   # an OverflowError anywhere gets the math.exp hint
        return math.exp(1000)
    assert "OverflowError for x above about 709" in failure("dot", dot_overflows).hint


@pytest.mark.step4
def test_functions_that_change_their_arguments_fail(worked):
    def backprop_appends_to_x(weights, biases, x, y):
        result = worked.backprop(weights, biases, x, y)
        x.append(0.0)
        return result
    outcome = failure("backprop", backprop_appends_to_x)
    assert outcome.got == "it changed x, the caller's list"

    def update_mini_batch_in_place(weights, biases, mini_batch, eta):
        new_w, new_b = worked.update_mini_batch(weights, biases, mini_batch, eta)
        for layer, new in zip(weights, new_w):
            layer[:] = new
        return weights, new_b
    assert "weights" in failure("update_mini_batch", update_mini_batch_in_place).got

    def create_batches_in_place(data, m, rng):
        rng.shuffle(data)
        return [data[k:k + m] for k in range(0, len(data), m)]
    outcome = failure("create_batches", create_batches_in_place)
    assert "reordered data" in outcome.got and "Shuffle a copy" in outcome.hint


@pytest.mark.step5
def test_learn_must_use_its_seed_and_run_its_epochs(worked):
    import random

    def learn_with(seed_of, epochs_of):
        def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
            rng = random.Random(seed_of(seed))
            biases = [[rng.gauss(0, 1) for _ in range(n)] for n in sizes[1:]]
            weights = [[[rng.gauss(0, 1 / math.sqrt(a)) for _ in range(a)] for _ in range(b)]
                       for a, b in zip(sizes[:-1], sizes[1:])]
            for _ in range(epochs_of(epochs)):
                for batch in worked.create_batches(training_data, mini_batch_size, rng):
                    weights, biases = worked.update_mini_batch(weights, biases, batch, eta)
            return weights, biases
        return learn

    outcomes = check.run_checks("learn", learn_with(lambda seed: 1, lambda epochs: epochs))
    assert [o.status for o in outcomes] == ["PASS", "FAIL"]
    assert "does not use its seed" in outcomes[-1].hint
    assert "one epoch too many" in failure("learn", learn_with(lambda s: s, lambda e: e + 1)).hint
    assert "changed nothing" in failure("learn", learn_with(lambda s: s, lambda e: min(e, 1))).hint

    # The order of the random draws is the student's choice: weights first passes too.
    def learn_weights_first(training_data, sizes, epochs, mini_batch_size, eta, seed):
        rng = random.Random(seed)
        weights = [[[rng.gauss(0, 1 / math.sqrt(a)) for _ in range(a)] for _ in range(b)]
                   for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [[rng.gauss(0, 1) for _ in range(n)] for n in sizes[1:]]
        for _ in range(epochs):
            for batch in worked.create_batches(training_data, mini_batch_size, rng):
                weights, biases = worked.update_mini_batch(weights, biases, batch, eta)
        return weights, biases
    assert {o.status for o in check.run_checks("learn", learn_weights_first)} == {"PASS"}

    def learn_divides_by_batch_size(training_data, sizes, epochs, mini_batch_size, eta, seed):
        rng = random.Random(seed)
        weights, biases = learn_weights_first(training_data, sizes, 0, mini_batch_size, eta, seed)
        for _ in range(epochs):
            for batch in worked.create_batches(training_data, mini_batch_size, rng):
                sum_b, sum_w = worked.gradient_sums(weights, biases, batch)
                step = eta / mini_batch_size   # too small for a batch of fewer examples
                weights = [[worked.sub(row, worked.scale(step, g)) for row, g in zip(w, sw)]
                           for w, sw in zip(weights, sum_w)]
                biases = [worked.sub(b, worked.scale(step, sb)) for b, sb in zip(biases, sum_b)]
        return weights, biases
    outcome = failure("learn", learn_divides_by_batch_size)
    assert "m = len(mini_batch)" in outcome.hint and outcome.title.endswith(", 1, 40, 3.0, 3)")


def test_mistake_files_are_each_one_mistake():
    """Every file named in MISTAKES exists and changes the one function it is about."""
    for _, mistake, function, _ in MISTAKES:
        path = solution(mistake)
        assert os.path.isfile(path), path
        with open(path, encoding="utf-8") as f:
            source = f.read()
        assert "def %s(" % function in source, mistake
        assert "from correct import *" in source, mistake
