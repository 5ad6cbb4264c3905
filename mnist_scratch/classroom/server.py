"""The classroom page's HTTP server: the standard library's threading HTTP server.

Routes (every answer of /api/ is JSON; an error is ``{"error": "..."}``):

    GET  /                 the page (static/index.html)
    GET  /<file>           the page's own files in static/ (style.css, app.js, ...)
    GET  /api/network      the drawing network: sizes, how it was trained, weight images
    GET  /api/options      the training settings: defaults, limits, choices
    POST /api/predict      {"width", "height", "pixels"} -> the digit and how it was read
    POST /api/backprop     {"x", "y", "seed", "weights", "biases"} -> the walkthrough's numbers
    POST /api/train        {"session", "action", "settings"} -> the session's status
    GET  /api/train?session=ID&since=N&weights=V   the session's status (curves from point N)

Every request is checked before any work: a body needs a Content-Length
(411) of at most MAX_BODY bytes (413) holding a JSON object (400);
unknown paths get 404, a wrong method 405; nothing outside static/ is ever
served: the files that can be served are listed once, when the server
starts, and a request names one of them or gets 404. A request that fails
gets its error and the server carries on; a bug answers 500 and is logged.

Each connection has a thread; drawings are read in a child process
(reader.py) and networks train in threads that take turns (sessions.py).
"""

import json
import os
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import api
from .api import ApiError
from .reader import DrawingReader
from .sessions import CHOICES, DEFAULTS, LIMITS, Sessions

__all__ = ["STATIC_DIR", "MAX_BODY", "ClassroomServer", "Handler", "static_files", "make_server"]

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
MAX_BODY = 1 << 20        # bytes in a request body (a 400 x 400 drawing fits)
MAX_CONNECTIONS = 200     # open connections at once (20 browsers keep about 6 each)
IDLE_SECONDS = 30         # a kept-alive connection with no new request is closed
BODY_SECONDS = 10         # time for a body to arrive once its headers have
MAX_DRAIN = 16 * MAX_BODY  # a too-large body up to this size is read and dropped, so the client sees 413
SESSION_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
                 ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json"}
# The page loads nothing from anywhere else, and runs no inline script.
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"),
                    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                                "frame-ancestors 'none'"),
                    ("Referrer-Policy", "no-referrer"))


def static_files(folder=STATIC_DIR):
    """{url path: (bytes, content type)} for every file of the page's folder.

    Read once: the server serves from this table only, never from a path
    built from a request, so no request can reach another file.
    """
    table = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        kind = CONTENT_TYPES.get(os.path.splitext(name)[1])
        if kind and os.path.isfile(path):
            with open(path, "rb") as f:
                table["/" + name] = (f.read(), kind)
    table["/"] = table["/index.html"]
    return table


class ClassroomServer(ThreadingHTTPServer):
    """A threading HTTP server holding what the handlers share.

    Attributes:
        network: the network that reads drawings; network_name: its file's name.
        reader: reads the drawings, in a child process (reader.DrawingReader).
        sessions: the live training sessions (sessions.Sessions).
        files: the page's files (``static_files``).
        log: None, or a function log(line) told about every request.
        error_log: a function told about unexpected errors (a traceback).
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # connections waiting to be accepted (a lab's browsers connect at once)

    def __init__(self, address, network, network_name, sessions=None, log=None, error_log=None,
                 read_in_child=True):
        self.network = network
        self.network_name = network_name
        self.sessions = sessions if sessions is not None else Sessions()
        self.files = static_files()
        self.log = log
        self.error_log = error_log or (lambda text: sys.stderr.write(text))
        self._summary = None
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, Handler)  # binds the port: a port in use fails here, first
        self.reader = DrawingReader(network, use_process=read_in_child)

    @property
    def url(self):
        """The page's address, e.g. http://127.0.0.1:8000/."""
        host, port = self.server_address[:2]
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d/" % (host, port)

    def network_summary(self):
        """GET /api/network's answer, made once (the drawing network never changes)."""
        if self._summary is None:
            self._summary = json.dumps(api.network_summary(self.network, self.network_name),
                                       allow_nan=False).encode()
        return self._summary

    def process_request(self, request, client_address):
        # At most MAX_CONNECTIONS threads: beyond that a connection gets 503 at once.
        if not self._slots.acquire(blocking=False):
            body = b'{"error": "too many connections; try again in a moment"}'
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
                                b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                                % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self):
        super().server_close()
        self.reader.close()
        self.sessions.stop_all()


