"""Pages of the ledger: the metrics, each metric's timeline beside the registry, and the
reviewer's page where a pasted text becomes figures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.access import role_required
from medinfra.core.admin import actor_of
from medinfra.core.errors import InvalidInput
from medinfra.core.roles import Role
from medinfra.figures.extraction import Candidate, extract_figures
from medinfra.figures.extraction.text import is_ukrainian
from medinfra.figures.forms import (
    CONFIRM,
    MAX_CANDIDATES,
    CandidateFormSet,
    SourceForm,
    region_choices,
)
from medinfra.figures.models import DatePrecision, Metric
from medinfra.figures.queries import (
    TimelineEntry,
    figures_of_source,
    is_counted_by_registry,
    metric_summaries,
    metric_timeline,
    region_index,
)
from medinfra.figures.services import ReviewedFigure, enter_reviewed_figures
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def _country_of(request: HttpRequest) -> str:
    """The country asked for in the query string, or InvalidInput naming the field."""
    value = request.GET.get("country", "").strip() or settings.MEDINFRA_COUNTRY
    if not _COUNTRY.match(value):
        raise InvalidInput({"country": _("Use a two-letter country code, e.g. UA.")})
    return value.upper()


def index(request: HttpRequest) -> HttpResponse:
    """Every metric of the vocabulary, its latest published figure, the registry's count."""
    try:
        country = _country_of(request)
    except InvalidInput as error:
        return _bad_query(request, error)
    summaries = metric_summaries(country=country)
    return render(
        request,
        "figures/index.html",
        {"summaries": summaries, "country": country, "today": timezone.localdate()},
    )


def metric(request: HttpRequest, metric: str) -> HttpResponse:
    """One metric: every source's figures over time, each beside the registry's count."""
    if metric not in Metric.values:
        raise Http404(_("No such metric."))
    region: Region | None = None
    try:
        country = _country_of(request) if request.GET.get("country") else None
        if request.GET.get("region"):
            region = region_by_code(request.GET["region"])
    except InvalidInput as error:
        return _bad_query(request, error)
    entries = metric_timeline(metric, country=country, region=region)
    return render(
        request,
        "figures/metric.html",
        {
            "metric": metric,
            "label": Metric(metric).label,
            "entries": entries,
            "region": region,
            "counted": is_counted_by_registry(metric),
            "chart": chart(entries),
        },
    )


