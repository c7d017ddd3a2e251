import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from medinfra.core.services import mark_dataset, retract_record
from medinfra.dashboard.context_processors import other_sections

D = dt.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UK = {"HTTP_ACCEPT_LANGUAGE": "uk"}


def page(client, url, **headers):
    response = client.get(url, **{**EN, **headers})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def row_of(html, name):
    """The table row whose header cell names this region or figure."""
    for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL):
        if re.search(rf"<th[^>]*>(<a[^>]*>)?{re.escape(name)}(</a>)?</th>", row):
            return row
    raise AssertionError(f"no row for {name}")


def cells(row):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


# -- home ----------------------------------------------------------------------------------------


def test_home_shows_the_headline_figures_counted_from_the_registry(client, registry):
    html = page(client, "/")

    assert cells(row_of(html, "Facilities damaged or destroyed"))[0] == "5"
    assert cells(row_of(html, "of them destroyed"))[0] == "1"
    assert cells(row_of(html, "Fully restored"))[0] == "1"
    assert cells(row_of(html, "Back in operation"))[0] == "2"
    assert cells(row_of(html, "Verified attacks on health care"))[0] == "2"
    assert cells(row_of(html, "Vehicles seized"))[0] == "1"
    assert "worst building condition ever recorded" in html


def test_home_as_of_an_earlier_date_leaves_out_later_events(client, registry):
    html = page(client, "/?as_of=2022-12-31")

    assert cells(row_of(html, "Facilities damaged or destroyed"))[0] == "4"
    assert cells(row_of(html, "Fully restored"))[0] == "0"
    assert "Dec. 31, 2022" in html
    assert 'value="2022-12-31"' in html


def test_inaccessible_region_is_labelled_not_assessable_never_zero(client, registry):
    html = page(client, "/")

    luhansk = row_of(html, "Luhansk Oblast")
    assert "not assessable" in luhansk
    assert cells(luhansk)[0] == "not assessable"
    assert cells(luhansk)[1] == "0"  # its verified attacks are still shown
    area = re.search(r'<a href="/regions/UA-09/" aria-label="([^"]*)"[^>]*>(.*?)</a>', html)
    assert area and "not assessable" in area.group(1)
    assert 'class="hatched"' in area.group(2)


def test_home_never_shows_unverified_incidents_or_staff_text(client, registry):
    for url in (
        "/",
        "/attacks/",
        f"/facilities/{registry.kharkiv_hospital.pk}/",
        "/regions/UA-63/",
    ):
        html = page(client, url)
        assert "MARKER-unverified" not in html
        assert "MARKER-staff-only" not in html


def test_home_has_map_legend_and_the_attribution_under_the_map(client, registry):
    html = page(client, "/?metric=destroyed")

    assert "Map of Ukraine by MapSVG (mapsvg.com), CC BY 4.0, via svg-maps" in html
    assert 'class="map-legend"' in html
    assert html.count('<path class="area') == 26
    kharkiv = re.search(r'aria-label="(Kharkiv Oblast: [^"]*)"', html)
    assert kharkiv and kharkiv.group(1) == "Kharkiv Oblast: Facilities destroyed: 1"


def test_crimea_and_sevastopol_share_one_shape(client, registry):
    html = page(client, "/")

    assert re.search(
        r'aria-label="Autonomous Republic of Crimea and Sevastopol: [^"]*"', html
    ) or re.search(r'aria-label="Sevastopol and Autonomous Republic of Crimea: [^"]*"', html)


def test_every_chart_has_a_table_and_a_csv_download(client, registry):
    html = page(client, "/")

    assert html.count('<figure class="chart"') == 2
    assert html.count("The chart's data as a table") == 2
    assert "/charts/attacks-by-month.csv?as_of=" in html
    assert "/charts/damage-by-month.csv?as_of=" in html
    assert "/charts/regions.csv?as_of=" in html


SVG_NUMBER = re.compile(r"-?\d+(\.\d+)?")
SVG_COORDINATES = re.compile(r'\s(x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"')


@pytest.mark.parametrize("language", ["uk", "en"])
def test_chart_coordinates_are_plain_numbers_in_every_language(registry, language):
    """A Ukrainian decimal comma in x="57,0" is no coordinate: the bars would not be drawn."""
    html = Client(HTTP_ACCEPT_LANGUAGE=language).get("/").content.decode()
    drawn = [svg for svg in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL) if "<rect" in svg]
    assert drawn
    values = [value for svg in drawn for _, value in SVG_COORDINATES.findall(svg)]
    assert len(values) > 20
    assert [v for v in values if not SVG_NUMBER.fullmatch(v)] == []


