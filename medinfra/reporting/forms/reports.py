"""The report forms, one per kind of draft.

A report form checks what it can in the reader's language; the services behind it check
everything again, and their messages are put next to the same fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.facilities.models import Condition, Functionality, Milestone
from medinfra.incidents.models import (
    CASUALTY_FIELDS,
    AttackType,
    DatePrecision,
    Resource,
)
from medinfra.reporting.forms.fields import (
    MAX_ID,
    TEXT_LIMIT,
    PastDateField,
    RecordNumberField,
    VehicleNumberField,
    blank_choice,
    region_choices,
)
from medinfra.reporting.models import DraftKind
from medinfra.sources.models import Source
from medinfra.vehicles.models import VehicleKind, VehicleStatus

RECENT_SOURCES = 12
CASUALTY_LABELS = {
    "health_workers_killed": _("Health workers killed"),
    "health_workers_injured": _("Health workers injured"),
    "health_workers_detained": _("Health workers detained or abducted"),
    "patients_killed": _("Patients killed"),
    "patients_injured": _("Patients injured"),
    "patients_detained": _("Patients detained or abducted"),
}


def _source_label(source: Source) -> str:
    when = f", {source.published_on:%Y-%m-%d}" if source.published_on else ""
    return f"#{source.pk} {source.publisher} — {source.title}{when}"


class ReportForm(forms.Form):
    """What every report form shares: its sources (chosen, by number, or a new one)."""

    kind: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    # (legend, field names) in the order the form shows them.
    fieldsets: ClassVar[list[tuple[Any, list[str]]]] = []
    single_source: ClassVar[bool] = True
    needs_source: ClassVar[bool] = False

    sources = forms.MultipleChoiceField(
        label=_("Recent sources"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The documents this report comes from."),
    )
    source_numbers = forms.CharField(
        label=_("Other sources by number"),
        required=False,
        max_length=500,
        help_text=_("Numbers separated by commas, e.g. 12, 40"),
    )
    new_source_publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    new_source_title = forms.CharField(label=_("Title"), required=False, max_length=500)
    new_source_url = forms.CharField(
        label=_("Web address"), required=False, max_length=1000, validators=[URLValidator()]
    )
    new_source_published_on = PastDateField(label=_("Published on"), required=False)
    new_source_language = forms.CharField(
        label=_("Language"), required=False, max_length=8, help_text=_("A code such as uk or en")
    )

    SOURCE_FIELDSETS: ClassVar[list[tuple[Any, list[str]]]] = [
        (_("Sources"), ["sources", "source_numbers"]),
        (
            _("A new source"),
            [
                "new_source_publisher",
                "new_source_title",
                "new_source_url",
                "new_source_published_on",
                "new_source_language",
            ],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        chosen = self._chosen_source_ids()
        recent = list(
            Source.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[
                :RECENT_SOURCES
            ]
        )
        shown = Source.objects.filter(pk__in={*recent, *chosen}).order_by("-created_at", "-id")
        self.fields["sources"].choices = [(str(s.pk), _source_label(s)) for s in shown]  # type: ignore[attr-defined]
        if "region" in self.fields:
            self.fields["region"].choices = blank_choice(region_choices())  # type: ignore[attr-defined]
        if "vehicle_region" in self.fields:
            self.fields["vehicle_region"].choices = blank_choice(region_choices())  # type: ignore[attr-defined]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 6

    def _chosen_source_ids(self) -> set[int]:
        values: Any = []
        if self.is_bound:
            data = self.data
            values = data.getlist("sources") if hasattr(data, "getlist") else data.get("sources")
        else:
            values = self.initial.get("sources")
        if isinstance(values, str):
            values = [values]
        return {int(v) for v in values or [] if str(v).isdigit() and int(v) <= MAX_ID}

    @classmethod
    def layout(cls) -> list[tuple[Any, list[str]]]:
        return [*cls.fieldsets, *cls.SOURCE_FIELDSETS]

    def clean_source_numbers(self) -> list[int]:
        text = self.cleaned_data.get("source_numbers") or ""
        numbers = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            digits = part.lstrip("#")
            if not digits.isdigit() or not 1 <= int(digits) <= MAX_ID:
                raise forms.ValidationError(
                    _("“%(part)s” is not a source number.") % {"part": part}
                )
            numbers.append(int(digits))
        return numbers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = [int(v) for v in data.get("sources") or []]
        wanted += [n for n in data.get("source_numbers") or [] if n not in wanted]
        found = {s.pk: s for s in Source.objects.filter(pk__in=wanted)}
        missing = [n for n in wanted if n not in found]
        if missing:
            self.add_error(
                "source_numbers",
                _("No source has the number %(numbers)s.")
                % {"numbers": ", ".join(map(str, missing))},
            )
        data["chosen_sources"] = [found[n] for n in wanted if n in found]
        new = {
            name.removeprefix("new_source_"): data.get(name)
            for name in (
                "new_source_publisher",
                "new_source_title",
                "new_source_url",
                "new_source_published_on",
                "new_source_language",
            )
        }
        data["new_source"] = None
        if any(new.values()):
            for name in ("publisher", "title"):
                if not (new[name] or "").strip():
                    self.add_error(
                        f"new_source_{name}", _("A new source needs its publisher and title.")
                    )
            new["url"] = new["url"] or ""
            new["language"] = new["language"] or ""
            data["new_source"] = new
        count = len(data["chosen_sources"]) + (1 if data["new_source"] else 0)
        if self.needs_source and count == 0:
            self.add_error(
                "sources",
                _("Name at least one source: tick one, give its number, or describe a new one."),
            )
        if self.single_source and count > 1:
            self.add_error("sources", _("This kind of report takes one source only."))
        return data

    # -- messages from the services ------------------------------------------------------------

    def apply_errors(self, error: InvalidInput | Conflict) -> None:
        """Put a service's messages next to the fields they name; others above the form."""
        if isinstance(error, Conflict):
            self.add_error(None, str(error))
            return
        for field, messages in error.message_dict.items():
            if field in self.fields:
                self.add_error(field, messages)
            else:
                where = "" if field == "__all__" else f"{field}: "
                self.add_error(None, [f"{where}{m}" for m in messages])


