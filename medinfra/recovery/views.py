"""Pages of the recovery plan: public reads, and coordinators' entries through the services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.roles import Role, has_role
from medinfra.facilities.models import Condition, Facility, FacilityKind, Functionality
from medinfra.geography.models import AccessStatus
from medinfra.recovery.forms import (
    AsOfForm,
    ConvertForm,
    FundingForm,
    MatrixFilterForm,
    PartnerForm,
    PopulationForm,
    PriorityFilterForm,
    ProjectFilterForm,
    ProjectForm,
    RateForm,
    StageForm,
    WeightsForm,
    apply_errors,
)
from medinfra.recovery.models import (
    Block,
    Partner,
    PopulationServed,
    PriorityWeights,
    RecoveryProject,
    Stage,
)
from medinfra.recovery.queries import (
    ACCESS_PART,
    DAMAGE_PART,
    OPERATION_PART,
    SERVICES_PART,
    MissingRate,
    facility_score,
    funding_overview,
    local_currency,
    partner_profile,
    partner_summaries,
    priority_ranking,
    project_detail,
    project_funding,
    projects_as_of,
    published_needs,
    rate_history,
    to_reporting,
    totals_of,
    who_does_what_where,
)
from medinfra.recovery.queries.priorities import (
    PART_LABELS,
    POPULATION_FLOOR,
    POPULATION_FULL,
)
from medinfra.recovery.services import (
    change_stage,
    record_funding,
    record_population_served,
    record_rate,
    register_partner,
    register_project,
    set_priority_weights,
)

PER_PAGE = 50
# The largest id a database row can have (a signed 64-bit integer); larger numbers find nothing.
MAX_ID = 2**63 - 1
View = Callable[..., HttpResponse]


# -- who may do what ------------------------------------------------------------------------


def may_coordinate(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Coordinators and staff enter projects, funding, rates, weights and agreements."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return has_role(user, Role.COORDINATOR)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """A sign-in page for anonymous visitors, 403 for those without the role, else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_coordinate(request.user):
        raise PermissionDenied
    return None


def coordinator_required(view: View) -> View:
    """Only coordinators (and staff) reach the view; others sign in or are refused."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = _refusal(request)
        return refusal if refusal is not None else view(request, *args, **kwargs)

    return guarded


# -- shared page parts ----------------------------------------------------------------------


def _country() -> str:
    return str(settings.MEDINFRA_COUNTRY)


def _base(request: HttpRequest, **context: Any) -> dict[str, Any]:
    return {
        "local_currency": local_currency(),
        "may_coordinate": may_coordinate(request.user),
        **context,
    }


def _bad_query(request: HttpRequest, form: forms.Form) -> HttpResponse:
    """Bad filters in the query string: the fields and what is wrong, status 400."""
    return render(
        request,
        "recovery/bad_request.html",
        _base(request, errors=form.errors),
        status=400,
    )


def _page(rows: list[Any], number: int | None) -> Page:
    paginator = Paginator(rows, PER_PAGE)
    if number is not None and number > paginator.num_pages:
        raise Http404
    return paginator.get_page(number or 1)


def _current_or_404(model: Any, pk: int) -> Any:
    if pk > MAX_ID:
        raise Http404
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# -- public pages ---------------------------------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    """The recovery plan at a glance: stages, needs, commitments and gaps, by block and region."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    data = funding_overview(as_of=form.cleaned_data["as_of"], country=_country())
    stages = [(Stage(s).label, n) for s, n in data.projects_by_stage.items()]
    return render(
        request,
        "recovery/overview.html",
        _base(
            request,
            form=form,
            data=data,
            stages=stages,
            published=published_needs(country=_country(), as_of=data.as_of),
        ),
    )


def projects(request: HttpRequest) -> HttpResponse:
    """Every project, filtered, with its estimate, commitments and gap."""
    form = ProjectFilterForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    values = form.cleaned_data
    as_of = values["as_of"] or timezone.localdate()
    found = list(
        projects_as_of(
            as_of=as_of,
            country=_country(),
            region=values["region"],
            block=values["block"],
            stage=values["stage"] or None,
            scope=values["scope"] or None,
        )
    )
    rows = project_funding(found, as_of=as_of)
    page = _page(rows, values["page"])
    return render(
        request,
        "recovery/projects.html",
        _base(
            request,
            form=form,
            page=page,
            totals=totals_of(rows),
            as_of=as_of,
            query=_query_without_page(request),
        ),
    )


