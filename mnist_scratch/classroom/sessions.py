"""Live training for the classroom page: one network per browser, trained in a thread.

Each browser's page has its own session (an id the page makes up), and each
session trains its own network with the project's ``training.sgd``, in a
background thread of the server. sgd calls ``on_batch`` after every
mini-batch; that callback is where a session

- publishes its progress (examples seen, the cost and accuracy of the batches);
- measures the accuracy on VALIDATION_IMAGES validation images, now and then,
  and takes a snapshot of the first layer's weights for the page to draw;
- waits while it is paused, or lets one more mini-batch through ("step");
- stops, by raising ``_Stopped``, a private exception that sgd passes up.

A lab full of students shares two cores, and Python runs one thread's code at
a time. So the sessions' threads take turns (``Turns``): one trains, for
about TURN_SECONDS, while the others wait, first come first served (turns.py).
Only one training thread ever runs, and drawings are read in a process of
their own (reader.py): a drawing is answered promptly however many students
are training.

Bounded: at most MAX_SESSIONS sessions (a new one stops the one whose page
was heard from longest ago), networks of at most MAX_HIDDEN hidden neurons,
EPOCHS passes over TRAINING_IMAGES images. A session whose page has not
asked about it for IDLE_PAUSE_SECONDS pauses (a closed tab does not keep
training), and after IDLE_DROP_SECONDS it is dropped.
"""

import math
import threading
import time

from ..activations import ACTIVATIONS
from ..costs import COSTS
from ..datasets import DataError, load_mnist
from ..divergence import TrainingDiverged
from ..linalg import argmax
from ..network import INITS, Network
from ..sums import nonzero_indices
from ..training import sgd
from .api import ApiError, check_object, choice, number, shown, weight_images, whole_number
from .turns import Cancelled, Turns

__all__ = ["DEFAULTS", "LIMITS", "CHOICES", "check_settings", "TrainingData", "Session",
           "Sessions", "MAX_SESSIONS", "TRAINING_IMAGES", "VALIDATION_IMAGES", "EPOCHS"]

TRAINING_IMAGES = 10000     # the first 10,000 training images: enough to learn a lot, quick to load
VALIDATION_IMAGES = 500     # the accuracy shown is measured on these validation images
EPOCHS = 10                 # then a session is finished
MAX_SESSIONS = 30           # a lab of 20 students, a teacher, a few tabs opened twice
MAX_HIDDEN = 100            # hidden neurons: larger networks train too slowly to watch
MAX_BATCH = 100             # mini-batch size
TURN_SECONDS = 0.05         # each training thread trains this long before the next one's turn
EVALUATION_SHARE = 0.2      # at most this share of a session's time goes to measuring accuracy
MIN_EVALUATION_GAP = 0.5    # seconds of training between two measurements, at least
IDLE_PAUSE_SECONDS = 60     # a session whose page went quiet this long pauses...
IDLE_DROP_SECONDS = 600     # ...and is dropped after this long
MAX_POINTS = 2000           # points kept per curve (a finished session has far fewer)

DEFAULTS = {"hidden": 30, "eta": 3.0, "batch": 10, "init": "scaled", "cost": "quadratic",
            "activation": "sigmoid", "seed": 1}
LIMITS = {"hidden": (0, MAX_HIDDEN), "eta": (0.0001, 1000.0), "batch": (1, MAX_BATCH),
          "seed": (0, 2**31 - 1)}
CHOICES = {"init": list(INITS), "cost": list(COSTS), "activation": list(ACTIVATIONS)}


def check_settings(settings):
    """A session's settings, checked, with the defaults filled in.

    Args:
        settings: dict with any of "hidden" (hidden neurons; 0 = no hidden
            layer), "eta", "batch" (mini-batch size), "init", "cost",
            "activation", "seed".

    Raises:
        ApiError: naming the setting and its allowed values.
    """
    check_object(settings, "settings")
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ApiError("settings: unknown setting %.40s; the settings are %s"
                       % (shown(unknown[0]), ", ".join(DEFAULTS)))
    merged = dict(DEFAULTS, **settings)
    checked = {name: whole_number(merged, name, *LIMITS[name]) for name in ("hidden", "batch", "seed")}
    checked["eta"] = number(merged, "eta", *LIMITS["eta"])
    for name, choices in CHOICES.items():
        checked[name] = choice(merged, name, choices)
    return checked


