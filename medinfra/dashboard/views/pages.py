"""The public pages: home, regions, one region, one facility, about, and the display switch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medinfra.core.errors import InvalidInput
from medinfra.dashboard import context_processors
from medinfra.dashboard.charts import Chart, Series, line_chart, month_label, stacked_bar_chart
from medinfra.dashboard.choropleth import METRICS, map_attribution, region_map
from medinfra.dashboard.forms import AsOfForm, DisplayForm, HomeForm
from medinfra.dashboard.queries import (
    DataVersion,
    Headline,
    cached,
    cached_attacks_by_month,
    cached_damage_by_month,
    cached_figure_sources,
    cached_headline,
    figures_version,
    partnership_agreements,
    recovery_projects,
)
from medinfra.dashboard.views import rows
from medinfra.facilities.models import Facility
from medinfra.facilities.queries import (
    FacilityStatus,
    MonthlyDamage,
    assessments_of,
    facilities_with_status,
    restorations_of,
)
from medinfra.facilities.schemas import AssessmentPublic, RestorationPublic
from medinfra.figures.models import Metric as FigureMetric
from medinfra.figures.queries import PublishedSeries, published_by_month
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import AttackType
from medinfra.incidents.queries import MonthlyAttacks, verified_incidents
from medinfra.recovery.queries.funding import funding_overview
from medinfra.vehicles.queries import vehicles_with_losses

ATTACK_TYPES_DRAWN = 4
PREVIEW = 10
YEAR = 365


def site_country() -> str:
    return str(settings.MEDINFRA_COUNTRY)


def with_as_of(url: str, as_of: dt.date) -> str:
    """The URL, carrying the date unless it is today's figures that are shown."""
    if as_of == timezone.localdate():
        return url
    return f"{url}?{urlencode({'as_of': as_of.isoformat()})}"


def region_url(region: Region, as_of: dt.date) -> str:
    return with_as_of(reverse("dashboard:region", args=[region.code]), as_of)


def invalid(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any = None
) -> HttpResponse:
    """The page with its form and what is wrong with the input, as a 400 answer."""
    return render(request, template, {**context, "form": form, "invalid": True}, status=400)


# -- the trend charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A chart, the table that says the same, and where to download its data."""

    chart: Chart
    columns: list[str]
    rows: Sequence[tuple[str, Sequence[int | None]]]
    csv_url: str


def attacks_trend(series: list[MonthlyAttacks], csv_url: str) -> Trend:
    """Verified attacks per month by type: the commonest types drawn, every type in the table."""
    totals = {t: sum(m.by_type.get(t, 0) for m in series) for t in AttackType.values}
    present = sorted((t for t in totals if totals[t]), key=lambda t: (-totals[t], t))
    drawn = present[:ATTACK_TYPES_DRAWN]
    rest = present[ATTACK_TYPES_DRAWN:]
    months = [m.month for m in series]
    chart_series = [
        Series(key=t, label=str(AttackType(t).label), values=[m.by_type.get(t, 0) for m in series])
        for t in drawn
    ]
    if rest:
        chart_series.append(
            Series(
                key="other",
                label=_("other types"),
                values=[sum(m.by_type.get(t, 0) for t in rest) for m in series],
            )
        )
    chart = stacked_bar_chart(
        _("Verified attacks per month, by type of attack"), months, chart_series
    )
    return Trend(
        chart=chart,
        columns=[_("All verified attacks")] + [str(AttackType(t).label) for t in present],
        rows=[
            (month_label(m.month), [m.total] + [m.by_type.get(t, 0) for t in present])
            for m in series
        ],
        csv_url=csv_url,
    )


DAMAGE_SERIES = (
    ("damaged_or_destroyed", "Damaged or destroyed"),
    ("destroyed", "Destroyed"),
    ("fully_restored", "Fully restored"),
    ("partially_restored", "Partially restored"),
    ("back_in_operation", "Back in operation"),
)