def project(request: HttpRequest, pk: int) -> HttpResponse:
    """One project: its stages with their dates, its funding line by line, its gap."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    found = _current_or_404(RecoveryProject, pk)
    detail = project_detail(found, as_of=form.cleaned_data["as_of"])
    return render(request, "recovery/project.html", _base(request, project=found, detail=detail))


def partners(request: HttpRequest) -> HttpResponse:
    """Every partner: what it committed and disbursed, to how many projects, its agreements."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    summaries, missing = partner_summaries(as_of=form.cleaned_data["as_of"], country=_country())
    return render(
        request,
        "recovery/partners.html",
        _base(request, form=form, summaries=summaries, missing_rates=missing),
    )


def partner(request: HttpRequest, pk: int) -> HttpResponse:
    """One partner's page: its projects, regions, blocks and agreements."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    found = _current_or_404(Partner, pk)
    profile = partner_profile(found, as_of=form.cleaned_data["as_of"])
    return render(request, "recovery/partner.html", _base(request, profile=profile))


def matrix(request: HttpRequest) -> HttpResponse:
    """Who does what where: partners by region and block, for the sectoral working group."""
    form = MatrixFilterForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    data = who_does_what_where(
        as_of=form.cleaned_data["as_of"], country=_country(), block=form.cleaned_data["block"]
    )
    return render(request, "recovery/matrix.html", _base(request, form=form, data=data))


def needs(request: HttpRequest) -> HttpResponse:
    """Estimated needs and gaps by region and block, beside the needs sources published."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    data = funding_overview(as_of=form.cleaned_data["as_of"], country=_country())
    return render(
        request,
        "recovery/needs.html",
        _base(
            request,
            form=form,
            data=data,
            blocks=list(Block.choices),
            published=published_needs(country=_country(), as_of=data.as_of),
        ),
    )


