import datetime as dt

from medinfra.dashboard.queries import headline
from medinfra.geography.queries import region_by_code
from medinfra.geography.services import set_access_status

D = dt.date


def test_inaccessible_region_is_not_assessable_never_zero(ua, actor):
    luhansk = region_by_code("UA-09")
    set_access_status(luhansk, status="inaccessible", actor=actor)

    figures = headline(country="UA", as_of=D(2024, 1, 1))
    luhansk_figures = next(r for r in figures.regions if r.region.code == "UA-09")

    assert luhansk_figures.damage is None
    assert not luhansk_figures.is_assessable
    assert [r.code for r in figures.not_assessable] == ["UA-09"]
    assert headline(country="UA", as_of=D(2024, 1, 1), region=luhansk).damage is None


def test_regions_are_ranked_by_damaged_or_destroyed(make_facility, assess):
    for region, count in (("UA-14", 2), ("UA-63", 3), ("UA-48", 1)):
        for _ in range(count):
            assess(make_facility(region=region), D(2022, 5, 1), "partial")

    ranking = headline(country="UA", as_of=D(2023, 1, 1)).ranking

    assert [r.region.code for r in ranking] == ["UA-63", "UA-14", "UA-48"]


def test_ranking_breaks_ties_by_destroyed(make_facility, assess):
    assess(make_facility(region="UA-14"), D(2022, 5, 1), "partial")
    assess(make_facility(region="UA-63"), D(2022, 5, 1), "destroyed")

    ranking = headline(country="UA", as_of=D(2023, 1, 1)).ranking

    assert [r.region.code for r in ranking] == ["UA-63", "UA-14"]


def test_headline_totals_add_up_over_regions(make_facility, assess, make_vehicle):
    assess(make_facility(region="UA-14"), D(2022, 5, 1), "partial")
    assess(make_facility(region="UA-63"), D(2022, 5, 1), "destroyed")
    make_vehicle(region="UA-63", events=((D(2022, 5, 1), "seized"),))

    figures = headline(country="UA", as_of=D(2023, 1, 1))

    assert figures.damage is not None
    assert (figures.damage.damaged_or_destroyed, figures.damage.destroyed) == (2, 1)
    assert figures.vehicles.seized == 1


def test_damage_recorded_in_an_inaccessible_region_still_counts_nationally(
    ua, actor, make_facility, assess
):
    assess(make_facility(region="UA-09"), D(2022, 5, 1), "destroyed")
    assess(make_facility(region="UA-63"), D(2022, 5, 1), "destroyed")
    set_access_status(region_by_code("UA-09"), status="inaccessible", actor=actor)

    figures = headline(country="UA", as_of=D(2023, 1, 1))

    assert figures.damage is not None and figures.damage.destroyed == 2
    assert sum(r.damage.destroyed for r in figures.regions if r.damage) == 1
