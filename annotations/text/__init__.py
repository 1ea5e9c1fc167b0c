"""Pure text core: normalise, convert, segment, analyse and anchor article text.

Standard library, pySBD and markdown-it-py only; nothing here imports Django or the rest
of the project, so it can run in workers, scripts and benchmarks as it is.
"""
