"""PostgreSQL restarted and crashed under load: Lotse answers 503 meanwhile, saves nothing halfway, recovers alone.

A private PostgreSQL cluster (initdb in a temporary directory, its own port) runs Lotse's production settings
behind gunicorn (2 workers, gthread). The test client plays the TLS reverse proxy (``X-Forwarded-Proto: https``,
``LOTSE_BEHIND_PROXY=1``), so HTTPS redirects, secure cookies and the CSRF origin check work as in production.
Only static files are served unhashed (``tests/faults/production_settings.py``): ``collectstatic`` takes minutes.

While threads record contacts through the HTML form (logged in with password and authenticator code), create
persons through the API and read a case file, the cluster is restarted (``pg_ctl restart -m fast``) and then
crashed (``pg_ctl stop -m immediate``, a pause, ``pg_ctl start`` with crash recovery). Then:

- every answer was a success or a 503 with the German page / JSON message; no 500, no connection without answer;
- a few seconds after each restart every request succeeds again, with the same gunicorn workers;
- every contact and person in the database belongs to a request that was sent, at most once, complete with
  its topics, name keys and audit event; every success has its row; rows of requests answered 503 (the commit
  went through, a later step failed) are counted exactly;
- ``manage.py audit_verify`` passes.

The second test round-trips ``manage.py backup``/``restore`` on the cluster, into a second database and back
into the first, comparing every table's rows. The migrated empty database is cached in ``var/test-cache/`` (keyed by the migrations), because
migrating takes a minute; delete the directory to force a fresh migration.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "var" / "test-cache"
CACHE_FORMAT = "1"
RECOVERY_SECONDS = 5.0
REQUEST_TIMEOUT = 20

PAGE_TITLE = "Database temporarily unavailable"
API_MESSAGE = "The database is temporarily unavailable. Please try again in a few seconds."

pytestmark = [pytest.mark.xdist_group("postgres_faults")]


# --- the private cluster ------------------------------------------------------------------------------------

def _server_bindir() -> Path | None:
    candidates = [os.environ.get("LOTSE_PG_BINDIR", "")]
    candidates += sorted((str(path) for path in Path("/usr/lib/postgresql").glob("*/bin")),
                         key=lambda path: int(re.sub(r"\D", "", path) or 0), reverse=True)
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(result.stdout.strip())
    for candidate in candidates:
        if candidate and all((Path(candidate) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    return None


def _free_port() -> int:
    for _attempt in range(50):
        port = 55432 + random.randrange(2000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the private PostgreSQL cluster")


class Cluster:
    def __init__(self, bindir: Path, base: Path):
        self.bindir, self.base, self.port = bindir, base, _free_port()
        self.data = base / "data"
        self.log = base / "postgres.log"
        self.as_root = os.geteuid() == 0

    def _tool(self, tool: str, *args: str, timeout: int = 90) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, cwd=self.base)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{self.log_tail()}")
        return result

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def init(self) -> None:
        self._tool("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                   "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.base}'\nmax_connections = 40\nshared_buffers = 32MB\n")

    def pg_ctl(self, *args: str) -> tuple[float, float]:
        began = time.monotonic()
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)
        return began, time.monotonic()

    def client_tool(self, tool: str, *args: str) -> None:
        result = subprocess.run([str(self.bindir / tool), *args], capture_output=True, text=True, timeout=300,
                                check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{result.stderr}")

    def url(self, database: str = "lotse") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="module")
def cluster():
    bindir = _server_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install the Debian package "
                    "postgresql or set LOTSE_PG_BINDIR")
    base = Path(tempfile.mkdtemp(prefix="lotse-pg-fault-"))
    server = None
    try:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        server = Cluster(bindir, base)
        server.init()
        server.pg_ctl("start")
        yield server
    finally:
        if server is not None and (server.data / "postmaster.pid").exists():
            try:
                server.pg_ctl("-m", "immediate", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(base, ignore_errors=True)


# --- Lotse on the cluster -----------------------------------------------------------------------------------

SECRET_KEY = hashlib.sha256(os.urandom(32)).hexdigest()


def lotse_env(cluster: Cluster, database: str = "lotse") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LOTSE_", "DJANGO_", "PG")) and key != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.faults.production_settings", "LOTSE_ENV": "production",
        "LOTSE_SECRET_KEY": SECRET_KEY, "LOTSE_ALLOWED_HOSTS": "127.0.0.1", "LOTSE_BEHIND_PROXY": "1",
        "LOTSE_LOG_LEVEL": "WARNING", "DATABASE_URL": cluster.url(database), "PYTHONPATH": str(ROOT),
        "PATH": f"{cluster.bindir}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    return env


def manage(cluster: Cluster, *args: str, database: str = "lotse", timeout: int = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=lotse_env(cluster, database),
                            capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def task(cluster: Cluster, name: str, database: str = "lotse") -> dict:
    result = subprocess.run([sys.executable, "-m", "tests.faults.cluster_tasks", name], cwd=ROOT,
                            env=lotse_env(cluster, database), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def _migrations_fingerprint(cluster: Cluster) -> str:
    import django

    digest = hashlib.sha256(f"{CACHE_FORMAT}|{django.__version__}|{cluster.bindir}".encode())
    sources = [*sorted(ROOT.glob("lotse/*/migrations/*.py")), ROOT / "lotse" / "codelists" / "loader.py",
               *sorted(path for path in (ROOT / "lotse" / "codelists" / "data").rglob("*") if path.is_file())]
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


@pytest.fixture(scope="module")
def migrated(cluster):
    """The migrated database, from the cache when the migrations are unchanged."""
    cluster.create_database("lotse")
    cache = CACHE_DIR / f"postgres-migrated-{_migrations_fingerprint(cluster)}.dump"
    if cache.exists():
        cluster.client_tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={cluster.url()}", str(cache))
    else:
        manage(cluster, "migrate", "--no-input", "-v0")
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        fresh = CACHE_DIR / f".{cache.name}.{os.getpid()}"
        cluster.client_tool("pg_dump", "--format=custom", f"--file={fresh}", cluster.url())
        for stale in CACHE_DIR.glob("postgres-migrated-*.dump"):
            stale.unlink(missing_ok=True)
        os.replace(fresh, cache)


@pytest.fixture(scope="module")
def world(cluster, migrated):
    """The counsellor, token and cases the load works with (created while gunicorn boots)."""
    return task(cluster, "setup")


@dataclass
class Gunicorn:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def gunicorn(cluster, migrated):
    port = _free_port()
    log = cluster.base / "gunicorn.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "lotse.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "30",
               "--graceful-timeout", "5", "--error-logfile", str(log), "--no-control-socket"]
    process = subprocess.Popen(command, cwd=ROOT, env=lotse_env(cluster), stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    server = Gunicorn(process, port, log)
    try:
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_healthy(server: Gunicorn, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"gunicorn exited:\n{server.log_tail()}"
        try:
            if Browser(server.base_url).get(server.base_url + "/healthz", timeout=2).status_code == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not become healthy:\n{server.log_tail()}")


# --- the client: a browser behind the TLS proxy, and an API script -------------------------------------------

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = {"action": attributes.get("action") or "", "method": (attributes.get("method") or "get"),
                          "hidden": {}, "names": set()}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and attributes.get("name"):
            self._form["names"].add(attributes["name"])
            if tag == "input" and attributes.get("type") == "hidden":
                self._form["hidden"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def post_form(html: str, field: str) -> dict:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() == "post" and field in form["names"]:
            return form
    raise AssertionError(f"no form with field {field!r} in the page")


@dataclass
class Answer:
    status_code: int
    headers: Message
    text: str
    url: str

    def json(self):
        return json.loads(self.text)


class Browser:
    """A browser behind the TLS proxy, on http.client: it sends its secure cookies over the local plain
    connection (the proxy would have received them over TLS) and follows no redirect by itself."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = dict(cookies or {})
        self.headers = {**PROXY_HEADERS, "Origin": base_url.replace("http://", "https://"), "Accept-Language": "de"}

    def request(self, method: str, url: str, *, data: dict | None = None, json_body: dict | None = None,
                headers: dict | None = None, timeout: float = REQUEST_TIMEOUT) -> Answer:
        target = urlsplit(url)
        sent, body = {**self.headers, **(headers or {})}, None
        if data is not None:
            body, sent["Content-Type"] = urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, target.path + (f"?{target.query}" if target.query else ""), body=body,
                               headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text, url)

    def get(self, url: str, **options) -> Answer:
        return self.request("GET", url, **options)

    def post(self, url: str, **options) -> Answer:
        return self.request("POST", url, **options)


