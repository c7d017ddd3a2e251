"""The list pages: facilities, attacks and vehicles, filtered and paged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from medinfra.dashboard.forms import (
    AttackFilterForm,
    FacilityFilterForm,
    ListForm,
    VehicleFilterForm,
)
from medinfra.dashboard.views import rows
from medinfra.dashboard.views.pages import site_country
from medinfra.facilities.queries import facilities_with_status
from medinfra.geography.models import Region
from medinfra.geography.schemas import RegionPublic
from medinfra.incidents.queries import verified_incidents
from medinfra.vehicles.queries import vehicles_with_losses

PER_PAGE = 25


def _regions(country: str) -> list[Region]:
    return list(Region.objects.filter(country__code=country).select_related("country"))


def list_page(
    request: HttpRequest,
    *,
    template: str,
    form_class: type[ListForm],
    records: Callable[[ListForm], QuerySet[Any]],
    to_rows: Callable[[Sequence[Any], dict[str, RegionPublic]], list[Any]],
) -> HttpResponse:
    """A filtered, paged list; bad filters or page numbers get a 400 naming the field."""
    regions = _regions(site_country())
    form = form_class(request.GET, regions=regions)
    if not form.is_valid():
        return render(request, template, {"form": form, "invalid": True}, status=400)
    paginator = Paginator(records(form), PER_PAGE, allow_empty_first_page=True)
    number = form.page_number()
    if number > paginator.num_pages:
        form.add_error(
            "page",
            _("There is no page %(number)s: the list has %(pages)s.")
            % {"number": number, "pages": paginator.num_pages},
        )
        return render(request, template, {"form": form, "invalid": True}, status=400)
    page: Page = paginator.page(number)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": to_rows(list(page.object_list), rows.public_regions(regions)),
            "as_of": form.as_of_date(),
        },
    )


def facilities(request: HttpRequest) -> HttpResponse:
    def records(form: ListForm) -> QuerySet[Any]:
        data = form.cleaned_data
        return facilities_with_status(
            as_of=form.as_of_date(),
            region=form.region_object(),
            country=site_country(),
            kind=data.get("kind") or None,
            status=data.get("status") or None,
        )

    return list_page(
        request,
        template="dashboard/facilities.html",
        form_class=FacilityFilterForm,
        records=records,
        to_rows=rows.facility_rows,
    )


def attacks(request: HttpRequest) -> HttpResponse:
    def records(form: ListForm) -> QuerySet[Any]:
        data = form.cleaned_data
        return verified_incidents(
            as_of=form.as_of_date(),
            region=form.region_object(),
            country=site_country(),
            attack_type=data.get("attack_type") or None,
            certainty=data.get("certainty") or None,
            facility_kind=data.get("kind") or None,
        )

    return list_page(
        request,
        template="dashboard/attacks.html",
        form_class=AttackFilterForm,
        records=records,
        to_rows=rows.incident_rows,
    )


def vehicles(request: HttpRequest) -> HttpResponse:
    def records(form: ListForm) -> QuerySet[Any]:
        return vehicles_with_losses(
            as_of=form.as_of_date(),
            region=form.region_object(),
            country=site_country(),
            status=form.cleaned_data.get("status") or None,
        )

    return list_page(
        request,
        template="dashboard/vehicles.html",
        form_class=VehicleFilterForm,
        records=records,
        to_rows=rows.vehicle_rows,
    )
