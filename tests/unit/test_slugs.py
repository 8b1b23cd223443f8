"""slugify: the facet keys the indexer stores and the search API filters on."""

from __future__ import annotations

import pytest

from chalicelib.slugs import slugify


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Trauma and Orthopaedics", "trauma-and-orthopaedics"),
        ("Ear, nose & throat (ENT)", "ear-nose-throat-ent"),
        ("  Psychodynamic   therapy ", "psychodynamic-therapy"),
        ("Núñez-Smith", "nunez-smith"),
        ("Women's health", "womens-health"),
        ("Women\u2019s health", "womens-health"),
        ("AXA Health", "axa-health"),
        ("Straße", "strasse"),
        ("Ørsted Æble Łódź", "orsted-aeble-lodz"),
        ("COVID-19 / Long COVID", "covid-19-long-covid"),
        ("--Cardiology--", "cardiology"),
        ("中文 Mandarin", "mandarin"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_given_a_label_then_slugify_gives_its_key(label: str, slug: str) -> None:
    assert slugify(label) == slug


def test_given_spellings_of_one_label_then_they_share_a_slug() -> None:
    spellings = [
        "Trauma and Orthopaedics",
        "TRAUMA AND ORTHOPAEDICS",
        "trauma-and-orthopaedics",
        "Trauma_and Orthopaedics",
    ]
    assert {slugify(spelling) for spelling in spellings} == {"trauma-and-orthopaedics"}


def test_a_slug_is_its_own_slug() -> None:
    slug = slugify("Ear, nose & throat (ENT)")
    assert slugify(slug) == slug
