"""The demo data set reaches the Ministry of Health's published figures through real events."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from medinfra.core.models import AuditEvent, DatasetInfo
from medinfra.core.queries import verify_audit_chain, verify_audited_records
from medinfra.dashboard.queries import headline
from medinfra.demo.tests.test_occupied import (
    check_the_demo_shows_verified_occupied_events_on_the_public_page_without_names,
)
from medinfra.facilities.models import Facility

pytestmark = pytest.mark.slow


def bulletin(*args: str) -> str:
    out = StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue()


def test_demo_data_set_reaches_the_published_figures_through_events(db):
    """One build (it takes a while), every check the demo promises."""
    call_command("demo", "--no-serve", stdout=StringIO())

    # seeds/000, in the ministry's words.
    text = bulletin("--lang", "en")
    assert "2,325 health-care facilities have been damaged or destroyed" in text
    assert "2,020 with partial damage and 305 completely destroyed" in text
    assert (
        "The most affected regions are Kharkiv Oblast, Donetsk Oblast, Mykolaiv Oblast, "
        "Kyiv Oblast, Chernihiv Oblast, Dnipropetrovsk Oblast, Kherson Oblast, "
        "Zaporizhzhia Oblast."
    ) in text
    assert "116 ambulances have been damaged, 274 destroyed and 80 seized" in text
    assert "Damage cannot be assessed in: Luhansk Oblast." in text
    assert "SYNTHETIC DEMO DATA" in text

    # The same figures, from the counting rules.
    figures = headline(country="UA")
    damage = figures.damage
    assert damage is not None
    assert (damage.partially_damaged, damage.destroyed) == (2020, 305)
    assert damage.fully_restored == 734  # "more than seven hundred"
    assert damage.partially_restored == 312
    assert damage.back_in_operation > 1000
    assert (figures.vehicles.damaged, figures.vehicles.destroyed, figures.vehicles.seized) == (
        116,
        274,
        80,
    )
    assert [r.region.code for r in figures.ranking[:8]] == [
        "UA-63",
        "UA-14",
        "UA-48",
        "UA-32",
        "UA-74",
        "UA-12",
        "UA-65",
        "UA-23",
    ]
    assert [r.code for r in figures.not_assessable] == ["UA-09"]

    # seeds/004: 190 destroyed and almost 1,500 damaged on 6 October 2023.
    october = headline(country="UA", as_of=dt.date(2023, 10, 6)).damage
    assert october is not None
    assert october.destroyed == 190
    assert october.partially_damaged == 1487  # "almost 1,500"

    # Ukrainian bulletin.
    text_uk = bulletin("--lang", "uk")
    assert "2\xa0325" in text_uk or "2 325" in text_uk
    assert "Харківська область, Донецька область, Миколаївська область" in text_uk

    # Labelled synthetic, written through the audited services.
    assert DatasetInfo.current().is_synthetic
    assert not Facility.objects.filter(is_synthetic=False).exists()
    assert AuditEvent.objects.count() > Facility.objects.count()
    assert verify_audit_chain().intact
    assert verify_audited_records() == []

    # Occupied territory: verified events counted on the public page, no name shown.
    check_the_demo_shows_verified_occupied_events_on_the_public_page_without_names()

    # A second run loads nothing twice.
    facilities = Facility.objects.count()
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Facility.objects.count() == facilities


def test_demo_refuses_to_load_into_a_registry_with_real_data(make_facility):
    from django.core.management.base import CommandError

    make_facility()

    with pytest.raises(CommandError, match="not synthetic"):
        call_command("demo", "--no-serve", stdout=StringIO())
