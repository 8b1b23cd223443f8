""" "Did you mean": a phrase suggestion for words that found few or no specialists.

OpenSearch's phrase suggester proposes corrections from the words in the index, scored
by how often they occur together; ``collate`` keeps only corrections that would find at
least one specialist, so the patient is never sent to another empty page.
"""

from __future__ import annotations

from typing import Any

from chalicelib import index_schema as schema

_COLLATE_FIELDS = [schema.SPELLING]


def build_spelling_body(q: str) -> dict[str, Any]:
    return {
        "size": 0,
        "suggest": {
            "text": q,
            "did_you_mean": {
                "phrase": {
                    "field": schema.SPELLING_SHINGLES,
                    "size": 1,
                    "gram_size": 3,
                    "max_errors": 3,
                    "confidence": 0.0,
                    "direct_generator": [
                        {"field": schema.SPELLING, "suggest_mode": "always", "min_word_length": 3, "prefix_length": 0}
                    ],
                    "collate": {
                        "query": {
                            "source": {
                                "match": {schema.SPELLING: {"query": "{{suggestion}}", "operator": "and"}},
                            }
                        },
                        "prune": False,
                    },
                }
            },
        },
    }


def best_correction(raw: dict[str, Any], q: str) -> str | None:
    """The top collated suggestion, if it differs from what the patient typed."""
    for entry in raw.get("suggest", {}).get("did_you_mean", []):
        for option in entry.get("options", []):
            text = str(option["text"])
            if text.casefold() != q.casefold():
                return text
    return None
