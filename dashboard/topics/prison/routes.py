"""How the prison publications are refreshed (see dashboard.core.routes)."""

from dashboard.core import govuk
from dashboard.core.routes import GovUkCollection, NoRoute

ROUTES = {
    "moj_population_bulletin_2011_2016": NoRoute(
        govuk.NOT_ON_GOVUK["moj_population_bulletin_2011_2016"]
    ),
    "moj_population_bulletin_nottingham_2018_2026": GovUkCollection(
        "moj_population_bulletin_nottingham_2018_2026"
    ),
    "moj_safety_by_prison_2025_26": GovUkCollection("moj_safety_by_prison_2025_26"),
    "moj_safety_national": GovUkCollection("moj_safety_national"),
    "moj_prison_population_weekly": GovUkCollection("moj_prison_population_weekly"),
    "noms_workforce_june_2016": NoRoute(govuk.NOT_ON_GOVUK["noms_workforce_june_2016"]),
    "hmip_prison_standards_national": NoRoute(govuk.NOT_ON_GOVUK["hmip_prison_standards_national"]),
    "hmip_nottingham": NoRoute(
        govuk.NOT_ON_GOVUK["hmip_nottingham"] + "; judgements are curated by hand from its reports"
    ),
}
