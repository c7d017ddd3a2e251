"""Forms of the import page: the upload, and the choice of field for each column."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medinfra.exchange.models import ImportKind
from medinfra.exchange.schemas import TABLES, Table
from medinfra.sources.models import Source

FORMAT_CHOICES = [
    ("", gettext_lazy("recognise it")),
    ("csv", gettext_lazy("CSV")),
    ("xlsx", gettext_lazy("Excel (XLSX)")),
    ("hxl", gettext_lazy("HXL-tagged CSV")),
]


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV, XLSX or HXL)"))
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=FORMAT_CHOICES, required=False
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet of the workbook (XLSX only)"), required=False, max_length=100
    )
    source = forms.IntegerField(
        label=gettext_lazy("Source for rows that name none (its id)"),
        required=False,
        min_value=1,
    )
    strict = forms.BooleanField(
        label=gettext_lazy("Strict: apply nothing if any row has a problem"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(getattr(settings, "MEDINFRA_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; import it from the command line.")
                % {"limit": limit // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def clean_source(self) -> Source | None:
        source_id = self.cleaned_data.get("source")
        if source_id is None:
            return None
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            raise forms.ValidationError(_("No source has the id %(id)s.") % {"id": source_id})
        return source


class MappingForm(forms.Form):
    """One choice per column of the file: the field it goes to, or none."""

    def __init__(
        self, *args: Any, table: Table, header: list[str], fields: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", _("— not imported —"))] + [
            (c.name, f"{c.name}: {c.description}") for c in table.import_columns
        ]
        for index, text in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=text or _("(column without a name)"),
                choices=choices,
                required=False,
                initial=fields[index] if index < len(fields) else "",
            )

    def chosen_fields(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{i}", "") or "" for i in range(len(self.header))]


def table_of(kind: str) -> Table:
    return TABLES[kind]
