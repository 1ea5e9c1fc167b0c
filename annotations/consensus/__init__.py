"""Pure consensus maths for rednote: numpy/scipy in, numpy out, no Django.

Modules:

- ``wilson``: Wilson score interval for an agree share.
- ``bridging``: Community Notes style one-factor matrix factorisation; a claim's
  intercept is the agreement that its factor (the "side" it appeals to) does not explain.
- ``groups``: opinion groups (Polis style PCA + k-means), group-aware consensus,
  divisiveness and the adjusted Rand index.
- ``labels``: Dawid–Skene label consensus for sentence tags from several annotators.
- ``alpha``: Krippendorff's alpha (nominal) for inter-annotator reliability.
- ``polis``: loader for Polis conversation exports (the only module that reads files).

Everything here works on integer-indexed arrays; mapping database ids to indices is the
caller's job.
"""
