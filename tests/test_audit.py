"""The dependency audit's decisions (tools/audit.py) on hand-made PyPI project JSON; no network."""

from pathlib import Path

import pytest

import tools.audit as audit
from tools.audit import CLEAN, UNAUDITED, VULNERABLE, Verdict, apply_ignores, load_ignores, verdict


def project(latest: str, *vulns: dict) -> dict:
    return {"info": {"name": "demo", "version": latest}, "releases": {}, "vulnerabilities": list(vulns)}


def vuln(vid: str, fixed_in: list[str], *, withdrawn: str | None = None, aliases: list[str] | None = None) -> dict:
    return {
        "id": vid,
        "aliases": aliases or [],
        "fixed_in": fixed_in,
        "withdrawn": withdrawn,
        "details": "…",
        "link": f"https://osv.dev/vulnerability/{vid}",
    }


def test_latest_release_with_a_listed_vulnerability_is_vulnerable() -> None:
    result = verdict("2.0.0", project("2.0.0", vuln("GHSA-aaaa", ["2.0.1"], aliases=["CVE-2026-1"])))
    assert result.status == VULNERABLE
    assert result.vulns == [{"id": "GHSA-aaaa", "aliases": ["CVE-2026-1"], "fixed_in": ["2.0.1"]}]


def test_latest_release_without_vulnerabilities_is_clean() -> None:
    assert verdict("2.0.0", project("2.0.0")).status == CLEAN


def test_versions_compare_by_meaning_not_spelling() -> None:
    assert verdict("2.0", project("2.0.0")).status == CLEAN


def test_withdrawn_vulnerability_does_not_count() -> None:
    result = verdict("2.0.0", project("2.0.0", vuln("PYSEC-1", [], withdrawn="2026-01-01T00:00:00")))
    assert result.status == CLEAN and result.vulns == []


def test_older_release_is_not_called_clean() -> None:
    # Nothing listed for the latest release says nothing about what 2.0 fixed for 1.9.
    result = verdict("1.9.0", project("2.0.0"))
    assert result.status == UNAUDITED
    assert "2.0.0" in result.reason and "not the latest" in result.reason


def test_older_release_with_a_vulnerability_of_latest_that_nothing_up_to_it_fixes_is_vulnerable() -> None:
    unfixed = vuln("GHSA-open", [])  # affects latest, no fix yet
    fixed_later_on_a_branch = vuln("GHSA-branch", ["1.9.5"])  # fixed on 1.9.x after 1.9.0, not on 2.x
    result = verdict("1.9.0", project("2.0.0", unfixed, fixed_later_on_a_branch))
    assert result.status == VULNERABLE
    assert [v["id"] for v in result.vulns] == ["GHSA-open", "GHSA-branch"]


def test_older_release_already_past_a_branch_fix_stays_unaudited() -> None:
    result = verdict("1.9.6", project("2.0.0", vuln("GHSA-branch", ["1.9.5"])))
    assert result.status == UNAUDITED


def test_older_release_with_only_a_withdrawn_vulnerability_stays_unaudited() -> None:
    assert verdict("1.9.0", project("2.0.0", vuln("PYSEC-1", [], withdrawn="2026-01-01"))).status == UNAUDITED


@pytest.mark.parametrize("installed, latest", [("3.0.0", "2.0.0"), ("not-a-version", "2.0.0"), ("2.0.0", None)])
def test_newer_than_latest_or_unparseable_cannot_be_audited(installed: str, latest: str | None) -> None:
    assert verdict(installed, project(latest)).status == UNAUDITED


def test_ignore_list_by_id_or_alias(tmp_path: Path) -> None:
    ignore_file = tmp_path / "audit-ignore.txt"
    ignore_file.write_text("# header\n\nCVE-2026-1  # only the CLI, which we never call\n", encoding="utf-8")
    ignores = load_ignores(ignore_file)
    assert ignores == {"CVE-2026-1": "only the CLI, which we never call"}
    one = {"id": "GHSA-aaaa", "aliases": ["CVE-2026-1"], "fixed_in": []}
    other = {"id": "GHSA-bbbb", "aliases": [], "fixed_in": ["2.1"]}
    result, ignored = apply_ignores(Verdict(VULNERABLE, "x", [one]), ignores)
    assert result.status == CLEAN and ignored == ["GHSA-aaaa"]
    result, ignored = apply_ignores(Verdict(VULNERABLE, "x", [one, other]), ignores)
    assert result.status == VULNERABLE and result.vulns == [other] and ignored == ["GHSA-aaaa"]


def test_shipped_ignore_list_is_empty() -> None:
    assert load_ignores() == {}


# ---- the exit code, with pip-audit and PyPI replaced --------------------------------------


def _no_pip_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "run_pip_audit", lambda: ({}, "pip-audit audited 0 (replaced in the test)"))
    monkeypatch.setattr(
        audit, "installed_distributions", lambda: {"demo": ("demo", "2.0.0"), "other": ("other", "1.0")}
    )
    monkeypatch.setattr(audit, "load_ignores", lambda: {})
    monkeypatch.setattr(audit.time, "sleep", lambda s: None)


def test_unreachable_pypi_warns_and_exits_0(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    _no_pip_audit(monkeypatch)

    def down(*args: object, **kwargs: object) -> None:
        raise OSError("network is unreachable")

    monkeypatch.setattr(audit.urllib.request, "urlopen", down)
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert (
        "WARNING" in out and "NOTHING WAS AUDITED" in out and "0 audited, 0 vulnerable, 2 could not be audited" in out
    )


def test_a_found_vulnerability_exits_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    _no_pip_audit(monkeypatch)
    answers = {"demo": project("2.0.0", vuln("GHSA-aaaa", ["2.0.1"])), "other": project("1.0")}
    monkeypatch.setattr(audit, "fetch_project", lambda name: answers[name])
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE" in out and "GHSA-aaaa fixed in: 2.0.1" in out and "2 audited, 1 vulnerable, 0 could not" in out


def test_clean_environment_exits_0(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    _no_pip_audit(monkeypatch)
    monkeypatch.setattr(audit, "fetch_project", lambda name: project({"demo": "2.0.0", "other": "1.1"}[name]))
    assert audit.main() == 0
    assert "1 audited, 0 vulnerable, 1 could not be audited" in capsys.readouterr().out
