import datetime as dt

import pytest

from medinfra.core.errors import InvalidInput
from medinfra.core.services import retract_record
from medinfra.facilities.models import Restoration

D = dt.date


def test_restoration_of_a_facility_never_damaged_is_refused(make_facility, restore):
    with pytest.raises(InvalidInput) as error:
        restore(make_facility(), D(2023, 1, 1), "fully_restored")
    assert "facility" in error.value.message_dict
    assert not Restoration.all_objects.exists()


def test_restoration_dated_before_the_damage_is_refused(make_facility, assess, restore):
    facility = make_facility()
    assess(facility, D(2023, 6, 1), "partial")

    with pytest.raises(InvalidInput) as error:
        restore(facility, D(2023, 5, 1), "partially_restored")
    assert "facility" in error.value.message_dict


def test_restoration_after_retracted_damage_is_refused(make_facility, assess, restore, actor):
    facility = make_facility()
    retract_record(assess(facility, D(2022, 6, 1), "destroyed"), actor=actor, reason="wrong")

    with pytest.raises(InvalidInput):
        restore(facility, D(2023, 5, 1), "fully_restored")


def test_restoration_of_a_damaged_facility_is_recorded(make_facility, assess, restore):
    facility = make_facility()
    assess(facility, D(2022, 6, 1), "partial")

    restoration = restore(facility, D(2023, 5, 1), "fully_restored")

    assert restoration.pk is not None


def test_repair_cost_needs_its_currency(make_facility, assess):
    with pytest.raises(InvalidInput) as error:
        assess(make_facility(), D(2022, 6, 1), "partial", repair_cost=1000)
    assert "repair_cost_currency" in error.value.message_dict


def test_unknown_condition_is_refused_naming_the_field(make_facility, assess):
    with pytest.raises(InvalidInput) as error:
        assess(make_facility(), D(2022, 6, 1), "burnt")
    assert "condition" in error.value.message_dict
