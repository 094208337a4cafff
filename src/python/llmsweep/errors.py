"""The errors llmsweep raises, each with the one-line message the CLI prints after
"llmsweep: error: ".

Bad input is a ValueError: an impossible value (UsageError), a misspelled, missing or mistyped
keyword argument (ArgumentError, also a TypeError), a broken hardware profile (ConfigError).
A results file that cannot be used is a ResultFileError (an OSError).
"""


class Error(Exception):
    """Base of every error llmsweep raises on purpose."""


class UsageError(Error, ValueError):
    """An option value that makes no sense: a zero size, degrees that do not divide, an unknown
    profile name (the CLI's exit code 2)."""


class ArgumentError(UsageError, TypeError):
    """A keyword argument that is misspelled, missing or of the wrong type."""


class ConfigError(Error, ValueError):
    """A problem in a hardware profile file, located by file, key, line and column (0: unknown)."""

    file = ""
    key = ""
    line = 0
    column = 0


class ResultFileError(Error, OSError):
    """A results file that cannot be used: missing, damaged, not llmsweep's, or an --output that
    exists without overwrite (the CLI's exit code 3)."""

    file = ""
    object = ""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class InternalError(Error, RuntimeError):
    """A broken invariant: a bug in llmsweep, never the caller's fault."""
