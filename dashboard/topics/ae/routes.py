"""How the A&E publications are refreshed (see dashboard.core.routes)."""

from dashboard.core.routes import NoRoute
from dashboard.topics.ae.live import MonthlyProviderCsvs

ROUTES = {
    "nhse_ae_monthly": MonthlyProviderCsvs(),
    "nhse_ae_england_timeseries": NoRoute(
        "a fixed edition (to September 2023); England's later months come from the monthly "
        "provider files' England rows"
    ),
}
