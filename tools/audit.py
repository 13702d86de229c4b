"""Dependency audit of the installed environment (what `make install` put in .venv, the
`[test]` extras included): `.venv/bin/python -m tools.audit`.

1. pip-audit runs first, over this interpreter's environment. Where it could audit a package
   (its vulnerability service answered), its verdict stands.
2. Where it could not (here PyPI's per-version JSON and OSV do not answer, so pip-audit skips
   every package as "not found on PyPI" and would still say "No known vulnerabilities"), the
   package falls back to PyPI's *project* JSON (/pypi/<name>/json), whose `vulnerabilities`
   are those known for the project's latest release. From that alone:
   * installed == latest: the listed (non-withdrawn) vulnerabilities are exactly the known
     ones of the installed release -> vulnerable, or clean when none is listed;
   * installed older than latest: a listed vulnerability that no release at or below the
     installed one fixes is presumed to apply (it affects the latest release and nothing
     shows the installed one fixed; when it was introduced is not known) -> vulnerable;
     otherwise the package could NOT be fully audited: vulnerabilities fixed by the latest
     release or earlier are not listed anywhere we can reach;
   * installed newer than latest, not on PyPI, or no answer -> could not be audited.

One line per package, then `N audited, N vulnerable, N could not be audited`.
Exit 1 when a vulnerability applies (not in tools/audit-ignore.txt); otherwise exit 0. When
PyPI could not be reached at all a WARNING line says that nothing was audited, and the exit
is 0 (CI must not flake on lost registry access, nor pretend to be clean: read the warning).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PROJECT = "eventhub"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
IGNORE_FILE = Path(__file__).resolve().parent / "audit-ignore.txt"
TIMEOUT = 10  # seconds per request
RETRIES = 3
WORKERS = 8

VULNERABLE, CLEAN, UNAUDITED = "vulnerable", "clean", "could not be audited"


@dataclass
class Verdict:
    status: str  # VULNERABLE, CLEAN or UNAUDITED
    reason: str
    vulns: list[dict] = field(default_factory=list)  # {"id", "aliases", "fixed_in"} that apply


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except (InvalidVersion, TypeError):
        return None


def _vuln(entry: dict) -> dict:
    return {
        "id": entry.get("id") or "?",
        "aliases": list(entry.get("aliases") or []),
        "fixed_in": list(entry.get("fixed_in") or []),
    }


def verdict(installed_version: str, project_json: dict) -> Verdict:
    """What PyPI's project JSON (`/pypi/<name>/json`) tells about the installed version.

    Its `vulnerabilities` are the known ones of the latest release (`info.version`)."""
    latest_text = (project_json.get("info") or {}).get("version")
    installed, latest = _version(installed_version), _version(latest_text)
    if installed is None or latest is None:
        return Verdict(UNAUDITED, f"cannot compare versions (installed {installed_version!r}, latest {latest_text!r})")
    listed = [_vuln(v) for v in project_json.get("vulnerabilities") or [] if not v.get("withdrawn")]
    if installed == latest:
        if listed:
            return Verdict(VULNERABLE, f"latest release {latest_text}, known vulnerabilities listed for it", listed)
        return Verdict(CLEAN, f"latest release {latest_text}, no known vulnerability listed")
    if installed > latest:
        return Verdict(
            UNAUDITED,
            f"installed {installed_version} is newer than PyPI's latest {latest_text} (pre-release or not from PyPI)",
        )
    # Older than latest. A vulnerability of the latest release applies unless some release at or
    # below the installed one fixed it (a fix on an older branch); when it was introduced is unknown.
    presumed = []
    for vuln in listed:
        fixes = [f for f in map(_version, vuln["fixed_in"]) if f is not None]
        if not any(f <= installed for f in fixes):
            presumed.append(vuln)
    if presumed:
        return Verdict(
            VULNERABLE,
            f"not the latest release ({latest_text}); vulnerabilities of the latest release "
            "that no release up to the installed one fixes are presumed to apply",
            presumed,
        )
    return Verdict(
        UNAUDITED,
        f"not the latest release ({latest_text} exists): vulnerabilities fixed by "
        f"{latest_text} or earlier are not listed by PyPI's project JSON, so it could not be fully audited",
    )


# ---- ignore list --------------------------------------------------------------------------


def load_ignores(path: Path = IGNORE_FILE) -> dict[str, str]:
    """`ID  # reason` per line; blank lines and whole-line comments are skipped."""
    ignores: dict[str, str] = {}
    if not path.exists():
        return ignores
    for line in path.read_text(encoding="utf-8").splitlines():
        body, _, reason = line.partition("#")
        vuln_id = body.strip()
        if vuln_id:
            if not reason.strip():
                print(f"audit: WARNING: {path.name}: {vuln_id} has no '# reason'; ignoring it anyway")
            ignores[vuln_id] = reason.strip()
    return ignores


def apply_ignores(result: Verdict, ignores: dict[str, str]) -> tuple[Verdict, list[str]]:
    if result.status != VULNERABLE or not ignores:
        return result, []
    kept, ignored = [], []
    for vuln in result.vulns:
        ids = {vuln["id"], *vuln["aliases"]}
        (ignored if ids & ignores.keys() else kept).append(vuln)
    names = [v["id"] for v in ignored]
    if kept:
        return Verdict(VULNERABLE, result.reason, kept), names
    return Verdict(CLEAN, result.reason + "; all of them in the ignore list", []), names


# ---- the environment ----------------------------------------------------------------------


def installed_distributions() -> dict[str, tuple[str, str]]:
    """canonical name -> (display name, version) of every installed distribution but eventhub."""
    found: dict[str, tuple[str, str]] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        key = canonicalize_name(name)
        if key != PROJECT and key not in found:
            found[key] = (name, dist.version)
    return found


def _closure(roots: list[Requirement], extra: str = "") -> set[str]:
    seen: set[tuple[str, frozenset]] = set()
    names: set[str] = set()
    todo = [(req, extra) for req in roots]
    while todo:
        req, ctx_extra = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ctx_extra}):
            continue
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        try:
            requires = metadata.distribution(req.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            sub = Requirement(text)
            for sub_extra in req.extras or {""}:
                todo.append((sub, sub_extra))
    return names


def groups() -> dict[str, str]:
    """canonical name -> 'runtime' (eventhub's dependencies) or 'test' (only the [test] extras')."""
    try:
        requires = [Requirement(r) for r in metadata.distribution(PROJECT).requires or []]
    except metadata.PackageNotFoundError:
        return {}
    runtime = _closure([r for r in requires if not r.marker or r.marker.evaluate({"extra": ""})])
    test = _closure([r for r in requires if r.marker and r.marker.evaluate({"extra": "test"})], "test") - runtime
    return {**{n: "test" for n in test}, **{n: "runtime" for n in runtime}}


# ---- pip-audit ----------------------------------------------------------------------------


def run_pip_audit() -> tuple[dict[str, Verdict], str]:
    """pip-audit's verdict for each package it could audit, and a note about the run."""
    cmd = [
        sys.executable,
        "-m",
        "pip_audit",
        "--local",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--skip-editable",
        "--timeout",
        str(TIMEOUT),
    ]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {}, f"pip-audit did not run ({exc.__class__.__name__})"
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        tail = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return {}, f"pip-audit gave no report (exit {run.returncode}: {tail[:200]})"
    audited: dict[str, Verdict] = {}
    skipped = 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped += 1
            continue
        vulns = [
            {"id": v.get("id") or "?", "aliases": v.get("aliases") or [], "fixed_in": v.get("fix_versions") or []}
            for v in dep.get("vulns") or []
        ]
        status, why = (
            (VULNERABLE, "pip-audit: known vulnerabilities") if vulns else (CLEAN, "pip-audit: no known vulnerability")
        )
        audited[canonicalize_name(dep["name"])] = Verdict(status, why, vulns)
    return (
        audited,
        f"pip-audit audited {len(audited)}, skipped {skipped} (its vulnerability service did not answer for them)",
    )


