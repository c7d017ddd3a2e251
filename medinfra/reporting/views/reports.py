"""Reporters' pages: drafts kept on the server and saved as typed, submitted through the
services; every save and submit is checked against the draft's version."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medinfra.core.access import role_required
from medinfra.core.errors import Conflict, InvalidInput, NotFound
from medinfra.core.roles import Role
from medinfra.facilities.models import Facility
from medinfra.incidents.models import (
    Incident,
    Verification,
)
from medinfra.reporting.forms import (
    FORMS,
    MAX_ID,
    FacilityLookupForm,
    ReportForm,
    error_summary,
    payload_from,
)
from medinfra.reporting.models import Draft, DraftKind, DraftState
from medinfra.reporting.queries import (
    drafts_of,
    incidents_reported_by,
)
from medinfra.reporting.services import (
    ClosedDraft,
    StaleDraft,
    create_draft,
    discard_draft,
    reopen_draft,
    save_draft,
    start_amendment,
    submit_draft,
)

reporter_required = role_required(Role.REPORTER)


def _local_time(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "H:i")


def _version(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) < 2**31 else None


# -- the reporter's pages ----------------------------------------------------------------------


@reporter_required
def mine(request: HttpRequest) -> HttpResponse:
    """A reporter's open drafts, submitted reports with their state, and links to new forms."""
    submitted = request.GET.get("submitted", "")
    just_submitted = None
    if submitted.isdigit() and int(submitted) <= MAX_ID:
        just_submitted = Draft.objects.filter(
            pk=int(submitted), owner_id=request.user.pk, state=DraftState.SUBMITTED
        ).first()
    reports = incidents_reported_by(request.user)
    return render(
        request,
        "reporting/mine.html",
        {
            "kinds": [(kind, FORMS[kind].title) for kind in DraftKind.values],
            "drafts": drafts_of(request.user),
            "discarded": drafts_of(request.user, state=DraftState.DISCARDED)[:50],
            "submitted": drafts_of(request.user, state=DraftState.SUBMITTED).exclude(
                kind=DraftKind.INCIDENT
            )[:100],
            "incidents": reports[:100],
            "incident_total": reports.count(),
            "just_submitted": just_submitted,
            "reported": Verification.REPORTED,
        },
    )


def _own_draft(request: HttpRequest, pk: int) -> Draft:
    draft = (
        Draft.objects.select_related("amends").filter(pk=pk, owner_id=request.user.pk).first()
        if pk <= MAX_ID
        else None
    )
    if draft is None:
        raise Http404
    return draft


def _kind(kind: str) -> str:
    if kind not in DraftKind.values:
        raise Http404
    return kind


def _form_page(
    request: HttpRequest,
    *,
    kind: str,
    form: ReportForm,
    draft: Draft | None,
    status: int = 200,
    conflict: Draft | None = None,
    stale_version: int | None = None,
    notice: str = "",
) -> HttpResponse:
    if draft is not None:
        action = reverse("reporting:draft", args=[draft.pk])
        autosave = reverse("reporting:autosave", args=[draft.pk])
    else:
        action = reverse("reporting:new", args=[kind])
        autosave = reverse("reporting:autosave_new", args=[kind])
    layout = [(legend, [form[name] for name in names]) for legend, names in form.layout()]
    title = FORMS[kind].title
    if draft is not None and draft.amends_id:
        title = _("Change incident #%(number)s") % {"number": draft.amends_id}
    return render(
        request,
        "reporting/form.html",
        {
            "form": form,
            "kind": kind,
            "title": title,
            "layout": layout,
            "draft": draft,
            "action": action,
            "autosave_url": autosave,
            "errors": error_summary(form),
            "conflict": conflict,
            "conflict_saved_at": _local_time(conflict.updated_at) if conflict else "",
            "saved_at": _local_time(draft.updated_at) if draft else "",
            # After a conflict the page keeps the version it was loaded with, so that neither
            # its script nor "Save draft" replaces the newer text without being asked to.
            "version": stale_version if conflict else (draft.version if draft else ""),
            "saved_template": _("Draft saved at %(time)s") % {"time": "{time}"},
            "notice": notice,
        },
        status=status,
    )


