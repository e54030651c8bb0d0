"""Analytics: events, dashboards, insights, template analytics, recommendations and A/B tests."""