def damage_trend(series: list[MonthlyDamage], csv_url: str) -> Trend:
    """Facilities damaged, destroyed and restored over time, at each month's end."""
    labels = {
        "damaged_or_destroyed": _("Damaged or destroyed"),
        "destroyed": _("Destroyed"),
        "fully_restored": _("Fully restored"),
        "partially_restored": _("Partially restored"),
        "back_in_operation": _("Back in operation"),
    }
    chart_series = [
        Series(key=key, label=labels[key], values=[getattr(m.counts, key) for m in series])
        for key, _name in DAMAGE_SERIES
    ]
    chart = line_chart(
        _("Health facilities damaged, destroyed and restored, at the end of each month"),
        [m.month for m in series],
        chart_series,
    )
    return Trend(
        chart=chart,
        columns=[labels[key] for key, _name in DAMAGE_SERIES],
        rows=[
            (month_label(m.month), [getattr(m.counts, key) for key, _name in DAMAGE_SERIES])
            for m in series
        ],
        csv_url=csv_url,
    )


def cached_published(
    *, version: int | DataVersion, country: str, as_of: dt.date
) -> PublishedSeries:
    """published_by_month() for a country, cached by data version."""
    return cached(
        "published-by-month",
        lambda: published_by_month(country=country, as_of=as_of),
        version=version,
        as_of=as_of,
        country=country,
    )


def reported_trend(series: PublishedSeries, csv_url: str) -> Trend | None:
    """What the sources published over time: the latest national figure at each month's end."""
    if not series.metrics:
        return None
    labels = [str(FigureMetric(m).label) for m in series.metrics]
    chart = line_chart(
        _("Figures published by the sources: the latest at the end of each month"),
        [m.month for m in series.months],
        [
            Series(key=metric, label=label, values=[m.values[metric] for m in series.months])
            for metric, label in zip(series.metrics, labels, strict=True)
        ],
    )
    return Trend(
        chart=chart,
        columns=[label[:1].upper() + label[1:] for label in labels],
        rows=[
            (month_label(m.month), [m.values[metric] for metric in series.metrics])
            for m in series.months
        ],
        csv_url=csv_url,
    )


def _csv_url(name: str, as_of: dt.date, region: Region | None) -> str:
    params = {"as_of": as_of.isoformat()}
    if region is not None:
        params["region"] = region.code
    return f"{reverse(f'dashboard:{name}')}?{urlencode(params)}"


def trends(
    *, version: int | DataVersion, country: str, as_of: dt.date, region: Region | None = None
) -> tuple[Trend, Trend | None]:
    """The attacks and damage trends of a country or region, with labels in its language."""
    # No damage trend where damage cannot be assessed: it would draw a false zero.

    def build() -> tuple[Trend, Trend | None]:
        attacks = attacks_trend(
            cached_attacks_by_month(version=version, country=country, as_of=as_of, region=region),
            _csv_url("attacks_csv", as_of, region),
        )
        damage = None
        if region is None or region.is_assessable:
            damage = damage_trend(
                cached_damage_by_month(
                    version=version, country=country, as_of=as_of, region=region
                ),
                _csv_url("damage_csv", as_of, region),
            )
        return attacks, damage

    return cached("trends", build, version=version, as_of=as_of, region=region, country=country)


# -- home ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline number, what it is counted from, and where the method is explained."""

    label: str
    value: int | None
    counted_from: str
    method: str


def headline_figures(figures: Headline) -> list[HeadlineFigure]:
    d, v = figures.damage, figures.vehicles
    from_assessments = _("assessments of facilities: the worst building condition ever recorded")
    from_restorations = _("restoration milestones of damaged facilities: the latest one")
    from_functionality = _("the latest assessment's functionality of each damaged facility")
    from_incidents = _("verified incidents; unverified reports are never counted in public")
    from_vehicles = _("vehicle events: the worst status each vehicle ever had")
    damage_rows = [
        (_("Facilities damaged or destroyed"), "damaged_or_destroyed", from_assessments),
        (_("of them partially damaged"), "partially_damaged", from_assessments),
        (_("of them destroyed"), "destroyed", from_assessments),
        (_("Fully restored"), "fully_restored", from_restorations),
        (_("Partially restored"), "partially_restored", from_restorations),
        (_("Back in operation"), "back_in_operation", from_functionality),
    ]
    found = [
        HeadlineFigure(
            label=label,
            value=None if d is None else int(getattr(d, field)),
            counted_from=source,
            method="damage",
        )
        for label, field, source in damage_rows
    ]
    found += [
        HeadlineFigure(
            _("Verified attacks on health care"),
            figures.attacks.verified,
            from_incidents,
            "attacks",
        ),
        HeadlineFigure(
            _("Ambulances and other vehicles damaged"), v.damaged, from_vehicles, "vehicles"
        ),
        HeadlineFigure(_("Vehicles destroyed"), v.destroyed, from_vehicles, "vehicles"),
        HeadlineFigure(_("Vehicles seized"), v.seized, from_vehicles, "vehicles"),
    ]
    return found


