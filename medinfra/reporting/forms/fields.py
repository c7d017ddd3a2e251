"""Fields and bases the reporting forms share: numbers of records, past dates, regions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medinfra.facilities.models import Facility
from medinfra.geography.models import Region
from medinfra.vehicles.models import Vehicle

MAX_ID = 2**63 - 1
TEXT_LIMIT = 20_000
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def blank_choice(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


def region_choices() -> list[tuple[str, str]]:
    """The regions of this deployment's country, by name in the reader's language."""
    regions = Region.objects.filter(country__code=settings.MEDINFRA_COUNTRY)
    return sorted(((r.code, f"{r.name} ({r.code})") for r in regions), key=lambda c: c[1])


class PastDateField(forms.DateField):
    """A day on which something happened: today or before."""

    widget = DATE_INPUT

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))


class RecordNumberField(forms.CharField):
    """A record by its number in the registry: registries too large for a list."""

    model: type[Any] = Facility
    missing = _("No facility has the number %(number)s.")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        digits = text.strip().lstrip("#")
        if not digits.isdigit() or not 1 <= int(digits) <= MAX_ID:
            raise forms.ValidationError(
                _("Give the number only, e.g. 1024 (got “%(text)s”).") % {"text": text}
            )
        found = self.model.objects.filter(pk=int(digits)).first()
        if found is None:
            raise forms.ValidationError(self.missing % {"number": digits})
        return found


class VehicleNumberField(RecordNumberField):
    model = Vehicle
    missing = _("No vehicle has the number %(number)s.")


class PlainForm(forms.Form):
    """Labels without a trailing colon, as on every other form of these pages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def error_summary(form: forms.Form) -> list[tuple[str, str, str]]:
    """(anchor, label, message) of every error: the summary above a form links to the field."""
    found: list[tuple[str, str, str]] = []
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        field = form[name]
        # A hidden field (or one the page does not show) has nothing to link to.
        anchor = "" if field.is_hidden else field.auto_id
        if anchor and field.use_fieldset:
            anchor = f"{anchor}_0"
        found.extend((anchor, str(field.label), str(message)) for message in errors)
    return found
