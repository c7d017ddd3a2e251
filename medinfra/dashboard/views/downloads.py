"""The data behind each chart and the map as CSV, built from the same cached queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from medinfra.core.errors import InvalidInput
from medinfra.core.models import DatasetInfo
from medinfra.dashboard.forms import AsOfForm
from medinfra.dashboard.queries import (
    cached_attacks_by_month,
    cached_damage_by_month,
    cached_headline,
    figures_version,
)
from medinfra.dashboard.views.pages import cached_published, site_country
from medinfra.facilities.queries import DamageCounts
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import AttackType

DAMAGE_COLUMNS = (
    "damaged_or_destroyed",
    "partially_damaged",
    "destroyed",
    "fully_restored",
    "partially_restored",
    "back_in_operation",
)


class DownloadForm(AsOfForm):
    """?as_of=YYYY-MM-DD&region=CODE of a download."""

    region = forms.CharField(required=False, max_length=6, label=gettext_lazy("Region"))

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region")
        if not code:
            return None
        try:
            return region_by_code(code)
        except InvalidInput as error:
            raise forms.ValidationError(
                gettext_lazy("Unknown region code: use an ISO 3166-2 code such as UA-63.")
            ) from error


def _bad_request(form: forms.Form) -> HttpResponse:
    text = "".join(
        f"{name}: {' '.join(str(e) for e in errors)}\n" for name, errors in form.errors.items()
    )
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _csv(name: str, header: Sequence[str], lines: Iterable[Sequence[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(stem: str, as_of: dt.date, region: Region | None) -> str:
    place = region.code if region is not None else site_country()
    return f"medinfra-{stem}-{place}-{as_of.isoformat()}.csv"


def _place(form: DownloadForm) -> tuple[str, dt.date, Region | None]:
    region = form.cleaned_data.get("region")
    country = region.country.code if region is not None else site_country()
    return country, form.as_of_date(), region


def attacks_csv(request: HttpRequest) -> HttpResponse:
    """Verified attacks per month, in all and by attack type: the data of the attacks chart."""
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    country, as_of, region = _place(form)
    series = cached_attacks_by_month(
        version=figures_version(), country=country, as_of=as_of, region=region
    )
    synthetic = DatasetInfo.current().is_synthetic
    types = list(AttackType.values)
    return _csv(
        _file_name("attacks-by-month", as_of, region),
        ["month", "verified_attacks", *types, "synthetic_demo_data"],
        (
            [m.month.strftime("%Y-%m"), m.total, *(m.by_type.get(t, 0) for t in types), synthetic]
            for m in series
        ),
    )


def damage_csv(request: HttpRequest) -> HttpResponse:
    """Damage and recovery counts at each month's end: the data of the damage chart."""
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    country, as_of, region = _place(form)
    if region is not None and not region.is_assessable:
        form.add_error("region", gettext_lazy("Damage cannot be assessed in this region."))
        return _bad_request(form)
    series = cached_damage_by_month(
        version=figures_version(), country=country, as_of=as_of, region=region
    )
    synthetic = DatasetInfo.current().is_synthetic
    return _csv(
        _file_name("damage-by-month", as_of, region),
        ["month", "as_of", *DAMAGE_COLUMNS, "synthetic_demo_data"],
        (
            [
                m.month.strftime("%Y-%m"),
                m.as_of.isoformat(),
                *(getattr(m.counts, c) for c in DAMAGE_COLUMNS),
                synthetic,
            ]
            for m in series
        ),
    )


def regions_csv(request: HttpRequest) -> HttpResponse:
    """Every region's figures: the data of the map and the region table."""
    # Damage cells are empty, not 0, where damage cannot be assessed.
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    country, as_of, _region = _place(form)
    figures = cached_headline(version=figures_version(), country=country, as_of=as_of)
    empty = DamageCounts()

    def damage_cells(damage: DamageCounts | None) -> list[Any]:
        return ["" if damage is None else getattr(damage or empty, c) for c in DAMAGE_COLUMNS]

    return _csv(
        _file_name("regions", as_of, None),
        [
            "region",
            "name_en",
            "name_uk",
            "access_status",
            "damage_assessable",
            *DAMAGE_COLUMNS,
            "verified_attacks",
            "vehicles_damaged",
            "vehicles_destroyed",
            "vehicles_seized",
            "synthetic_demo_data",
        ],
        (
            [
                r.region.code,
                r.region.name_en,
                r.region.name_uk,
                r.region.access_status,
                r.is_assessable,
                *damage_cells(r.damage),
                r.attacks.verified,
                r.vehicles.damaged,
                r.vehicles.destroyed,
                r.vehicles.seized,
                figures.synthetic,
            ]
            for r in figures.regions
        ),
    )


def reported_csv(request: HttpRequest) -> HttpResponse:
    """The national figures the sources published, latest at each month's end: the chart's data."""
    form = DownloadForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    country, as_of, region = _place(form)
    if region is not None:
        form.add_error("region", gettext_lazy("Published figures are followed for the country."))
        return _bad_request(form)
    series = cached_published(version=figures_version(), country=country, as_of=as_of)
    synthetic = DatasetInfo.current().is_synthetic
    return _csv(
        _file_name("reported-figures-by-month", as_of, None),
        ["month", *series.metrics, "synthetic_demo_data"],
        (
            [
                m.month.strftime("%Y-%m"),
                *("" if m.values[k] is None else m.values[k] for k in series.metrics),
                synthetic,
            ]
            for m in series.months
        ),
    )