def _post_report(request: HttpRequest, kind: str, draft: Draft | None) -> HttpResponse:
    """Save what was typed (always), then, for "Submit", check it and send it in."""
    form_class = FORMS[kind]
    payload = payload_from(request.POST, kind)
    action = request.POST.get("action")
    posted_version = _version(request.POST.get("draft_version"))
    try:
        if draft is None:
            draft = create_draft(owner=request.user, kind=kind, payload=payload)  # type: ignore[arg-type]
        else:
            # "Replace the saved version" is the one way past a conflict: the person saw it.
            expected = (
                _version(request.POST.get("current_version"))
                if action == "overwrite"
                else posted_version
            )
            draft = save_draft(
                draft,
                actor=request.user,  # type: ignore[arg-type]
                payload=payload,
                expected_version=expected,
            )
    except StaleDraft as stale:
        # Nothing is overwritten: what this tab sent is shown back, beside a way to the newer one.
        return _form_page(
            request,
            kind=kind,
            form=form_class(initial=payload),
            draft=stale.current,
            conflict=stale.current,
            stale_version=posted_version,
            status=409,
        )
    except ClosedDraft as closed:
        return _closed_page(request, closed.current, status=409)
    except InvalidInput as error:
        form = form_class(initial=payload)
        form.add_error(None, "; ".join(m for ms in error.message_dict.values() for m in ms))
        return _form_page(request, kind=kind, form=form, draft=draft, status=400)
    if action != "submit":
        return redirect(reverse("reporting:draft", args=[draft.pk]) + "?saved=1")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            draft = submit_draft(
                draft,
                actor=request.user,  # type: ignore[arg-type]
                values=form.cleaned_data,
                expected_version=draft.version,
            )
        except (InvalidInput, Conflict) as error:
            form.apply_errors(error)
        else:
            return redirect(reverse("reporting:mine") + f"?submitted={draft.pk}")
    return _form_page(
        request,
        kind=kind,
        form=form,
        draft=draft,
        status=400,
        notice=_("Your draft is saved; the report was not submitted."),
    )