def test_home_names_the_sources_of_the_figures(client, registry):
    html = page(client, "/")

    source = row_of(html, "Regional health department: Field report 7")
    assert cells(source)[1:] == ["2", "0", "1", "0"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("as_of=yesterday", "as_of"),
        ("as_of=2022-02-30", "as_of"),
        ("as_of=2999-01-01", "as_of"),
        ("metric=casualties", "metric"),
    ],
)
def test_bad_home_parameters_get_a_400_naming_the_field(client, registry, query, field):
    response = client.get(f"/?{query}", **EN)

    assert response.status_code == 400
    html = response.content.decode()
    assert f"<code>{field}</code>" in html
    assert 'role="alert"' in html


def test_a_date_in_the_future_is_refused_with_a_reason(client, ua):
    html = client.get("/?as_of=2999-01-01", **EN).content.decode()

    assert "in the future" in html


def test_new_data_shows_at_once_because_the_cache_follows_the_data_version(
    client, registry, make_facility, assess
):
    before = page(client, "/")
    assess(make_facility(region="UA-46"), D(2024, 1, 1), "destroyed")
    after = page(client, "/")

    assert cells(row_of(before, "of them destroyed"))[0] == "1"
    assert cells(row_of(after, "of them destroyed"))[0] == "2"


def test_synthetic_data_is_labelled_on_every_page(client, registry):
    mark_dataset(synthetic=True, description="test")
    for url in ("/", "/regions/", "/regions/UA-63/", "/facilities/", "/attacks/", "/about/"):
        assert "Synthetic demo data." in page(client, url)


# -- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "language"),
    [("uk-UA,uk;q=0.9,en;q=0.8", "uk"), ("de-DE,de;q=0.9", "en"), ("en-US", "en"), ("", "uk")],
)
def test_ukrainian_browsers_read_ukrainian_and_others_english(client, ua, header, language):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=header).content.decode()

    assert f'<html lang="{language}"' in html


def test_a_chosen_language_wins_over_the_browser(client, ua):
    client.cookies["django_language"] = "uk"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="uk"' in html


def test_every_page_has_the_language_switch_and_the_display_controls(client, registry):
    for url in ("/", "/regions/UA-63/", "/facilities/", "/about/"):
        html = page(client, url)
        assert 'name="language" value="uk"' in html and 'name="language" value="en"' in html
        assert 'name="scheme" value="blue"' in html and 'name="text" value="large"' in html


def test_ukrainian_pages_write_numbers_and_dates_the_ukrainian_way(client, registry):
    html = page(client, f"/facilities/{registry.kharkiv_hospital.pk}/", **UK)
    home = page(client, "/?as_of=2023-10-06", **UK)

    assert "1\xa0250\xa0000 USD" in html
    assert "06 жовтня 2023 р." in home
    assert "Харківська область" in home


def test_english_pages_group_thousands_with_commas(client, registry):
    assert "1,250,000 USD" in page(client, f"/facilities/{registry.kharkiv_hospital.pk}/")


# -- one region ----------------------------------------------------------------------------------


def test_region_page_shows_its_figures_lists_and_trends(client, registry):
    html = page(client, "/regions/UA-63/")

    assert cells(row_of(html, "Facilities damaged or destroyed"))[0] == "3"
    assert "All 3 damaged or destroyed facilities" in html
    assert "All 1 verified attack in the region" in html
    assert "Kharkiv Test Hospital" in html
    assert "Shelling of the hospital." in html
    assert "Rebuild the Kharkiv hospital" in html
    assert "Test Partner Hospital" in html
    assert "/charts/damage-by-month.csv?as_of=" in html and "region=UA-63" in html


def test_inaccessible_region_page_says_not_assessable_and_draws_no_damage_trend(client, registry):
    html = page(client, "/regions/UA-09/")

    assert cells(row_of(html, "Facilities damaged or destroyed"))[0] == "not assessable"
    assert "damage-chart" not in html
    assert "attacks-chart" in html
    assert cells(row_of(html, "Vehicles destroyed"))[0] == "1"


def test_unknown_region_is_not_found(client, ua):
    assert client.get("/regions/UA-99/", **EN).status_code == 404


def test_region_page_refuses_a_bad_date_naming_the_field(client, ua):
    response = client.get("/regions/UA-63/?as_of=06.10.2023", **EN)

    assert response.status_code == 400
    assert "<code>as_of</code>" in response.content.decode()


# -- one facility --------------------------------------------------------------------------------


def test_facility_page_shows_its_history_from_the_public_fields(client, registry):
    html = page(client, f"/facilities/{registry.kharkiv_hospital.pk}/")

    assert "Kharkiv Test Hospital" in html
    assert html.count('<tr><th scope="row">') >= 2
    assert "Shelling of the hospital." in html
    assert "violence with heavy weapons, setting fire" in html
    assert "Rebuild the Kharkiv hospital" in html
    assert cells(row_of(html, "Sept. 1, 2022"))[0] == "destroyed"


