"""Research use cases: jobs (create within the limit, list, read, progress), the pipeline a job
runs, and the pieces it uses (gathering sources, web search, writing the brief)."""
from promptcraft.research.service.jobs import allowance, create_job, events_after, get_job, list_jobs

__all__ = ["allowance", "create_job", "events_after", "get_job", "list_jobs"]