def home(request: HttpRequest) -> HttpResponse:
    """The headline figures, the region map, the trends and their sources, as of a date."""
    form = HomeForm(request.GET)
    if not form.is_valid():
        return invalid(request, "dashboard/home.html", {}, form)
    country = site_country()
    as_of = form.as_of_date()
    metric = form.metric_key()
    version = figures_version()
    figures = cached_headline(version=version, country=country, as_of=as_of)
    shaded = cached(
        f"map-{metric}",
        lambda: region_map(
            figures,
            metric=metric,
            link=lambda r: region_url(r, as_of),
            by_region=funding_gaps(country, as_of) if METRICS[metric].is_money else None,
        ),
        version=version,
        as_of=as_of,
        country=country,
    )
    attacks, damage = trends(version=version, country=country, as_of=as_of)
    reported = cached(
        "reported-trend",
        lambda: reported_trend(
            cached_published(version=version, country=country, as_of=as_of),
            _csv_url("reported_csv", as_of, None),
        ),
        version=version,
        as_of=as_of,
        country=country,
    )
    context = {
        "form": form,
        "figures": figures,
        "as_of": as_of,
        "is_today": as_of == timezone.localdate(),
        "headline_figures": headline_figures(figures),
        "map": shaded,
        "metrics": _metric_links(request, metric),
        "metric": metric,
        "attacks": attacks,
        "damage": damage,
        "reported": reported,
        "sources": cached_figure_sources(version=version, country=country, as_of=as_of),
        "regions_csv": _csv_url("regions_csv", as_of, None),
        "region_links": {r.region.code: region_url(r.region, as_of) for r in figures.regions},
        # The page may be kept and served while newer figures are computed: it says when.
        "computed_at": timezone.now(),
    }
    return render(request, "dashboard/home.html", context)


def funding_gaps(country: str, as_of: dt.date) -> dict[str, int | None]:
    """Each region's funding gap of recovery projects as of a day, in whole US dollars.

    None where an amount could not be converted: a partial sum would understate the gap.
    """
    overview = funding_overview(as_of=as_of, country=country)
    return {
        row.region.code: (
            int(row.totals.gap.usd.to_integral_value()) if row.totals.is_complete else None
        )
        for row in overview.regions
    }


def _metric_links(request: HttpRequest, current: str) -> list[tuple[str, str, bool]]:
    links = []
    for key, metric in METRICS.items():
        params = request.GET.copy()
        params["metric"] = key
        links.append((metric.label, f"?{params.urlencode()}#map", key == current))
    return links