class ClassroomServer6(ClassroomServer):
    """The same, on an IPv6 address (e.g. --host ::1)."""

    address_family = socket.AF_INET6


def make_server(network, network_name, host="127.0.0.1", port=8000, **options):
    """A ClassroomServer bound to (host, port); port 0 picks a free port. Call its
    ``serve_forever()`` (in a thread, for a test) and later ``shutdown()`` and ``server_close()``."""
    kind = ClassroomServer6 if ":" in host else ClassroomServer
    return kind((host, port), network, network_name, **options)


class Handler(BaseHTTPRequestHandler):
    """One connection: its requests, one after the other (HTTP/1.1 keeps it open)."""

    protocol_version = "HTTP/1.1"
    server_version = "mnist_scratch-classroom"
    timeout = IDLE_SECONDS

    # ---------------------------------------------------------------- routing

    def do_GET(self):
        self._dispatch("GET")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def _routes(self):
        """{path: {method: function}}: function(query or body) -> (status, JSON bytes or dict)."""
        return {
            "/api/network": {"GET": lambda query: self.server.network_summary()},
            "/api/options": {"GET": lambda query: {"defaults": DEFAULTS, "limits": LIMITS,
                                                   "choices": CHOICES}},
            "/api/predict": {"POST": lambda body: self.server.reader.read(api.drawing_rows(body))},
            "/api/backprop": {"POST": api.backprop_answer},
            "/api/train": {"POST": self._train_action, "GET": self._train_status},
        }

    def _dispatch(self, method):
        started = time.perf_counter()
        status = 500
        try:
            status = self._answer(method)
        except ApiError as e:
            status = e.status
            self._send_json({"error": e.message}, status)
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        except Exception:  # a bug: the student's request gets 500, the server carries on
            self.server.error_log("classroom server: error in %s %.200s\n%s"
                                  % (method, self.path, traceback.format_exc()))
            self._send_json({"error": "internal error (the server logged it)"}, 500)
        if self.server.log is not None:
            self.server.log("%s %s %.200s %d %.1f ms" % (self.client_address[0], method, self.path,
                                                         status, 1000 * (time.perf_counter() - started)))

    def _answer(self, method):
        """Route one request; returns its status (errors raise ApiError)."""
        if not self.path.startswith("/"):
            raise ApiError("the request target must be a path starting with /", 400)
        url = urlsplit(self.path)
        path = unquote(url.path)
        routes = self._routes()
        if path in routes:
            handlers = routes[path]
            if method == "HEAD" and "GET" in handlers:
                method = "GET"  # answered like GET; _send leaves the body out
            if method not in handlers:
                self._allow = ", ".join(sorted(handlers))
                raise ApiError("%s takes %s, not %s" % (path, " or ".join(sorted(handlers)), method),
                               405)
            if method == "POST":
                answer = handlers[method](self._read_json())
            else:
                answer = handlers[method](url.query)
            self._send_json(answer, 200)
            return 200
        if path.startswith("/api/"):
            raise ApiError("no such API endpoint: %.100s" % path, 404)
        if any(part in (".", "..") for part in path.split("/")) or "\\" in path or "\0" in path:
            raise ApiError("refused: only the page's own files are served", 403)
        if path not in self.server.files:
            raise ApiError("not found: %.100s" % path, 404)
        if method not in ("GET", "HEAD"):
            self._allow = "GET, HEAD"
            raise ApiError("%s is a file of the page: GET it, not %s" % (path, method), 405)
        content, kind = self.server.files[path]
        self._send(200, content, kind, cache="no-cache")
        return 200

    # ---------------------------------------------------------------- training sessions

    def _train_action(self, body):
        api.check_object(body)
        session_id = _session_id(body.get("session"))
        action = api.choice(body, "action", ("start", "pause", "step", "reset"))
        settings = body.get("settings", {})
        return self.server.sessions.act(session_id, action, settings)

    def _train_status(self, query):
        try:
            fields = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query),
                              max_num_fields=10)
        except ValueError:
            raise ApiError("the query string is not name=value pairs joined by &", 400) from None
        unknown = sorted(set(fields) - {"session", "since", "weights"})
        if unknown:
            raise ApiError("unknown query parameter %.40r; give session, since, weights" % unknown[0])
        if any(len(values) > 1 for values in fields.values()):
            raise ApiError("each query parameter may be given once")
        one = {name: values[0] for name, values in fields.items()}
        session_id = _session_id(one.get("session"))
        numbers = {}
        for name, default in (("since", 0), ("weights", -1)):
            text = one.get(name, str(default))
            if not (text.isdigit() or (text.startswith("-") and text[1:].isdigit())) or len(text) > 12:
                raise ApiError("%s must be a whole number, not %.40r" % (name, text))
            numbers[name] = int(text)
        if numbers["since"] < 0:
            raise ApiError("since must be 0 or more, not %d" % numbers["since"])
        return self.server.sessions.status(session_id, numbers["since"], numbers["weights"])

    # ---------------------------------------------------------------- reading a body

    def _read_json(self):
        """The request's body as a JSON value, every header checked first."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise ApiError("send the body with a Content-Length (no Transfer-Encoding)", 411)
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            raise ApiError("a POST needs a Content-Length header", 411)
        if len(set(lengths)) > 1 or not lengths[0].strip().isdigit() or len(lengths[0]) > 15:
            self.close_connection = True
            raise ApiError("Content-Length must be one whole number of bytes, not %.40r"
                           % ", ".join(lengths))
        length = int(lengths[0])
        if length > MAX_BODY:
            self._drain(length)
            raise ApiError("the body has %d bytes, more than the %d this server takes"
                           % (length, MAX_BODY), 413)
        kind = self.headers.get("Content-Type", "application/json").split(";")[0].strip().lower()
        if kind != "application/json":
            self._drain(length)
            raise ApiError("the body must be JSON (Content-Type: application/json), not %.60s"
                           % kind, 415)
        body = self._read_exactly(length)
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise ApiError("the body is not UTF-8 text") from None
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            raise ApiError("the body is not valid JSON: %s" % e) from None
        except RecursionError:
            raise ApiError("the body is not valid JSON: nested too deeply") from None

    def _read_exactly(self, length):
        """``length`` bytes of body, or ApiError (400) when fewer arrive in BODY_SECONDS."""
        self.connection.settimeout(BODY_SECONDS)
        try:
            body = self.rfile.read(length)
        except socket.timeout:
            body = b""
        finally:
            self.connection.settimeout(self.timeout)
        if len(body) != length:
            self.close_connection = True
            raise ApiError("the body ended after %d of the %d bytes its Content-Length announced"
                           % (len(body), length))
        return body

    def _drain(self, length):
        """Read and drop a body we refuse, so that the client reads our answer; then close."""
        self.close_connection = True
        if length > MAX_DRAIN:
            return
        self.connection.settimeout(BODY_SECONDS)
        try:
            while length > 0:
                chunk = self.rfile.read(min(length, 1 << 16))
                if not chunk:
                    break
                length -= len(chunk)
        except OSError:
            pass

    # ---------------------------------------------------------------- answering

    def _send_json(self, answer, status):
        if not isinstance(answer, bytes):
            answer = json.dumps(answer, allow_nan=False, separators=(",", ":")).encode()
        self._send(status, answer, "application/json", cache="no-store")

    def _send(self, status, content, kind, cache):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", cache)
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        if status == 405:
            self.send_header("Allow", getattr(self, "_allow", "GET"))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(content)

    def send_error(self, code, message=None, explain=None):
        """Errors found by http.server itself (a bad request line, too many headers, an
        unknown method): answered in JSON like the others."""
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        try:
            self._send_json({"error": text}, code)
        except OSError:
            pass

    def log_message(self, format, *args):
        pass  # requests are logged by _dispatch, when the server has a log


def _session_id(value):
    """A session id from the page: 8 to 64 letters, digits, - or _."""
    if not isinstance(value, str) or not 8 <= len(value) <= 64 or not set(value) <= SESSION_ID_CHARACTERS:
        raise ApiError("session must be an id of 8 to 64 letters, digits, - or _ (the page makes one)")
    return value


def _no_constant(name):
    raise ValueError("%s is not a number JSON allows" % name)
