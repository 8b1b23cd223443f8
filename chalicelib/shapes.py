"""The convention for the shapes of the API's answers.

An answer is a ``TypedDict`` built by the code that answers (typed to return it, so mypy
holds the code to the shape) and published as JSON Schema in the API document
(``chalicelib/openapi``). A ``TypedDict`` rather than a pydantic model: the answer stays
a plain dict, with no validation cost per request. Decorate each with
``@with_config(DOCUMENTED)``: field docstrings become the published descriptions, and
``extra="forbid"`` publishes every object as closed, so an answer with a field the shape
does not name fails the response-conformance tests. Import ``TypedDict`` from
``typing_extensions``: pydantic requires it before Python 3.12.
"""

from __future__ import annotations

from pydantic import ConfigDict

DOCUMENTED = ConfigDict(use_attribute_docstrings=True, extra="forbid")
