"""Writes to partnership agreements: checked, audited, status changed with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.queries import history_of
from medinfra.core.services import retract_record
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.services import set_agreement_status

pytestmark = pytest.mark.django_db


def test_areas_may_be_given_as_a_comma_separated_line(make_agreement: Callable) -> None:
    agreement = make_agreement(areas=" rehabilitation, ,surgery ")

    assert agreement.areas == ["rehabilitation", "surgery"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "friendship"}, "kind"),
        ({"status": "eternal"}, "status"),
        ({"signed_on": None}, "signed_on"),
        ({"areas": 5}, "areas"),
    ],
)
def test_bad_agreements_are_refused_naming_the_field(
    make_agreement: Callable, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_agreement(**values)

    assert field in caught.value.message_dict
    assert not PartnershipAgreement.all_objects.exists()


def test_an_agreement_cannot_be_signed_in_the_future(make_agreement: Callable) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_agreement(signed_on=timezone.localdate() + dt.timedelta(days=1))

    assert "signed_on" in caught.value.message_dict


def test_the_other_side_is_a_foreign_institution_not_a_donor(
    make_agreement: Callable, make_institution: Callable
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_agreement(partner=make_institution(kind="donor"))

    assert "partner" in caught.value.message_dict


def test_a_retracted_facility_or_partner_takes_no_agreement(
    make_agreement: Callable, make_facility: Callable, make_institution: Callable, actor: Any
) -> None:
    facility = retract_record(make_facility(), actor=actor, reason="duplicate")
    partner = retract_record(make_institution(), actor=actor, reason="duplicate")

    with pytest.raises(InvalidInput) as caught:
        make_agreement(facility=facility, partner=partner)

    assert set(caught.value.message_dict) == {"facility", "partner"}


def test_status_changes_are_audited_with_their_reason(make_agreement: Callable, actor: Any) -> None:
    agreement = make_agreement()

    set_agreement_status(agreement, actor=actor, status="suspended", reason="hospital shelled")

    agreement.refresh_from_db()
    assert agreement.status == "suspended"
    event = history_of(agreement).get(action="update")
    assert event.changes == {"before": {"status": "active"}, "after": {"status": "suspended"}}
    assert event.reason == "hospital shelled"


def test_an_unknown_status_is_refused(make_agreement: Callable, actor: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        set_agreement_status(make_agreement(), actor=actor, status="paused")

    assert "status" in caught.value.message_dict


def test_a_stale_status_change_is_a_conflict(make_agreement: Callable, actor: Any) -> None:
    agreement = make_agreement()
    set_agreement_status(agreement, actor=actor, status="suspended")

    with pytest.raises(Conflict):
        set_agreement_status(agreement, actor=actor, status="active", expected_version=1)
