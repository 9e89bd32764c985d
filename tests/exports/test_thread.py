"""A large export runs in a thread of its own after the request's transaction has committed."""

from threading import Thread

import pytest

from lotse.audit.models import AuditEvent
from lotse.exports import services
from lotse.exports.services import export_request
from tests.exports.conftest import read


@pytest.mark.django_db(transaction=True)
def test_a_large_export_runs_in_a_background_thread(reference_data, persons, counsellor, settings,
                                                    monkeypatch):
    settings.LOTSE_EXPORT_INLINE_ROWS = 2
    settings.LOTSE_EXPORT_BATCH_SIZE = 1
    threads = []

    class Recording(Thread):
        def start(self):
            threads.append(self)
            super().start()

    monkeypatch.setattr(services, "Thread", Recording)
    job = export_request(actor=counsellor, kind="persons", parameters="", format="xlsx")
    assert job.rows_total == 3 and len(threads) == 1 and threads[0].name == f"lotse-export-{job.pk}"
    threads[0].join(timeout=60)
    assert not threads[0].is_alive()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 3, 3)
    assert [row[1] for row in read(job)[1:]] == ["Abadi", "Haddad", "Nasser"]
    exported = AuditEvent.objects.get(action="export.records_exported")
    assert sorted(exported.details["ids"]) == sorted(str(persons[name].public_id)
                                                     for name in ("abadi", "haddad", "nasser"))
    assert exported.actor_id == counsellor.pk
