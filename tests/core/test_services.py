"""One-time submissions: claiming, releasing, expiry and purging of form tokens and API idempotency keys."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lotse.core import services
from lotse.core.middleware import FORM_TOKEN_PATTERN
from lotse.core.models import SubmissionClaim
from lotse.core.services import (SUBMISSION_WINDOW, api_submission_token, submission_claim, submission_release,
                                 submissions_purge)

pytestmark = pytest.mark.django_db


def _no_purge(monkeypatch):
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 1)


def test_a_token_is_claimed_once_and_can_be_released(monkeypatch):
    _no_purge(monkeypatch)
    assert submission_claim(token="c" * 32) is True
    assert submission_claim(token="c" * 32) is False
    submission_release(token="c" * 32)
    assert submission_claim(token="c" * 32) is True
    assert SubmissionClaim.objects.filter(token="c" * 32).count() == 1


def test_an_expired_claim_is_taken_over_a_recent_one_is_not(monkeypatch):
    _no_purge(monkeypatch)
    now = timezone.now()
    SubmissionClaim.objects.create(token="d" * 32, claimed_at=now - SUBMISSION_WINDOW - timedelta(minutes=1))
    SubmissionClaim.objects.create(token="e" * 32, claimed_at=now - SUBMISSION_WINDOW + timedelta(minutes=1))
    assert submission_claim(token="d" * 32, now=now) is True
    assert submission_claim(token="e" * 32, now=now) is False
    assert SubmissionClaim.objects.get(token="d" * 32).claimed_at == now
    assert submission_claim(token="d" * 32, now=now) is False


def test_every_hundredth_claim_purges_expired_ones(monkeypatch):
    now = timezone.now()
    SubmissionClaim.objects.create(token="d" * 32, claimed_at=now - timedelta(days=1, minutes=1))
    SubmissionClaim.objects.create(token="e" * 32, claimed_at=now - timedelta(hours=23))
    _no_purge(monkeypatch)
    assert submission_claim(token="f" * 32) is True
    assert SubmissionClaim.objects.count() == 3
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: 0 if n == services.PURGE_ONE_IN else 1)
    assert submission_claim(token="g" * 32) is True
    assert sorted(SubmissionClaim.objects.values_list("token", flat=True)) == [c * 32 for c in "efg"]
    assert submissions_purge() == 0


def test_api_keys_are_digests_per_token_that_no_form_token_can_equal():
    token = api_submission_token(token_prefix="abc123", key="anlage-1")
    assert token.startswith("api:") and len(token) == 68
    assert token == api_submission_token(token_prefix="abc123", key="anlage-1")
    assert token != api_submission_token(token_prefix="abc124", key="anlage-1")
    assert token != api_submission_token(token_prefix="abc123", key="anlage-2")
    assert not FORM_TOKEN_PATTERN.fullmatch(token)
    assert submission_claim(token=api_submission_token(token_prefix="p", key="k" * 200)) is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_of_one_token_let_exactly_one_through():
    """Eight threads INSERT the same token at once; the unique constraint admits one."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared-cache test database refuses concurrent writers instead of queueing them")
    barrier, results = threading.Barrier(8), []

    def claim():
        try:
            barrier.wait(10)
            results.append(submission_claim(token="h" * 32))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False] * 7 + [True]
    assert SubmissionClaim.objects.filter(token="h" * 32).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_claimed_api_keys_claimed():
    """Keys of the former ``accounts.IdempotencyKey`` table become claims: the same key is still refused."""
    before = [("accounts", "0002_idempotencykey"), ("core", "0001_form_submission")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    user = old.get_model("accounts", "User").objects.create(username="skript", password="!")
    api_token = old.get_model("accounts", "ApiToken").objects.create(
        user=user, name="Skript", prefix="abc123", key_hash="x" * 64, expires_at=timezone.now() + timedelta(days=1))
    old.get_model("accounts", "IdempotencyKey").objects.create(token=api_token, key="anlage-1")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert submission_claim(token=api_submission_token(token_prefix="abc123", key="anlage-1")) is False
    assert submission_claim(token=api_submission_token(token_prefix="abc123", key="anlage-2")) is True
