"""Conversions with the dated rate table: the rate valid on the day, cents rounded half up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import pytest

from medinfra.core.services import retract_record
from medinfra.recovery.queries import MissingRate, RateTable, convert, rate_on, to_reporting

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def rates(make_rate: Callable) -> None:
    make_rate("EUR", D(2023, 1, 1), "0.93")
    make_rate("EUR", D(2023, 3, 1), "0.92")
    make_rate("EUR", D(2023, 4, 1), "0.91")
    make_rate("UAH", D(2022, 1, 1), "29.25")
    make_rate("UAH", D(2023, 1, 1), "36.5686")


def test_conversion_uses_the_latest_rate_on_or_before_the_day(rates: None) -> None:
    # 1000 / 0.92 = 1086.9565…, the rate from 1 March; not 1 January's, not 1 April's.
    assert convert(Decimal("1000"), currency="EUR", on=D(2023, 3, 15)) == Decimal("1086.96")


def test_a_rate_counts_from_its_own_day(rates: None) -> None:
    assert convert(Decimal("910"), currency="EUR", on=D(2023, 4, 1)) == Decimal("1000.00")
    assert convert(Decimal("920"), currency="EUR", on=D(2023, 3, 31)) == Decimal("1000.00")


def test_any_currency_converts_to_usd_and_the_local_currency(rates: None) -> None:
    money = to_reporting(Decimal("1000"), currency="eur", on=D(2023, 3, 15))

    # 1000 EUR x 36.5686 UAH/USD / 0.92 EUR/USD = 39748.4782… UAH
    assert (money.usd, money.local) == (Decimal("1086.96"), Decimal("39748.48"))


def test_usd_needs_no_rate_and_converts_to_the_local_currency(rates: None) -> None:
    money = to_reporting(Decimal("100"), currency="USD", on=D(2022, 6, 1))

    assert (money.usd, money.local) == (Decimal("100.00"), Decimal("2925.00"))


def test_a_currency_converted_to_itself_is_only_rounded(db: None) -> None:
    assert convert(Decimal("12.345"), currency="GBP", on=D(2020, 1, 1), to="GBP") == Decimal(
        "12.35"
    )


def test_cents_are_rounded_half_up_not_to_even(make_rate: Callable) -> None:
    make_rate("XAU", D(2023, 1, 1), "2")

    # 1.25 / 2 = 0.625: half up gives 0.63 where rounding to even would give 0.62.
    assert convert(Decimal("1.25"), currency="XAU", on=D(2023, 1, 1)) == Decimal("0.63")


def test_eighteen_digit_amounts_lose_nothing_before_the_rounding(rates: None) -> None:
    amount = Decimal("1234567890123456.78")

    with localcontext() as context:
        context.prec = 60
        expected = (amount / Decimal("36.5686")).quantize(Decimal("0.01"))
    assert convert(amount, currency="UAH", on=D(2024, 1, 1)) == expected


def test_no_rate_before_the_day_is_an_error_naming_the_currency_and_the_day(rates: None) -> None:
    with pytest.raises(MissingRate) as caught:
        convert(Decimal("10"), currency="EUR", on=D(2022, 12, 31))

    assert caught.value.currency == "EUR" and caught.value.on == D(2022, 12, 31)
    [message] = caught.value.message_dict["currency"]
    assert "EUR" in message and "2022-12-31" in message


def test_a_missing_local_currency_rate_names_that_currency(make_rate: Callable) -> None:
    make_rate("EUR", D(2023, 1, 1), "0.93")

    with pytest.raises(MissingRate) as caught:
        to_reporting(Decimal("10"), currency="EUR", on=D(2023, 2, 1))

    assert caught.value.currency == "UAH"


def test_an_unknown_currency_has_no_rate(rates: None) -> None:
    with pytest.raises(MissingRate, match="ZZZ"):
        convert(Decimal("10"), currency="ZZZ", on=D(2023, 2, 1))


def test_a_retracted_rate_is_not_used(rates: None, actor: Any) -> None:
    april = rate_on("EUR", D(2023, 4, 1))
    assert april is not None
    retract_record(april, actor=actor, reason="wrong day")

    assert convert(Decimal("920"), currency="EUR", on=D(2023, 4, 15)) == Decimal("1000.00")


def test_the_rate_table_is_read_in_one_query(rates: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        table = RateTable.load()
    with django_assert_num_queries(0):
        for day in range(1, 28):
            table.money(Decimal("100"), "EUR", D(2023, 5, day))
