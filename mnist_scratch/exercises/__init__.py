"""The exercise track: ``template.py`` holds empty stubs for the student to fill in.

Copy it out with ``python -m mnist_scratch.check --template my_steps.py`` and
check a step with ``python -m mnist_scratch.check 1 my_steps.py``.
"""
