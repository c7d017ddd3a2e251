"""The roles people have in medinfra, kept as Django groups."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission


class Role(StrEnum):
    REPORTER = "reporter"  # reports incidents, assessments, restorations, vehicle losses
    VERIFIER = "verifier"  # reviews and verifies or rejects others' reports
    COORDINATOR = "coordinator"  # recovery projects, partners, funding, agreements
    ADMINISTRATOR = "administrator"  # accounts, regions, retractions


# What each role may do in the staff admin, as Django permissions ("app_label.action_model";
# "app_label.view_*" is every model of the app). Nothing is ever deleted, so no role deletes.
DOMAIN_APPS = (
    "geography",
    "sources",
    "facilities",
    "incidents",
    "vehicles",
    "recovery",
    "partnerships",
    "figures",
    "occupied",
    "evidence",
    "exchange",
)
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.REPORTER: (
        *(f"{app}.view_*" for app in DOMAIN_APPS),
        "sources.add_source",
        "facilities.add_facility",
        "facilities.add_assessment",
        "facilities.add_restoration",
        "incidents.add_incident",
        "vehicles.add_vehicle",
        "vehicles.add_vehicleevent",
        "occupied.add_occupiedevent",
        "occupied.add_contactlogentry",
        "evidence.add_evidencefile",
    ),
    Role.VERIFIER: (
        *(f"{app}.view_*" for app in DOMAIN_APPS),
        "sources.change_source",
        "incidents.change_incident",
        "occupied.change_occupiedevent",
        "figures.add_reportedfigure",
        "figures.change_reportedfigure",
    ),
    Role.COORDINATOR: (
        # Not occupied territory nor evidence: settlements there endanger people.
        *(f"{app}.view_*" for app in DOMAIN_APPS if app not in ("occupied", "evidence")),
        "recovery.add_*",
        "recovery.change_*",
        "partnerships.add_*",
        "partnerships.change_*",
    ),
    Role.ADMINISTRATOR: (
        *(f"{app}.{action}_*" for app in DOMAIN_APPS for action in ("view", "add", "change")),
        *(f"auth.{action}_*" for action in ("view", "add", "change")),
        "core.view_*",
    ),
}


def _permissions(patterns: tuple[str, ...]) -> list[Permission]:
    found: list[Permission] = []
    for pattern in patterns:
        app_label, codename = pattern.split(".", 1)
        candidates = Permission.objects.filter(content_type__app_label=app_label)
        if codename.endswith("*"):
            candidates = candidates.filter(codename__startswith=codename[:-1])
        else:
            candidates = candidates.filter(codename=codename)
        found.extend(candidates)
    return found


def ensure_role_groups() -> None:
    """Create a group for every role with its admin permissions (run after migrations)."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = _permissions(ROLE_PERMISSIONS[role])
        if {p.pk for p in wanted} != set(group.permissions.values_list("pk", flat=True)):
            group.permissions.set(wanted)


def has_role(user: AbstractBaseUser | AnonymousUser | None, role: Role) -> bool:
    """Whether a signed-in user holds a role; superusers hold every role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(user.groups.filter(name=role.value).exists())  # type: ignore[attr-defined]


def grant(user: AbstractBaseUser, *roles: Role) -> AbstractBaseUser:
    """Give a user roles (creating the role groups if needed); returns the user."""
    ensure_role_groups()
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))  # type: ignore[attr-defined]
    return user
