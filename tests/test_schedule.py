"""Tests for schedule.py: early stopping and halving eta on scripted validation accuracies."""

import pytest

from mnist_scratch.schedule import Schedule

pytestmark = pytest.mark.step9


def run(accuracies, eta=1.0, patience=None, halvings=0):
    """Feed the accuracies epoch by epoch; (epochs trained, eta of each epoch, schedule)."""
    schedule = Schedule(eta, patience, halvings)
    etas = []
    for epoch, accuracy in enumerate(accuracies, 1):
        etas.append(schedule.eta)
        if not schedule.after_epoch(epoch, accuracy):
            break
    return len(etas), etas, schedule


def test_no_patience_never_stops_or_halves():
    epochs, etas, schedule = run([0.5, 0.4, 0.3, 0.2, 0.1], eta=3.0)
    assert epochs == 5 and etas == [3.0] * 5 and schedule.stopped is None


def test_early_stopping_after_patience_epochs_without_a_new_best():
    # best 0.93 in epoch 3; epochs 4, 5, 6 bring nothing better: stop after epoch 6
    accuracies = [0.90, 0.92, 0.93, 0.93, 0.91, 0.925, 0.99, 0.99]
    epochs, etas, schedule = run(accuracies, patience=3)
    assert epochs == 6 and etas == [1.0] * 6
    assert (schedule.best, schedule.best_epoch) == (0.93, 3)
    assert schedule.stopped == ("stopped after epoch 6: no better evaluation accuracy for 3 "
                                "epochs (the best, 93.00%, was in epoch 3)")


def test_a_new_best_restarts_the_wait():
    accuracies = [0.5, 0.4, 0.6, 0.5, 0.7, 0.6, 0.6]
    epochs, _, schedule = run(accuracies, patience=2)
    assert epochs == 7 and schedule.best_epoch == 5


def test_patience_one_stops_at_the_first_epoch_without_improvement():
    assert run([0.5, 0.6, 0.6, 0.9], patience=1)[0] == 3


def test_the_schedule_halves_eta_then_stops():
    """The module docstring's example: P = 2, k = 1."""
    accuracies = [0.94, 0.95, 0.95, 0.94, 0.96, 0.95, 0.95, 0.99]
    epochs, etas, schedule = run(accuracies, eta=0.5, patience=2, halvings=1)
    assert epochs == 7
    assert etas == [0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert schedule.halved == 1 and schedule.eta == 0.25
    assert schedule.stopped.endswith("(the best, 96.00%, was in epoch 5), after halving eta 1 times")


def test_halving_k_times_without_any_improvement():
    # never better than epoch 1: halve after epochs 3, 5, 7; stop after epoch 9
    epochs, etas, schedule = run([0.8] + [0.7] * 20, eta=1.0, patience=2, halvings=3)
    assert epochs == 9
    assert etas == [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    assert schedule.halved == 3


def test_an_equal_accuracy_is_not_an_improvement():
    assert run([0.9, 0.9, 0.9], patience=2)[0] == 3
