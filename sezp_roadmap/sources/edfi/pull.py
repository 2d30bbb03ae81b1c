"""A live pull from an Ed-Fi ODS/API (v5 or v7) into a folder of JSON resource files.

OAuth2 client credentials, read from the environment (never from files or
arguments, and never logged); each resource is read in pages of `limit`
records with `offset`, and written as `<resource>.json`, the file the adapter
reads. Nothing here is specific to one district.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sezp_roadmap.errors import InputProblem, Problem

from .resources import RESOURCES, Records

CLIENT_ID_VARIABLE = "EDFI_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "EDFI_CLIENT_SECRET"

# Resources an ODS may not expose (a program association the district does not
# use): a 404 on these means none, not a failed pull.
OPTIONAL = {
    "sessions",
    "calendars",
    "calendarDates",
    "studentSpecialEducationProgramAssociations",
    "studentLanguageInstructionProgramAssociations",
    "studentSchoolFoodServiceProgramAssociations",
    "studentAssessments",
    "assessments",
    "disciplineIncidents",
    "disciplineActions",
}


@dataclass(frozen=True)
class Api:
    """Where the ODS/API is: its base URL (`https://host/api`) and an optional school-year scope."""

    url: str
    school_year: int | None = None
    page_size: int = 500
    timeout: float = 60.0

    def data_url(self, resource: str) -> str:
        # A year-specific ODS puts the year before the namespace: /data/v3/2022/ed-fi/students.
        year = f"/{self.school_year}" if self.school_year else ""
        return f"{self.url.rstrip('/')}/data/v3{year}/ed-fi/{resource}"

    @property
    def token_url(self) -> str:
        return f"{self.url.rstrip('/')}/oauth/token"


def credentials_from_environment() -> tuple[str, str]:
    client_id, secret = os.environ.get(CLIENT_ID_VARIABLE), os.environ.get(CLIENT_SECRET_VARIABLE)
    if not client_id or not secret:
        raise InputProblem(
            Problem(
                file="environment",
                message="the Ed-Fi API credentials are not set",
                expected=f"the client's key in {CLIENT_ID_VARIABLE} and its secret in {CLIENT_SECRET_VARIABLE}",
            )
        )
    return client_id, secret


def _fail(url: str, what: str) -> InputProblem:
    return InputProblem(Problem(file=url, message=what))


def _request(request: urllib.request.Request, timeout: float) -> tuple[bytes, int]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the URL is the user's API)
            return response.read(), response.status
    except urllib.error.HTTPError as exc:
        return b"", exc.code
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise _fail(request.full_url, f"the Ed-Fi API could not be reached ({getattr(exc, 'reason', exc)})") from None


def access_token(api: Api, client_id: str, secret: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        api.token_url,
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    body, status = _request(request, api.timeout)
    if status != 200:
        # The status only: the response may echo what was sent.
        raise _fail(api.token_url, f"the Ed-Fi API refused the credentials (HTTP {status})")
    try:
        return json.loads(body)["access_token"]
    except (ValueError, KeyError):
        raise _fail(api.token_url, "the Ed-Fi API's token response has no access_token") from None


def fetch_resource(api: Api, token: str, resource: str) -> list[dict] | None:
    """Every record of one resource, page by page; None when the ODS has no such resource."""
    records: list[dict] = []
    offset = 0
    while True:
        query = urllib.parse.urlencode({"limit": api.page_size, "offset": offset})
        request = urllib.request.Request(
            f"{api.data_url(resource)}?{query}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        body, status = _request(request, api.timeout)
        if status == 404 and resource in OPTIONAL and offset == 0:
            return None
        if status != 200:
            raise _fail(api.data_url(resource), f"the Ed-Fi API answered HTTP {status} for {resource}")
        page = json.loads(body)
        records += page
        if len(page) < api.page_size:
            return records
        offset += api.page_size


def write_resources(records: Records, out_dir: Path, *, json_lines: frozenset[str] = frozenset()) -> list[Path]:
    """One `<resource>.json` per resource (a JSON array), or `.jsonl` for the resources named in json_lines."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for resource, items in sorted(records.items()):
        clean = [{k: v for k, v in item.items() if k != "_source"} for item in items]
        if resource in json_lines:
            path = out_dir / f"{resource}.jsonl"
            path.write_text("".join(json.dumps(item) + "\n" for item in clean), encoding="utf-8")
        else:
            path = out_dir / f"{resource}.json"
            path.write_text(json.dumps(clean, indent=1), encoding="utf-8")
        written.append(path)
    return written


def pull(api: Api, out_dir: Path) -> dict[str, int]:
    """Pull every resource the adapter reads into out_dir; the count of records per resource."""
    token = access_token(api, *credentials_from_environment())
    records: Records = {}
    for resource in RESOURCES:
        items = fetch_resource(api, token, resource)
        if items is not None:
            records[resource] = items
    write_resources(records, out_dir)
    return {resource: len(items) for resource, items in records.items()}
