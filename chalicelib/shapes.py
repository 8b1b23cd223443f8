"""The convention for the shapes of the API's answers.

An answer is a ``TypedDict`` built by the code that answers (typed to return it, so mypy
holds the code to the shape) and published as JSON Schema in the API document
(``chalicelib/openapi``). A ``TypedDict`` rather than a pydantic model: the answer stays
a plain dict, with no validation cost per request. Decorate each with ``@documented``:
field docstrings become the published descriptions, and ``extra="forbid"`` publishes
every object as closed, so an answer with a field the shape does not name fails the
response-conformance tests. Import ``TypedDict`` from ``typing_extensions``: pydantic
requires it before Python 3.12.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pydantic import ConfigDict

DOCUMENTED: ConfigDict = {"use_attribute_docstrings": True, "extra": "forbid"}

Shape = TypeVar("Shape", bound=type)


def documented(shape: Shape) -> Shape:
    """What pydantic's ``with_config(DOCUMENTED)`` does, without importing pydantic.

    The attribute is read only when the API document is built; importing pydantic for it
    was the largest part of the api function's import (``bench/cold_start.py``).
    """
    setattr(shape, "__pydantic_config__", DOCUMENTED)  # noqa: B010 - mypy knows no such attribute on a class
    return shape
