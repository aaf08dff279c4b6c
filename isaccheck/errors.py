"""Expected errors: each carries the file and line it is about, and becomes one clear line."""

from __future__ import annotations


class IsaccheckError(Exception):
    """An error the user can fix; the CLI prints it as one line and exits with a usage code."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(IsaccheckError):
    """isac.yaml or isaccheck.yaml cannot be used, or an option is wrong (exit code 2)."""


class RulePackError(IsaccheckError):
    """A rule file is refused at load time: unknown primitive, bad parameter, duplicate id."""
