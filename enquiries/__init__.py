"""Operators' tools for enquiries, run from a checkout: ``python -m enquiries.rights`` (a
patient's data rights) and ``python -m enquiries.report`` (how the hospital teams answer).

They use the same code as the deployed functions (:mod:`chalicelib.enquiries`), built by
the composition root from the environment's settings; none of this package is deployed.
"""
