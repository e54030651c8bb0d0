"""History rules, straight through the service: ownership, the trash, versions, the active one."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from promptcraft import signals
from promptcraft.auth import service as auth_service
from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.history import service
from promptcraft.history.models import PromptHistory, PromptIteration, SavedPrompt
from promptcraft.prompt_templates.models import Template


@pytest.fixture
def other(make_user):
    return make_user(username="bob", email="bob@example.test")


def _saved(user, **fields):
    return service.create_saved(user.id, {"title": "Summariser", "content": "Summarise {{text}}", **fields})


def test_record_prompt_writes_an_entry_and_sends_prompt_recorded(db, user):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    signals.prompt_recorded.connect(receiver)
    try:
        entry = service.record_prompt(user.id, "Write a haiku about tea", response="Steam rises…", source="chat",
                                      provider="local", model="local-rubric", tokens_used=42, cost=0.0012,
                                      tags=["poem", " Poem ", "tea"])
    finally:
        signals.prompt_recorded.disconnect(receiver)
    stored = db.session.get(PromptHistory, entry.id)
    assert stored.user_id == user.id and stored.source == "chat" and stored.tokens_used == 42
    assert stored.tags == ["poem", "tea"]
    assert received == [(user.id, {"entry_id": entry.id, "source": "chat", "template_id": None,
                                   "tokens_used": 42, "cost": 0.0012})]


def test_record_prompt_with_an_unknown_source_is_refused_and_writes_nothing(db, user):
    with pytest.raises(AppError) as error:
        service.record_prompt(user.id, "Hello", source="telepathy")
    assert error.value.status == 400 and "source" in error.value.details["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PromptHistory)) == 0


def test_record_prompt_refuses_a_template_the_user_cannot_see(db, user, other):
    private = Template(owner_id=other.id, title="Secret", content="x", is_public=False)
    public = Template(owner_id=other.id, title="Shared", content="y", is_public=True)
    db.session.add_all([private, public])
    db.session.commit()
    with pytest.raises(AppError) as error:
        service.record_prompt(user.id, "Hello", template_id=private.id)
    assert error.value.details["fields"] == {"template_id": ["No template with this id."]}
    assert service.record_prompt(user.id, "Hello", template_id=public.id).template_id == public.id


def test_search_is_case_insensitive_over_prompts_and_responses_and_takes_wildcards_literally(db, user, other):
    service.record_prompt(user.id, "Explain RECURSION simply")
    service.record_prompt(user.id, "Give me a pun", response="Recursion: see recursion")
    service.record_prompt(user.id, "Discount of 100% off")
    service.record_prompt(user.id, "A 1000 word essay")
    service.record_prompt(other.id, "recursion for bob")
    assert {e.original_prompt for e in service.list_entries(user.id, q="recursion").results} == {
        "Explain RECURSION simply", "Give me a pun"}
    assert [e.original_prompt for e in service.list_entries(user.id, q="100%").results] == ["Discount of 100% off"]
    assert service.list_entries(user.id, q="_").count == 0


def test_filters_and_ordering_with_missing_scores_last(db, user):
    low = service.record_prompt(user.id, "low", quality_score=2, source="chat")
    high = service.record_prompt(user.id, "high", quality_score=9, source="optimizer", is_favorite=True)
    unscored = service.record_prompt(user.id, "none", source="chat")
    assert [e.id for e in service.list_entries(user.id, ordering="-score").results] == [high.id, low.id, unscored.id]
    assert [e.id for e in service.list_entries(user.id, ordering="score").results] == [low.id, high.id, unscored.id]
    assert [e.id for e in service.list_entries(user.id, ordering="created").results] == [low.id, high.id, unscored.id]
    assert [e.id for e in service.list_entries(user.id, source="chat").results] == [unscored.id, low.id]
    assert [e.id for e in service.list_entries(user.id, favorite=True).results] == [high.id]


def test_other_users_rows_do_not_exist_for_them(db, user, other):
    entry = service.record_prompt(user.id, "mine")
    prompt = _saved(user)
    for call in (lambda: service.get_entry(other.id, entry.id),
                 lambda: service.update_entry(other.id, entry.id, {"is_favorite": True}),
                 lambda: service.delete_entry(other.id, entry.id),
                 lambda: service.restore_entry(other.id, entry.id),
                 lambda: service.get_saved(other.id, prompt.id),
                 lambda: service.duplicate_saved(other.id, prompt.id)):
        with pytest.raises(AppError) as error:
            call()
        assert error.value.status == 404
    assert service.list_entries(other.id).count == 0
    assert db.session.get(PromptHistory, entry.id).is_favorite is False


def test_soft_delete_hides_and_restore_brings_back(db, user):
    entry = service.record_prompt(user.id, "to trash")
    service.delete_entry(user.id, entry.id)
    assert service.list_entries(user.id).count == 0
    assert [e.id for e in service.list_entries(user.id, deleted=True).results] == [entry.id]
    assert service.count_entries(user.id) == 0
    with pytest.raises(AppError):
        service.get_entry(user.id, entry.id)
    service.restore_entry(user.id, entry.id)
    assert service.get_entry(user.id, entry.id).deleted_at is None
    service.delete_entry(user.id, entry.id, permanent=True)
    assert db.session.get(PromptHistory, entry.id) is None


def test_profile_stats_count_prompts_outside_the_trash(db, user):
    for text in ("one", "two", "three"):
        service.record_prompt(user.id, text)
    service.delete_entry(user.id, service.list_entries(user.id).results[0].id)
    assert auth_service.user_stats(db.session.get(User, user.id))["prompts"] == 2


def test_duplicate_copies_own_or_public_prompts_and_counts_the_use(db, user, other):
    public = _saved(other, is_public=True, tags=["a"], is_favorite=True)
    private = _saved(other, title="Private")
    copy = service.duplicate_saved(user.id, public.id, title="My summariser")
    assert (copy.user_id, copy.title, copy.duplicated_from_id, copy.is_public, copy.is_favorite, copy.tags) == (
        user.id, "My summariser", public.id, False, False, ["a"])
    assert db.session.get(SavedPrompt, public.id).use_count == 1
    with pytest.raises(AppError) as error:
        service.duplicate_saved(user.id, private.id)
    assert error.value.status == 404


def test_public_listing_shows_only_live_public_prompts_of_active_owners(db, user, other):
    shown = _saved(other, is_public=True, title="Shown")
    _saved(other, title="Private")
    trashed = _saved(other, is_public=True, title="Trashed")
    service.delete_saved(other.id, trashed.id)
    gone = _saved(user, is_public=True, title="Owner disabled")
    db.session.get(User, user.id).is_active = False
    db.session.commit()
    page = service.list_public()
    assert [p.id for p in page.results] == [shown.id] and page.results[0].owner_name == "bob"
    assert gone.id not in [p.id for p in page.results]


def test_versions_are_numbered_per_parent_and_trashed_numbers_are_not_reused(db, user):
    prompt = _saved(user)
    thread = service.create_thread(user.id, {"title": "Tuning", "saved_prompt_id": prompt.id})
    first = service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "v1"})
    second = service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "v2"})
    in_thread = [service.add_iteration(user.id, thread.id, {"prompt": f"t{n}"}) for n in range(2)]
    assert (first.version, second.version) == (1, 2)
    assert [i.version for i in in_thread] == [1, 2]
    assert all(i.saved_prompt_id == prompt.id for i in in_thread)
    service.delete_iteration(user.id, second.id)
    assert service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "v3"}).version == 3


def _active(user, **parent):
    return [i.version for i in service.list_iterations(user.id, active=True, **parent).results]


def test_exactly_one_live_version_is_active(db, user):
    prompt = _saved(user)
    v1, v2, v3 = (service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": f"v{n}"})
                  for n in (1, 2, 3))
    assert _active(user, saved_prompt_id=prompt.id) == [3]
    service.set_active(user.id, v1.id)
    assert _active(user, saved_prompt_id=prompt.id) == [1]
    service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "draft", "is_active": False})
    assert _active(user, saved_prompt_id=prompt.id) == [1]
    service.delete_iteration(user.id, v1.id)  # the latest live version takes over
    assert _active(user, saved_prompt_id=prompt.id) == [4]
    service.restore_iteration(user.id, v1.id)
    assert _active(user, saved_prompt_id=prompt.id) == [4]
    service.delete_iteration(user.id, service.list_iterations(user.id, active=True).results[0].id, permanent=True)
    assert _active(user, saved_prompt_id=prompt.id) == [3]
    assert {v2.id, v3.id} <= {i.id for i in service.list_iterations(user.id).results}


def test_first_version_is_active_even_when_asked_otherwise(db, user):
    prompt = _saved(user)
    first = service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "v1", "is_active": False})
    assert first.is_active


def test_iteration_parents_must_be_the_users_and_agree(db, user, other):
    mine = _saved(user)
    theirs = _saved(other)
    thread = service.create_thread(user.id, {"title": "T", "saved_prompt_id": mine.id})
    for data in ({"saved_prompt_id": theirs.id}, {"thread_id": thread.id, "saved_prompt_id": _saved(user).id}, {}):
        with pytest.raises(AppError) as error:
            service.create_iteration(user.id, {"prompt": "p", **data})
        assert error.value.status == 400
    with pytest.raises(AppError):
        service.create_thread(user.id, {"title": "T", "saved_prompt_id": theirs.id})


def test_trashing_a_prompt_takes_its_own_iterations_along_but_not_its_threads(db, user):
    prompt = _saved(user)
    own = service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "own"})
    thread = service.create_thread(user.id, {"title": "T", "saved_prompt_id": prompt.id})
    threaded = service.add_iteration(user.id, thread.id, {"prompt": "threaded"})
    earlier = service.create_iteration(user.id, {"saved_prompt_id": prompt.id, "prompt": "trashed before"})
    service.delete_iteration(user.id, earlier.id)
    service.delete_saved(user.id, prompt.id)
    assert [i.id for i in service.list_iterations(user.id).results] == [threaded.id]
    service.restore_saved(user.id, prompt.id)
    assert {i.id for i in service.list_iterations(user.id).results} == {own.id, threaded.id}
    assert [i.id for i in service.list_iterations(user.id, deleted=True).results] == [earlier.id]
    service.delete_saved(user.id, prompt.id, permanent=True)
    assert db.session.get(PromptIteration, own.id) is None
    kept = db.session.get(PromptIteration, threaded.id)
    db.session.refresh(kept)
    assert kept.saved_prompt_id is None and kept.thread_id == thread.id


def test_thread_trash_and_restore_move_its_iterations_together(db, user):
    thread = service.create_thread(user.id, {"title": "T"})
    iteration = service.add_iteration(user.id, thread.id, {"prompt": "p"})
    service.delete_thread(user.id, thread.id)
    assert service.list_iterations(user.id).count == 0
    with pytest.raises(AppError) as error:
        service.restore_iteration(user.id, iteration.id)
    assert error.value.status == 409
    with pytest.raises(AppError):
        service.add_iteration(user.id, thread.id, {"prompt": "late"})
    service.restore_thread(user.id, thread.id)
    assert service.get_iteration(user.id, iteration.id).is_active
    assert service.get_thread(user.id, thread.id).iteration_count == 1


def test_a_thread_moved_to_another_prompt_takes_its_iterations_along(db, user):
    thread = service.create_thread(user.id, {"title": "T", "saved_prompt_id": _saved(user).id})
    iteration = service.add_iteration(user.id, thread.id, {"prompt": "p"})
    target = _saved(user, title="Other")
    service.update_thread(user.id, thread.id, {"saved_prompt_id": target.id})
    assert service.get_iteration(user.id, iteration.id).saved_prompt_id == target.id
    assert [i.id for i in service.list_iterations(user.id, saved_prompt_id=target.id).results] == [iteration.id]