def _bad_query(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    return render(
        request, "figures/bad_query.html", {"errors": error.message_dict.items()}, status=400
    )


# -- the chart of a timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A point of the chart; coordinates are text, so no locale writes them with a comma."""

    x: str
    y: str
    corner_x: str
    corner_y: str
    label: str

    @classmethod
    def at(cls, x: float, y: float, label: str) -> Point:
        return cls(f"{x:.1f}", f"{y:.1f}", f"{x - 5:.1f}", f"{y - 5:.1f}", label)


@dataclass(frozen=True)
class Chart:
    """Where a timeline's figures and the registry's counts sit in a small SVG."""

    width: int
    height: int
    left: int
    bottom: int
    reported: list[Point]
    registry: list[Point]
    first: dt.date
    last: dt.date
    top: Decimal


WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 90, 16, 12, 28


def chart(entries: list[TimelineEntry]) -> Chart | None:
    """The timeline drawn as points over time; none for an empty timeline."""
    if not entries:
        return None
    first = min(e.as_of for e in entries)
    last = max(e.as_of for e in entries)
    # A margin either side keeps the first and last points off the axes.
    margin = max(dt.timedelta(days=30), (last - first) / 20)
    first, last = first - margin, last + margin
    values = [e.value for e in entries] + [
        Decimal(e.registry.value) for e in entries if e.registry.value is not None
    ]
    top = max(values) * Decimal("1.1") or Decimal(1)
    span_days = (last - first).days

    def place(day: dt.date, value: Decimal) -> tuple[float, float]:
        x = LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span_days
        y = HEIGHT - BOTTOM - float((HEIGHT - BOTTOM - TOP) * (value / top))
        return round(x, 1), round(y, 1)

    reported = [
        Point.at(*place(e.as_of, e.value), label=f"{e.reported_by}: {e.value:,.0f} ({e.as_of})")
        for e in entries
    ]
    registry = [
        Point.at(
            *place(e.as_of, Decimal(e.registry.value)),
            label=_("registry: %(count)s (%(date)s)")
            % {"count": f"{e.registry.value:,}", "date": e.as_of},
        )
        for e in entries
        if e.registry.value is not None
    ]
    return Chart(WIDTH, HEIGHT, LEFT, HEIGHT - BOTTOM, reported, registry, first, last, top)


# -- the reviewer's page ---------------------------------------------------------------------


def _initial(candidate: Candidate) -> dict[str, Any]:
    return {
        "decision": CONFIRM,
        "metric": candidate.metric,
        "value": candidate.value,
        "qualifier": candidate.qualifier,
        "as_of": candidate.as_of,
        "as_of_precision": candidate.as_of_precision
        if candidate.as_of
        else DatePrecision.NOT_STATED,
        "country": candidate.country,
        "region": candidate.region or "",
        "attributed_to": candidate.attributed_to,
        "span": candidate.span,
    }


def _read(source: SourceForm) -> list[Candidate]:
    data = source.cleaned_data
    text: str = data["text"]
    language = data["language"] or ("uk" if is_ukrainian(text) else "en")
    country: str = data["country"]
    return extract_figures(
        text,
        document_date=data["published_on"],
        language=language,
        country=country,
        regions=region_index([country, settings.MEDINFRA_COUNTRY]),
    )


def _context(text: str, span: str, width: int = 120) -> tuple[str, str, str]:
    """The span with some text either side, to show the reviewer where it was read."""
    at = text.find(span) if span else -1
    if at < 0:
        return "", span, ""
    before = text[max(0, at - width) : at]
    after = text[at + len(span) : at + len(span) + width]
    return (
        ("…" if at > width else "") + before,
        span,
        after + ("…" if at + len(span) + width < len(text) else ""),
    )


@role_required(Role.VERIFIER, Role.ADMINISTRATOR)
def review(request: HttpRequest) -> HttpResponse:
    """Paste a text, see its candidate figures, confirm, correct or drop each, enter them."""
    regions = region_choices()
    if request.method != "POST":
        return render(request, "figures/review.html", {"source": SourceForm()})
    source = SourceForm(request.POST)
    step = request.POST.get("step", "read")
    if not source.is_valid():
        return render(request, "figures/review.html", {"source": source}, status=400)
    if step == "read":
        candidates = _read(source)
        formset = CandidateFormSet(
            initial=[_initial(c) for c in candidates[:MAX_CANDIDATES]],
            form_kwargs={"region_choices": regions},
        )
        return _review_page(request, source, formset, truncated=len(candidates) > MAX_CANDIDATES)
    formset = CandidateFormSet(request.POST, form_kwargs={"region_choices": regions})
    if not formset.is_valid():
        return _review_page(request, source, formset, status=400)
    data = source.cleaned_data
    confirmed = [
        (form, form.cleaned_data)
        for form in formset.forms
        if form.cleaned_data.get("decision") == CONFIRM
    ]
    try:
        entered_source, _entered = enter_reviewed_figures(
            actor=actor_of(request),
            publisher=data["publisher"],
            title=data["title"],
            url=data["url"],
            published_on=data["published_on"],
            language=data["language"] or ("uk" if is_ukrainian(data["text"]) else "en"),
            text=data["text"],
            figures=[
                ReviewedFigure(
                    metric=c["metric"],
                    value=c["value"],
                    qualifier=c["qualifier"],
                    as_of=c["as_of"],
                    as_of_precision=c["as_of_precision"],
                    country=c["country"],
                    region=c["region"] or None,
                    attributed_to=c["attributed_to"],
                    span=c["span"],
                )
                for _form, c in confirmed
            ],
        )
    except InvalidInput as error:
        _show_errors(error, source, [form for form, _c in confirmed])
        return _review_page(request, source, formset, status=400)
    return redirect("figures:reviewed", source_id=entered_source.pk)


def _show_errors(error: InvalidInput, source: SourceForm, forms: list[Any]) -> None:
    """Put each message of the service beside the field it names."""
    for key, messages in error.message_dict.items():
        match = re.fullmatch(r"figures\.(\d+)\.(\w+)", key)
        for message in messages:
            if match and int(match.group(1)) < len(forms):
                form = forms[int(match.group(1))]
                name = match.group(2)
                form.add_error(name if name in form.fields else None, message)
            elif key in source.fields:
                source.add_error(key, message)
            else:
                source.add_error(None, message)


def _review_page(
    request: HttpRequest,
    source: SourceForm,
    formset: Any,
    status: int = 200,
    truncated: bool = False,
) -> HttpResponse:
    text = source.cleaned_data.get("text", "") if hasattr(source, "cleaned_data") else ""
    rows = [(form, _context(text, form["span"].value() or "")) for form in formset.forms]
    return render(
        request,
        "figures/review.html",
        {
            "source": source,
            "formset": formset,
            "rows": rows,
            "read": True,
            "truncated": truncated,
            "limit": MAX_CANDIDATES,
        },
        status=status,
    )


@role_required(Role.VERIFIER, Role.ADMINISTRATOR)
def reviewed(request: HttpRequest, source_id: int) -> HttpResponse:
    """The figures just entered from a source."""
    figures = list(figures_of_source(source_id))
    if not figures:
        raise Http404(_("No figures were entered from this source."))
    return render(
        request, "figures/reviewed.html", {"figures": figures, "source": figures[0].source}
    )
