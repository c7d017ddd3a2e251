import datetime as dt

from medinfra.vehicles.queries import vehicle_counts

D = dt.date


def test_seized_vehicle_is_not_counted_as_destroyed(make_vehicle):
    make_vehicle(events=((D(2022, 3, 1), "seized"),))

    counts = vehicle_counts(as_of=D(2023, 1, 1))

    assert (counts.seized, counts.destroyed, counts.damaged) == (1, 0, 0)


def test_vehicle_damaged_then_destroyed_counts_once_as_destroyed(make_vehicle):
    make_vehicle(events=((D(2022, 3, 1), "damaged"), (D(2022, 5, 1), "destroyed")))

    counts = vehicle_counts(as_of=D(2023, 1, 1))

    assert (counts.damaged, counts.destroyed, counts.seized) == (0, 1, 0)


def test_vehicle_damaged_then_seized_counts_as_seized(make_vehicle):
    make_vehicle(events=((D(2022, 3, 1), "damaged"), (D(2022, 5, 1), "seized")))

    counts = vehicle_counts(as_of=D(2023, 1, 1))

    assert (counts.damaged, counts.seized) == (0, 1)


def test_vehicle_events_after_the_as_of_date_do_not_count(make_vehicle):
    make_vehicle(events=((D(2022, 3, 1), "damaged"), (D(2022, 5, 1), "destroyed")))

    counts = vehicle_counts(as_of=D(2022, 4, 1))

    assert (counts.damaged, counts.destroyed) == (1, 0)


def test_vehicle_without_events_is_not_a_loss(make_vehicle):
    make_vehicle()

    assert vehicle_counts(as_of=D(2023, 1, 1)) == vehicle_counts(as_of=D(2000, 1, 1))
    assert vehicle_counts(as_of=D(2023, 1, 1)).damaged == 0
