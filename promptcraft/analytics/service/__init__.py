"""Analytics use cases, one module each; import them from here."""
from promptcraft.analytics.service.ab_tests import (
    assign,
    create_test,
    get_test,
    list_tests,
    record_outcome,
    results,
    stop_test,
)
from promptcraft.analytics.service.dashboard import dashboard
from promptcraft.analytics.service.events import record, track
from promptcraft.analytics.service.insights import user_insights
from promptcraft.analytics.service.recommendations import recommendations
from promptcraft.analytics.service.template_stats import template_analytics

__all__ = [
    "assign", "create_test", "dashboard", "get_test", "list_tests", "recommendations", "record", "record_outcome",
    "results", "stop_test", "template_analytics", "track", "user_insights",
]