# ---- PyPI project JSON --------------------------------------------------------------------


class NotOnPyPI(Exception):
    pass


def fetch_project(name: str) -> dict:
    last: Exception | None = None
    for attempt in range(RETRIES):
        try:
            request = urllib.request.Request(
                PYPI_JSON.format(name=name), headers={"Accept": "application/json", "User-Agent": "eventhub-audit"}
            )
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotOnPyPI(name) from exc
            last = exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = exc
        time.sleep(0.5 * 2**attempt)
    raise ConnectionError(f"{last.__class__.__name__}: {last}") from last


def fallback(name: str, version: str) -> tuple[Verdict, bool]:
    """The verdict from PyPI's project JSON, and whether PyPI answered at all."""
    try:
        return verdict(version, fetch_project(name)), True
    except NotOnPyPI:
        return Verdict(UNAUDITED, "not on PyPI (404 for its project JSON)"), True
    except ConnectionError as exc:
        return Verdict(UNAUDITED, f"PyPI did not answer after {RETRIES} tries ({exc})"), False


# ---- report -------------------------------------------------------------------------------


def _describe(vulns: list[dict]) -> str:
    parts = []
    for v in vulns:
        alias = f" ({', '.join(v['aliases'])})" if v["aliases"] else ""
        fixed = ", ".join(v["fixed_in"]) or "no fixed release"
        parts.append(f"{v['id']}{alias} fixed in: {fixed}")
    return "; ".join(parts)


