"""Forms of the recovery pages: filters in query strings, and the coordinators' entries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.facilities.models import Facility, FacilityKind
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.recovery.models import (
    MAX_WEIGHT,
    NEXT_STAGES,
    Block,
    FundingKind,
    Partner,
    PartnerKind,
    RecoveryProject,
    Scope,
    Stage,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PastDateField(forms.DateField):
    """A day on which something happened: today or before, as the models require."""

    widget = DATE_INPUT

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))


def apply_errors(form: forms.Form, error: InvalidInput | Conflict) -> None:
    """Put a service's messages next to the fields they name; others above the form."""
    if isinstance(error, InvalidInput):
        for field, messages in error.message_dict.items():
            if field in form.fields:
                form.add_error(field, messages)
            else:
                label = field.replace("_", " ") if field != "__all__" else ""
                form.add_error(None, [f"{label}: {m}" if label else m for m in messages])
    else:
        form.add_error(None, str(error))


def _blank_choice(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class RegionCodeField(forms.CharField):
    """A region by its ISO 3166-2 code, e.g. UA-63."""

    def to_python(self, value: Any) -> Region | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return region_by_code(text)
        except InvalidInput as error:
            raise forms.ValidationError(error.message_dict["region"]) from None


class FacilityIdField(forms.IntegerField):
    """A facility by its registry number (its id), for registries too large to list."""

    def to_python(self, value: Any) -> Facility | None:  # type: ignore[override]
        number = super().to_python(value)
        if number is None:
            return None
        if not 1 <= number < 2**63:
            raise forms.ValidationError(
                _("No facility has the number %(number)s.") % {"number": number}
            )
        facility = Facility.objects.select_related("region").filter(pk=number).first()
        if facility is None:
            raise forms.ValidationError(
                _("No facility has the number %(number)s.") % {"number": number}
            )
        return facility


# -- filters ------------------------------------------------------------------------------


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD: the day figures are counted to (today when not given)."""

    as_of = PastDateField(label=_("As of"), required=False)


class ProjectFilterForm(AsOfForm):
    """The filters of the projects page."""

    region = RegionCodeField(label=_("Region code"), required=False)
    block = forms.TypedChoiceField(
        label=_("Block"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank_choice(list(Block.choices)),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_blank_choice(list(Stage.choices))
    )
    scope = forms.ChoiceField(
        label=_("Scope"), required=False, choices=_blank_choice(list(Scope.choices))
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class MatrixFilterForm(AsOfForm):
    """The block chosen on the who-does-what-where page."""

    block = forms.TypedChoiceField(
        label=_("Block"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank_choice(list(Block.choices)),
    )


class PriorityFilterForm(AsOfForm):
    """The filters of the priority ranking."""

    region = RegionCodeField(label=_("Region code"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of facility"),
        required=False,
        choices=_blank_choice(list(FacilityKind.choices)),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ConvertForm(forms.Form):
    """An amount to convert to USD and the local currency at the rates of a day."""

    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0)
    currency = forms.RegexField(
        label=_("Currency"),
        regex=r"^[A-Za-z]{3}$",
        error_messages={"invalid": _("Use a three-letter ISO 4217 code, e.g. EUR.")},
    )
    on = forms.DateField(label=_("On"), widget=DATE_INPUT)


# -- coordinators' entries ----------------------------------------------------------------


class PartnerForm(forms.Form):
    """A new partner."""

    name_en = forms.CharField(label=_("Name in English"), max_length=300)
    name_uk = forms.CharField(label=_("Name in Ukrainian"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    country = forms.CharField(
        label=_("Country code"),
        max_length=2,
        required=False,
        help_text=_("ISO 3166-1 alpha-2, e.g. DE; blank for international organisations"),
    )


class ProjectForm(forms.Form):
    """A new recovery project."""

    title_en = forms.CharField(label=_("Title in English"), max_length=300)
    title_uk = forms.CharField(label=_("Title in Ukrainian"), max_length=300, required=False)
    facility = FacilityIdField(
        label=_("Facility number"),
        required=False,
        help_text=_("The facility's number in the registry; leave empty for a regional project"),
    )
    region = RegionCodeField(
        label=_("Region code"),
        required=False,
        help_text=_("e.g. UA-63; leave empty to use the facility's region"),
    )
    block = forms.TypedChoiceField(label=_("Block"), coerce=int, choices=Block.choices)
    scope = forms.ChoiceField(
        label=_("Scope"), required=False, choices=_blank_choice(list(Scope.choices))
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[(value, label) for value, label in Stage.choices if value != Stage.CANCELLED],
        initial=Stage.IDEA,
    )
    stage_since = PastDateField(
        label=_("At this stage since"),
        required=False,
        help_text=_("Today when left empty"),
    )
    cost_estimate = forms.DecimalField(
        label=_("Cost estimate"), required=False, max_digits=18, decimal_places=2, min_value=0
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    estimated_on = PastDateField(label=_("Estimated on"), required=False)
    priority = forms.IntegerField(
        label=_("Priority (1 highest)"), min_value=1, max_value=5, initial=3
    )


class StageForm(forms.Form):
    """The next stage of a project, and its date."""

    stage = forms.ChoiceField(label=_("New stage"))
    on = PastDateField(label=_("Date"), required=False)
    note = forms.CharField(
        label=_("Note (staff only)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, project: RecoveryProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = NEXT_STAGES.get(project.stage, ())
        field: Any = self.fields["stage"]
        field.choices = [(str(s), Stage(s).label) for s in allowed]
        self.fields["expected_version"].initial = project.version


class FundingForm(forms.Form):
    """A partner's commitment or disbursement to a project."""

    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.order_by("name_en", "id")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingKind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    on = PastDateField(label=_("Date"))


class RateForm(forms.Form):
    """A new row of the rate table."""

    currency = forms.CharField(label=_("Currency"), max_length=3)
    valid_from = PastDateField(label=_("Valid from"))
    per_usd = forms.DecimalField(label=_("Units per US dollar"), max_digits=20, decimal_places=6)


class WeightsForm(forms.Form):
    """The weights of the priority score."""

    damage = forms.IntegerField(label=_("damage"), min_value=0, max_value=MAX_WEIGHT)
    services = forms.IntegerField(
        label=_("facility type and services"), min_value=0, max_value=MAX_WEIGHT
    )
    population = forms.IntegerField(label=_("population served"), min_value=0, max_value=MAX_WEIGHT)
    operation = forms.IntegerField(label=_("back in operation"), min_value=0, max_value=MAX_WEIGHT)
    access = forms.IntegerField(label=_("region's access"), min_value=0, max_value=MAX_WEIGHT)
    reason = forms.CharField(label=_("Why (kept in the audit trail)"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PopulationForm(forms.Form):
    """How many people a facility serves."""

    population = forms.IntegerField(label=_("Population served"), min_value=1)
    as_of = PastDateField(label=_("As of"))
