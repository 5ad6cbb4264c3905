"""Early stopping and the learning-rate schedule (chapter 3), judged on validation accuracy.

Training longer does not always help: after a while a network starts to learn
the quirks of its training images, and its accuracy on held-out (validation)
images stops improving. ``Schedule`` watches that accuracy after every epoch:

- Early stopping (``patience`` P): if P epochs in a row bring no new best
  validation accuracy, stop.
- The learning-rate schedule (``halvings`` k): instead of stopping, halve
  eta and go on (a smaller step can settle into a minimum that a large one
  jumps over), waiting another P epochs for an improvement; after k halvings
  the next stall stops training. halvings=0 is plain early stopping.

For example, with P = 2 and k = 1 and validation accuracies (in %)
94, 95, 95, 94, 96, 95, 95: epochs 3 and 4 bring nothing new, so eta is
halved after epoch 4; epoch 5 is a new best (96); epochs 6 and 7 are not,
and with the one halving used, training stops after epoch 7.
"""

__all__ = ["Schedule"]


class Schedule:
    """The state of early stopping and of the learning-rate schedule during one run.

    Attributes:
        eta: the learning rate to use for the next epoch.
        patience, halvings: as given (patience None: never stop, never halve).
        best, best_epoch: the best accuracy so far and its epoch (None, 0 before any).
        waited: epochs since the best one.
        halved: how many times eta has been halved.
        stopped: None, or why training should stop, as a sentence.
    """

    def __init__(self, eta, patience=None, halvings=0):
        self.eta = eta
        self.patience = patience
        self.halvings = halvings
        self.best = None
        self.best_epoch = 0
        self.waited = 0
        self.halved = 0
        self.stopped = None

    def after_epoch(self, epoch, accuracy):
        """Take in the validation accuracy after ``epoch``; False if training should stop.

        A new best resets the wait; only a strictly higher accuracy counts as
        one. When the wait reaches ``patience``, eta is halved (and the wait
        starts again) while halvings are left, and training stops otherwise.
        """
        if self.patience is None:
            return True
        if self.best is None or accuracy > self.best:
            self.best, self.best_epoch, self.waited = accuracy, epoch, 0
            return True
        self.waited += 1
        if self.waited < self.patience:
            return True
        if self.halved < self.halvings:
            self.eta, self.halved, self.waited = self.eta / 2, self.halved + 1, 0
            return True
        self.stopped = ("stopped after epoch %d: no better evaluation accuracy for %d epochs "
                        "(the best, %.2f%%, was in epoch %d)%s"
                        % (epoch, self.patience, 100 * self.best, self.best_epoch,
                           ", after halving eta %d times" % self.halved if self.halved else ""))
        return False
