"""Counts of agreements by programme, partner country, status and area, as of a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from medinfra.core.services import retract_record
from medinfra.partnerships.queries import (
    INTERNATIONAL_MEDICAL_PARTNERSHIP,
    agreement_counts,
    agreements,
)

pytestmark = pytest.mark.django_db
IMP = INTERNATIONAL_MEDICAL_PARTNERSHIP
D = dt.date


@pytest.fixture
def signed(make_agreement: Callable, make_institution: Callable, actor: Any) -> None:
    polish, german = make_institution("PL"), make_institution("DE")
    who = make_institution("", kind="international_organisation")
    make_agreement(partner=polish, programme=IMP, areas=["surgery", "Rehabilitation"])
    make_agreement(partner=polish, programme=IMP, areas=["rehabilitation"], status="completed")
    make_agreement(partner=german, programme=IMP, areas=["training"])
    make_agreement(partner=who, programme="", areas=[], signed_on=D(2022, 6, 1))
    make_agreement(partner=german, programme=IMP, signed_on=D(2024, 2, 1), kind="twinning")
    retract_record(make_agreement(partner=german, programme=IMP), actor=actor, reason="typo")


def test_agreements_are_counted_by_programme_and_partner_country(signed: None) -> None:
    counts = agreement_counts(as_of=D(2024, 12, 31), country="UA")

    assert counts.total == 5
    assert counts.by_programme == [(IMP, 4), ("", 1)]
    assert counts.in_programme(IMP) == 4
    assert counts.by_partner_country == [("DE", 2), ("PL", 2), ("", 1)]
    assert counts.by_programme_and_country == [("", "", 1), (IMP, "DE", 2), (IMP, "PL", 2)]


def test_counts_as_of_a_day_leave_out_later_agreements(signed: None) -> None:
    counts = agreement_counts(as_of=D(2023, 12, 31), country="UA")

    assert (counts.total, counts.in_programme(IMP)) == (4, 3)


def test_areas_are_counted_whatever_their_case(signed: None) -> None:
    counts = agreement_counts(as_of=D(2024, 12, 31))

    assert counts.by_area == [("rehabilitation", 2), ("surgery", 1), ("training", 1)]


def test_statuses_are_all_listed_even_when_none(signed: None) -> None:
    counts = agreement_counts(as_of=D(2024, 12, 31))

    assert [(value, n) for value, _label, n in counts.by_status] == [
        ("active", 4),
        ("completed", 1),
        ("suspended", 0),
        ("terminated", 0),
    ]


def test_agreements_are_filtered_by_partner_country_area_status_and_kind(signed: None) -> None:
    day = D(2024, 12, 31)

    assert len(agreements(as_of=day, partner_country="PL")) == 2
    assert len(agreements(as_of=day, partner_country="")) == 1
    assert len(agreements(as_of=day, area="REHABILITATION")) == 2
    assert len(agreements(as_of=day, status="completed")) == 1
    assert len(agreements(as_of=day, kind="twinning")) == 1
    assert agreements(as_of=day)[0].signed_on == D(2024, 2, 1)  # newest first


def test_agreements_are_read_in_one_query(signed: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = agreements(as_of=D(2024, 12, 31), country="UA")
        agreement_counts(rows)
        [(a.facility.region.code, a.partner.country) for a in rows]
