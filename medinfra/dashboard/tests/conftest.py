"""A small registry for the public pages: damage, restoration, attacks, vehicles, projects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache."""
    # The test database is rolled back between tests, so a data version can come back with
    # different data behind it.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Registry:
    kharkiv_hospital: Any
    kharkiv_clinic: Any
    donetsk_hospital: Any
    verified: Any
    unverified: Any
    source: Any


@pytest.fixture
def registry(
    ua: Any,
    actor: Any,
    other_actor: Any,
    make_facility: Any,
    assess: Any,
    restore: Any,
    make_incident: Any,
    make_vehicle: Any,
    make_source: Any,
) -> Registry:
    """Kharkiv 3 damaged (1 destroyed), Donetsk 2, Luhansk inaccessible; attacks; vehicles."""
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status
    from medinfra.incidents.services import set_verification
    from medinfra.partnerships.services import record_agreement
    from medinfra.recovery.services import register_partner, register_project

    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)
    source = make_source(publisher="Regional health department", title="Field report 7")
    hospital = make_facility(region="UA-63", name_en="Kharkiv Test Hospital", settlement="Izium")
    assess(hospital, D(2022, 3, 10), "partial", "partial", source=source)
    assess(hospital, D(2022, 9, 1), "destroyed", "none", source=source)
    clinic = make_facility(region="UA-63", name_en="Kharkiv Test Clinic", kind="outpatient_clinic")
    assess(clinic, D(2022, 4, 2), "partial", "none")
    restore(clinic, D(2023, 2, 1), "fully_restored")
    assess(clinic, D(2023, 2, 5), "none", "full")
    assess(make_facility(region="UA-63"), D(2023, 11, 3), "partial", "partial")
    donetsk = make_facility(region="UA-14", name_en="Donetsk Test Hospital")
    assess(donetsk, D(2022, 5, 1), "partial", "none")
    assess(make_facility(region="UA-14"), D(2022, 6, 1), "partial", "none")
    make_facility(region="UA-09", name_en="Luhansk Test Hospital")
    make_facility(region="UA-46", name_en="Lviv Test Hospital")

    verified = make_incident(
        facility=hospital,
        occurred_on=D(2022, 9, 1),
        attack_types=["heavy_weapons", "setting_fire"],
        certainty="confirmed",
        description="MARKER-staff-only description",
        public_summary="Shelling of the hospital.",
        health_workers_injured=2,
        sources=[source],
    )
    set_verification(verified, actor=other_actor, state="verified")
    second = make_incident(region="UA-14", occurred_on=D(2022, 5, 1), attack_types=["obstruction"])
    set_verification(second, actor=other_actor, state="verified")
    unverified = make_incident(
        facility=hospital,
        occurred_on=D(2022, 10, 1),
        public_summary="MARKER-unverified summary",
    )

    make_vehicle(region="UA-63", events=((D(2022, 3, 1), "damaged"),))
    make_vehicle(region="UA-63", events=((D(2022, 3, 1), "damaged"), (D(2022, 6, 1), "seized")))
    make_vehicle(region="UA-09", events=((D(2022, 7, 1), "destroyed"),))

    partner = register_partner(
        actor=actor, name_en="Test Partner Hospital", kind="foreign_hospital", country="PL"
    )
    register_project(
        actor=actor,
        title_en="Rebuild the Kharkiv hospital",
        block=2,
        facility=hospital,
        stage="designed",
        cost_estimate=Decimal("1250000"),
        currency="USD",
        priority=1,
    )
    record_agreement(
        actor=actor,
        facility=clinic,
        partner=partner,
        kind="twinning",
        signed_on=D(2023, 5, 1),
        programme="International Medical Partnership",
        areas=["rehabilitation"],
    )
    return Registry(
        kharkiv_hospital=hospital,
        kharkiv_clinic=clinic,
        donetsk_hospital=donetsk,
        verified=verified,
        unverified=unverified,
        source=source,
    )
