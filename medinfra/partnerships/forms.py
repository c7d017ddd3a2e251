"""Forms of the partnership pages: filters, a new agreement, a change of status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medinfra.partnerships.models import AgreementKind, AgreementStatus
from medinfra.recovery.forms import AsOfForm, FacilityIdField, PastDateField
from medinfra.recovery.models import Partner, PartnerKind

FOREIGN_KINDS = (
    PartnerKind.FOREIGN_HOSPITAL,
    PartnerKind.INTERNATIONAL_ORGANISATION,
    PartnerKind.OTHER,
)


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class AgreementFilterForm(AsOfForm):
    """The filters of the agreements page (all optional)."""

    programme = forms.CharField(label=_("Programme"), required=False, max_length=200)
    partner_country = forms.RegexField(
        label=_("Partner's country code"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        error_messages={"invalid": _("Use an ISO 3166-1 alpha-2 code, e.g. PL.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(list(AgreementKind.choices))
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(list(AgreementStatus.choices))
    )
    area = forms.CharField(label=_("Area of cooperation"), required=False, max_length=100)


class AgreementForm(forms.Form):
    """A signed agreement."""

    facility = FacilityIdField(
        label=_("Facility number"), help_text=_("The domestic facility's number in the registry")
    )
    partner = forms.ModelChoiceField(
        label=_("Foreign institution"),
        queryset=Partner.objects.filter(kind__in=FOREIGN_KINDS).order_by("name_en", "id"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    programme = forms.CharField(
        label=_("Programme"),
        required=False,
        max_length=200,
        help_text=_("e.g. International Medical Partnership"),
        widget=forms.TextInput(attrs={"list": "programmes"}),
    )
    signed_on = PastDateField(label=_("Signed on"))
    areas = forms.CharField(
        label=_("Areas of cooperation"),
        required=False,
        help_text=_("Separated by commas, e.g. rehabilitation, surgery"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=AgreementStatus.choices, initial=AgreementStatus.ACTIVE
    )


class StatusForm(forms.Form):
    """A new status for an agreement, and why."""

    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices)
    reason = forms.CharField(label=_("Why (kept in the audit trail)"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
