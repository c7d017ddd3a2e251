"""Template filters of the public pages: numbers, names and choice labels in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import get_language

from medinfra.facilities.models import Condition, FacilityKind, Functionality, Milestone, Ownership
from medinfra.geography.models import AccessStatus, RegionKind
from medinfra.incidents.models import AttackType, Certainty, DatePrecision, Resource
from medinfra.partnerships.models import AgreementKind, AgreementStatus
from medinfra.recovery.models import Block, PartnerKind, Stage
from medinfra.vehicles.models import VehicleKind, VehicleStatus

register = template.Library()

CHOICES: dict[str, type[models.Choices]] = {
    "access_status": AccessStatus,
    "agreement_kind": AgreementKind,
    "agreement_status": AgreementStatus,
    "attack_type": AttackType,
    "block": Block,
    "certainty": Certainty,
    "condition": Condition,
    "date_precision": DatePrecision,
    "facility_kind": FacilityKind,
    "functionality": Functionality,
    "milestone": Milestone,
    "ownership": Ownership,
    "partner_kind": PartnerKind,
    "region_kind": RegionKind,
    "resource": Resource,
    "stage": Stage,
    "vehicle_kind": VehicleKind,
    "vehicle_status": VehicleStatus,
}


@register.filter
def num(value: Any) -> str:
    """A whole number grouped by thousands the language's way (Ukrainian: a no-break space)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)


@register.filter
def choice(value: Any, kind: str) -> str:
    """The label of a stored choice value, e.g. {{ "heavy_weapons"|choice:"attack_type" }}."""
    choices = CHOICES[kind]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def choices(values: Any, kind: str) -> str:
    """The labels of several stored choice values, joined by commas."""
    return ", ".join(choice(v, kind) for v in values)


@register.filter
def local_name(obj: Any) -> str:
    """An object's name (or title) in the page's language, falling back to the other one."""
    prefix = "title" if hasattr(obj, "title_en") else "name"
    first, second = ("uk", "en") if (get_language() or "").startswith("uk") else ("en", "uk")
    return str(getattr(obj, f"{prefix}_{first}", "") or getattr(obj, f"{prefix}_{second}", ""))


@register.simple_tag(takes_context=True)
def query(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters changed (None or '' drops one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or '' when the key is missing."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return ""


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another app serves, or '' while that app is not routed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