@reporter_required
def new(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty report form; the first save makes it a draft."""
    kind = _kind(kind)
    if request.method == "POST":
        return _post_report(request, kind, None)
    return _form_page(request, kind=kind, form=FORMS[kind](), draft=None)


@reporter_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: its form with what was typed, or what it became once submitted."""
    found = _own_draft(request, pk)
    if not found.is_open:
        if request.method == "POST":
            return _closed_page(request, found, status=409)
        return _closed_page(request, found)
    if request.method == "POST":
        return _post_report(request, found.kind, found)
    form = FORMS[found.kind](initial=found.payload)
    notice = _("Draft saved.") if request.GET.get("saved") else ""
    return _form_page(request, kind=found.kind, form=form, draft=found, notice=notice)


def _closed_page(request: HttpRequest, found: Draft, *, status: int = 200) -> HttpResponse:
    form_class = FORMS[found.kind]
    values = []
    for legend, names in form_class.layout():
        rows = []
        for name in names:
            value = found.payload.get(name)
            if value in (None, "", []):
                continue
            label = form_class.base_fields[name].label
            rows.append((label, ", ".join(value) if isinstance(value, list) else value))
        if rows:
            values.append((legend, rows))
    return render(
        request,
        "reporting/closed.html",
        {"draft": found, "values": values, "title": form_class.title, "conflict": status == 409},
        status=status,
    )


def _json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@reporter_required
@require_POST
def autosave(request: HttpRequest, pk: int | None = None, kind: str | None = None) -> HttpResponse:
    """Save a draft as typed, for the page's script; answers JSON (409 when stale)."""
    try:
        if pk is None:
            found = create_draft(
                owner=request.user,  # type: ignore[arg-type]
                kind=_kind(kind or ""),
                payload=payload_from(request.POST, kind or ""),
            )
        else:
            found = _own_draft(request, pk)
            found = save_draft(
                found,
                actor=request.user,  # type: ignore[arg-type]
                payload=payload_from(request.POST, found.kind),
                expected_version=_version(request.POST.get("draft_version")),
            )
    except StaleDraft as stale:
        return _json_error(
            _(
                "Not saved: this draft was saved from another tab or device at %(time)s. "
                "Nothing was overwritten and your text is still here; copy what you need, "
                "then reload the page to see the saved version."
            )
            % {"time": _local_time(stale.current.updated_at)},
            409,
            version=stale.current.version,
        )
    except ClosedDraft:
        return _json_error(_("Not saved: this draft was already submitted or discarded."), 409)
    except InvalidInput as error:
        return _json_error(
            _("Not saved: %(problem)s")
            % {"problem": "; ".join(m for ms in error.message_dict.values() for m in ms)},
            400,
        )
    return JsonResponse(
        {
            "id": found.pk,
            "version": found.version,
            "saved_at": _local_time(found.updated_at),
            "url": reverse("reporting:draft", args=[found.pk]),
            "autosave_url": reverse("reporting:autosave", args=[found.pk]),
        }
    )


@reporter_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a draft aside (kept, marked discarded)."""
    found = _own_draft(request, pk)
    try:
        discard_draft(
            found,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=_version(request.POST.get("draft_version")),
        )
    except StaleDraft as stale:
        return _form_page(
            request,
            kind=found.kind,
            form=FORMS[found.kind](initial=stale.current.payload),
            draft=stale.current,
            notice=_(
                "Not discarded: this draft was saved elsewhere after you opened it. "
                "Here is its saved version."
            ),
            status=409,
        )
    except ClosedDraft as closed:
        return _closed_page(request, closed.current, status=409)
    return redirect("reporting:mine")


@reporter_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a discarded draft up again."""
    found = _own_draft(request, pk)
    try:
        reopen_draft(found, actor=request.user)  # type: ignore[arg-type]
    except ClosedDraft as closed:
        return _closed_page(request, closed.current, status=409)
    return redirect("reporting:draft", pk=found.pk)


@reporter_required
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Start changing one's own incident while it is still reported (a draft of the change)."""
    incident = Incident.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if incident is None:
        raise Http404
    try:
        found = start_amendment(incident, actor=request.user)  # type: ignore[arg-type]
    except (Conflict, NotFound) as error:
        return render(
            request,
            "reporting/refused.html",
            {
                "title": _("This incident cannot be changed"),
                "message": _(
                    "Only its reporter may change an incident, and only while it is still "
                    "reported: once a verifier has taken it up, it is theirs to decide."
                ),
                "detail": str(error),
            },
            status=409,
        )
    return redirect("reporting:draft", pk=found.pk)


@role_required(Role.REPORTER, Role.VERIFIER)
def facilities(request: HttpRequest) -> HttpResponse:
    """Find a facility's number by region and part of its name or settlement."""
    form = FacilityLookupForm(request.GET or None)
    rows: list[Facility] = []
    if form.is_bound and form.is_valid():
        region, text = form.cleaned_data["region"], form.cleaned_data["q"].strip()
        if region or text:
            found = Facility.objects.select_related("region").order_by("name_uk", "id")
            if region:
                found = found.filter(region__code=region)
            if text:
                found = found.filter(
                    Q(name_uk__icontains=text)
                    | Q(name_en__icontains=text)
                    | Q(settlement__icontains=text)
                    | Q(edrpou=text)
                )
            rows = list(found[:50])
    return render(
        request,
        "reporting/facilities.html",
        {"form": form, "rows": rows, "errors": error_summary(form)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
