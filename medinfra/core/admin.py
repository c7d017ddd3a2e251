"""The staff admin's shared base: every write goes through the services, nothing is deleted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten, unquote
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medinfra.core.errors import Conflict, InvalidInput, field_errors
from medinfra.core.models import AuditEvent, Record
from medinfra.core.queries import history_of
from medinfra.core.services import create_record, retract_record, update_record

admin.site.site_header = "medinfra administration"
admin.site.site_title = "medinfra administration"
admin.site.index_title = _("Registry")

# The hidden form field that carries the version a change form was loaded with.
EXPECTED_VERSION = "expected_version"
# Bookkeeping of a record: shown on its change page, never typed in.
RECORD_FIELDS = (
    "version",
    "created_at",
    "updated_at",
    "retracted_at",
    "retracted_by",
    "retraction_reason",
)
# Where changeform_view leaves the errors a service raised, for the form shown again.
_SERVICE_ERRORS = "_medinfra_service_errors"


def actor_of(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user who makes a write from the admin."""
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise PermissionDenied
    return user


def is_record_model(model: type[models.Model]) -> bool:
    """Whether the model's rows are retracted rather than deleted (a Record)."""
    return issubclass(model, Record)


def error_messages(error: Exception) -> dict[str, list[str]]:
    """A service's error as {field: [message, ...]}; '__all__' for the record as a whole."""
    if isinstance(error, InvalidInput):
        return field_errors(error)
    if isinstance(error, IntegrityError):
        # The database refused what validation let through, e.g. a code a retracted record holds.
        return {
            "__all__": [
                str(
                    _(
                        "This record clashes with another one, perhaps a retracted one; "
                        "check the unique codes. (%(error)s)"
                    )
                    % {"error": error}
                )
            ]
        }
    return {"__all__": [str(error)]}


