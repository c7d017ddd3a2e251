"""The verifiers' queue and review page: decisions and merges, each checked against the
version of the incident that was read."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from medinfra.core.access import role_required
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.queries import history_of
from medinfra.core.roles import Role
from medinfra.geography.models import Region
from medinfra.incidents.models import (
    CASUALTY_FIELDS,
    Incident,
    Verification,
)
from medinfra.incidents.queries import possible_duplicates
from medinfra.incidents.services import merge_incidents, set_verification
from medinfra.reporting.forms import (
    CASUALTY_LABELS,
    MAX_ID,
    MergeForm,
    QueueFilterForm,
    RejectForm,
    TakeForm,
    VerifyForm,
    error_summary,
)
from medinfra.reporting.queries import (
    incident_for_review,
    review_queue,
)

verifier_required = role_required(Role.VERIFIER)
DUPLICATES_SHOWN = 4


# -- the verifiers' queue ------------------------------------------------------------------------


@verifier_required
def queue(request: HttpRequest) -> HttpResponse:
    """Incidents reported or under review, oldest first; one's own reports are marked."""
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "reporting/queue.html",
            {"form": form, "errors": error_summary(form), "page": None},
            status=400,
        )
    code = form.cleaned_data["region"]
    region = Region.objects.filter(code=code).first() if code else None
    page = review_queue(region=region, page=form.cleaned_data["page"] or 1)
    query = f"region={code}&" if code else ""
    return render(
        request,
        "reporting/queue.html",
        {"form": form, "page": page, "query": query, "errors": []},
    )


def _casualty_rows(incidents: list[Incident]) -> list[tuple[str, list[int]]]:
    return [
        (str(CASUALTY_LABELS[name]), [getattr(i, name) for i in incidents])
        for name in CASUALTY_FIELDS
    ]


# Which of two reports to keep, by default: the one further along in review, else the older.
REVIEW_PROGRESS = {
    Verification.VERIFIED: 3,
    Verification.UNDER_REVIEW: 2,
    Verification.REPORTED: 1,
    Verification.REJECTED: 0,
}


def _suggested_keep(incident: Incident, other: Incident) -> str:
    mine = (REVIEW_PROGRESS[Verification(incident.verification)], -incident.pk)
    theirs = (REVIEW_PROGRESS[Verification(other.verification)], -other.pk)
    return "this" if mine >= theirs else "other"


def _review_page(
    request: HttpRequest,
    incident: Incident,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
    conflict: str = "",
    refusal: str = "",
) -> HttpResponse:
    bound = bound or {}
    own = incident.reported_by_id == request.user.pk
    duplicates = (
        possible_duplicates(incident)[:DUPLICATES_SHOWN] if not incident.is_retracted else []
    )
    initial = {"version": incident.version}
    merges = []
    for other in duplicates:
        prefix = f"merge-{other.pk}"
        form = bound.get(prefix) or MergeForm(
            prefix=prefix,
            initial={
                "version": incident.version,
                "other": other.pk,
                "other_version": other.version,
                "keep": _suggested_keep(incident, other),
            },
        )
        form.fields["keep"].choices = [  # type: ignore[union-attr]
            ("this", _("keep #%(number)s (this one)") % {"number": incident.pk}),
            ("other", _("keep #%(number)s") % {"number": other.pk}),
        ]
        merges.append((other, form, other.reported_by_id == request.user.pk))
    side_by_side = [incident, *duplicates]
    return render(
        request,
        "reporting/review.html",
        {
            "incident": incident,
            "own": own,
            "take": bound.get("take") or TakeForm(prefix="take", initial=initial),
            "verify": bound.get("verify")
            or VerifyForm(prefix="verify", initial={**initial, "certainty": incident.certainty}),
            "reject": bound.get("reject") or RejectForm(prefix="reject", initial=initial),
            "merges": merges,
            "side_by_side": side_by_side,
            "casualties": _casualty_rows(side_by_side),
            "history": list(history_of(incident)),
            "conflict": conflict,
            "refusal": refusal,
            "errors": [e for form in bound.values() for e in error_summary(form)],
            "non_field_errors": [
                str(e) for form in bound.values() for e in form.non_field_errors()
            ],
            "done": request.GET.get("done", "") if request.method == "GET" else "",
            "awaiting": incident.verification in (Verification.REPORTED, Verification.UNDER_REVIEW),
            "Verification": Verification,
        },
        status=status,
    )


DECISIONS = {"take", "verify", "reject", "reopen"}


