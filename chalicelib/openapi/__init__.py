"""The API's contract: the OpenAPI 3.1 document at ``GET /openapi.json`` and its
human-readable page at ``GET /docs``.

The document is generated, never written by hand: request bodies and answers from their
models (:mod:`chalicelib.shapes`), query parameters from the declarations the parsers read
(:mod:`chalicelib.search.parameters`). It is built on the first request for it and kept,
so neither importing ``app`` nor a search request loads any of this package.
"""
