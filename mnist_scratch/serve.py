"""The classroom page: draw digits, watch a network learn, step through backprop.

Examples:
    python -m mnist_scratch.serve                       # opens http://127.0.0.1:8000/
    python -m mnist_scratch.serve --port 8080 --no-browser
    python -m mnist_scratch.serve --network my-net.json  # read drawings with your own network
    python -m mnist_scratch.serve --host 0.0.0.0         # a lab: students open http://<this machine>:8000/

The page has three parts:

- Draw: draw a digit with the mouse, a finger or a pen; the network reads it
  as you draw (the same preprocessing as ``predict``) and shows the 28 x 28
  input it sees, every hidden neuron's activation, its ten outputs, and which
  pixels pushed it toward its answer.
- Learn live: a network of your settings trains while you watch its weights
  and its cost and accuracy curves; start, pause, one mini-batch at a time,
  reset. The settings are in the page's address, so a lesson can be shared
  as a link; presets show what a bad learning rate or a zero initialisation
  does.
- Backprop: a [2, 3, 2] network, one equation at a time, with every number.

The server is the standard library's threading HTTP server; the page is
plain HTML, CSS and JavaScript inside the package (mnist_scratch/classroom/),
so it works offline. It listens on 127.0.0.1 (this computer only) unless
--host says otherwise. Stop it with Ctrl-C.
"""

import argparse
import ipaddress
import os
import socket
import sys
import threading
import webbrowser

from .classroom.server import make_server
from .cli import ArgumentParser, CommandError, line_printer, path_text, run_main
from .predict import NETWORK_NAMES, default_network, load_network

__all__ = ["build_parser", "main", "run"]

PROG = "python -m mnist_scratch.serve"


def port_number(text):
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError("%r is not a port number from 0 to 65535" % text)
    return int(text)


def build_parser():
    parser = ArgumentParser(
        prog=PROG,
        description="Serve the classroom page: draw digits for a network to read, watch a "
                    "network learn live, step through backpropagation. Stop with Ctrl-C.")
    parser.add_argument("--network", type=path_text, default=None, metavar="FILE",
                        help="the network that reads drawings (default: the best shipped one, "
                             "data/networks/%s if present, else %s)" % NETWORK_NAMES)
    parser.add_argument("--port", type=port_number, default=8000,
                        help="the port to listen on (default: %(default)s; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: %(default)s, this computer "
                             "only; 0.0.0.0: every network the computer is on, for a lab)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open the page in a browser")
    parser.add_argument("--log", action="store_true",
                        help="print one line per request (with the time it took)")
    return parser


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args, out=None, err=None):
    """Serve until Ctrl-C. Returns the exit code."""
    say = line_printer(out or sys.stdout)
    warn = line_printer(err or sys.stderr)
    network_path = args.network or default_network()
    network = load_network(network_path)  # before the port: a bad file is one line, exit 2
    try:
        server = make_server(network, os.path.basename(network_path), args.host, args.port,
                             log=say if args.log else None)
    except OSError as e:
        raise CommandError("cannot listen on %s port %d: %s" % (args.host, args.port,
                                                                e.strerror or e)) from None
    # A request's thread needs the interpreter for a few short moments (reading the JSON,
    # answering); while a network trains in another thread, each moment waits for the
    # interpreter to switch threads: every 1 ms instead of Python's default 5 ms.
    sys.setswitchinterval(0.001)
    server.sessions.prefetch()  # the images for live training, loaded while the page opens
    url = server.url
    if args.host in ("0.0.0.0", "::"):  # every address: this computer's own is the loopback one
        url = "http://%s:%d/" % ("127.0.0.1" if args.host == "0.0.0.0" else "[::1]",
                                 server.server_address[1])
    say("The classroom page is at %s (network %s %s). Stop with Ctrl-C."
        % (url, os.path.basename(network_path), network.sizes))
    if not _is_loopback(args.host):
        port = server.server_address[1]
        if args.host in ("0.0.0.0", "::"):
            say("Students open http://%s:%d/ (or this computer's address on the network)."
                % (socket.gethostname(), port))
        warn("%s: warning: listening on %s: anyone who can reach this computer on port %d can "
             "open the page and train networks on it. Use it on a trusted network (a lab), "
             "and stop it after class." % (PROG, args.host, port))
    if not args.no_browser:
        # In a thread: a browser that is slow to start must not delay the server.
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # the way to stop a server: not an error
        say("Stopped.")
    finally:
        server.server_close()
    return 0


def main(argv=None):
    """The command line; returns the exit code (2 for a bad argument or network file)."""
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
