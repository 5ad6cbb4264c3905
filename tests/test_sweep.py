"""python -m mnist_scratch.sweep: a tiny grid on real MNIST, the resume, bad options."""

import concurrent.futures
import csv
import io
import json
import os

import pytest

from mnist_scratch import sweep
from mnist_scratch.learn import build_parser as learn_parser

pytestmark = pytest.mark.step7

TINY = ["--sizes", "784,10", "--epochs", "2", "--limit", "500", "--validation-limit", "300",
        "--test-limit", "300"]


def run_sweep_command(args):
    out = io.StringIO()
    code = sweep.run(sweep.build_parser().parse_args(args), out=out)
    return code, out.getvalue()


def read_csv(folder, seconds=True):
    with open(os.path.join(folder, "results.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    if not seconds:  # the only column that differs between two runs of the same sweep
        for row in rows:
            del row["seconds"]
    return rows


def test_every_learn_setting_can_be_swept():
    # A new learn option that changes training must be added to the sweep too.
    not_settings = {"help", "seed", "data_dir", "save", "history", "plots", "quiet"}
    learn_options = {a.dest for a in learn_parser()._actions} - not_settings
    assert learn_options <= set(sweep.SETTINGS)


def test_grid_is_the_product_of_the_values():
    settings = sweep.grid(eta=[0.5, 3.0], sizes=[[784, 10], [784, 30, 10]])
    assert len(settings) == 4
    assert {(tuple(s["sizes"]), s["eta"]) for s in settings} == {
        ((784, 10), 0.5), ((784, 10), 3.0), ((784, 30, 10), 0.5), ((784, 30, 10), 3.0)}
    assert all(s["epochs"] == sweep.DEFAULTS["epochs"] for s in settings)
    with pytest.raises(ValueError, match="unknown setting 'etta'"):
        sweep.grid(etta=[1.0])


def test_tiny_grid_trains_scores_and_resumes(tmp_path):
    out_dir = str(tmp_path / "new" / "sweep")  # a folder that does not exist yet
    code, text = run_sweep_command(TINY + ["--eta", "0.5", "1", "--repeats", "2", "--jobs", "1",
                                           "--no-plots", "--out", out_dir])
    assert code == 0, text
    rows = read_csv(out_dir)
    assert [(r["eta"], r["seed"]) for r in rows] == [("0.5", "1"), ("0.5", "2"), ("1", "1"),
                                                     ("1", "2")]
    for row in rows:
        assert row["status"] == "ok"
        assert 1 <= int(row["best_epoch"]) <= 2
        # [784, 10] on 500 images for 2 epochs: well above chance (10%) on unseen images.
        # (Measured: 71.7% to 77.3% on the test images.)
        assert float(row["test_accuracy"]) > 0.65, row
        assert float(row["validation_accuracy"]) > 0.65, row
    # Different seeds give different networks; the same seed, the same network.
    assert rows[0]["test_accuracy"] != rows[1]["test_accuracy"]
    assert "[4/4]" in text and "runs/min" in text and "per epoch:" in text
    table = open(os.path.join(out_dir, "results.md")).read()
    assert "| eta |" in table and "test accuracy (mean)" in table

    # Interrupted sweeps resume: remove one finished run, run again, only it trains.
    runs = sorted(os.listdir(os.path.join(out_dir, "runs")))
    assert len(runs) == 4
    removed = os.path.join(out_dir, "runs", runs[1])
    before = json.load(open(removed))
    os.remove(removed)
    code, text = run_sweep_command(TINY + ["--eta", "0.5", "1", "--repeats", "2", "--jobs", "1",
                                           "--no-plots", "--out", out_dir])
    assert code == 0
    assert text.count("already done") == 3
    after = json.load(open(removed))
    assert after["test_accuracy"] == before["test_accuracy"]  # same seed, same result
    assert read_csv(out_dir, seconds=False) == [{k: v for k, v in r.items() if k != "seconds"}
                                                for r in rows]


def test_any_executor_and_diverged_runs_are_recorded(tmp_path):
    settings = sweep.grid(sizes=[[784, 10]], epochs=[1], limit=[200], validation_limit=[200],
                          test_limit=[0], eta=[1.0, 1e6])
    seen = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
        results = sweep.run_sweep(settings, str(tmp_path), executor=executor,
                                  on_result=lambda r, done, total, skipped: seen.append(done))
    assert sorted(seen) == [1, 2]
    ok, broken = results
    assert ok["status"] == "ok" and ok["test_accuracy"] is None and ok["validation_accuracy"] > 0.5
    assert broken["status"] == "diverged" and "eta" in broken["message"]


def test_two_jobs_in_processes_give_the_same_results_as_one(tmp_path):
    args = TINY + ["--epochs", "1", "--eta", "1", "3", "--no-plots"]
    _, _ = run_sweep_command(args + ["--jobs", "1", "--out", str(tmp_path / "one")])
    _, _ = run_sweep_command(args + ["--jobs", "2", "--out", str(tmp_path / "two")])
    assert read_csv(tmp_path / "one", seconds=False) == read_csv(tmp_path / "two", seconds=False)


def test_plots_are_drawn(tmp_path):
    pytest.importorskip("matplotlib", reason="the sweep's plots need the viz extras")
    from PIL import Image
    code, text = run_sweep_command(TINY + ["--epochs", "2", "--eta", "1", "3", "--jobs", "1",
                                           "--out", str(tmp_path)])
    assert code == 0
    for name in ("curves.png", "options.png"):
        with Image.open(tmp_path / name) as image:
            assert image.width >= 1000 and image.height >= 600
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert len(colours) > 50  # lines, dots and text, not a blank page


@pytest.mark.parametrize("args, message", [
    (["--eta", "-1"], "--eta: must be more than 0"),
    (["--sizes", "784,x,10"], "784,x,10"),
    (["--sizes", "784,30,9"], "ends with 10 outputs"),
    (["--epochs", "1.5"], "--epochs"),
    (["--out", ""], "empty"),
])
def test_bad_option_is_one_line(tmp_path, capsys, args, message):
    argv = TINY + args + ([] if "--out" in args else ["--out", str(tmp_path)])
    try:
        code = sweep.main(argv + ["--no-plots"])
    except SystemExit as e:  # argparse stops at a bad value
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err and message in err, err


def test_a_chapter_3_option_is_swept(tmp_path):
    code, text = run_sweep_command(TINY + ["--sizes", "784,20,10", "--epochs", "1",
                                           "--cost", "quadratic", "cross-entropy",
                                           "--lmbda", "1", "--jobs", "1", "--no-plots",
                                           "--out", str(tmp_path)])
    assert code == 0, text
    rows = read_csv(tmp_path)
    assert [(r["cost"], r["lmbda"], r["status"]) for r in rows] == [
        ("quadratic", "1", "ok"), ("cross-entropy", "1", "ok")]
    assert rows[0]["validation_accuracy"] != rows[1]["validation_accuracy"]
    assert "| cost |" in open(os.path.join(str(tmp_path), "results.md")).read()
    assert sorted(os.listdir(os.path.join(str(tmp_path), "runs"))) == [
        "sizes=784-20-10,epochs=1,cost=cross-entropy,lmbda=1.0,limit=500,validation_limit=300,"
        "test_limit=300,seed=1.json",
        "sizes=784-20-10,epochs=1,lmbda=1.0,limit=500,validation_limit=300,test_limit=300,"
        "seed=1.json"]


def test_run_names_stay_short_and_distinct():
    assert sweep.run_name(dict(sweep.DEFAULTS), 1) == "seed=1"
    long_ones = [dict(sweep.DEFAULTS, sizes=[784] + [100] * 40 + [10], eta=eta) for eta in (1.0, 2.0)]
    names = [sweep.run_name(s, 1) for s in long_ones]
    assert names[0] != names[1] and all(len(n) <= sweep.MAX_NAME for n in names)


@pytest.mark.parametrize("args, message", [
    (["--halvings", "2"], "--patience"),
    (["--expand", "maybe"], "--expand"),
    (["--patience", "0"], "--patience"),
    (["--dropout", "0.5", "--sizes", "784,10"], "hidden layer"),
])
def test_bad_chapter_3_options_are_one_line(tmp_path, capsys, args, message):
    try:
        code = sweep.main(TINY + args + ["--out", str(tmp_path), "--no-plots"])
    except SystemExit as e:
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_help_is_printed(capsys):
    with pytest.raises(SystemExit) as stopped:
        sweep.main(["--help"])
    assert stopped.value.code == 0 and "--distort" in capsys.readouterr().out
