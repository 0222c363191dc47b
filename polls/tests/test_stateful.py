"""Random sequences of votes, changes and sign-ins: after every step each counter equals its rows."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from polls.models import Vote
from polls.services import Voter, poll_vote_cast, poll_votes_merge

from .factories import choices, make_poll, make_user

BROWSERS = 4
MEMBERS = 3


class PollMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.poll = make_poll(labels=("찬성", "반대", "모르겠다"))
        self.choices = choices(self.poll)
        self.users = [make_user() for _ in range(MEMBERS)]
        self.browsers = [Voter.browser(f"hyp-{self.poll.pk}-{i}") for i in range(BROWSERS)]
        # The model: each voter's (first, current) choice.
        self.ballots: dict[str, tuple[int, int]] = {}

    def _cast(self, voter: Voter, choice_index: int):
        poll_vote_cast(poll=self.poll, choice=self.choices[choice_index], voter=voter)
        before = self.ballots.get(voter.key)
        if before is None:
            self.ballots[voter.key] = (choice_index, choice_index)
        elif before[1] != choice_index:
            self.ballots[voter.key] = (before[0], choice_index)

    @rule(i=st.integers(0, BROWSERS - 1), choice=st.integers(0, 2))
    def browser_votes(self, i, choice):
        self._cast(self.browsers[i], choice)

    @rule(i=st.integers(0, MEMBERS - 1), choice=st.integers(0, 2))
    def member_votes(self, i, choice):
        self._cast(Voter.member(self.users[i]), choice)

    @rule(i=st.integers(0, BROWSERS - 1), m=st.integers(0, MEMBERS - 1))
    def browser_signs_in(self, i, m):
        browser, member = self.browsers[i], Voter.member(self.users[m])
        poll_votes_merge(anonymous_key=browser.key, user=self.users[m])
        if browser.key in self.ballots:
            ballot = self.ballots.pop(browser.key)
            self.ballots.setdefault(member.key, ballot)

    @invariant()
    def counters_equal_rows_and_the_model(self):
        rows = {
            key: (first, current)
            for key, first, current in Vote.objects.filter(poll=self.poll).values_list(
                "voter_key", "first_choice_id", "choice_id"
            )
        }
        refs = [c.ref for c in self.choices]
        assert rows == {key: (refs[f], refs[c]) for key, (f, c) in self.ballots.items()}
        for index, choice in enumerate(self.choices):
            choice.refresh_from_db()
            votes = sum(1 for _, c in self.ballots.values() if c == index)
            assert choice.vote_count == votes == sum(1 for _, r in rows.values() if r == choice.ref)
            # Readers who started here and stand elsewhere now, however often they moved.
            switched = sum(1 for f, c in self.ballots.values() if f == index != c)
            assert choice.switched_away_count == switched


@pytest.mark.django_db
def test_counters_always_equal_the_rows_behind_them():
    """Whatever readers do in whatever order — vote, change, repeat, sign in — the numbers stay exact."""
    run_state_machine_as_test(
        PollMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