def rates(request: HttpRequest) -> HttpResponse:
    """The rate table; a converter; coordinators add rates here."""
    form: RateForm | None = RateForm() if may_coordinate(request.user) else None
    status = 200
    if request.method == "POST":
        refusal = _refusal(request)
        if refusal is not None:
            return refusal
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                record_rate(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except (InvalidInput, Conflict) as error:
                apply_errors(form, error)
            else:
                return redirect("recovery:rates")
        status = 400
    converter, converted = ConvertForm(request.GET or None), None
    if converter.is_bound:
        if converter.is_valid():
            values = converter.cleaned_data
            try:
                converted = to_reporting(
                    values["amount"], currency=values["currency"], on=values["on"]
                )
            except MissingRate as error:
                apply_errors(converter, error)
        if not converter.is_valid():
            status = 400
    return render(
        request,
        "recovery/rates.html",
        _base(
            request,
            rates=rate_history(),
            form=form,
            converter=converter,
            converted=converted,
        ),
        status=status,
    )


def priorities(request: HttpRequest) -> HttpResponse:
    """Damaged facilities by priority score, with every part; coordinators change the weights."""
    weights = PriorityWeights.current()
    weights_form: WeightsForm | None = None
    status = 200
    if may_coordinate(request.user):
        weights_form = WeightsForm(
            initial={**weights.as_dict(), "expected_version": weights.version}
        )
    if request.method == "POST":
        refusal = _refusal(request)
        if refusal is not None:
            return refusal
        weights_form = WeightsForm(request.POST)
        if weights_form.is_valid():
            values = dict(weights_form.cleaned_data)
            try:
                set_priority_weights(actor=request.user, **values)  # type: ignore[arg-type]
            except (InvalidInput, Conflict) as error:
                apply_errors(weights_form, error)
            else:
                return redirect(request.get_full_path())
        status = 400
    form = PriorityFilterForm(request.GET)
    if not form.is_valid():
        return _bad_query(request, form)
    values = form.cleaned_data
    ranking = priority_ranking(
        as_of=values["as_of"],
        country=_country(),
        region=values["region"],
        kind=values["kind"] or None,
        weights=weights,
    )
    return render(
        request,
        "recovery/priorities.html",
        _base(
            request,
            form=form,
            weights=weights,
            weights_form=weights_form,
            page=_page(ranking, values["page"]),
            query=_query_without_page(request),
            labels=PART_LABELS,
            tables=_score_tables(),
        ),
        status=status,
    )


def _score_tables() -> list[tuple[str, list[tuple[str, Any]]]]:
    """The documented values of each part, as the page explains them."""
    labelled: list[tuple[str, Any, dict[str, Any]]] = [
        ("damage", Condition, DAMAGE_PART),
        ("services", FacilityKind, SERVICES_PART),
        ("operation", Functionality, OPERATION_PART),
        ("access", AccessStatus, ACCESS_PART),
    ]
    return [
        (str(PART_LABELS[name]), [(str(choices(key).label), value) for key, value in table.items()])
        for name, choices, table in labelled
    ]


def priority(request: HttpRequest, facility_id: int) -> HttpResponse:
    """One damaged facility's score, part by part; coordinators record its population here."""
    facility = _current_or_404(Facility, facility_id)
    current = PopulationServed.objects.filter(facility=facility).first()
    form: PopulationForm | None = None
    status = 200
    if may_coordinate(request.user):
        form = PopulationForm(
            initial={
                "population": current.population if current else None,
                "as_of": current.as_of if current else timezone.localdate(),
            }
        )
    if request.method == "POST":
        refusal = _refusal(request)
        if refusal is not None:
            return refusal
        form = PopulationForm(request.POST)
        if form.is_valid():
            try:
                record_population_served(facility, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except (InvalidInput, Conflict) as error:
                apply_errors(form, error)
            else:
                return redirect("recovery:priority", facility_id=facility.pk)
        status = 400
    return render(
        request,
        "recovery/priority.html",
        _base(
            request,
            facility=facility,
            score=facility_score(facility),
            population=current,
            form=form,
            projects=RecoveryProject.objects.filter(facility=facility).order_by("id"),
            population_floor=POPULATION_FLOOR,
            population_full=POPULATION_FULL,
        ),
        status=status,
    )


# -- coordinators' entries ------------------------------------------------------------------


def _entry(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    done: Callable[[Any], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show the form; on a valid post call the service; its refusals land on the fields."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = write(form.cleaned_data)
            except (InvalidInput, Conflict) as error:
                apply_errors(form, error)
            else:
                return redirect(done(created))
        status = 400
    return render(
        request,
        "recovery/form.html",
        _base(request, form=form, title=title, **(context or {})),
        status=status,
    )


@coordinator_required
def partner_new(request: HttpRequest) -> HttpResponse:
    """Add a partner."""
    form = PartnerForm(request.POST or None)
    return _entry(
        request,
        form,
        lambda values: register_partner(actor=request.user, **values),  # type: ignore[arg-type]
        title=_("New partner"),
        done=lambda created: reverse("recovery:partner", args=[created.pk]),
    )


@coordinator_required
def project_new(request: HttpRequest) -> HttpResponse:
    """Add a project at its first stage."""
    form = ProjectForm(request.POST or None)
    return _entry(
        request,
        form,
        lambda values: register_project(actor=request.user, **values),  # type: ignore[arg-type]
        title=_("New recovery project"),
        done=lambda created: reverse("recovery:project", args=[created.pk]),
    )


@coordinator_required
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a project to its next stage (or cancel it), dated."""
    found = _current_or_404(RecoveryProject, pk)
    form = StageForm(request.POST or None, project=found)
    return _entry(
        request,
        form,
        lambda values: change_stage(found, actor=request.user, **values),  # type: ignore[arg-type]
        title=_("Change the stage of %(project)s") % {"project": found.title},
        done=lambda _change: reverse("recovery:project", args=[found.pk]),
        context={"project": found},
    )


@coordinator_required
def project_funding_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a commitment or disbursement to a project."""
    found = _current_or_404(RecoveryProject, pk)
    form = FundingForm(request.POST or None, initial={"currency": found.currency or "USD"})
    return _entry(
        request,
        form,
        lambda values: record_funding(found, actor=request.user, **values),  # type: ignore[arg-type]
        title=_("Funding for %(project)s") % {"project": found.title},
        done=lambda _funding: reverse("recovery:project", args=[found.pk]),
        context={"project": found},
    )
