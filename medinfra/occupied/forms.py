"""Forms of the occupied-territory staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medinfra.core.errors import Conflict, InvalidInput
from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.geography.queries import region_by_code
from medinfra.incidents.models import DatePrecision
from medinfra.occupied.models import Channel, ContactLogEntry, EventKind, Verification
from medinfra.sources.models import Source

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ID = 2**63 - 1
TEXT_LIMIT = 20_000


def apply_errors(form: forms.Form, error: InvalidInput | Conflict) -> None:
    """Put a service's messages next to the fields they name; others above the form."""
    if isinstance(error, InvalidInput):
        for name, messages in error.message_dict.items():
            if name in form.fields:
                form.add_error(name, messages)
            else:
                label = name.replace("_", " ") if name != "__all__" else ""
                form.add_error(None, [f"{label}: {m}" if label else m for m in messages])
    else:
        form.add_error(None, str(error))


class PastDateField(forms.DateField):
    """A day on which something happened: today or before."""

    widget = DATE_INPUT

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))


class RegionCodeField(forms.CharField):
    """A region by its ISO 3166-2 code, e.g. UA-14."""

    def to_python(self, value: Any) -> Region | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return region_by_code(text)
        except InvalidInput as error:
            raise forms.ValidationError(error.message_dict["region"]) from None


class NumberedRecordField(forms.IntegerField):
    """A record by its number (its id), for tables too large to list in a menu."""

    def __init__(self, *, model: Any, missing: Any, **kwargs: Any) -> None:
        self.model = model
        self.missing = missing
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        number = super().to_python(value)
        if number is None:
            return None
        found = self.model.objects.filter(pk=number).first() if 1 <= number <= MAX_ID else None
        if found is None:
            raise forms.ValidationError(self.missing % {"number": number})
        return found


class SourceNumbersField(forms.CharField):
    """Sources by their numbers, separated by commas or spaces."""

    def to_python(self, value: Any) -> list[Source]:  # type: ignore[override]
        text = super().to_python(value) or ""
        numbers: list[int] = []
        for part in text.replace(",", " ").split():
            if not part.isdigit() or not 1 <= int(part) <= MAX_ID:
                raise forms.ValidationError(
                    _("%(part)r is not a source number: give numbers separated by commas.")
                    % {"part": part}
                )
            numbers.append(int(part))
        found = {s.pk: s for s in Source.objects.filter(pk__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("No source has the number %(numbers)s.")
                % {"numbers": ", ".join(map(str, missing))}
            )
        return [found[n] for n in dict.fromkeys(numbers)]


class EventForm(forms.Form):
    """A new event in occupied territory."""

    kind = forms.ChoiceField(label=_("What happened"), choices=EventKind.choices)
    occurred_on = PastDateField(label=_("Date"))
    date_precision = forms.ChoiceField(
        label=_("Date precision"),
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        help_text=_("With month precision, give the first day of the month."),
    )
    region = RegionCodeField(
        label=_("Region code"),
        required=False,
        help_text=_("e.g. UA-14; leave empty to use the facility's region"),
    )
    facility = NumberedRecordField(
        label=_("Facility number"),
        required=False,
        model=Facility,
        missing=_("No facility has the number %(number)s."),
        help_text=_("The facility's number in the registry, if the event concerns one"),
    )
    settlement = forms.CharField(
        label=_("Settlement"),
        max_length=200,
        required=False,
        help_text=_("Private: never shown publicly."),
    )
    persons = forms.CharField(
        label=_("Persons involved"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Names, one a line. Encrypted; once saved, only verifiers and administrators "
            "see them. Put names here, not in the description."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Staff only, encrypted: what happened, in full."),
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Without names or places."),
    )
    sources = SourceNumbersField(
        label=_("Source numbers"),
        required=False,
        help_text=_("Numbers of the sources that report it, separated by commas"),
    )
    contact = NumberedRecordField(
        label=_("Contact log entry number"),
        required=False,
        model=ContactLogEntry,
        missing=_("No contact log entry has the number %(number)s."),
        help_text=_("The contact the event was learnt from; give it or a source"),
    )


class ReviewForm(forms.Form):
    """A verifier's decision on an event."""

    state = forms.ChoiceField(label=_("Decision"), choices=Verification.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject. Kept in the audit trail."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ContactForm(forms.Form):
    """A new entry of the contact log."""

    facility = NumberedRecordField(
        label=_("Facility number"),
        model=Facility,
        missing=_("No facility has the number %(number)s."),
        help_text=_("The facility's number in the registry"),
    )
    contacted_on = PastDateField(label=_("Date of contact"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Staff only, encrypted: what was said or learnt."),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        required=False,
        max_length=500,
        help_text=_("Encrypted; once saved, only verifiers and administrators see it."),
    )
    contact_details = forms.CharField(
        label=_("Contact details"),
        required=False,
        max_length=1000,
        help_text=_("Phone, messenger or address. Encrypted, as the name."),
    )