def test_coordinates_of_a_facility_in_occupied_territory_are_never_shown(
    client, ua, actor, make_facility
):
    from medinfra.geography.queries import region_by_code
    from medinfra.geography.services import set_access_status

    set_access_status(region_by_code("UA-43"), status="occupied", actor=actor)
    facility = make_facility(region="UA-43", latitude=Decimal("44.95"), longitude=Decimal("34.1"))

    html = page(client, f"/facilities/{facility.pk}/")

    assert "44.95" not in html and "34.1" not in html


def test_retracted_or_unknown_facility_is_not_found(client, registry, actor):
    retract_record(registry.donetsk_hospital, actor=actor, reason="duplicate")

    assert client.get(f"/facilities/{registry.donetsk_hospital.pk}/").status_code == 404
    assert client.get("/facilities/999999/").status_code == 404


# -- lists ---------------------------------------------------------------------------------------


def test_facility_list_filters_by_status_region_and_type(client, registry):
    destroyed = page(client, "/facilities/?status=destroyed")
    clinics = page(client, "/facilities/?kind=outpatient_clinic&region=UA-63")
    donetsk = page(client, "/facilities/?region=UA-14&status=damaged")

    assert "Kharkiv Test Hospital" in destroyed and "Donetsk Test Hospital" not in destroyed
    assert "Kharkiv Test Clinic" in clinics and "Kharkiv Test Hospital" not in clinics
    assert "2 records" in donetsk


def test_list_pages_are_paged(client, ua, make_facility):
    for _ in range(27):
        make_facility(region="UA-46")

    first = page(client, "/facilities/?region=UA-46")
    second = page(client, "/facilities/?region=UA-46&page=2")

    assert "27 records" in first and "page 1 of 2" in first
    assert 'href="?region=UA-46&amp;page=2"' in first
    assert second.count('<th scope="row"><a href="/facilities/') == 2


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/facilities/?region=XX-99", "region"),
        ("/facilities/?status=burnt", "status"),
        ("/facilities/?page=0", "page"),
        ("/facilities/?page=two", "page"),
        ("/facilities/?page=5", "page"),
        ("/facilities/?as_of=2023-13-01", "as_of"),
        ("/attacks/?attack_type=bombing", "attack_type"),
        ("/attacks/?certainty=sure", "certainty"),
        ("/vehicles/?status=lost", "status"),
    ],
)
def test_bad_filters_and_page_numbers_get_a_400_naming_the_field(client, registry, url, field):
    response = client.get(url, **EN)

    assert response.status_code == 400
    assert f"<code>{field}</code>" in response.content.decode()


def test_attack_list_shows_verified_attacks_only_and_filters_by_type(client, registry):
    every = page(client, "/attacks/")
    fires = page(client, "/attacks/?attack_type=setting_fire")

    assert "2 records" in every
    assert "Shelling of the hospital." in fires and "1 record" in fires
    assert "Regional health department: Field report 7" in fires


def test_seized_vehicle_is_listed_as_seized_not_destroyed(client, registry):
    seized = page(client, "/vehicles/?status=seized")
    destroyed = page(client, "/vehicles/?status=destroyed")

    assert "1 record" in seized and "seized" in seized
    assert "1 record" in destroyed and "Luhansk Oblast" in destroyed


# -- downloads -----------------------------------------------------------------------------------


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return [line.split(",") for line in response.content.decode().splitlines()]


def test_attacks_csv_has_the_chart_data(client, registry):
    rows = csv_rows(client, "/charts/attacks-by-month.csv?as_of=2022-12-31")
    header, body = rows[0], {r[0]: r for r in rows[1:]}

    assert header[:3] == ["month", "verified_attacks", "heavy_weapons"]
    assert list(body) == [f"2022-{m:02d}" for m in range(5, 13)]
    assert body["2022-09"][1] == "1"
    assert body["2022-09"][header.index("setting_fire")] == "1"
    assert body["2022-05"][header.index("obstruction")] == "1"


def test_damage_csv_ends_with_the_headline_figures(client, registry):
    from medinfra.facilities.queries import damage_counts

    rows = csv_rows(client, "/charts/damage-by-month.csv?as_of=2024-01-15&region=UA-63")
    header, last = rows[0], rows[-1]
    counts = damage_counts(as_of=D(2024, 1, 15), region=registry.kharkiv_hospital.region)

    assert last[:2] == ["2024-01", "2024-01-15"]
    assert int(last[header.index("damaged_or_destroyed")]) == counts.damaged_or_destroyed == 3
    assert int(last[header.index("fully_restored")]) == counts.fully_restored == 1


