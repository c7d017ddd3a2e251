"""Pages of partnership agreements: the public list with counts, and coordinators' entries."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.partnerships.forms import AgreementFilterForm, AgreementForm, StatusForm
from medinfra.partnerships.models import PartnershipAgreement
from medinfra.partnerships.queries import (
    INTERNATIONAL_MEDICAL_PARTNERSHIP,
    SUGGESTED_AREAS,
    agreement_counts,
    programmes,
)
from medinfra.partnerships.queries import (
    agreements as agreements_of,
)
from medinfra.partnerships.services import record_agreement, set_agreement_status
from medinfra.recovery.forms import apply_errors
from medinfra.recovery.views import MAX_ID, coordinator_required, may_coordinate


def agreements(request: HttpRequest) -> HttpResponse:
    """Agreements between domestic facilities and foreign institutions, with their counts."""
    form = AgreementFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "recovery/bad_request.html",
            {"errors": form.errors, "may_coordinate": may_coordinate(request.user)},
            status=400,
        )
    values = form.cleaned_data
    as_of = values["as_of"] or timezone.localdate()
    rows = agreements_of(
        as_of=as_of,
        country=settings.MEDINFRA_COUNTRY,
        programme=values["programme"] or None,
        partner_country=(values["partner_country"] or "").upper() or None,
        status=values["status"] or None,
        kind=values["kind"] or None,
        area=values["area"] or None,
    )
    everything = agreements_of(as_of=as_of, country=settings.MEDINFRA_COUNTRY)
    return render(
        request,
        "partnerships/agreements.html",
        {
            "form": form,
            "as_of": as_of,
            "rows": rows,
            "counts": agreement_counts(everything),
            "shown": agreement_counts(rows),
            "programme_name": INTERNATIONAL_MEDICAL_PARTNERSHIP,
            "may_coordinate": may_coordinate(request.user),
        },
    )


def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """One agreement."""
    found = (
        PartnershipAgreement.objects.select_related("facility__region", "partner")
        .filter(pk=pk)
        .first()
        if pk <= MAX_ID
        else None
    )
    if found is None:
        raise Http404
    return render(
        request,
        "partnerships/agreement.html",
        {"agreement": found, "may_coordinate": may_coordinate(request.user)},
    )


@coordinator_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    """Record a signed agreement."""
    form = AgreementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = record_agreement(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except (InvalidInput, Conflict) as error:
                apply_errors(form, error)
            else:
                return redirect("partnerships:agreement", pk=created.pk)
        status = 400
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "title": _("New partnership agreement"),
            "programmes": programmes(),
            "areas": SUGGESTED_AREAS,
            "may_coordinate": True,
        },
        status=status,
    )


@coordinator_required
def agreement_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change whether an agreement is in force."""
    found = PartnershipAgreement.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404
    form = StatusForm(
        request.POST or None,
        initial={"status": found.status, "expected_version": found.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                set_agreement_status(found, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except (InvalidInput, Conflict) as error:
                apply_errors(form, error)
            else:
                return redirect("partnerships:agreement", pk=found.pk)
        status = 400
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "title": _("Status of the agreement"),
            "agreement": found,
            "may_coordinate": True,
        },
        status=status,
    )
