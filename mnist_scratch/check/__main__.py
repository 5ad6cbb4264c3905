"""python -m mnist_scratch.check: see the package's docstring, or --help."""

import sys

from .command import main

if __name__ == "__main__":
    sys.exit(main())
