"""The classroom page: draw a digit, watch a network learn, step through backprop.

``python -m mnist_scratch.serve`` starts a small web server (the standard
library's threading HTTP server) and opens its page in the browser. The page
is plain HTML, CSS and JavaScript shipped in ``static/``: no build step, no
download from the internet, so it works offline in a lecture hall.

    server.py    the HTTP server: routes, request limits, JSON answers, the page's files
    api.py       what the JSON endpoints compute: a drawing read by the network,
                 the backprop walkthrough, every request checked first
    sessions.py  live training: one network per browser, trained in a thread
                 by the project's own ``training.sgd``
    turns.py     training threads take turns, so that a lab full of students
                 shares the processor fairly
    reader.py    drawings are read in a child process, on the second core
    static/      index.html, style.css and the page's JavaScript

Everything here uses the standard library only, like the rest of the core.
"""