def sizes_of(settings):
    """The layer sizes of a session's network: [784, hidden, 10], or [784, 10] for hidden 0."""
    return [784] + ([settings["hidden"]] if settings["hidden"] else []) + [10]


class TrainingData:
    """The images every session trains and measures on, loaded once, when first needed.

    The lists are shared by all sessions and never changed.
    """

    def __init__(self, data_dir=None):
        self._data_dir = data_dir
        self._lock = threading.Lock()
        self._loaded = None

    def get(self):
        """(training, validation): TRAINING_IMAGES and VALIDATION_IMAGES (x, label) examples,
        and for each validation image the indices of its nonzero pixels."""
        with self._lock:
            if self._loaded is None:
                training = load_mnist("train", self._data_dir, limit=TRAINING_IMAGES)
                validation = load_mnist("validation", self._data_dir, limit=VALIDATION_IMAGES)
                positions = list(range(784))
                self._loaded = (training, [(x, label, nonzero_indices(x, positions))
                                           for x, label in validation])
            return self._loaded

    def prefetch(self):
        """Start loading the images in the background, so the first Start is quick."""
        threading.Thread(target=self.get, name="load-mnist", daemon=True).start()


class _Stopped(Exception):
    """Raised from on_batch to end a session's training (never leaves this module)."""


