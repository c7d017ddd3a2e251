"""Money in any currency, converted to US dollars and the local currency by the dated rates."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.conf import settings
from django.utils.translation import gettext as _

from medinfra.core.errors import InvalidInput
from medinfra.recovery.models import CurrencyRate

USD = "USD"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def local_currency() -> str:
    """The country's own currency, the second one every amount is shown in (UAH by default)."""
    return str(getattr(settings, "MEDINFRA_LOCAL_CURRENCY", "UAH"))


def to_cents(value: Decimal) -> Decimal:
    """Rounded to cents, halves away from zero, as accountants round."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class MissingRate(InvalidInput):
    """No rate of a currency on or before the day an amount has to be converted on."""

    def __init__(self, currency: str, on: dt.date, *, field: str = "currency") -> None:
        self.currency = currency
        self.on = on
        super().__init__(
            {
                field: _(
                    "No exchange rate for %(currency)s on or before %(date)s: add one to the "
                    "rate table."
                )
                % {"currency": currency, "date": on.isoformat()}
            }
        )


@dataclass(frozen=True, order=True)
class RateGap:
    """A currency and day for which the rate table has no rate: amounts left unconverted."""

    currency: str
    on: dt.date

    @property
    def message(self) -> str:
        return _("no exchange rate for %(currency)s on or before %(date)s") % {
            "currency": self.currency,
            "date": self.on.isoformat(),
        }


@dataclass(frozen=True)
class Money:
    """An amount in US dollars and in the local currency, each rounded to cents."""

    usd: Decimal = ZERO
    local: Decimal = ZERO

    def __add__(self, other: Money) -> Money:
        return Money(self.usd + other.usd, self.local + other.local)

    def __sub__(self, other: Money) -> Money:
        return Money(self.usd - other.usd, self.local - other.local)

    @property
    def is_zero(self) -> bool:
        return self.usd == 0 and self.local == 0


NOTHING = Money()


class RateTable:
    """The current rates, loaded once; a conversion uses the latest rate on or before its day."""

    def __init__(self, rates: Iterable[tuple[str, dt.date, Decimal]]) -> None:
        by_currency: dict[str, list[tuple[dt.date, Decimal]]] = {}
        for currency, valid_from, per_usd in rates:
            by_currency.setdefault(currency, []).append((valid_from, per_usd))
        self._days: dict[str, list[dt.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, rows in by_currency.items():
            rows.sort(key=lambda row: row[0])
            self._days[currency] = [day for day, _rate in rows]
            self._rates[currency] = [rate for _day, rate in rows]

    @classmethod
    def load(cls, currencies: Iterable[str] | None = None) -> RateTable:
        """Every current rate (or those of the named currencies) in one query."""
        rates = CurrencyRate.objects.all()
        if currencies is not None:
            rates = rates.filter(currency__in=set(currencies))
        return cls(rates.values_list("currency", "valid_from", "per_usd"))

    def per_usd(self, currency: str, on: dt.date) -> Decimal:
        """Units of the currency per US dollar on the day, or MissingRate."""
        if currency == USD:
            return Decimal(1)
        days = self._days.get(currency, [])
        index = bisect.bisect_right(days, on) - 1
        if index < 0:
            raise MissingRate(currency, on)
        return self._rates[currency][index]

    def convert(self, amount: Decimal, currency: str, on: dt.date, *, to: str = USD) -> Decimal:
        """The amount in another currency at the rates valid on the day, rounded to cents."""
        if currency == to:
            return to_cents(amount)
        source, target = self.per_usd(currency, on), self.per_usd(to, on)
        # Enough digits that an 18-digit amount loses nothing before the one rounding to cents.
        with localcontext() as context:
            context.prec = 50
            return to_cents(Decimal(amount) * target / source)

    def money(self, amount: Decimal, currency: str, on: dt.date) -> Money:
        """The amount in US dollars and in the local currency, at the rates of the day."""
        return Money(
            usd=self.convert(amount, currency, on, to=USD),
            local=self.convert(amount, currency, on, to=local_currency()),
        )


def rate_on(currency: str, on: dt.date) -> CurrencyRate | None:
    """The rate of a currency valid on a day: the latest one from that day or before."""
    return (
        CurrencyRate.objects.filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .first()
    )


def convert(amount: Decimal, *, currency: str, on: dt.date, to: str = USD) -> Decimal:
    """One amount converted at the rates valid on a day; MissingRate names currency and day."""
    currency, to = currency.strip().upper(), to.strip().upper()
    return RateTable.load({currency, to}).convert(amount, currency, on, to=to)


def to_reporting(amount: Decimal, *, currency: str, on: dt.date) -> Money:
    """One amount in US dollars and the local currency at the rates valid on a day."""
    currency = currency.strip().upper()
    return RateTable.load({currency, local_currency()}).money(amount, currency, on)


def rate_history(currency: str | None = None) -> list[CurrencyRate]:
    """The rate table, newest rates first within each currency."""
    rates = CurrencyRate.objects.select_related("source").order_by("currency", "-valid_from", "-id")
    if currency:
        rates = rates.filter(currency=currency)
    return list(rates)


def currencies_in_table() -> list[str]:
    """The currencies the rate table has rates for."""
    return sorted(set(CurrencyRate.objects.values_list("currency", flat=True)))