class IncidentForm(ReportForm):
    """An attack on health care, after WHO's SSA."""

    kind = DraftKind.INCIDENT
    title = _("Report an incident")
    single_source = False
    needs_source = True

    attack_types = forms.MultipleChoiceField(
        label=_("Attack types"),
        choices=AttackType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every type that applies."),
    )
    resources = forms.MultipleChoiceField(
        label=_("Resources affected"),
        choices=Resource.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    occurred_on = PastDateField(label=_("Date"))
    date_precision = forms.ChoiceField(
        label=_("How exact is the date?"),
        choices=[
            (DatePrecision.DAY, _("the exact day is known")),
            (DatePrecision.MONTH, _("only the month is known")),
        ],
        initial=DatePrecision.DAY,
        widget=forms.RadioSelect,
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("May be left empty when the facility is given."),
    )
    facility = RecordNumberField(
        label=_("Facility number"),
        required=False,
        help_text=_("The facility's number in the registry, if a facility was hit."),
    )
    settlement = forms.CharField(label=_("Settlement"), required=False, max_length=200)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        help_text=_("Decimal degrees, e.g. 49.98810"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        help_text=_("Decimal degrees, e.g. 36.23170"),
    )
    health_workers_killed = forms.IntegerField(
        label=CASUALTY_LABELS["health_workers_killed"], required=False, min_value=0
    )
    health_workers_injured = forms.IntegerField(
        label=CASUALTY_LABELS["health_workers_injured"], required=False, min_value=0
    )
    health_workers_detained = forms.IntegerField(
        label=CASUALTY_LABELS["health_workers_detained"], required=False, min_value=0
    )
    patients_killed = forms.IntegerField(
        label=CASUALTY_LABELS["patients_killed"], required=False, min_value=0
    )
    patients_injured = forms.IntegerField(
        label=CASUALTY_LABELS["patients_injured"], required=False, min_value=0
    )
    patients_detained = forms.IntegerField(
        label=CASUALTY_LABELS["patients_detained"], required=False, min_value=0
    )
    description = forms.CharField(
        label=_("Description (staff only)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        help_text=_("What happened, in full. Never published."),
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Shown once verified: no names, no exact places."),
    )

    fieldsets = [
        (_("What happened"), ["attack_types", "resources"]),
        (_("When"), ["occurred_on", "date_precision"]),
        (_("Where"), ["region", "facility", "settlement", "latitude", "longitude"]),
        (_("Casualties"), list(CASUALTY_FIELDS)),
        (_("Description"), ["description", "public_summary"]),
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in CASUALTY_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        region_code, facility = data.get("region"), data.get("facility")
        if not region_code and facility is None and "facility" not in self.errors:
            self.add_error("region", _("Give the region, or the number of the facility hit."))
        if region_code and facility is not None and facility.region.code != region_code:
            self.add_error(
                "facility",
                _("This facility is in %(region)s, not in the region chosen.")
                % {"region": facility.region.name},
            )
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            {"latitude", "longitude"} & set(self.errors)
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
        occurred_on = data.get("occurred_on")
        if occurred_on is not None and data.get("date_precision") == DatePrecision.MONTH:
            # With only the month known, the registry keeps the month's first day.
            data["occurred_on"] = occurred_on.replace(day=1)
        return data


class AssessmentForm(ReportForm):
    """What a facility's building and services looked like on a day."""

    kind = DraftKind.ASSESSMENT
    title = _("Record an assessment")

    facility = RecordNumberField(label=_("Facility number"))
    assessed_on = PastDateField(label=_("Assessed on"))
    condition = forms.ChoiceField(
        label=_("Building condition"), choices=Condition.choices, widget=forms.RadioSelect
    )
    functionality = forms.ChoiceField(
        label=_("Functionality"), choices=Functionality.choices, widget=forms.RadioSelect
    )
    repair_cost = forms.DecimalField(
        label=_("Cost of repair"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
    )
    repair_cost_currency = forms.RegexField(
        label=_("Currency of the cost"),
        regex=r"^[A-Za-z]{3}$",
        required=False,
        help_text=_("A three-letter code, e.g. UAH, EUR"),
        error_messages={"invalid": _("Use a three-letter ISO 4217 code, e.g. UAH.")},
    )
    assessed_by = forms.CharField(
        label=_("Assessed by"),
        required=False,
        max_length=200,
        help_text=_("The organisation that assessed (not a person)."),
    )

    fieldsets = [
        (_("Facility"), ["facility", "assessed_on"]),
        (_("Condition"), ["condition", "functionality"]),
        (_("Cost"), ["repair_cost", "repair_cost_currency", "assessed_by"]),
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("repair_cost") is not None
            and not data.get("repair_cost_currency")
            and "repair_cost_currency" not in self.errors
        ):
            self.add_error("repair_cost_currency", _("Say the currency of the repair cost."))
        return data


class RestorationForm(ReportForm):
    """A damaged facility partially or fully restored on a day."""

    kind = DraftKind.RESTORATION
    title = _("Record a restoration")

    facility = RecordNumberField(label=_("Facility number"))
    restored_on = PastDateField(label=_("Restored on"))
    milestone = forms.ChoiceField(
        label=_("Milestone"), choices=Milestone.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )

    fieldsets = [(_("Restoration"), ["facility", "restored_on", "milestone", "note"])]


class VehicleLossForm(ReportForm):
    """An ambulance or other health vehicle damaged, destroyed or seized."""

    kind = DraftKind.VEHICLE_EVENT
    title = _("Report a vehicle loss")

    vehicle = VehicleNumberField(
        label=_("Vehicle number"),
        required=False,
        help_text=_("The vehicle's number in the registry; leave empty to add a new vehicle."),
    )
    vehicle_kind = forms.ChoiceField(
        label=_("Kind of vehicle"), choices=VehicleKind.choices, initial=VehicleKind.AMBULANCE
    )
    vehicle_region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("May be left empty when the owner facility is given."),
    )
    vehicle_owner_facility = RecordNumberField(label=_("Owner facility number"), required=False)
    vehicle_description = forms.CharField(
        label=_("Vehicle description"),
        required=False,
        max_length=200,
        help_text=_("e.g. make and plate; no names of persons."),
    )
    occurred_on = PastDateField(label=_("Date"))
    status = forms.ChoiceField(
        label=_("What happened to it"), choices=VehicleStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea
    )

    fieldsets = [
        (_("The loss"), ["occurred_on", "status", "note"]),
        (_("A vehicle in the registry"), ["vehicle"]),
        (
            _("Or a new vehicle"),
            ["vehicle_kind", "vehicle_region", "vehicle_owner_facility", "vehicle_description"],
        ),
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        describes_new = bool(
            data.get("vehicle_region")
            or data.get("vehicle_owner_facility")
            or data.get("vehicle_description")
        )
        if data.get("vehicle") is not None and describes_new:
            self.add_error(
                "vehicle", _("Give either the vehicle's number or a new vehicle, not both.")
            )
        elif (
            data.get("vehicle") is None
            and not data.get("vehicle_region")
            and data.get("vehicle_owner_facility") is None
            and not {"vehicle", "vehicle_owner_facility"} & set(self.errors)
        ):
            self.add_error(
                "vehicle",
                _("Give the vehicle's number, or the region or owner facility of a new vehicle."),
            )
        return data


FORMS: dict[str, type[ReportForm]] = {
    DraftKind.INCIDENT: IncidentForm,
    DraftKind.ASSESSMENT: AssessmentForm,
    DraftKind.RESTORATION: RestorationForm,
    DraftKind.VEHICLE_EVENT: VehicleLossForm,
}
LIST_FIELDS = {"attack_types", "resources", "sources"}


def payload_from(data: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The values typed into a form of this kind, as stored in its draft (nothing else)."""
    payload: dict[str, Any] = {}
    for name, field in FORMS[kind].base_fields.items():
        limit = getattr(field, "max_length", None) or 100
        if name in LIST_FIELDS:
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            if isinstance(values, str):
                values = [values]
            payload[name] = [str(v)[:100] for v in values][:100]
        else:
            value = data.get(name, "")
            payload[name] = str(value if value is not None else "")[: min(limit, TEXT_LIMIT)]
    return payload


# -- the verification queue ------------------------------------------------------------------
