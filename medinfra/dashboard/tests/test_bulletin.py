import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from medinfra.geography.queries import region_by_code
from medinfra.geography.services import set_access_status

D = dt.date


@pytest.fixture
def small_registry(ua, actor, make_facility, assess, restore, make_vehicle):
    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)
    for region, partial, destroyed in (("UA-63", 3, 1), ("UA-14", 1, 1)):
        for _ in range(partial):
            assess(make_facility(region=region), D(2022, 5, 1), "partial", "partial")
        for _ in range(destroyed):
            assess(make_facility(region=region), D(2022, 5, 1), "destroyed", "none")
    restored = make_facility(region="UA-63")
    assess(restored, D(2022, 6, 1), "partial", "none")
    restore(restored, D(2023, 6, 1), "fully_restored")
    make_vehicle(events=((D(2022, 3, 1), "seized"),))
    make_vehicle(events=((D(2022, 3, 1), "destroyed"),))
    make_vehicle(events=((D(2022, 3, 1), "damaged"),))


def bulletin(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue()


def test_english_bulletin_states_every_headline_figure(small_registry):
    text = bulletin("--lang", "en", "--as-of", "2024-01-01")

    assert "7 health-care facilities have been damaged or destroyed" in text
    assert "5 with partial damage and 2 completely destroyed" in text
    assert "The most affected regions are Kharkiv Oblast, Donetsk Oblast." in text
    assert "1 ambulance has been damaged, 1 destroyed and 1 seized" in text
    assert "1 facility has been fully restored and another 0 partially restored" in text
    assert "Damage cannot be assessed in: Luhansk Oblast." in text
    assert "as of 1 January 2024" in text or "as of Jan. 1, 2024" in text


def test_ukrainian_bulletin_uses_ukrainian_words_and_numbers(small_registry):
    text = bulletin("--lang", "uk", "--as-of", "2024-01-01")

    assert "Харківська область, Донецька область" in text
    assert "Луганська область" in text
    assert "пошкоджено або зруйновано" in text


def test_bulletin_as_of_an_earlier_date_leaves_out_later_events(small_registry):
    text = bulletin("--lang", "en", "--as-of", "2023-01-01")

    assert "0 facilities have been fully restored" in text


def test_bulletin_for_an_inaccessible_region_says_not_assessable(small_registry):
    text = bulletin("--lang", "en", "--region", "UA-09")

    assert "cannot be assessed" in text
    assert "0 health-care" not in text


def test_bulletin_rejects_a_bad_date_naming_the_option(ua):
    with pytest.raises(CommandError, match="--as-of"):
        bulletin("--as-of", "2024-13-45")


def test_bulletin_rejects_an_unknown_region_naming_the_option(ua):
    with pytest.raises(CommandError, match=r"--region.*UA-99"):
        bulletin("--region", "UA-99")