def follow(session: Browser, url: str, hops: int = 5) -> Answer:
    for _hop in range(hops):
        response = session.get(url)
        if response.status_code not in (301, 302, 303):
            return response
        url = urljoin(url, response.headers["Location"])
    raise AssertionError(f"too many redirects, last {url}")


def totp_code(key_hex: str) -> str:
    """The authenticator's next code: the setup confirmed the device with the current one, which is spent.

    django-otp accepts codes one step ahead (tolerance 1) and never a step it has seen before.
    """
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time() + 30
    return f"{totp.token():06d}"


def log_in(server: Gunicorn, world: dict):
    """Password, then the authenticator code – the real login of a counsellor."""
    session = Browser(server.base_url)
    page = follow(session, server.base_url + "/konto/anmelden/")
    assert page.status_code == 200, page.text[:500]
    form = post_form(page.text, "password")
    answer = session.post(server.base_url + (form["action"] or "/konto/anmelden/"),
                          data={**form["hidden"], "username": world["username"], "password": world["password"]})
    assert answer.status_code == 302, answer.text[:2000]
    page = follow(session, server.base_url + answer.headers["Location"])
    assert page.status_code == 200 and 'name="token"' in page.text, page.text[:2000]
    form = post_form(page.text, "token")
    answer = session.post(server.base_url + form["action"] if form["action"] else page.url,
                          data={**form["hidden"], "token": totp_code(world["totp_key"])})
    assert answer.status_code == 302, answer.text[:2000]
    case_file = session.get(f"{server.base_url}/faelle/{world['cases'][0]}/")
    assert case_file.status_code == 200, f"not logged in: {case_file.status_code} {case_file.headers}"
    return session


