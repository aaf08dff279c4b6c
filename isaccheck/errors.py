"""Expected errors: each carries the file and line it is about, and becomes one clear line."""

from __future__ import annotations


class IsaccheckError(Exception):
    """An error the user can fix; the CLI prints it as one line and exits with a usage code."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 message_nl: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        # The Dutch text, where one exists: output in Dutch (history's year rows) stays Dutch.
        self.message_nl = message_nl

    def text(self, lang: str) -> str:
        """The message in the language, with file and line; English where no Dutch was written."""
        if lang != "nl" or self.message_nl is None:
            return str(self)
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message_nl}" if where else self.message_nl

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(IsaccheckError):
    """isac.yaml or isaccheck.yaml cannot be used, or an option is wrong (exit code 2)."""


class RulePackError(IsaccheckError):
    """A rule file is refused at load time: unknown primitive, bad parameter, duplicate id."""


class GitError(Exception):
    """A git operation failed; the message is plain words meant for users (raised by gitrepo.py,
    defined here so that modules that only catch it need not import the git layer)."""