class Session:
    """One browser's network and its training, in a thread of its own.

    States: "ready" (a new network, not trained yet), "loading" (waiting for
    its turn or the data), "running", "paused", "finished" (EPOCHS done),
    "diverged" (sgd gave up: eta too large), "stopped", "failed".
    """

    def __init__(self, session_id, settings, data, turns):
        self.id = session_id
        self.settings = settings
        self.network = Network(sizes_of(settings), seed=settings["seed"], init=settings["init"],
                               activation=settings["activation"], cost=settings["cost"])
        self.state = "ready"
        self.message = ""
        self.last_heard = time.monotonic()
        self.stop_requested = False
        self._data = data
        self._turns = turns
        self._changed = threading.Condition()  # guards everything below
        self._paused = False
        self._steps = 0             # mini-batches allowed while paused
        self._thread = None
        self._progress = {"epoch": 0, "examples_seen": 0, "batches_seen": 0, "seconds": 0.0}
        self._batch_sums = [0.0, 0.0, 0]  # cost, accuracy, batches since the last point
        self._points = []            # the curves: one dict per measurement
        self._weights = None         # the latest weight_images snapshot
        self._weights_version = 0
        self._trained_seconds = 0.0  # training time since the last measurement
        self._evaluation_seconds = 0.0
        self._turn_began = 0.0       # when this thread's turn began (time.perf_counter)
        self._last_tick = 0.0        # the end of the last mini-batch (or wait, or measurement)
        self._take_snapshot()

    # ---------------------------------------------------------------- the page's actions

    def start(self, paused=False):
        """Start training (in a new thread), or go on after a pause."""
        with self._changed:
            self._paused = paused
            self._steps = 1 if paused else 0
            if self._thread is None:
                self.state = "loading"
                self._thread = threading.Thread(target=self._train, name="session-" + self.id[:8],
                                                daemon=True)
                self._thread.start()
            elif self.state == "paused" and not paused:
                self.state = "running"
            self.message = ""
            self._changed.notify_all()

    def pause(self):
        with self._changed:
            if self.state in ("loading", "running"):
                self._paused = True
                self._steps = 0
                self.state = "paused"
            self._changed.notify_all()

    def step(self):
        """One more mini-batch, then pause (a running session just pauses)."""
        with self._changed:
            if self._thread is None:
                self.start(paused=True)
            elif self.state == "paused":
                self._steps = min(self._steps + 1, 10)
            else:
                self.pause()
            self._changed.notify_all()

    def stop(self):
        """Tell the training thread to end (after its mini-batch); returns at once."""
        with self._changed:
            self.stop_requested = True
            self._changed.notify_all()
        self._turns.wake()

    def join(self, timeout):
        """Wait at most ``timeout`` seconds for a stopped session's thread to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def finished(self):
        return self.state in ("finished", "diverged", "stopped", "failed")

    def status(self, since=0, weights_version=-1):
        """What the page shows: the state, progress, the curve points from index
        ``since`` on, and the weight images if they are newer than ``weights_version``."""
        with self._changed:
            latest = self._points[-1] if self._points else None
            answer = dict(self._progress)
            answer.update({
                "session": self.id, "state": self.state, "message": self.message,
                "settings": self.settings, "sizes": self.network.sizes,
                "epochs": EPOCHS, "training_images": TRAINING_IMAGES,
                "validation_images": VALIDATION_IMAGES,
                "validation_accuracy": latest["validation_accuracy"] if latest else None,
                "points": self._points[since:], "points_total": len(self._points),
                "weights_version": self._weights_version,
                "weights": self._weights if weights_version != self._weights_version else None})
            return answer

    # ---------------------------------------------------------------- the training thread

    def _train(self):
        settings = self.settings
        try:
            self._take_turn()
            training, validation = self._data.get()
            self._validation = validation
            if not self._points:
                self._measure()  # the starting point: about 10% right, by chance
            with self._changed:
                self.state = "paused" if self._paused else "running"
            self._wait_while_paused()
            sgd(self.network, training, EPOCHS, settings["batch"], settings["eta"],
                seed=settings["seed"], on_batch=self._on_batch)
            self._measure()
            self._set_state("finished", "%d epochs done" % EPOCHS)
        except (_Stopped, Cancelled):
            self._set_state("stopped", "")
        except TrainingDiverged as e:
            self._take_snapshot()
            self._set_state("diverged", str(e))
        except (DataError, ValueError, ArithmeticError, MemoryError, OSError) as e:
            self._set_state("failed", "%s: %s" % (type(e).__name__, e))  # shown on the page
        except Exception as e:  # a bug: shown on the page, and its traceback on the server's stderr
            self._set_state("failed", "internal error: %s: %s" % (type(e).__name__, e))
            raise
        finally:
            self._turns.give_back(self)

    def _set_state(self, state, message):
        with self._changed:
            self.state = state
            self.message = message

    def _on_batch(self, info):
        """sgd's callback after every mini-batch (runs in the training thread)."""
        now = time.perf_counter()
        elapsed = now - self._last_tick  # training time: waits and measurements left out
        self._trained_seconds += elapsed
        self._last_tick = now
        with self._changed:
            self._progress = {"epoch": info["epoch"], "examples_seen": info["examples_seen"],
                              "batches_seen": self._progress["batches_seen"] + 1,
                              "seconds": self._progress["seconds"] + elapsed}
            sums = self._batch_sums
            sums[0] += info["cost"]
            sums[1] += info["accuracy"]
            sums[2] += 1
            stepping = self._paused
            if time.monotonic() - self.last_heard > IDLE_PAUSE_SECONDS and not self._paused:
                # Nobody watches: the page was closed, or the laptop went to sleep.
                self._paused, self._steps = True, 0
                self.message = "paused: the page was away"
        if stepping or self._trained_seconds >= max(
                MIN_EVALUATION_GAP, self._evaluation_seconds * (1 - EVALUATION_SHARE) / EVALUATION_SHARE):
            self._measure()
        self._wait_while_paused()
        if time.perf_counter() - self._turn_began > TURN_SECONDS and self._turns.others_waiting():
            self._turns.give_back(self)  # to the back of the queue
            self._take_turn()
        if self.stop_requested:
            raise _Stopped()

    def _wait_while_paused(self):
        """While paused (and not allowed one more step), give the turn back and wait."""
        with self._changed:
            if self._steps > 0:
                self._steps -= 1
                return
            if not self._paused or self.stop_requested:
                return
            self.state = "paused"
        self._turns.give_back(self)
        with self._changed:
            while self._paused and self._steps == 0 and not self.stop_requested:
                self._changed.wait()
            if self._steps > 0:
                self._steps -= 1
            if not self.stop_requested:
                self.state = "paused" if self._paused else "running"
        if self.stop_requested:
            raise _Stopped()
        self._take_turn()

    def _take_turn(self):
        """Wait for this thread's turn to train (Turns)."""
        self._turns.take(self)
        self._turn_began = self._last_tick = time.perf_counter()

    def _measure(self):
        """The accuracy and cost on the validation images now: one more point of the curves."""
        started = time.perf_counter()
        network, cost_fn = self.network, self.network.cost.fn
        targets = [[1.0 if j == label else 0.0 for j in range(10)] for label in range(10)]
        correct, cost = 0, 0.0
        for x, label, nonzero in self._validation:
            output = network.forward(x, nonzero)[1][-1]
            correct += argmax(output) == label
            cost += cost_fn(output, targets[label])
        self._take_snapshot()
        with self._changed:
            sums = self._batch_sums
            point = {"examples": self._progress["examples_seen"],
                     "validation_accuracy": correct / len(self._validation),
                     "validation_cost": _finite(cost / len(self._validation)),
                     "training_cost": _finite(sums[0] / sums[2]) if sums[2] else None,
                     "training_accuracy": sums[1] / sums[2] if sums[2] else None}
            self._batch_sums = [0.0, 0.0, 0]
            if len(self._points) >= MAX_POINTS:
                del self._points[1::2]  # thin out: every other point (a long run's curve)
            self._points.append(point)
        self._last_tick = time.perf_counter()  # measuring is not training time
        self._evaluation_seconds = self._last_tick - started
        self._trained_seconds = 0.0

    def _take_snapshot(self):
        images = weight_images(self.network.weights[0])
        with self._changed:
            self._weights = images
            self._weights_version += 1


