"""The public download page and downloads; the staff import page (upload, mapping, check,
apply, progress)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from medinfra.core.access import refusal
from medinfra.core.roles import Role, has_role
from medinfra.exchange.forms import MappingForm, UploadForm
from medinfra.exchange.models import ImportRun, RunStatus
from medinfra.exchange.queries import (
    FORMATS,
    dictionary_csv,
    export_file_name,
    export_pieces,
    formats_of,
    import_runs_for,
    public_count,
)
from medinfra.exchange.schemas import DATA_LICENCE, EXPORT_KINDS, TABLES, described_columns
from medinfra.exchange.services import (
    application_of,
    current_mapping,
    mapping_problems,
    mark_interrupted,
    prepare_run,
    read_progress,
    set_mapping,
    start_run,
    store_upload,
    uploaded_chunks,
)

EXTENSIONS = {ext: fmt for fmt, (ext, _media) in FORMATS.items()}


# -- public downloads ----------------------------------------------------------------------------


def downloads(request: HttpRequest) -> HttpResponse:
    """Every public table in every format, with its data dictionary and the licence."""
    tables = [
        {
            "kind": kind,
            "title": TABLES[kind].title,
            "count": public_count(kind),
            "files": [
                (fmt, reverse("exchange:download", args=[kind, FORMATS[fmt][0]]))
                for fmt in formats_of(kind)
            ],
            "dictionary": described_columns(TABLES[kind]),
        }
        for kind in EXPORT_KINDS
    ]
    return render(request, "exchange/downloads.html", {"tables": tables, "licence": DATA_LICENCE})


def licence(request: HttpRequest) -> HttpResponse:
    return render(request, "exchange/licence.html", {"licence": DATA_LICENCE})


def _licence_header(response: HttpResponse | StreamingHttpResponse) -> None:
    response["Link"] = f'<{DATA_LICENCE["url"]}>; rel="license"'


def download(request: HttpRequest, kind: str, fmt: str) -> StreamingHttpResponse:
    """One export, streamed as it is read from the database."""
    name = EXTENSIONS.get(fmt)
    if kind not in EXPORT_KINDS or name is None or name not in formats_of(kind):
        raise Http404(_("There is no such download."))
    response = StreamingHttpResponse(export_pieces(kind, name), content_type=FORMATS[name][1])
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(kind, name)}"'
    _licence_header(response)
    return response


def dictionary(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    if kind not in EXPORT_KINDS:
        raise Http404(_("There is no such table."))
    response = StreamingHttpResponse(dictionary_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="medinfra-{kind}.dictionary.csv"'
    _licence_header(response)
    return response


# -- staff imports -------------------------------------------------------------------------------


def may_import(user: Any) -> bool:
    return has_role(user, Role.REPORTER) or has_role(user, Role.ADMINISTRATOR)


def importer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and staff or a reporter; anyone else is turned away."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_import(request.user):
            return refusal(request, (Role.REPORTER, Role.ADMINISTRATOR))
        return view(request, *args, **kwargs)

    return login_required(guarded)


def _run_or_404(request: HttpRequest, run_id: int) -> ImportRun:
    run = import_runs_for(request.user).filter(pk=run_id).first()
    if run is None:
        raise Http404(_("There is no such import run."))
    return run


@importer_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file; the runs so far."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path, _digest, _size = store_upload(uploaded_chunks(upload))
        run = prepare_run(
            path=path,
            file_name=upload.name or "upload",
            kind=form.cleaned_data["kind"],
            user=request.user,  # type: ignore[arg-type]
            file_format=form.cleaned_data["file_format"] or "",
            sheet=form.cleaned_data["sheet"] or "",
            strict=bool(form.cleaned_data["strict"]),
            dry_run=True,
            default_source=form.cleaned_data["source"],
        )
        if run.status == RunStatus.PENDING:
            return redirect("exchange:mapping", run_id=run.pk)
        return redirect("exchange:run", run_id=run.pk)
    runs = list(import_runs_for(request.user)[:50])
    mark_interrupted(runs)
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/imports.html", {"form": form, "runs": runs}, status=status)


@importer_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, run_id: int) -> HttpResponse:
    """Say which field each column of the file goes to, then check the file."""
    run = _run_or_404(request, run_id)
    if run.status != RunStatus.PENDING:
        return redirect("exchange:run", run_id=run.pk)
    table = TABLES[run.kind]
    mapping = current_mapping(run)
    form = MappingForm(
        request.POST or None, table=table, header=mapping.header, fields=mapping.fields
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = form.chosen_fields()
        set_mapping(run, fields)
        problems = mapping_problems(
            table, current_mapping(run), has_default_source=run.default_source is not None
        )
        if not problems:
            start_run(run, actor=request.user)  # type: ignore[arg-type]
            return redirect("exchange:run", run_id=run.pk)
    else:
        problems = mapping_problems(
            table, mapping, has_default_source=run.default_source is not None
        )
    return render(
        request,
        "exchange/mapping.html",
        {"run": run, "form": form, "problems": problems, "table": table},
        status=400 if request.method == "POST" else 200,
    )


@importer_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run: its progress while it runs, then its report, and the button to apply a check."""
    run = _run_or_404(request, run_id)
    mark_interrupted([run])
    can_apply = (
        run.dry_run
        and run.status == RunStatus.SUCCEEDED
        and run.created > 0
        and not run.applications.exists()
    )
    mapping = current_mapping(run) if run.mapping else None
    ignored = (
        [h for h, f in zip(mapping.header, mapping.fields, strict=False) if h and not f]
        if mapping
        else []
    )
    return render(
        request,
        "exchange/run.html",
        {
            "run": run,
            "progress": read_progress(run),
            "can_apply": can_apply,
            "ignored": ignored,
            "more_problems": max(0, run.rows_invalid - len(run.problems)),
        },
    )


@importer_required
@require_POST
def import_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    """Apply what a check found, as a new run (strict or lenient as the check was)."""
    run = _run_or_404(request, run_id)
    if not (run.dry_run and run.status == RunStatus.SUCCEEDED):
        return redirect("exchange:run", run_id=run.pk)
    existing = run.applications.first()
    if existing is not None:
        return redirect("exchange:run", run_id=existing.pk)
    application = application_of(run, user=request.user)  # type: ignore[arg-type]
    start_run(application, actor=request.user)  # type: ignore[arg-type]
    return redirect("exchange:run", run_id=application.pk)


@importer_required
def import_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    run = _run_or_404(request, run_id)
    mark_interrupted([run])
    data = read_progress(run)
    data["finished"] = run.is_finished
    return JsonResponse(data)