def main() -> int:
    dists = installed_distributions()
    group = groups()
    ignores = load_ignores()
    by_pip_audit, note = run_pip_audit()
    print(f"audit: {note}")
    todo = [key for key in dists if key not in by_pip_audit]
    results: dict[str, tuple[Verdict, str]] = {k: (v, "pip-audit") for k, v in by_pip_audit.items() if k in dists}
    reached = 0
    if todo:
        print(f"audit: falling back to PyPI's project JSON for {len(todo)} packages")
        with ThreadPoolExecutor(WORKERS) as pool:
            answers = pool.map(lambda key: fallback(dists[key][0], dists[key][1]), todo)
            for key, (result, answered) in zip(todo, answers, strict=False):
                results[key] = (result, "pypi-json")
                reached += answered

    counts = {VULNERABLE: 0, CLEAN: 0, UNAUDITED: 0}
    for key in sorted(results):
        name, version = dists[key]
        result, source = results[key]
        result, ignored = apply_ignores(result, ignores)
        counts[result.status] += 1
        line = f"{result.status.upper():<20} {name} {version} [{group.get(key, 'tooling')}; {source}] {result.reason}"
        if result.vulns:
            line += ": " + _describe(result.vulns)
        if ignored:
            line += f" (ignored: {', '.join(ignored)})"
        print(line)

    audited = counts[VULNERABLE] + counts[CLEAN]
    print(
        f"audit: {audited} audited, {counts[VULNERABLE]} vulnerable, {counts[UNAUDITED]} could not be audited"
        f" (of {len(results)} installed packages)"
    )
    if todo and reached == 0 and not by_pip_audit:
        print(
            "audit: WARNING: neither pip-audit's service nor PyPI's JSON could be reached: NOTHING WAS AUDITED "
            "(exit 0 so that CI does not fail on lost registry access)"
        )
        return 0
    if counts[UNAUDITED]:
        print(
            f"audit: {counts[UNAUDITED]} packages could not be audited (reasons above); they are not known to be clean"
        )
    return 1 if counts[VULNERABLE] else 0


if __name__ == "__main__":
    sys.exit(main())
