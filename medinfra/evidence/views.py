"""Evidence pages: attach files to a record, list them, and let reviewers take stripped copies.

No page serves a stored file: the copy view writes a new file without metadata, for verifiers
and administrators only.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from PIL import UnidentifiedImageError
from pypdf.errors import PyPdfError

from medinfra.core.access import refusal, role_required
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.roles import Role
from medinfra.evidence.files import max_bytes, path_of, too_large_message
from medinfra.evidence.forms import FindForm, RetractForm, UploadForm
from medinfra.evidence.metadata import CONTENT_TYPES, EXTENSIONS, write_clean_copy
from medinfra.evidence.models import EvidenceFile
from medinfra.evidence.queries import (
    evidence_for,
    evidence_of,
    may_attach_to,
    may_review_evidence,
)
from medinfra.evidence.services import attach_evidence, retract_evidence
from medinfra.incidents.models import Incident
from medinfra.occupied.models import OccupiedEvent

logger = logging.getLogger("medinfra.evidence")

STAFF = (Role.REPORTER, Role.VERIFIER, Role.ADMINISTRATOR)
REVIEWERS = (Role.VERIFIER, Role.ADMINISTRATOR)
MAX_ID = 2**63 - 1
# Room for the form's other fields and the multipart boundaries around the file.
ENVELOPE_BYTES = 64 * 1024
# Copies up to this size are built in memory, larger ones in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload past the limit, so an oversized file is never written anywhere."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _found(queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404
    return found


# -- one record's evidence ------------------------------------------------------------------------


@role_required(*STAFF)
@csrf_exempt  # the upload limit must be in place before the body is read; checked below
def incident_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence files of an incident, and a form to add one."""
    return _record_page(request, _found(Incident.objects.select_related("region"), pk))


@role_required(*STAFF)
@csrf_exempt  # the upload limit must be in place before the body is read; checked below
def occupied_event_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence files of an occupied-territory event, and a form to add one."""
    return _record_page(request, _found(OccupiedEvent.objects.select_related("region"), pk))


def _record_page(request: HttpRequest, record: Incident | OccupiedEvent) -> HttpResponse:
    if not may_attach_to(request.user, record):
        return refusal(request, REVIEWERS)
    if request.method != "POST":
        return _render_record(request, record, UploadForm())
    limit = max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + ENVELOPE_BYTES:
        # Refused before a byte of the body is read.
        form = UploadForm.refused(too_large_message(limit))
        return _render_record(request, record, form, status=413)
    handler = SizeLimitHandler(request, limit)
    request.upload_handlers.insert(0, handler)
    return _upload(request, record, handler)


@csrf_protect
def _upload(
    request: HttpRequest, record: Incident | OccupiedEvent, handler: SizeLimitHandler
) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if handler.exceeded:
        form = UploadForm.refused(too_large_message(handler.limit))
        return _render_record(request, record, form, status=413)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        target = (
            {"incident": record} if isinstance(record, Incident) else {"occupied_event": record}
        )
        try:
            added = attach_evidence(
                actor=request.user,  # type: ignore[arg-type]
                chunks=upload.chunks(),
                original_name=upload.name or "",
                **target,
            )
        except (InvalidInput, Conflict) as error:
            _apply_errors(form, error)
        else:
            return redirect(f"{_record_url(record)}?added={added.pk}")
    return _render_record(request, record, form, status=400)


def _apply_errors(form: UploadForm | RetractForm, error: InvalidInput | Conflict) -> None:
    if isinstance(error, InvalidInput):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, str(error))


def _record_url(record: Incident | OccupiedEvent) -> str:
    if isinstance(record, Incident):
        return reverse("evidence:incident", args=[record.pk])
    return reverse("evidence:occupied_event", args=[record.pk])


def _render_record(
    request: HttpRequest,
    record: Incident | OccupiedEvent,
    form: UploadForm,
    *,
    status: int = 200,
    retract_form: RetractForm | None = None,
    retracting: int | None = None,
) -> HttpResponse:
    reviewer = may_review_evidence(request.user)
    files = evidence_of(record)
    if not reviewer:
        files = files.defer("original_name")
    added = request.GET.get("added", "")
    return render(
        request,
        "evidence/record.html",
        {
            "record": record,
            "is_incident": isinstance(record, Incident),
            "files": list(files),
            "form": form,
            "retract_form": retract_form,
            "retracting": retracting,
            "reviewer": reviewer,
            "added": int(added) if added.isdigit() and len(added) < 19 else None,
        },
        status=status,
    )


# -- reviewers: copies and retraction -------------------------------------------------------------


# role_required is typed for HttpResponse views; this one streams (a FileResponse).
@role_required(*REVIEWERS)
def evidence_copy(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A copy of the file without metadata (EXIF, GPS, XMP, document information)."""
    evidence: EvidenceFile = _found(EvidenceFile.all_objects, pk)
    stored = path_of(evidence.storage_name)
    if not stored.is_file():
        logger.error("evidence file %s is missing from the evidence folder", evidence.pk)
        raise Http404
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    try:
        write_clean_copy(stored, evidence.detected_type, copy)
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, PyPdfError):
        copy.close()
        # The exception text is not logged: it may quote the file.
        logger.error("evidence file %s: no copy could be made", evidence.pk)
        return render(request, "evidence/no_copy.html", {"evidence": evidence}, status=422)
    copy.seek(0)
    logger.info("evidence file %s copied by user %s", evidence.pk, request.user.pk)
    response = FileResponse(
        copy,
        as_attachment=True,
        filename=f"evidence-{evidence.pk}.{EXTENSIONS[evidence.detected_type]}",
        content_type=CONTENT_TYPES[evidence.detected_type],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(*REVIEWERS)
def evidence_retract(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a file as retracted, with the reason; the file is kept."""
    evidence: EvidenceFile = _found(
        EvidenceFile.all_objects.select_related("incident", "occupied_event"), pk
    )
    record = evidence.record
    assert record is not None
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            retract_evidence(
                evidence,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except (InvalidInput, Conflict) as error:
            _apply_errors(form, error)
        else:
            return redirect(_record_url(record))
    return _render_record(
        request, record, UploadForm(), status=400, retract_form=form, retracting=evidence.pk
    )


# -- the index ------------------------------------------------------------------------------------


@role_required(*STAFF)
def index(request: HttpRequest) -> HttpResponse:
    """Recent evidence files one may see, and a way to a record's evidence by its number."""
    find = FindForm(request.GET or None)
    if request.GET and find.is_valid():
        number = find.cleaned_data["number"]
        name = (
            "evidence:incident"
            if find.cleaned_data["kind"] == "incident"
            else ("evidence:occupied_event")
        )
        return redirect(name, pk=number)
    reviewer = may_review_evidence(request.user)
    files = evidence_for(request.user).select_related("incident", "occupied_event")
    if not reviewer:
        files = files.defer("original_name")
    return render(
        request,
        "evidence/index.html",
        {"find": find, "files": list(files[:100]), "reviewer": reviewer},
        status=400 if request.GET and not find.is_valid() else 200,
    )