def test_regions_csv_leaves_damage_empty_where_it_cannot_be_assessed(client, registry):
    rows = csv_rows(client, "/charts/regions.csv")
    header = rows[0]
    luhansk = next(r for r in rows if r[0] == "UA-09")
    kharkiv = next(r for r in rows if r[0] == "UA-63")

    assert luhansk[header.index("damage_assessable")] == "False"
    assert luhansk[header.index("damaged_or_destroyed")] == ""
    assert luhansk[header.index("vehicles_destroyed")] == "1"
    assert kharkiv[header.index("damaged_or_destroyed")] == "3"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/charts/attacks-by-month.csv?as_of=soon", "as_of"),
        ("/charts/damage-by-month.csv?region=UA-99", "region"),
        ("/charts/damage-by-month.csv?region=UA-09", "region"),
        ("/charts/regions.csv?as_of=2999-01-01", "as_of"),
    ],
)
def test_bad_download_parameters_get_a_400_naming_the_field(client, registry, url, field):
    response = client.get(url)

    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")


# -- display modes -------------------------------------------------------------------------------


def test_display_form_keeps_the_mode_in_a_cookie_and_returns_to_the_page(client, ua):
    response = client.post("/display/", {"scheme": "blue", "next": "/regions/?as_of=2023-01-01"})

    assert response.status_code == 302
    assert response["Location"] == "/regions/?as_of=2023-01-01"
    assert response.cookies["display_scheme"].value == "blue"
    html = client.get("/about/").content.decode()
    assert 'class="text-normal scheme-blue"' in html
    assert 'value="blue" aria-pressed="true"' in html


def test_large_text_is_kept_with_the_colour_scheme(client, ua):
    client.post("/display/", {"scheme": "bw", "next": "/"})
    client.post("/display/", {"text": "large", "next": "/"})

    assert 'class="text-large scheme-bw"' in client.get("/").content.decode()


def test_display_form_never_sends_the_reader_to_another_site(client, ua):
    response = client.post("/display/", {"text": "large", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_display_form_refuses_an_unknown_mode_naming_the_field(client, ua):
    response = client.post("/display/", {"scheme": "purple"})

    assert response.status_code == 400
    assert response.content.decode().startswith("scheme: ")


def test_unknown_display_cookie_falls_back_to_the_default(client, ua):
    client.cookies["display_scheme"] = "<script>"

    assert 'class="text-normal scheme-standard"' in client.get("/").content.decode()


# -- query counts --------------------------------------------------------------------------------

# Per request: the dataset label (context processor) and the data version (cache key). The
# home page is kept whole (medinfra.dashboard.pagecache): one question, both in one statement.
WARM = 2


@pytest.mark.parametrize(
    ("url", "cold", "warm"),
    [
        ("/", 18, 1),
        ("/?as_of=2023-01-01&metric=attacks", 18, 1),
        ("/?metric=funding_gap", 21, 1),
        ("/charts/reported-figures-by-month.csv", 3, WARM),
        ("/regions/", 7, WARM),
        ("/regions/UA-63/", 31, WARM + 1),
        ("/regions/UA-09/", 24, WARM + 1),
        ("/charts/attacks-by-month.csv", 4, WARM),
        ("/charts/damage-by-month.csv", 4, WARM),
        ("/charts/regions.csv", 6, 1),
    ],
)
def test_pages_run_a_pinned_number_of_queries_and_reuse_cached_aggregates(
    client, registry, django_assert_num_queries, url, cold, warm
):
    cache.clear()
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/facilities/?status=damaged", 4),
        ("/attacks/", 7),
        ("/vehicles/", 5),
        ("/about/", 1),
    ],
)
def test_list_pages_run_a_pinned_number_of_queries(
    client, registry, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_facility_page_runs_a_pinned_number_of_queries(client, registry, django_assert_num_queries):
    with django_assert_num_queries(11):
        client.get(f"/facilities/{registry.kharkiv_hospital.pk}/")


# -- sections of other apps ----------------------------------------------------------------------


def _figures_index(request):
    return HttpResponse("figures")


figures_patterns = ([path("", _figures_index, name="index")], "figures")
bare_patterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("medinfra.dashboard.urls")),
]
urlpatterns = [path("figures/", include(figures_patterns)), *bare_patterns]


@pytest.fixture
def fresh_sections():
    other_sections.cache_clear()
    yield
    other_sections.cache_clear()


def test_navigation_links_a_section_once_its_app_serves_it(client, ua, settings, fresh_sections):
    settings.ROOT_URLCONF = __name__

    html = page(client, "/about/")

    assert '<a href="/figures/">Reported figures</a>' in html
    assert "Open data" not in html


def test_navigation_leaves_out_sections_nobody_serves(
    client, ua, settings, monkeypatch, fresh_sections
):
    import sys

    monkeypatch.setattr(sys.modules[__name__], "urlpatterns", bare_patterns)
    settings.ROOT_URLCONF = __name__

    html = page(client, "/about/")

    assert "Reported figures" not in html
