"""A minimal HTTP client for preparing the load: logs counsellors in through the real forms, fetches form tokens.

Cookies are kept by hand because the benchmark server runs production settings over plain HTTP on loopback,
where a cookie jar would hold back the ``Secure`` cookies.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HIDDEN_INPUT = re.compile(r'<input\b(?=[^>]*\btype="hidden")[^>]*>', re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(name|value)="([^"]*)"')
CHECKBOX = re.compile(r'<input\b(?=[^>]*\btype="checkbox")(?=[^>]*\bname="([^"]+)")[^>]*\bvalue="([^"]*)"')


class LoadClientError(Exception):
    pass


@dataclass
class Browser:
    """One counsellor's browser: a keep-alive connection and the cookies the server set."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": self.cookie_header(), "Accept-Language": "de"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                        "Referer": self.origin + path}
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()  # sync workers close kept-alive connections; reconnect once
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def close(self) -> None:
        self.connection.close()


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN_INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def checkbox_values(page: str, name: str) -> list[str]:
    return [value for field_name, value in CHECKBOX.findall(page) if field_name == name]


def input_value(page: str, name: str) -> str:
    match = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    value = re.search(r'\bvalue="([^"]*)"', match.group(0)) if match else None
    return html.unescape(value.group(1)) if value else ""


def log_in(browser: Browser, *, username: str, password: str, code_for) -> float:
    """The real login: the form with user name and password, then the one-time code; returns seconds taken."""
    started = time.perf_counter()
    status, _, page = browser.request("GET", "/konto/anmelden/")
    if status != 200:
        raise LoadClientError(f"login page answered {status}")
    form = hidden_fields(page) | {"username": username, "password": password}
    status, headers, _ = browser.request("POST", "/konto/anmelden/", form)
    location = headers.get("location", "")
    for _ in range(3):  # the login goes on to the start page, which asks for the second factor
        if status != 302 or "/konto/zwei-faktor/" in location:
            break
        status, headers, _ = browser.request("GET", location)
        location = headers.get("location", "")
    if status != 302 or "/konto/zwei-faktor/" not in location:
        raise LoadClientError(f"password step for {username} answered {status} {location}")
    status, _, page = browser.request("GET", location)
    if status != 200:
        raise LoadClientError(f"second-factor page answered {status}")
    status, headers, _ = browser.request("POST", location, hidden_fields(page) | {"token": code_for()})
    if status != 302 or "/konto/" in headers.get("location", "/konto/"):
        raise LoadClientError(f"second factor for {username} answered {status} {headers.get('location', '')}")
    return time.perf_counter() - started
