"""Health, configuration, status, metrics and the performance window."""
