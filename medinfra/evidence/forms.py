"""Forms of the evidence pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medinfra.evidence.files import max_bytes, size_words


class UploadForm(forms.Form):
    """One file to attach; its type is judged by its content."""

    file = forms.FileField(
        label=_("Evidence file"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = _(
            "A photo or scan: JPEG, PNG, WebP or PDF, at most %(limit)s. Location and camera "
            "data are removed from every copy that leaves medinfra."
        ) % {"limit": size_words(max_bytes())}

    @classmethod
    def refused(cls, message: str) -> UploadForm:
        """A form that shows one message on the file field (a refusal before the body is read)."""
        form = cls(data={}, files={})
        form.full_clean()
        form.errors["file"] = form.error_class([message])
        return form


class RetractForm(forms.Form):
    """Why a file is retracted."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this file is retracted; kept in the audit trail. The file is kept."),
        error_messages={"required": _("Say why the file is retracted.")},
    )


class FindForm(forms.Form):
    """Go to the evidence of an incident or event by its number."""

    kind = forms.ChoiceField(
        label=_("Record"),
        choices=[("incident", _("incident")), ("event", _("occupied-territory event"))],
    )
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=2**63 - 1)
