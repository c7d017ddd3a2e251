"""The query-string controls of the public pages: date, metric, filters and page number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medinfra.dashboard.choropleth import DEFAULT_METRIC, METRICS
from medinfra.facilities.models import FacilityKind
from medinfra.facilities.queries import FacilityStatus
from medinfra.geography.models import Region
from medinfra.incidents.models import AttackType, Certainty
from medinfra.vehicles.models import VehicleStatus

ANY = ("", _("any"))

FACILITY_STATUS_LABELS = {
    FacilityStatus.DAMAGED: _("damaged or destroyed"),
    FacilityStatus.PARTIALLY_DAMAGED: _("partially damaged"),
    FacilityStatus.DESTROYED: _("destroyed"),
    FacilityStatus.FULLY_RESTORED: _("fully restored"),
    FacilityStatus.PARTIALLY_RESTORED: _("partially restored"),
    FacilityStatus.BACK_IN_OPERATION: _("back in operation"),
    FacilityStatus.NOT_DAMAGED: _("no damage recorded"),
}


class AsOfField(forms.DateField):
    """A date in the form YYYY-MM-DD, not after today."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": _("Enter a date in the form YYYY-MM-DD.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Figures as of"))
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, dt.date) and value > timezone.localdate():
            raise forms.ValidationError(
                _("The date is in the future: the registry counts events up to today."),
                code="future",
            )


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD: only events on or before the date count (today when left out)."""

    as_of = AsOfField()

    def as_of_date(self) -> dt.date:
        return self.cleaned_data.get("as_of") or timezone.localdate()


class HomeForm(AsOfForm):
    metric = forms.ChoiceField(
        label=_("Map shows"),
        required=False,
        choices=[(key, key) for key in METRICS],
    )

    def metric_key(self) -> str:
        return self.cleaned_data.get("metric") or DEFAULT_METRIC


def _choices(values: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [ANY, *values]


class ListForm(AsOfForm):
    """Filters shared by the list pages: region and page number."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, data: Any, *, regions: Iterable[Region]) -> None:
        super().__init__(data)
        self.regions = {r.code: r for r in regions}
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = _choices((code, r.name) for code, r in self.regions.items())

    def filter_fields(self) -> list[forms.BoundField]:
        """The fields the filter form shows; the page number travels in the pagination links."""
        return [self[name] for name in self.fields if name != "page"]

    def region_object(self) -> Region | None:
        code = self.cleaned_data.get("region")
        return self.regions.get(code) if code else None

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


class FacilityFilterForm(ListForm):
    kind = forms.ChoiceField(
        label=_("Facility type"), required=False, choices=_choices(FacilityKind.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(FACILITY_STATUS_LABELS.items())
    )
    field_order = ["region", "kind", "status", "as_of", "page"]


class AttackFilterForm(ListForm):
    attack_type = forms.ChoiceField(
        label=_("Type of attack"), required=False, choices=_choices(AttackType.choices)
    )
    kind = forms.ChoiceField(
        label=_("Facility type"), required=False, choices=_choices(FacilityKind.choices)
    )
    certainty = forms.ChoiceField(
        label=_("Certainty"), required=False, choices=_choices(Certainty.choices)
    )
    field_order = ["region", "attack_type", "kind", "certainty", "as_of", "page"]


class VehicleFilterForm(ListForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(VehicleStatus.choices)
    )
    field_order = ["region", "status", "as_of", "page"]


class DisplayForm(forms.Form):
    """The display mode: text size and colour scheme, kept in cookies."""

    text = forms.ChoiceField(
        label=_("Text size"), required=False, choices=[("normal", "normal"), ("large", "large")]
    )
    scheme = forms.ChoiceField(
        label=_("Colours"),
        required=False,
        choices=[("standard", "standard"), ("blue", "blue"), ("bw", "bw")],
    )
    next = forms.CharField(required=False, max_length=2000)
