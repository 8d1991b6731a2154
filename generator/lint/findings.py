"""Findings: one rule broken at one place, with the severity ``site.toml`` gives it."""

from __future__ import annotations

from collections.abc import Iterable

from generator.errors import SiteError, SiteWarning
from generator.rules import RULES


class Finding(SiteWarning):
    """One rule broken at one place; its ``severity`` comes from the site's settings."""

    def __init__(self, rule: str, path: str, message: str, **where) -> None:
        super().__init__(path, message, rule=rule, **where)
        self.severity = RULES[rule].severity if rule in RULES else "warning"


class CheckFailed(SiteError):
    """Findings of severity ``error``: the build stops. ``str()`` lists every finding."""

    def __init__(self, findings: list[SiteError]) -> None:
        self.findings = findings
        errors = [finding for finding in findings if finding.severity == "error"]
        super().__init__(errors[0].path, errors[0].message, rule=errors[0].rule)

    def __str__(self) -> str:
        return "\n".join(str(finding) for finding in self.findings) + "\n" + summary(self.findings)


def summary(findings: Iterable[SiteError]) -> str:
    """``2 errors, 1 warning, 0 info`` for a list of findings."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] += 1
    error, warning = counts["error"], counts["warning"]
    return (
        f"{error} error{'s' * (error != 1)}, {warning} warning{'s' * (warning != 1)}, "
        f"{counts['info']} info"
    )


def as_finding(warning: SiteWarning, path: str = "") -> Finding:
    """A warning of another stage (parse, render) as a finding of its rule."""
    return Finding(
        warning.rule or "unknown-field",
        warning.path or path,
        warning.message,
        line=warning.line,
        column=warning.column,
        hint=warning.hint,
    )


def place(finding: SiteError) -> tuple:
    """Findings in the writer's own files first, then those only a built page shows."""
    path = finding.path or ""
    built_page = not path.startswith(("content/", "site.toml", "templates/", "static/"))
    return (built_page, path, finding.line or 0, finding.column or 0, finding.rule or "")
