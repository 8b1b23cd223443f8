"""The treatments' content document read back: :func:`from_document` is the inverse of
:func:`to_document`, and :func:`label_from_document` reads the A-Z list's hits."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from chalicelib.slugs import slugify
from chalicelib.treatments.content import TreatmentContent
from chalicelib.treatments.index_schema import (
    LABEL_SOURCE,
    SLUG_SOURCE,
    RelatedView,
    SectionView,
    TreatmentContentView,
    TreatmentLabel,
    from_document,
    label_from_document,
    to_document,
)
from chalicelib.treatments.markdown import to_html
from indexer import demo_treatments


@pytest.mark.parametrize("content", demo_treatments.entries(), ids=lambda content: content.slug)
def test_given_a_demo_treatment_then_its_document_reads_back_as_the_feed_wrote_it(content: TreatmentContent) -> None:
    view = from_document(to_document(content))

    assert view == TreatmentContentView(
        slug=content.slug,
        label=content.label,
        also_known_as=tuple(content.also_known_as),
        summary=content.summary,
        sections=tuple(SectionView(s.heading, s.body, to_html(s.body)) for s in content.sections),
        related_conditions=tuple(RelatedView(label, slugify(label)) for label in content.related_conditions),
        related_specialties=tuple(RelatedView(label, slugify(label)) for label in content.related_specialties),
        updated_at=content.updated_at.isoformat(),
    )


def test_given_the_demo_feed_then_some_treatment_has_every_part_to_read_back() -> None:
    views = [from_document(to_document(content)) for content in demo_treatments.entries()]

    assert any(view.also_known_as for view in views)
    assert any(len(view.sections) > 1 for view in views)
    assert any(view.related_conditions for view in views)
    assert any(view.related_specialties for view in views)
    assert all(view.label != view.slug for view in views)  # a swap of label and slug would show


def test_given_no_document_then_every_field_reads_empty() -> None:
    assert from_document({}) == TreatmentContentView("", "", (), None, (), (), (), None)


def test_given_related_labels_and_slugs_of_different_lengths_then_the_read_fails() -> None:
    document = to_document(demo_treatments.entries()[0])
    document["related_condition_slugs"] = document["related_condition_slugs"][:-1]

    with pytest.raises(ValueError, match="zip"):
        from_document(document)


def test_given_a_view_then_it_cannot_be_changed() -> None:
    view = from_document(to_document(demo_treatments.entries()[0]))

    with pytest.raises(FrozenInstanceError):
        view.label = "x"  # type: ignore[misc]


def test_given_a_hit_of_either_source_list_then_its_slug_and_label_are_read() -> None:
    document = to_document(demo_treatments.entries()[0])
    labelled = {field: document[field] for field in LABEL_SOURCE}
    slug_only = {field: document[field] for field in SLUG_SOURCE}

    assert label_from_document(labelled) == TreatmentLabel(document["slug"], document["label"])
    assert label_from_document(slug_only) == TreatmentLabel(document["slug"], "")
    assert (LABEL_SOURCE, SLUG_SOURCE) == (("slug", "label"), ("slug",))
