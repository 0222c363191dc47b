from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from polls.models import CHOICE_SLOTS, Choice, Poll, PollSnapshot, Vote
from polls.services import poll_snapshot_freeze, poll_vote_cast

from .factories import browser, choices, make_poll

pytestmark = pytest.mark.django_db


def test_database_refuses_a_vote_for_another_polls_choice():
    """A crafted write that skips every check still cannot put a 반대 from poll B into poll A."""
    poll_a, poll_b = make_poll(), make_poll()
    own, foreign = choices(poll_a)[0], choices(poll_b)[0]
    crafted = [
        {"choice": foreign, "first_choice": own},
        {"choice": own, "first_choice": foreign},
    ]
    for fields in crafted:
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(poll=poll_a, voter_key="a:crafted", **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.bulk_create([Vote(poll=poll_a, voter_key="a:crafted", **fields)])
    assert not Vote.objects.exists()


def test_database_refuses_a_second_vote_by_the_same_voter():
    """A double submit that slipped past the service still leaves one vote, not two."""
    poll = make_poll()
    pro, con = choices(poll)
    Vote.objects.create(poll=poll, choice=pro, first_choice=pro, voter_key="a:same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(poll=poll, choice=con, first_choice=con, voter_key="a:same")
    assert Vote.objects.filter(poll=poll).count() == 1


def test_database_refuses_a_voter_key_of_unknown_kind():
    """Votes belong to a member (`u:`) or a browser (`a:`); nothing else can be stored."""
    poll = make_poll()
    with pytest.raises(IntegrityError), transaction.atomic():
        pro = choices(poll)[0]
        Vote.objects.create(poll=poll, choice=pro, first_choice=pro, voter_key="1.2.3.4")


def test_choice_refs_are_slots_of_their_poll_and_never_move():
    """Renaming or reordering a choice keeps every vote pointing at it."""
    poll = make_poll(labels=("찬성", "반대", "모르겠다"))
    refs = [c.ref for c in choices(poll)]
    assert refs == [poll.pk * CHOICE_SLOTS + i for i in range(3)]
    pro = choices(poll)[0]
    pro.label, pro.order = "찬성해요", 9
    pro.save()
    pro.refresh_from_db()
    assert pro.ref == refs[0]


def test_database_refuses_a_choice_ref_outside_its_poll():
    """A choice cannot pretend to be a slot of another poll."""
    poll_a, poll_b = make_poll(), make_poll()
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.bulk_create(
            [Choice(poll=poll_a, ref=poll_b.pk * CHOICE_SLOTS + 7, label="x")]
        )


def test_poll_must_close_after_it_opens():
    """An editor cannot save a poll that closes before it opens."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make_poll(closes_at=timezone.now() - timedelta(days=1))


def test_an_editors_save_never_puts_back_an_old_count():
    """Readers keep voting while an editor edits the poll: the editor's save keeps their votes."""
    poll = make_poll()
    pro = choices(poll)[0]
    stale_choice = Choice.objects.get(pk=pro.pk)
    stale_poll = Poll.objects.get(pk=poll.pk)
    for n in range(3):
        poll_vote_cast(poll=poll, choice=pro, voter=browser(f"reader-{n}"))
    stale_choice.label = "찬성 (수정)"
    stale_choice.save()
    stale_poll.question = "고친 질문"
    stale_poll.save()
    pro.refresh_from_db()
    poll.refresh_from_db()
    assert (pro.label, pro.vote_count) == ("찬성 (수정)", 3)
    assert poll.question == "고친 질문"


def test_final_result_cannot_be_changed_or_deleted():
    """Once `최종 결과` is frozen, no save, update or delete can alter it."""
    poll = make_poll(opens_at=timezone.now() - timedelta(days=2))
    poll_vote_cast(poll=poll, choice=choices(poll)[0], voter=browser())
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    snapshot = poll_snapshot_freeze(poll=poll)
    snapshot.total = 999
    with pytest.raises(TypeError):
        snapshot.save()
    with pytest.raises(TypeError):
        PollSnapshot.objects.filter(pk=snapshot.pk).update(total=999)
    with pytest.raises(TypeError):
        snapshot.delete()
    assert PollSnapshot.objects.get(pk=snapshot.pk).total == 1