def _finite(number):
    """The number, or None (JSON's null) if it is NaN or infinite (a diverging network)."""
    return number if math.isfinite(number) else None


class Sessions:
    """Every browser's Session, by id: at most MAX_SESSIONS of them."""

    def __init__(self, data_dir=None, max_sessions=MAX_SESSIONS):
        self._data = TrainingData(data_dir)
        self._turns = Turns()
        self._lock = threading.Lock()
        self._sessions = {}
        self.max_sessions = max_sessions

    def prefetch(self):
        """Load the training and validation images now, in the background."""
        self._data.prefetch()

    def act(self, session_id, action, settings):
        """Do the page's ``action`` ("start", "pause", "step" or "reset") on its session.

        "reset" (and any action with settings that differ from the session's)
        makes a new, untrained network with ``settings``; "start" after the end
        of a run starts a new one.

        Returns:
            the session's status (``Session.status``), weights included.
        """
        settings = check_settings(settings)
        with self._lock:
            self._drop_idle()
            session = self._sessions.get(session_id)
            if (session is None or action == "reset" or session.settings != settings
                    or (session.finished and action in ("start", "step"))):
                session = self._new(session_id, settings)
            session.last_heard = time.monotonic()
        if action == "start":
            session.start()
        elif action == "pause":
            session.pause()
        elif action == "step":
            session.step()
        return session.status()

    def status(self, session_id, since=0, weights_version=-1):
        """The status of a session, or {"state": "none"} for an id never seen (or dropped)."""
        with self._lock:
            self._drop_idle()
            session = self._sessions.get(session_id)
            if session is not None:
                session.last_heard = time.monotonic()
        if session is None:
            return {"session": session_id, "state": "none"}
        return session.status(since, weights_version)

    def _new(self, session_id, settings):
        """A new session (the lock held), after making room for it: the session's old
        network, and if there are too many, the one whose page was heard from longest ago,
        are stopped."""
        old = self._sessions.pop(session_id, None)
        if old is not None:
            old.stop()
        while len(self._sessions) >= self.max_sessions:
            quietest = min(self._sessions.values(), key=lambda s: s.last_heard)
            quietest.stop()
            del self._sessions[quietest.id]
        session = Session(session_id, settings, self._data, self._turns)
        self._sessions[session_id] = session
        return session

    def _drop_idle(self):
        """Drop the sessions whose page has not been heard from for IDLE_DROP_SECONDS.
        (A session whose page went quiet pauses itself, in its thread: Session._on_batch.)"""
        now = time.monotonic()
        for session in list(self._sessions.values()):
            if now - session.last_heard > IDLE_DROP_SECONDS:
                session.stop()
                del self._sessions[session.id]

    def __len__(self):
        return len(self._sessions)

    def stop_all(self, timeout=2.0):
        """Stop every session and wait (at most ``timeout`` seconds each) for its thread."""
        with self._lock:
            stopping = list(self._sessions.values())
            self._sessions.clear()
        for session in stopping:
            session.stop()
        for session in stopping:
            session.join(timeout)
