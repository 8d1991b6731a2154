"""One error type for everything a user can get wrong, carrying where it happened.

Every stage raises a subclass of :class:`SiteError`; only the CLI turns them
into messages and exit codes, so a user's mistake never ends in a traceback::

    >>> str(ContentError("content/posts/a.md", "'date' is required", line=1, column=1))
    "content/posts/a.md:1:1: error: 'date' is required"

An error may name the rule it breaks (the ids ``sitegen check`` reports and
``site.toml``'s ``[check.rules]`` refers to); it is shown after the message::

    >>> str(SiteWarning("a.md", "unknown field 'titel'", line=2, column=1, rule="unknown-field"))
    "a.md:2:1: warning: unknown field 'titel' [unknown-field]"
"""

from __future__ import annotations


class SiteError(Exception):
    """A problem in the user's site, located as ``path:line:column``."""

    severity = "error"
    rule: str | None = None  # a rule id of generator.rules; subclasses set a default

    def __init__(
        self,
        path: str | None,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        if rule is not None:
            self.rule = rule

    def __reduce__(self):
        # Errors cross process boundaries (parallel parsing); keep every attribute.
        return (_rebuild, (type(self), dict(self.__dict__), self.args))

    @property
    def location(self) -> str:
        parts = [self.path or "<site>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.rule:
            text += f" [{self.rule}]"
        if self.hint:
            # A hint of several lines (TOML to paste) keeps them indented under it.
            text += "\n  hint: " + self.hint.replace("\n", "\n    ")
        return text


class ConfigError(SiteError):
    """``site.toml`` is missing, malformed or holds a wrong value."""

    rule = "config"


class ContentError(SiteError):
    """A content file cannot be read, parsed or validated."""


class ModelError(SiteError):
    """Content files are fine one by one but conflict as a site (same URL, unknown people)."""


class TemplateError(SiteError):
    """A template fails to load or render."""

    rule = "template"


class OutputError(SiteError):
    """The output folder cannot be written."""


class PublishError(SiteError):
    """The target cannot be reached, refuses a file, or does not fit the site."""

    rule = "publish"


class SiteErrors(SiteError):
    """Several problems found together (every wrong field of one file): each is reported.

    It reads as the first of them, so code that shows one error still names a place."""

    def __init__(self, errors: list[SiteError]) -> None:
        first = errors[0]
        super().__init__(
            first.path, first.message, line=first.line, column=first.column, hint=first.hint
        )
        self.rule = first.rule
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def each_error(error: SiteError) -> tuple[SiteError, ...]:
    """The problems ``error`` stands for: itself, or each of a :class:`SiteErrors`."""
    return getattr(error, "errors", (error,))


class SiteWarning(SiteError):
    """Something worth fixing that does not stop the build; reported, never raised."""

    severity = "warning"


def _rebuild(kind: type[SiteError], state: dict, args: tuple) -> SiteError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
