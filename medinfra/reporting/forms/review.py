"""The verifiers' forms: the queue's filter, decisions and merges, and the facility finder."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medinfra.incidents.models import Certainty
from medinfra.reporting.forms.fields import MAX_ID, PlainForm, blank_choice, region_choices


class QueueFilterForm(PlainForm):
    """?region=UA-63&page=2 on the queue."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    page = forms.IntegerField(
        label=_("Page"), required=False, min_value=1, max_value=10**6, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("every region")), *region_choices()]  # type: ignore[attr-defined]


class VersionedForm(PlainForm):
    """A decision about the version of the incident the verifier read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)


class TakeForm(VersionedForm):
    """Take an incident under review (or reopen a decided one)."""


class VerifyForm(VersionedForm):
    certainty = forms.ChoiceField(
        label=_("Certainty"), choices=Certainty.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Note for the audit trail"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the incident is rejected.")},
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why the incident is rejected."))
        return reason


class MergeForm(VersionedForm):
    """Merge this incident and a possible duplicate, keeping one of them."""

    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    other_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)
    keep = forms.ChoiceField(
        label=_("Which report is kept?"),
        choices=[("this", _("this one")), ("other", _("the other one"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Note for the audit trail"), required=False, max_length=5000)


class FacilityLookupForm(PlainForm):
    """Find a facility's number: by region and part of its name."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    q = forms.CharField(
        label=_("Part of the name or the settlement"), required=False, max_length=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = blank_choice(region_choices())  # type: ignore[attr-defined]