def regions(request: HttpRequest) -> HttpResponse:
    """Every region's figures in one table."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return invalid(request, "dashboard/regions.html", {}, form)
    as_of = form.as_of_date()
    figures = cached_headline(version=figures_version(), country=site_country(), as_of=as_of)
    return render(
        request,
        "dashboard/regions.html",
        {
            "form": form,
            "figures": figures,
            "as_of": as_of,
            "region_links": {r.region.code: region_url(r.region, as_of) for r in figures.regions},
            "regions_csv": _csv_url("regions_csv", as_of, None),
        },
    )


# -- one region ----------------------------------------------------------------------------------


def _region_or_404(code: str) -> Region:
    try:
        return region_by_code(code)
    except InvalidInput:
        raise Http404(_("There is no region with the code %(code)s.") % {"code": code}) from None


@dataclass(frozen=True)
class RegionLists:
    """The first rows of each list about a region, and how many rows each list has."""

    incidents: list[rows.IncidentRow]
    incidents_count: int
    facilities: list[rows.FacilityRow]
    facilities_count: int
    vehicles: list[rows.VehicleRow]
    vehicles_count: int
    projects: list[rows.ProjectRow]
    projects_count: int
    agreements: list[rows.AgreementRow]
    agreements_count: int


def region_lists(region: Region, *, as_of: dt.date) -> RegionLists:
    regions = {region.code: rows.public_region(region)}
    incidents = verified_incidents(as_of=as_of, region=region)
    facilities = facilities_with_status(as_of=as_of, region=region, status=FacilityStatus.DAMAGED)
    vehicles = vehicles_with_losses(as_of=as_of, region=region)
    projects = recovery_projects(region=region)
    agreements = partnership_agreements(as_of=as_of, region=region)
    return RegionLists(
        incidents=rows.incident_rows(incidents[:PREVIEW], regions),
        incidents_count=incidents.count(),
        facilities=rows.facility_rows(facilities[:PREVIEW], regions),
        facilities_count=facilities.count(),
        vehicles=rows.vehicle_rows(vehicles[:PREVIEW], regions),
        vehicles_count=vehicles.count(),
        projects=rows.project_rows(projects[:PREVIEW], regions),
        projects_count=projects.count(),
        agreements=rows.agreement_rows(agreements[:PREVIEW], regions),
        agreements_count=agreements.count(),
    )


def region(request: HttpRequest, code: str) -> HttpResponse:
    """One region's figures, trends and lists, as of a date."""
    place = _region_or_404(code)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return invalid(request, "dashboard/region.html", {"region": place}, form)
    as_of = form.as_of_date()
    country = place.country.code
    version = figures_version()
    figures = cached_headline(version=version, country=country, as_of=as_of, region=place)
    attacks, damage = trends(version=version, country=country, as_of=as_of, region=place)
    lists = cached(
        "region-lists",
        lambda: region_lists(place, as_of=as_of),
        version=version,
        as_of=as_of,
        region=place,
    )
    query = {"region": place.code}
    if as_of != timezone.localdate():
        query["as_of"] = as_of.isoformat()
    return render(
        request,
        "dashboard/region.html",
        {
            "form": form,
            "region": place,
            "figures": figures,
            "headline_figures": headline_figures(figures),
            "as_of": as_of,
            "attacks": attacks,
            "damage": damage,
            "lists": lists,
            "sources": cached_figure_sources(
                version=version, country=country, as_of=as_of, region=place
            ),
            "filter_query": urlencode(query),
            "region_query": urlencode({"region": place.code}),
        },
    )


# -- one facility --------------------------------------------------------------------------------


def facility(request: HttpRequest, pk: int) -> HttpResponse:
    """One facility: its public details and everything the registry knows happened to it."""
    found = Facility.objects.select_related("region", "region__country").filter(pk=pk).first()
    if found is None:
        raise Http404(_("There is no facility with this number."))
    today = timezone.localdate()
    regions = {found.region.code: rows.public_region(found.region)}
    assessments = [AssessmentPublic.from_orm(a) for a in assessments_of(found)]
    worst = None
    for condition in ("destroyed", "partial", "none"):
        if any(a.condition == condition for a in assessments):
            worst = condition
            break
    return render(
        request,
        "dashboard/facility.html",
        {
            "facility": rows.public_facility(found),
            "region": regions[found.region.code],
            "worst": worst,
            "assessments": assessments,
            "restorations": [RestorationPublic.from_orm(r) for r in restorations_of(found)],
            "incidents": rows.incident_rows(
                verified_incidents(as_of=today, facility_id=found.pk), regions
            ),
            "vehicles": rows.vehicle_rows(
                vehicles_with_losses(as_of=today, owner_facility_id=found.pk), regions
            ),
            "projects": rows.project_rows(recovery_projects(facility_id=found.pk), regions),
            "agreements": rows.agreement_rows(
                partnership_agreements(as_of=today, facility_id=found.pk), regions
            ),
        },
    )


# -- about and display ---------------------------------------------------------------------------


def about(request: HttpRequest) -> HttpResponse:
    """How the figures are counted, where they come from, and the licences."""
    return render(request, "dashboard/about.html", {"attribution": map_attribution(site_country())})


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard:home")


@require_POST
def display(request: HttpRequest) -> HttpResponse:
    """Keep the chosen text size or colour scheme in a cookie, then go back to the page."""
    # The fallback without JavaScript; with it, the page sets the same cookies itself.
    form = DisplayForm(request.POST)
    if not form.is_valid():
        messages = "\n".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
        return HttpResponse(messages + "\n", status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    cookies = {
        context_processors.TEXT_COOKIE: form.cleaned_data["text"],
        context_processors.SCHEME_COOKIE: form.cleaned_data["scheme"],
    }
    for name, value in cookies.items():
        if value:
            response.set_cookie(
                name, value, max_age=YEAR * 24 * 3600, samesite="Lax", secure=request.is_secure()
            )
    return response
