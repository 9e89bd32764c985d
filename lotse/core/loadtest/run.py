"""The ``load`` benchmark: counsellor traffic against gunicorn on loopback, one step at a time.

Steps, each driven by wrk with the same number of connections for the same time:

- ``login``: user name and password, then the one-time code (four requests, by the Python client: the password
  hash is deliberately slow, so logins are measured apart and are not the server's throughput);
- ``search``: the person search with a name of the counsellor's own clients;
- ``casefile``: a case file of the counsellor's team, with its audit entry;
- ``contact_create``: a routine contact posted with the form's own tokens (each token used once);
- ``worklist``: the counsellor's worklist;
- ``trivial``: a view that returns "ok" behind the same middleware (session, login, second factor): the ceiling
  of what any logged-in page can reach on this server. ``trivial_anonymous`` (no session) is printed as well.

Every response's status is checked (a redirect to the login counts as an error, not as a fast answer).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

from lotse.core.bench import benchmark, percentile
from lotse.core.loadtest.client import Browser, LoadClientError, checkbox_values, hidden_fields, input_value, log_in

HERE = Path(__file__).resolve().parent
PASSWORD = "Lastprobe-Lotse-2026!"  # only ever set on the synthetic benchmark users
SCALE = {
    # users logging in, seconds per step, contact forms prepared
    "small": {"users": 24, "seconds": 8, "contacts": 300},
    "national": {"users": 96, "seconds": 20, "contacts": 1500},
}
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "4"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", str((os.cpu_count() or 2) + 1)))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "1"))


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Counsellor:
    username: str
    device_id: int
    team_id: int
    cookie: str = ""
    searches: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    open_cases: tuple[str, ...] = ()


# --- the world ----------------------------------------------------------------------------------------------------


def _counsellors(scale: str, count: int) -> list[Counsellor]:
    """Counsellors of the synthetic dataset, spread over organisations, able to log in with password and TOTP."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lotse.organisations.models import Membership, Role
    from lotse.reports.bench_data import COUNSELLOR_PREFIX, ensure_report_dataset

    ensure_report_dataset(scale)
    memberships = list(Membership.objects.filter(user__username__startswith=COUNSELLOR_PREFIX, role=Role.COUNSELLOR)
                       .order_by("user__username").values_list("user_id", "user__username", "team_id"))
    step = max(1, len(memberships) // count)
    chosen = memberships[::step][:count]
    hashed = make_password(PASSWORD)
    from lotse.accounts.models import User

    User.objects.filter(pk__in=[user_id for user_id, _, _ in chosen]).update(password=hashed)
    counsellors = []
    for user_id, username, team_id in chosen:
        device, _ = TOTPDevice.objects.get_or_create(user_id=user_id, name="Lastprobe",
                                                     defaults={"confirmed": True})
        counsellors.append(Counsellor(username=username, device_id=device.pk, team_id=team_id))
    return counsellors


def _fill_work(counsellors: list[Counsellor], rng: random.Random) -> None:
    """Search terms (own clients' names, as typed) and case ids of each counsellor's team."""
    from lotse.cases.models import Case
    from lotse.people.models import Person

    for counsellor in counsellors:
        names = list(Person.objects.filter(team_id=counsellor.team_id).order_by("?")
                     .values_list("given_names", "family_name")[:40])
        counsellor.searches = tuple(
            f"{given.split()[0]} {family}" if index % 3 else family[: max(4, len(family) - 1)]
            for index, (given, family) in enumerate(names))
        cases = list(Case.objects.filter(team_id=counsellor.team_id).order_by("?").values_list("public_id", "status")[:60])
        counsellor.cases = tuple(str(public_id) for public_id, _ in cases)
        counsellor.open_cases = tuple(str(public_id) for public_id, status in cases if status == Case.Status.OPEN)


def _code(device_id: int) -> str:
    """The current one-time code; waits for the next time step when this device's code was already used."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(pk=device_id)
    now = time.time()
    step_now = int((now - device.t0) // device.step)
    if (device.last_t is not None and device.last_t >= step_now) or device.step - (now - device.t0) % device.step < 2:
        time.sleep(device.step - (now - device.t0) % device.step + 0.2)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# --- the server ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_url() -> str:
    url = os.environ.get("LOTSE_CACHE_URL", "redis://127.0.0.1:6379/3")
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return url
    except OSError:
        return ""


def _server_environment(static_root: Path) -> dict:
    database = settings.DATABASES["default"]
    env = {**os.environ, "LOTSE_ENV": "production", "LOTSE_SECRET_KEY": secrets.token_urlsafe(50),
           "LOTSE_ALLOWED_HOSTS": "127.0.0.1", "LOTSE_SSL_REDIRECT": "0", "LOTSE_SECURE_COOKIES": "0",
           "LOTSE_HSTS_SECONDS": "0", "LOTSE_LOG_LEVEL": "WARNING", "LOTSE_STATIC_ROOT": str(static_root),
           "LOTSE_CACHE_URL": _redis_url(), "LOTSE_CACHE_PREFIX": f"bench-{secrets.token_hex(4)}",
           "DJANGO_SETTINGS_MODULE": "lotse.settings"}
    for name in ("LOTSE_DEMO_MODE", "LOTSE_DEBUG"):
        env.pop(name, None)
    if database["ENGINE"].endswith("sqlite3"):
        env.pop("DATABASE_URL", None)
        env["LOTSE_SQLITE_PATH"] = str(database["NAME"])
    return env


@contextmanager
def gunicorn(env: dict):
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="lotse-bench-gunicorn-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "gunicorn", "lotse.core.loadtest.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class",
               "gthread" if THREADS > 1 else "sync", "--keep-alive", "5", "--timeout", "60", "--preload",
               "--error-logfile", log.name]
    process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn did not start: " + Path(log.name).read_text()[-2000:])
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        _log(f"gunicorn log: {log.name}")


# --- driving ------------------------------------------------------------------------------------------------------


def _wrk(port: int, lines: list[str], *, expected: int, once: bool, seconds: int, workdir: Path, name: str) -> dict:
    requests_file = workdir / f"{name}.tsv"
    requests_file.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t", "1", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
               "-s", str(HERE / "step.lua"), f"http://127.0.0.1:{port}/", "--", str(requests_file),
               str(expected), "once" if once else "cycle", f"http://127.0.0.1:{port}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-RESULT "))
    result = json.loads(line.removeprefix("WRK-RESULT "))
    answered = result["requests"] - result["fillers"]
    errors = (result["connect"] + result["read"] + result["write"] + result["timeout"] + result["mismatched"])
    figures = {
        f"{name}_rps": round(answered / (result["duration_us"] / 1e6), 1),
        f"{name}_p50_ms": round(result["p50_us"] / 1000, 1),
        f"{name}_p95_ms": round(result["p95_us"] / 1000, 1),
        f"{name}_p99_ms": round(result["p99_us"] / 1000, 1),
        f"{name}_requests": answered,
        f"{name}_errors": errors,
    }
    if errors:
        _log(f"  {name}: {errors} errors, first: {result['first_mismatch'] or 'socket errors'}")
    _log(f"  {name}: {figures[f'{name}_rps']} req/s, p50 {figures[f'{name}_p50_ms']} ms, "
         f"p95 {figures[f'{name}_p95_ms']} ms, p99 {figures[f'{name}_p99_ms']} ms")
    return figures


def _logins(port: int, counsellors: list[Counsellor]) -> dict:
    """Log everyone in (two at a time, as at the start of a working day); keeps their session cookies."""
    from django.db import close_old_connections

    def one(counsellor: Counsellor):
        browser = Browser("127.0.0.1", port)
        try:
            seconds = log_in(browser, username=counsellor.username, password=PASSWORD,
                             code_for=lambda: _code(counsellor.device_id))
            counsellor.cookie = browser.cookie_header()
            return seconds, None
        except (LoadClientError, OSError) as error:
            return None, str(error)
        finally:
            browser.close()
            close_old_connections()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, counsellors))
    elapsed = time.perf_counter() - started
    samples = [seconds * 1000 for seconds, error in results if error is None]
    failures = [error for _, error in results if error is not None]
    for error in failures[:3]:
        _log(f"  login failed: {error}")
    figures = {"login_rps": round(len(samples) / elapsed, 1), "login_errors": len(failures),
               "login_p50_ms": round(statistics.median(samples), 1) if samples else None,
               "login_p95_ms": percentile(samples, 0.95) if samples else None,
               "login_p99_ms": percentile(samples, 0.99) if samples else None}
    _log(f"  login: {len(samples)} counsellors in {elapsed:.1f} s, p95 {figures['login_p95_ms']} ms")
    return figures


def _contact_posts(port: int, counsellors: list[Counsellor], total: int) -> list[str]:
    """Open the contact form as the counsellor would and fill it in: one prepared POST per form opened."""
    from django.db import close_old_connections

    per_counsellor = max(1, total // len(counsellors))

    def prepare(counsellor: Counsellor) -> list[str]:
        browser = Browser("127.0.0.1", port)
        browser.cookies = dict(part.split("=", 1) for part in counsellor.cookie.split("; ") if "=" in part)
        lines = []
        try:
            for index in range(per_counsellor):
                case = counsellor.open_cases[index % len(counsellor.open_cases)]
                path = f"/faelle/{case}/kontakte/neu/"
                status, _, page = browser.request("GET", path)
                if status != 200:
                    raise LoadClientError(f"contact form of {case} answered {status}")
                topics = checkbox_values(page, "topics")
                form = hidden_fields(page) | {
                    "occurred_at": input_value(page, "occurred_at"), "duration_minutes": "30",
                    "kind": "office_hour", "outcome": "took_place", "notes": "Lastprobe: Beratung zur Arbeitssuche."}
                if topics:
                    form["topics"] = topics[index % len(topics)]
                lines.append(f"POST\t{path}\t{browser.cookie_header()}\t{urlencode(form)}")
        finally:
            browser.close()
            close_old_connections()
        return lines

    with ThreadPoolExecutor(max_workers=2) as pool:
        prepared = [line for lines in pool.map(prepare, [c for c in counsellors if c.open_cases]) for line in lines]
    random.Random(3).shuffle(prepared)
    return prepared


def _rotate(counsellors, build) -> list[str]:
    lines = [line for counsellor in counsellors for line in build(counsellor)]
    random.Random(5).shuffle(lines)
    return lines


@benchmark("load")
def load_benchmark(scale: str) -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: `make bench` installs Debian's wrk (apt-get install wrk)")
    sizes = SCALE.get(scale, SCALE["small"])
    rng = random.Random(11)
    _log("preparing counsellors for the load test ...")
    counsellors = _counsellors(scale, sizes["users"])
    _fill_work(counsellors, rng)
    seconds = sizes["seconds"]
    with tempfile.TemporaryDirectory(prefix="lotse-load-") as workdir_name:
        workdir = Path(workdir_name)
        static_root = Path(settings.BASE_DIR) / "var" / "bench" / "static"
        env = _server_environment(static_root)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env=env,
                       cwd=settings.BASE_DIR, check=True)
        connection.close()
        figures = {"load_workers": WORKERS, "load_threads": THREADS, "load_connections": CONNECTIONS,
                   "load_seconds_per_step": seconds, "load_counsellors": len(counsellors),
                   "load_cache": "redis" if env["LOTSE_CACHE_URL"] else "local-memory",
                   "cpu_count": os.cpu_count()}
        with gunicorn(env) as port:
            figures |= _logins(port, counsellors)
            counsellors = [c for c in counsellors if c.cookie]
            trivial = _rotate(counsellors, lambda c: [f"GET\t/bench/trivial/\t{c.cookie}"])
            anonymous = ["GET\t/bench/trivial-anonymous/\t"]
            search = _rotate(counsellors, lambda c: [f"GET\t/personen/?q={quote(term)}\t{c.cookie}" for term in c.searches])
            casefile = _rotate(counsellors, lambda c: [f"GET\t/faelle/{case}/\t{c.cookie}" for case in c.cases])
            worklist = _rotate(counsellors, lambda c: [f"GET\t/arbeitsliste/\t{c.cookie}"])
            _log("warming up ...")
            _wrk(port, casefile + search, expected=200, once=False, seconds=3, workdir=workdir, name="warmup")
            _log("driving the steps ...")
            figures |= _wrk(port, trivial, expected=200, once=False, seconds=seconds, workdir=workdir, name="trivial")
            figures |= _wrk(port, anonymous, expected=200, once=False, seconds=seconds, workdir=workdir,
                            name="trivial_anonymous")
            figures |= _wrk(port, search, expected=200, once=False, seconds=seconds, workdir=workdir, name="search_http")
            figures |= _wrk(port, casefile, expected=200, once=False, seconds=seconds, workdir=workdir, name="casefile")
            figures |= _wrk(port, worklist, expected=200, once=False, seconds=seconds, workdir=workdir, name="worklist")
            posts = _contact_posts(port, counsellors, sizes["contacts"])
            figures |= _wrk(port, posts, expected=302, once=True, seconds=seconds, workdir=workdir,
                            name="contact_create")
    figures["errors"] = sum(value for key, value in figures.items() if key.endswith("_errors") and value)
    figures["casefile_vs_trivial"] = round(figures["casefile_rps"] / figures["trivial_rps"], 3)
    return figures