# --- the load -----------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str
    marker: str
    started: float
    ended: float
    status: int | None
    verdict: str  # ok | outage | wrong (any other answer) | no-answer
    detail: str = ""


class Load:
    def __init__(self, server: Gunicorn, world: dict, browser_cookies):
        from tests.factories import german

        self.server, self.world, self.cookies = server, world, browser_cookies
        self.page_title = german(PAGE_TITLE)
        self.api_message = german(API_MESSAGE)
        self.outcomes: list[Outcome] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(target, number), daemon=True) for target, number in
                        ((self._contact, 0), (self._contact, 1), (self._case_file, 2), (self._person, 0),
                         (self._person, 1))]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in self.threads), "a load thread hangs"

    def _run(self, target, number):
        session = Browser(self.server.base_url, self.cookies)
        counter = 0
        while not self.stop.is_set():
            counter += 1
            outcome = target(session, number, counter)
            with self._lock:
                self.outcomes.append(outcome)
            time.sleep(0.2 if outcome.verdict != "ok" else 0.01)

    def _request(self, session, kind, marker, method, url, *, expect, api=False, **options):
        started = time.monotonic()
        try:
            response = session.request(method, self.server.base_url + url, **options)
        except (OSError, http.client.HTTPException) as exc:
            return Outcome(kind, marker, started, time.monotonic(), None, "no-answer", repr(exc)), None
        ended = time.monotonic()
        verdict, detail = "wrong", response.text[:300]
        if expect(response):
            verdict, detail = "ok", ""
        elif response.status_code == 503 and response.headers.get("Retry-After"):
            if api and response.headers.get("Content-Type", "").startswith("application/json"):
                verdict = "outage" if response.json() == {"message": self.api_message} else "wrong"
            elif not api and f">{self.page_title}</h1>" in response.text and '<html lang="de"' in response.text:
                verdict = "outage"
        return Outcome(kind, marker, started, ended, response.status_code, verdict, detail), response

    def _contact(self, session, number, counter) -> Outcome:
        case = self.world["cases"][number]
        url = f"/faelle/{case}/kontakte/neu/"
        outcome, page = self._request(session, "contact-form", "", "GET", url,
                                      expect=lambda r: r.status_code == 200 and 'name="occasion"' in r.text)
        if outcome.verdict != "ok":
            return outcome
        form = post_form(page.text, "occasion")
        occurred = (datetime.now(ZoneInfo("Europe/Berlin")) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        marker = f"last-h{number}-{counter}"
        data = {**form["hidden"], "occurred_at": occurred, "duration_minutes": "30", "kind": "office_hour",
                "outcome": "took_place", "topics": [self.world["topic"]], "occasion": marker, "location": "",
                "interpreter_name": "", "others_present": "", "notes": "", "repeat_offer_on": ""}
        return self._request(session, "contact", marker, "POST", url, data=data,
                             expect=lambda r: r.status_code == 302 and "/kontakte/" in r.headers["Location"])[0]

    def _case_file(self, session, number, counter) -> Outcome:
        case = self.world["cases"][number]
        return self._request(session, "case-file", "", "GET", f"/faelle/{case}/",
                             expect=lambda r: r.status_code == 200 and "<h1" in r.text)[0]

    def _person(self, session, number, counter) -> Outcome:
        marker = f"Lastprobe-{_letters(number)}-{_letters(counter)}"  # names hold no digits
        payload = {"family_name": marker, "given_names": "Probe", "confirm_new": True, "team": self.world["team"]}
        return self._request(session, "person", marker, "POST", "/api/persons", api=True, json_body=payload,
                             headers={"Authorization": f"Bearer {self.world['api_token']}"},
                             expect=lambda r: r.status_code == 201)[0]


def _letters(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if not number:
            return text.capitalize()


def _summary(outcomes: list[Outcome]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for outcome in outcomes:
        counts[(outcome.kind, outcome.verdict)] = counts.get((outcome.kind, outcome.verdict), 0) + 1
    return ", ".join(f"{kind}/{verdict}: {count}" for (kind, verdict), count in sorted(counts.items()))


def test_postgres_restart_and_crash_under_load(cluster, gunicorn, world):
    _wait_until_healthy(gunicorn)
    workers = gunicorn.workers()
    assert len(workers) == 2
    load = Load(gunicorn, world, log_in(gunicorn, world).cookies)
    load.start()
    try:
        time.sleep(2.5)
        fast = cluster.pg_ctl("-m", "fast", "restart")
        time.sleep(RECOVERY_SECONDS + 2)
        crash_began, _stopped = cluster.pg_ctl("-m", "immediate", "stop")
        time.sleep(1.5)
        _starting, crash_ended = cluster.pg_ctl("start")
        time.sleep(RECOVERY_SECONDS + 2)
    finally:
        load.finish()
    outcomes = load.outcomes
    summary = _summary(outcomes)
    print(f"\nLoad during restart and crash: {summary}")

    bad = [outcome for outcome in outcomes if outcome.verdict in ("wrong", "no-answer")]
    assert bad == [], f"answers other than success or 503 ({summary}):\n{bad[:5]}\n{gunicorn.log_tail()}"
    assert any(outcome.verdict == "outage" for outcome in outcomes), f"no request met the outage: {summary}"

    # Recovery without help: soon after each restart the first request succeeds, and from then on all do.
    phases = [("fast restart", fast[1], crash_began), ("crash", crash_ended, float("inf"))]
    for name, ended, next_began in phases:
        after = [o for o in outcomes if o.started >= ended and o.ended <= next_began]
        for kind in ("contact", "case-file", "person"):
            first_ok = min((o.ended for o in after if o.kind == kind and o.verdict == "ok"), default=None)
            assert first_ok is not None and first_ok - ended <= RECOVERY_SECONDS, (
                f"{kind} not working {RECOVERY_SECONDS}s after the {name}: {summary}")
            print(f"{name}: first {kind} succeeded {first_ok - ended:.2f}s after the database was back")
        failing = [o for o in after if o.started >= ended + RECOVERY_SECONDS and o.verdict != "ok"]
        assert failing == [], f"still failing {RECOVERY_SECONDS}s after the {name}: {failing[:5]}"
    assert gunicorn.process.poll() is None and gunicorn.workers() == workers, "gunicorn workers were replaced"

    # No partial writes: what the services wrote in one transaction is there completely, or not at all.
    state = task(cluster, "inspect")
    assert state["audit_verify"] == "ok"
    for kind, rows, complete in (
        ("contact", state["contacts"],
         lambda row: row["topics"] == [world["topic"]] and row["audit_events"] == 1),
        ("person", state["persons"],
         lambda row: row["name_keys"] > 0 and row["search_name"] and row["audit_event"]),
    ):
        sent = {o.marker: o for o in outcomes if o.kind == kind}
        markers = [row["marker"] for row in rows]
        assert len(markers) == len(set(markers)), f"a {kind} request was stored twice"
        assert set(markers) <= set(sent), f"{kind} rows without a request: {set(markers) - set(sent)}"
        incomplete = [row for row in rows if not complete(row)]
        assert incomplete == [], f"incomplete {kind} transactions: {incomplete}"
        succeeded = {marker for marker, o in sent.items() if o.verdict == "ok"}
        assert succeeded <= set(markers), f"{kind} answered as saved but missing: {succeeded - set(markers)}"
        committed_then_503 = {marker for marker in markers if sent[marker].verdict == "outage"}
        assert len(rows) == len(succeeded) + len(committed_then_503)
        print(f"{kind}: {len(succeeded)} saved and confirmed, {len(committed_then_503)} saved but answered 503, "
              f"{sum(1 for o in sent.values() if o.verdict == 'outage') - len(committed_then_503)} refused with 503")


def test_backup_and_restore_round_trip_on_the_private_cluster(cluster, world, tmp_path):
    import psycopg

    from tests.faults.dbstate import differing_tables, postgres_digests

    original = postgres_digests(cluster.url())
    backup = tmp_path / "lotse.dump"
    manage(cluster, "backup", str(backup))
    assert backup.read_bytes()[:5] == b"PGDMP"
    assert backup.stat().st_mode & 0o777 == 0o600

    cluster.create_database("lotse_copy")
    manage(cluster, "restore", str(backup), "--yes", "--target", "lotse_copy")
    assert differing_tables(original, postgres_digests(cluster.url("lotse_copy"))) == []

    with psycopg.connect(cluster.url(), autocommit=True) as connection:
        connection.execute("UPDATE people_person SET family_name = family_name || '-geändert'")
        connection.execute("DELETE FROM people_personnamekey")
        connection.execute("DELETE FROM accounts_apitoken")
    assert {"people_person", "people_personnamekey", "accounts_apitoken"} <= set(
        differing_tables(original, postgres_digests(cluster.url())))

    output = manage(cluster, "restore", str(backup), "--yes")
    # The restore verifies the hash chain with audit_verify's check (audit_chain_problem) and says so.
    assert "Audit trail of the restored database verified." in output
    assert differing_tables(original, postgres_digests(cluster.url())) == []