class RecordForm(forms.ModelForm):
    """A model form that carries the version it edits and shows errors the services raised."""

    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Errors a service raised on the last attempt to save this form (see changeform_view).
    service_errors: dict[str, list[str]] = {}
    # A foreign key whose record's region fills an empty 'region', as the services do.
    region_from: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = getattr(self.instance, "version", None)
        if self.instance.pk is not None and version is not None:
            self.fields[EXPECTED_VERSION].initial = version
        region = self.fields.get("region")
        if self.region_from and region is not None:
            region.required = False
            # The inner autocomplete widget offers a 'clear' button only for optional fields.
            inner: Any = getattr(region.widget, "widget", region.widget)
            inner.is_required = False
            region.help_text = _("Leave empty to use the region of the %(field)s.") % {
                "field": self.region_from.replace("_", " ")
            }

    def clean(self) -> dict[str, Any]:
        """Fill an empty region from the related facility, as the services would."""
        super().clean()
        cleaned = self.cleaned_data
        if self.region_from and "region" in self.fields and not cleaned.get("region"):
            related = cleaned.get(self.region_from)
            if related is not None:
                cleaned["region"] = related.region
            elif "region" not in self.errors and self.region_from not in self.errors:
                self.add_error(
                    "region",
                    _("Give the region, or the %(field)s.")
                    % {"field": self.region_from.replace("_", " ")},
                )
        return cleaned

    def _post_clean(self) -> None:
        # django-stubs does not declare ModelForm._post_clean, where model validation runs.
        super()._post_clean()  # type: ignore[misc]
        for field, field_messages in self.service_errors.items():
            if field in self.fields:
                self.add_error(field, field_messages)
            elif field == "__all__":
                self.add_error(None, field_messages)
            else:
                label = self._label_of(field)
                self.add_error(None, [f"{label}: {message}" for message in field_messages])

    def _label_of(self, name: str) -> str:
        """The field's label, for an error about a field the form does not show."""
        try:
            return str(capfirst(self._meta.model._meta.get_field(name).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            return name.replace("_", " ")


class RetractForm(forms.Form):
    """The reason asked for before records are retracted."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=_("Why these records are retracted; kept in the audit trail with your name."),
        error_messages={"required": _("Say why the records are retracted.")},
    )


class RetractedFilter(admin.SimpleListFilter):
    """Current or retracted records; both are listed unless one is chosen."""

    title = _("retracted")
    parameter_name = "retracted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        """The two states a record can be in."""
        return [("no", _("current")), ("yes", _("retracted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Records in the chosen state."""
        if self.value() == "no":
            return queryset.filter(retracted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(retracted_at__isnull=False)
        return queryset


@dataclass(frozen=True)
class ChangeRow:
    """One field of an audit event: its value before and after."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event as the history page shows it."""

    at: Any
    actor_label: str
    action: str
    action_label: str
    reason: str
    rows: list[ChangeRow]


def _shown(value: Any) -> str:
    """A value from the audit trail as text: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def history_entry(event: AuditEvent) -> HistoryEntry:
    """One audit event as a row of the history page: each field with its before and after."""
    before = event.changes.get("before") or {}
    after = event.changes.get("after") or {}
    names = list(dict.fromkeys([*before, *after]))
    rows = [
        ChangeRow(
            field=name,
            before=_shown(before[name]) if name in before else "",
            after=_shown(after[name]) if name in after else "",
        )
        for name in names
    ]
    return HistoryEntry(
        at=event.at,
        actor_label=event.actor_label,
        action=event.action,
        action_label=str(event.get_action_display()),
        reason=event.reason,
        rows=rows,
    )


class RecordAdmin(admin.ModelAdmin):
    """The base of every domain admin: writes through the services, retracts, never deletes."""

    form = RecordForm
    # A full count of a million incidents on every page is not worth its time.
    show_full_result_count = False
    list_per_page = 50
    actions = ["retract_selected"]
    object_history_template = "admin/medinfra/record_history.html"
    retract_template = "admin/medinfra/retract_confirmation.html"
    # Declared form fields that are not model fields: left out of a read-only record's page.
    form_only_fields: tuple[str, ...] = ()
    # Declared form fields that only make sense when changing a record (e.g. a reason).
    change_only_fields: tuple[str, ...] = ()

    # --- reads -----------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Every record, retracted ones included: staff must be able to find and inspect them."""
        manager = self.model.all_objects if is_record_model(self.model) else None
        queryset = (manager or self.model._default_manager).get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Search; an autocomplete offers only current records, the ones a new link may name."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if is_record_model(self.model) and match is not None and match.url_name == "autocomplete":
            queryset = queryset.filter(retracted_at__isnull=True)
        return queryset, may_have_duplicates

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """The admin's columns, and whether each record is retracted."""
        columns = list(super().get_list_display(request))
        if is_record_model(self.model) and "retracted" not in columns:
            columns.append("retracted")
        return columns

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        """The admin's filters, and one for current or retracted records."""
        filters = list(super().get_list_filter(request))
        if is_record_model(self.model) and RetractedFilter not in filters:
            filters.append(RetractedFilter)
        return filters

    @admin.display(boolean=True, description=_("retracted"), ordering="retracted_at")
    def retracted(self, obj: Any) -> bool:
        """Whether the record was retracted."""
        return bool(obj.is_retracted)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """The admin's read-only fields, and the record's bookkeeping on its change page."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.record_fields() if name not in fields]
        return fields

    def record_fields(self) -> list[str]:
        """The bookkeeping fields this model has (version, retraction)."""
        names = {field.name for field in self.model._meta.get_fields()}
        return [name for name in RECORD_FIELDS if name in names]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        """The form's fieldsets, with the version carried along and bookkeeping set apart."""
        editable = obj is None or self.has_change_permission(request, obj)
        left_out = {EXPECTED_VERSION, *self.record_fields()}
        if not editable:
            left_out.update(self.form_only_fields)
        if obj is None:
            left_out.update(self.change_only_fields)
        fieldsets: list[Any] = []
        for name, options in super().get_fieldsets(request, obj):
            fields = _without(options["fields"], left_out)
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        if obj is not None and editable and hasattr(obj, "version") and fieldsets:
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], EXPECTED_VERSION]})
        if obj is not None and self.record_fields():
            fieldsets.append((_("Record"), {"fields": self.record_fields()}))
        return fieldsets

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        """The model form; after a refused save it also carries the service's errors."""
        form_class = super().get_form(request, obj, change, **kwargs)
        errors = getattr(request, _SERVICE_ERRORS, None)
        if errors:
            form_class = type(form_class.__name__, (form_class,), {"service_errors": errors})
        return form_class

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Retraction instead of deletion, and only for records that can be retracted."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not is_record_model(self.model):
            actions.pop("retract_selected", None)
        return actions

    # --- permissions -----------------------------------------------------------------------

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: records are retracted with who, when and why, not deleted."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """As the user's permissions say, except that a retracted record stays as it was."""
        if obj is not None and getattr(obj, "is_retracted", False):
            return False
        return super().has_change_permission(request, obj)

    # --- writes ----------------------------------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The add and change pages; a write the services refuse shows its errors on the form."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (InvalidInput, Conflict, IntegrityError) as error:
            if request.method != "POST" or getattr(request, _SERVICE_ERRORS, None):
                raise
            # The failed write was rolled back with its transaction; show the form again, with
            # the service's messages next to the fields they name.
            setattr(request, _SERVICE_ERRORS, error_messages(error))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Create or update through the services: validated, audited, version-checked."""
        if change:
            self.check_version(obj, form)
            self.update(request, obj, form)
        else:
            created = self.create(request, obj, form)
            _adopt(obj, created)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Write nothing: many-to-many links are written by the services; inlines are read-only."""
        for formset in formsets:
            # What the admin's change message reads after a formset is saved.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def create(self, request: HttpRequest, obj: Any, form: Any) -> models.Model:
        """Write a new record; admins override this to call their app's own service."""
        return create_record(obj, actor=actor_of(request))

    def update(self, request: HttpRequest, obj: Any, form: Any) -> None:
        """Write the changed fields of a record as one audited update."""
        changes = self.changed_fields(obj, form)
        if changes:
            update_record(obj, actor=actor_of(request), changes=changes)

    def form_values(self, form: Any) -> dict[str, Any]:
        """The cleaned values of the form's model fields, as keyword arguments to a service."""
        names = {field.name for field in self.model._meta.concrete_fields if field.editable}
        return {name: value for name, value in form.cleaned_data.items() if name in names}

    def changed_fields(self, obj: Any, form: Any) -> dict[str, Any]:
        """The model fields the user changed, with their new values."""
        names = {field.name for field in self.model._meta.concrete_fields if field.editable}
        return {name: getattr(obj, name) for name in form.changed_data if name in names}

    def check_version(self, obj: Any, form: Any) -> None:
        """Refuse to overwrite a change somebody saved after this form was loaded."""
        expected = form.cleaned_data.get(EXPECTED_VERSION)
        if expected is None or not hasattr(obj, "version"):
            return
        current = (
            type(obj)
            ._base_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current != expected:
            raise Conflict(
                _(
                    "Somebody changed this %(name)s after you opened it (it is now version "
                    "%(current)s, you edited version %(expected)s): reload the page and apply "
                    "your change again."
                )
                % {"name": self.opts.verbose_name, "current": current, "expected": expected}
            )

    @admin.action(description=_("Retract selected records"), permissions=["change"])
    def retract_selected(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        """Ask why, then retract each selected record through the services."""
        if request.POST.get("post"):
            form = RetractForm(request.POST)
            if form.is_valid():
                self.retract(request, queryset, reason=form.cleaned_data["reason"])
                return None
        else:
            form = RetractForm()
        count = queryset.count()
        preview = list(queryset[:20])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retract %(name)s") % {"name": self.opts.verbose_name_plural},
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "count": count,
            "preview": preview,
            "more": max(count - len(preview), 0),
            "objects_name": self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.retract_template, context)

    def retract(self, request: HttpRequest, queryset: QuerySet[Any], *, reason: str) -> None:
        """Retract every current record of the queryset, all or none."""
        actor = actor_of(request)
        retracted = skipped = 0
        chosen = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            # Locked in a plain query: the changelist's may be DISTINCT, which cannot be locked.
            records = self.get_queryset(request).filter(pk__in=chosen).order_by("pk")
            for obj in records.select_for_update(of=("self",)):
                if obj.is_retracted:
                    skipped += 1
                    continue
                retract_record(obj, actor=actor, reason=reason)
                retracted += 1
        if retracted:
            self.message_user(
                request,
                ngettext("Retracted %(count)d record.", "Retracted %(count)d records.", retracted)
                % {"count": retracted},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d record was already retracted and was left as it was.",
                    "%(count)d records were already retracted and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    # --- history ---------------------------------------------------------------------------

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The record's audit trail: who, when, what, before and after, and why."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # Django's own answer to a missing record; django-stubs does not declare it.
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(record)s") % {"record": obj},
            "subtitle": None,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "entries": [history_entry(event) for event in history_of(obj)],
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _without(fields: Sequence[Any], names: set[str]) -> list[Any]:
    """A fieldset's fields without the named ones; fields on one line stay together."""
    kept: list[Any] = []
    for field in fields:
        if isinstance(field, list | tuple):
            line = tuple(name for name in field if name not in names)
            if line:
                kept.append(line)
        elif field not in names:
            kept.append(field)
    return kept


def _adopt(obj: models.Model, created: models.Model) -> None:
    """Make the admin's unsaved instance the record a service created (for redirect and log)."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


class ReadOnlyInline(admin.TabularInline):
    """Related records listed on a record's page, each linking to its own page to change it."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Every related record, retracted ones included."""
        manager = self.model.all_objects if is_record_model(self.model) else None
        queryset = (manager or self.model._default_manager).get_queryset()
        if not self.has_view_or_change_permission(request):
            return queryset.none()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """All of them: related records are changed on their own pages, through the services."""
        return list(flatten(self.fields or ()))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never here."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never here."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: records are not deleted."""
        return False


class AuditedModelFilter(admin.SimpleListFilter):
    """Events about one kind of record; the kinds come from the code, not a scan of the trail."""

    title = _("kind of record")
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        """The project's models, by label."""
        return sorted(
            (model._meta.label_lower, capfirst(model._meta.verbose_name_plural))
            for model in apps.get_models()
            if model.__module__.startswith("medinfra.")
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Events about the chosen kind of record."""
        return queryset.filter(model=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail: read by superusers, written only by the services, never changed."""

    list_display = ("at", "actor_label", "action", "model", "object_id", "reason")
    list_filter = ("action", AuditedModelFilter)
    ordering = ("-id",)
    search_fields = ("=object_id", "actor_label", "model")
    show_full_result_count = False
    list_per_page = 100
    fields = (
        "at",
        "actor_label",
        "action",
        "model",
        "object_id",
        "record",
        "reason",
        "changes_shown",
        "previous_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("record"))
    def record(self, event: AuditEvent) -> str:
        """A link to the record the event is about, where the admin has a page for it."""
        app_label, _dot, model_name = event.model.partition(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[event.object_id])
        except NoReverseMatch:
            return f"{event.model} {event.object_id}"
        return format_html('<a href="{}">{} {}</a>', url, event.model, event.object_id)

    @admin.display(description=_("changes"))
    def changes_shown(self, event: AuditEvent) -> str:
        """The before and after, as indented JSON."""
        text = json.dumps(event.changes, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def has_module_permission(self, request: HttpRequest) -> bool:
        """Superusers only: the trail names everyone who wrote anything."""
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Superusers only."""
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Never: events are appended by the services as they write."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: a changed event would break the hash chain."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never."""
        return False
