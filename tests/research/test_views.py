"""Research pages: the list with the form, starting a job, and the job page (live while it runs,
the brief with its sources when done, the reason when it failed)."""
from __future__ import annotations

import re

from promptcraft.extensions import db as _db
from promptcraft.research import runner
from promptcraft.research.models import ResearchJob


def test_jobs_page_lists_jobs_and_shows_the_allowance(app, client, auth, user, research):
    research(auth.headers(user), "SQL query indexes")
    auth.cookie_login(user)
    page = client.get("/research").get_data(as_text=True)
    assert 'id="research-form"' in page and "SQL query indexes" in page
    assert "1 of 20 jobs used today." in page


def test_form_starts_a_job_and_goes_to_its_page(app, client, auth, user, material):
    csrf = auth.cookie_login(user)
    response = client.post("/research", data={"topic": "SQL query indexes", "depth": "quick", "csrf_token": csrf},
                           headers={"HX-Request": "true", "X-CSRF-TOKEN": csrf})
    assert response.status_code == 204
    job_id = int(re.fullmatch(r"/research/(\d+)", response.headers["HX-Redirect"]).group(1))
    assert runner.wait(app, job_id)
    page = client.get(f"/research/{job_id}").get_data(as_text=True)
    assert 'id="brief"' in page and "Research brief: SQL query indexes" in page
    assert 'data-cited="true"' in page and "sse-connect" not in page
    assert 'value="100"' in page


def test_form_errors_are_shown_beside_the_field(client, auth, user):
    csrf = auth.cookie_login(user)
    page = client.post("/research", data={"topic": "  ", "csrf_token": csrf},
                       headers={"X-CSRF-TOKEN": csrf}).get_data(as_text=True)
    assert 'class="field invalid" id="field-topic"' in page
    with client.application.app_context():
        assert _db.session.scalar(_db.select(_db.func.count()).select_from(ResearchJob)) == 0


def test_over_the_limit_the_form_says_so(app, client, auth, user, monkeypatch):
    monkeypatch.setitem(app.config, "RESEARCH_JOBS_PER_DAY", 0)
    csrf = auth.cookie_login(user)
    page = client.post("/research", data={"topic": "SQL joins", "csrf_token": csrf},
                       headers={"X-CSRF-TOKEN": csrf}).get_data(as_text=True)
    assert "Your plan allows 0 research jobs a day" in page


def test_a_running_job_page_connects_to_its_stream(client, auth, user, make_job):
    job_id = make_job(user)
    auth.cookie_login(user)
    page = client.get(f"/research/{job_id}").get_data(as_text=True)
    assert f'sse-connect="/research/{job_id}/stream?last_event_id=0" sse-close="done"' in page
    assert 'id="job-progress" max="100" value="35"' in page
    fragment = client.get(f"/research/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card research-job"')


def test_a_failed_job_page_says_why(client, auth, user, make_job):
    job_id = make_job(user, status="failed", stage="failed", error_code="interrupted",
                      error_message="The job was interrupted 2 time(s).")
    auth.cookie_login(user)
    page = client.get(f"/research/{job_id}").get_data(as_text=True)
    assert 'id="job-error"' in page and "interrupted 2 time(s)" in page and "sse-connect" not in page


def test_the_page_stream_ends_with_done_even_when_the_job_failed(client, auth, user, make_job):
    job_id = make_job(user, status="failed", stage="failed", error_code="interrupted", error_message="Interrupted.")
    auth.cookie_login(user)
    body = client.get(f"/research/{job_id}/stream").get_data(as_text=True)
    assert body.rstrip().endswith(f'event: done\ndata: {{"job_id":{job_id},"code":"interrupted",'
                                  '"message":"Interrupted."}')
    assert "event: error" not in body
