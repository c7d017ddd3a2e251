"""Occupied-territory pages: public counts, and staff pages to record, review and read entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from medinfra.core.access import role_required
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.roles import Role
from medinfra.occupied.forms import (
    MAX_ID,
    ContactForm,
    EventForm,
    ReviewForm,
    apply_errors,
)
from medinfra.occupied.models import ContactLogEntry, OccupiedEvent, Verification
from medinfra.occupied.queries import (
    awaiting_review,
    contacts_for,
    events_for,
    may_see_names,
    public_counts,
)
from medinfra.occupied.services import record_contact, record_event, set_event_verification

PER_PAGE = 50
STAFF = (Role.REPORTER, Role.VERIFIER, Role.ADMINISTRATOR)
REVIEWERS = (Role.VERIFIER, Role.ADMINISTRATOR)
# List pages never decrypt what they do not show.
PRIVATE_TEXTS = ("persons", "description")


def overview(request: HttpRequest) -> HttpResponse:
    """Public: verified events by kind and region, and by month; no event one by one."""
    return render(
        request,
        "occupied/overview.html",
        {"counts": public_counts(country=str(settings.MEDINFRA_COUNTRY))},
    )


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise Http404
    return int(raw)


def _numbered(queryset: Any, pk: int) -> Any:
    if pk > MAX_ID:
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _entry(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    done: Callable[[Any], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show the form; on a valid POST call the service, and on its refusal show its messages."""
    if request.method == "POST" and form.is_valid():
        try:
            created = write(form.cleaned_data)
        except (InvalidInput, Conflict) as error:
            apply_errors(form, error)
        else:
            return redirect(done(created))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


# -- events ---------------------------------------------------------------------------------------


@role_required(*STAFF)
def events(request: HttpRequest) -> HttpResponse:
    """Events the signed-in person may open: all for reviewers, their own for reporters."""
    found = events_for(request.user).defer(*PRIVATE_TEXTS)
    page = Paginator(found, PER_PAGE).get_page(_page_number(request))
    return render(
        request,
        "occupied/events.html",
        {
            "page": page,
            "sees_all": may_see_names(request.user),
            "awaiting": (
                awaiting_review(request.user).defer(*PRIVATE_TEXTS).count()
                if may_see_names(request.user)
                else None
            ),
        },
    )


@role_required(*STAFF)
def event_new(request: HttpRequest) -> HttpResponse:
    """Record an event; it counts in public only once another person verifies it."""
    form = EventForm(request.POST or None)
    return _entry(
        request,
        form,
        lambda values: record_event(actor=request.user, **values),  # type: ignore[arg-type]
        template="occupied/event_form.html",
        done=lambda created: reverse("occupied:event", args=[created.pk]),
    )


@role_required(*STAFF)
def event(request: HttpRequest, pk: int) -> HttpResponse:
    """One event; names only for verifiers and administrators, and a review form for them."""
    reviewer = may_see_names(request.user)
    visible = events_for(request.user).select_related("contact", "contact__facility")
    # A reporter's page never even decrypts the names.
    found = _numbered(visible if reviewer else visible.defer("persons"), pk)
    review = None
    if reviewer and found.reported_by_id != request.user.pk:
        review = ReviewForm(initial={"expected_version": found.version})
        _state_field(review).choices = _next_choices(found)
    return render(
        request,
        "occupied/event.html",
        {
            "event": found,
            "sees_names": reviewer,
            "review": review,
            "sources": list(found.sources.all()),
        },
    )


def _state_field(form: ReviewForm) -> forms.ChoiceField:
    field = form.fields["state"]
    assert isinstance(field, forms.ChoiceField)
    return field


def _next_choices(event: OccupiedEvent) -> list[tuple[str, str]]:
    from medinfra.occupied.services import NEXT_STATES

    allowed = NEXT_STATES[event.verification]
    return [(value, str(label)) for value, label in Verification.choices if value in allowed]


@require_POST
@role_required(*REVIEWERS)
def event_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify, reject or reopen an event (never one's own)."""
    found = _numbered(events_for(request.user), pk)
    form = ReviewForm(request.POST)
    _state_field(form).choices = _next_choices(found)
    if form.is_valid():
        try:
            set_event_verification(
                found,
                actor=request.user,  # type: ignore[arg-type]
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except (InvalidInput, Conflict) as error:
            apply_errors(form, error)
        else:
            return redirect("occupied:event", pk=found.pk)
    return render(
        request,
        "occupied/event.html",
        {
            "event": found,
            "sees_names": True,
            "review": form,
            "sources": list(found.sources.all()),
        },
        status=400,
    )


# -- contact log ----------------------------------------------------------------------------------


@role_required(*STAFF)
def contacts(request: HttpRequest) -> HttpResponse:
    """The contact log: every entry for reviewers, their own for reporters; no names in lists."""
    found = contacts_for(request.user).defer("summary", "contact_name", "contact_details")
    page = Paginator(found, PER_PAGE).get_page(_page_number(request))
    return render(
        request,
        "occupied/contacts.html",
        {"page": page, "sees_all": may_see_names(request.user)},
    )


@role_required(*STAFF)
def contact_new(request: HttpRequest) -> HttpResponse:
    """Log a contact with a facility in occupied territory."""
    form = ContactForm(request.POST or None)
    return _entry(
        request,
        form,
        lambda values: record_contact(actor=request.user, **values),  # type: ignore[arg-type]
        template="occupied/contact_form.html",
        done=lambda created: reverse("occupied:contact", args=[created.pk]),
    )


@role_required(*STAFF)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """One contact log entry; the person and their details only for reviewers."""
    reviewer = may_see_names(request.user)
    visible = contacts_for(request.user)
    if not reviewer:
        visible = visible.defer("contact_name", "contact_details")
    found: ContactLogEntry = _numbered(visible, pk)
    return render(
        request,
        "occupied/contact.html",
        {
            "entry": found,
            "sees_names": reviewer,
            "events": events_for(request.user).filter(contact=found).defer(*PRIVATE_TEXTS),
        },
    )
