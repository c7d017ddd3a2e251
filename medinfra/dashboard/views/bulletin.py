"""The bulletin: the headline figures in the ministry's form of words, as plain text."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medinfra.core.errors import InvalidInput
from medinfra.dashboard.queries import Headline, headline
from medinfra.geography.queries import country_by_code, region_by_code
from medinfra.recovery.queries import recovery_figures


def _n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def bulletin_text(figures: Headline, *, language: str) -> str:
    """The headline figures in the ministry's own form of words, in the given language."""
    with translation.override(language):
        date = formats.date_format(figures.as_of, "DATE_FORMAT")
        country = country_by_code(figures.country)
        place = (
            figures.region.name if figures.region else country.name if country else figures.country
        )
        # No full stop after the date: a Ukrainian date ends in an abbreviation and its dot.
        lines = [
            _("Health infrastructure bulletin — %(place)s, as of %(date)s")
            % {"place": place, "date": date}
        ]
        if figures.synthetic:
            lines.append(_("SYNTHETIC DEMO DATA: these figures describe no real facility."))
        damage = figures.damage
        if damage is None:
            lines.append(
                _(
                    "Damage in %(region)s cannot be assessed: the registry has no access "
                    "to its facilities."
                )
                % {"region": place}
            )
        else:
            lines.append(
                ngettext(
                    "According to the registry, %(total)s health-care facility has been damaged or "
                    "destroyed since the start of the full-scale invasion:",
                    "According to the registry, %(total)s health-care facilities have been damaged "
                    "or destroyed since the start of the full-scale invasion:",
                    damage.damaged_or_destroyed,
                )
                % {"total": _n(damage.damaged_or_destroyed)}
            )
            lines.append(
                _("%(partial)s with partial damage and %(destroyed)s completely destroyed.")
                % {"partial": _n(damage.partially_damaged), "destroyed": _n(damage.destroyed)}
            )
        ranking = figures.ranking[:8]
        if figures.region is None and ranking:
            lines.append(
                _("The most affected regions are %(regions)s.")
                % {"regions": ", ".join(r.region.name for r in ranking)}
            )
        vehicles = figures.vehicles
        lines.append(
            ngettext(
                "%(damaged)s ambulance has been damaged, %(destroyed)s destroyed and %(seized)s "
                "seized by occupation forces.",
                "%(damaged)s ambulances have been damaged, %(destroyed)s destroyed and %(seized)s "
                "seized by occupation forces.",
                vehicles.damaged,
            )
            % {
                "damaged": _n(vehicles.damaged),
                "destroyed": _n(vehicles.destroyed),
                "seized": _n(vehicles.seized),
            }
        )
        if damage is not None:
            lines.append(
                ngettext(
                    "%(fully)s facility has been fully restored and another %(partially)s "
                    "partially restored.",
                    "%(fully)s facilities have been fully restored and another %(partially)s "
                    "partially restored.",
                    damage.fully_restored,
                )
                % {"fully": _n(damage.fully_restored), "partially": _n(damage.partially_restored)}
            )
            lines.append(
                ngettext(
                    "%(count)s damaged facility is back in operation and able to accept patients.",
                    "%(count)s damaged facilities are back in operation and able to accept "
                    "patients.",
                    damage.back_in_operation,
                )
                % {"count": _n(damage.back_in_operation)}
            )
        lines.append(
            ngettext(
                "%(count)s attack on health care has been recorded and verified.",
                "%(count)s attacks on health care have been recorded and verified.",
                figures.attacks.verified,
            )
            % {"count": _n(figures.attacks.verified)}
        )
        lines.extend(
            recovery_figures(
                as_of=figures.as_of, country=figures.country, region=figures.region
            ).sentences()
        )
        if figures.region is None and figures.not_assessable:
            lines.append(
                _("Damage cannot be assessed in: %(regions)s.")
                % {"regions": ", ".join(r.name for r in figures.not_assessable)}
            )
    return "\n".join(lines) + "\n"


def parse_as_of(value: str | None, *, field: str = "as_of") -> dt.date | None:
    """A YYYY-MM-DD date from user input, or InvalidInput naming the field."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput({field: f"{value!r} is not a date: use YYYY-MM-DD."}) from None


def bulletin(request: HttpRequest) -> HttpResponse:
    """The bulletin as plain text: ?as_of=YYYY-MM-DD&region=UA-63&lang=uk|en."""
    try:
        as_of = parse_as_of(request.GET.get("as_of"))
        code = request.GET.get("region")
        region = region_by_code(code) if code else None
    except InvalidInput as error:
        return HttpResponse(
            "\n".join(f"{field}: {'; '.join(msgs)}" for field, msgs in error.message_dict.items())
            + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    language = request.GET.get("lang") or translation.get_language() or "uk"
    if language not in dict(settings.LANGUAGES):
        return HttpResponse(
            "lang: use uk or en\n", status=400, content_type="text/plain; charset=utf-8"
        )
    text = bulletin_text(
        headline(country=settings.MEDINFRA_COUNTRY, as_of=as_of, region=region), language=language
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
