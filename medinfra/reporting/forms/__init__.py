"""The reporting pages' forms: reports (one per kind of draft) and the verifiers' decisions."""

from medinfra.reporting.forms.fields import MAX_ID, error_summary
from medinfra.reporting.forms.reports import (
    CASUALTY_LABELS,
    FORMS,
    AssessmentForm,
    IncidentForm,
    ReportForm,
    RestorationForm,
    VehicleLossForm,
    payload_from,
)
from medinfra.reporting.forms.review import (
    FacilityLookupForm,
    MergeForm,
    QueueFilterForm,
    RejectForm,
    TakeForm,
    VerifyForm,
)

__all__ = [
    "CASUALTY_LABELS",
    "FORMS",
    "MAX_ID",
    "AssessmentForm",
    "FacilityLookupForm",
    "IncidentForm",
    "MergeForm",
    "QueueFilterForm",
    "RejectForm",
    "ReportForm",
    "RestorationForm",
    "TakeForm",
    "VehicleLossForm",
    "VerifyForm",
    "error_summary",
    "payload_from",
]