@verifier_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One incident for review: its facts, sources, history, possible duplicates, decisions."""
    incident = incident_for_review(pk) if pk <= MAX_ID else None
    if incident is None:
        raise Http404
    if request.method != "POST":
        return _review_page(request, incident)
    action = request.POST.get("action", "")
    if action in DECISIONS:
        return _decide(request, incident, action)
    if action.startswith("merge-") and action[6:].isdigit():
        return _merge(request, incident, action)
    return _review_page(
        request,
        incident,
        status=400,
        refusal=_("Choose one of the buttons of the page."),
    )


def _refresh(incident: Incident) -> Incident:
    fresh = incident_for_review(incident.pk)
    assert fresh is not None
    return fresh


def _conflict_message(incident: Incident, detail: str) -> str:
    return _(
        "Nothing was saved: someone else changed this incident while you were reading it. "
        "It is now %(state)s (certainty: %(certainty)s, version %(version)s). Read its current "
        "state below and decide again. (%(detail)s)"
    ) % {
        "state": incident.get_verification_display(),
        "certainty": incident.get_certainty_display(),
        "version": incident.version,
        "detail": detail,
    }


def _decide(request: HttpRequest, incident: Incident, action: str) -> HttpResponse:
    form_class = {"take": TakeForm, "reopen": TakeForm, "verify": VerifyForm, "reject": RejectForm}
    prefix = "take" if action == "reopen" else action
    form = form_class[action](request.POST, prefix=prefix)
    if not form.is_valid():
        return _review_page(request, incident, bound={prefix: form}, status=400)
    own = incident.reported_by_id == request.user.pk
    if own and action in ("verify", "reject"):
        return _review_page(
            request,
            incident,
            status=403,
            refusal=_(
                "This is your own report: another verifier must decide. Nobody verifies or "
                "rejects their own report."
            ),
        )
    values = form.cleaned_data
    state = {
        "take": Verification.UNDER_REVIEW,
        "reopen": Verification.UNDER_REVIEW,
        "verify": Verification.VERIFIED,
        "reject": Verification.REJECTED,
    }[action]
    try:
        set_verification(
            incident,
            actor=request.user,  # type: ignore[arg-type]
            state=state,
            certainty=values.get("certainty") or None,
            reason=values.get("reason") or "",
            expected_version=values["version"],
        )
    except InvalidInput as error:
        form.add_error(
            "reason" if "reason" in error.message_dict and "reason" in form.fields else None,
            "; ".join(m for ms in error.message_dict.values() for m in ms),
        )
        return _review_page(request, incident, bound={prefix: form}, status=400)
    except Conflict as error:
        fresh = _refresh(incident)
        if fresh.version != values["version"]:
            return _review_page(
                request, fresh, status=409, conflict=_conflict_message(fresh, str(error))
            )
        return _review_page(request, fresh, status=409, refusal=str(error))
    return redirect(reverse("reporting:review", args=[incident.pk]) + f"?done={action}")


def _merge(request: HttpRequest, incident: Incident, action: str) -> HttpResponse:
    prefix = action
    form = MergeForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _review_page(request, incident, bound={prefix: form}, status=400)
    values = form.cleaned_data
    other = Incident.all_objects.filter(pk=values["other"]).first()
    if other is None or str(other.pk) != action[6:]:
        return _review_page(
            request, incident, status=400, refusal=_("The other incident was not found.")
        )
    if request.user.pk in (incident.reported_by_id, other.reported_by_id):
        return _review_page(
            request,
            incident,
            status=403,
            refusal=_("One of these is your own report: another verifier must merge them."),
        )
    if values["keep"] == "this":
        kept, duplicate = incident, other
        kept_version, duplicate_version = values["version"], values["other_version"]
    else:
        kept, duplicate = other, incident
        kept_version, duplicate_version = values["other_version"], values["version"]
    try:
        merge_incidents(
            kept,
            duplicate,
            actor=request.user,  # type: ignore[arg-type]
            reason=values["reason"],
            kept_version=kept_version,
            duplicate_version=duplicate_version,
        )
    except (InvalidInput, Conflict) as error:
        fresh = _refresh(incident)
        changed = fresh.version != values["version"] or other.version != values["other_version"]
        message = _conflict_message(fresh, str(error)) if changed else str(error)
        return _review_page(
            request,
            fresh,
            status=409,
            conflict=message if changed else "",
            refusal="" if changed else message,
        )
    return redirect(reverse("reporting:review", args=[kept.pk]) + "?done=merge")
