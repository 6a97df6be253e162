"""UsageError, apart from the parsers of values so that building the command line imports nothing heavy."""


class UsageError(ValueError):
    """A command-line argument that cannot be used; the message says which and why."""
