"""Forms of the reviewer's page: a pasted text with its source, then each candidate figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medinfra.figures.models import DatePrecision, Metric, Qualifier
from medinfra.geography.models import Region

MAX_TEXT = 100_000
# One review page holds at most this many candidates; a longer text is reviewed in parts.
MAX_CANDIDATES = 200
CONFIRM = "confirm"
DROP = "drop"


def _not_in_future(value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date is in the future."))


class SourceForm(forms.Form):
    """The text to read and the document it comes from."""

    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Paste the article or press release, in English or Ukrainian."),
    )
    publisher = forms.CharField(label=_("Publisher"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=500)
    url = forms.URLField(
        label=_("Address (URL)"), max_length=1000, required=False, assume_scheme="https"
    )
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        validators=[_not_in_future],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Figures the text does not date are as of this day."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("recognise")), ("uk", _("Ukrainian")), ("en", _("English"))],
        required=False,
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        initial=settings.MEDINFRA_COUNTRY,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Use a two-letter country code, e.g. UA."))],
        help_text=_("The country the text is about unless it names another."),
    )

    def clean_text(self) -> str:
        # Browsers send line ends as CR LF; spans are read from the text with LF alone.
        text: str = self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise forms.ValidationError(_("Paste the text to read."))
        return text

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


def region_choices() -> list[tuple[str, str]]:
    """The regions a candidate can be placed in, read once for all the candidates."""
    return [("", "—")] + [(r.code, f"{r.code} {r.name}") for r in Region.objects.order_by("code")]


class CandidateForm(forms.Form):
    """One candidate figure: confirm it as read, correct it, or drop it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CONFIRM, _("enter into the ledger")), (DROP, _("drop"))],
        initial=CONFIRM,
        widget=forms.RadioSelect,
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=20, decimal_places=2)
    qualifier = forms.ChoiceField(label=_("Qualifier"), choices=Qualifier.choices)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        validators=[_not_in_future],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    as_of_precision = forms.ChoiceField(
        label=_("Date given as"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Use a two-letter country code, e.g. UA."))],
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    attributed_to = forms.CharField(
        label=_("Credited to"),
        max_length=200,
        required=False,
        help_text=_("An organisation, never a person."),
    )
    span = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, region_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = region_choices if region_choices is not None else [("", "—")]

    @property
    def is_dropped(self) -> bool:
        return self.data.get(self.add_prefix("decision")) == DROP

    def full_clean(self) -> None:
        super().full_clean()
        # A dropped candidate is not entered, so nothing about it can be wrong.
        if self.is_bound and self.is_dropped:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {"decision": DROP}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == CONFIRM and not cleaned.get("as_of"):
            self.add_error(
                "as_of",
                _("The text gives no date for this figure: give the date it describes."),
            )
        if cleaned.get("country"):
            cleaned["country"] = str(cleaned["country"]).upper()
        return cleaned


CandidateFormSet = formset_factory(
    CandidateForm, extra=0, max_num=MAX_CANDIDATES, validate_max=True
)
