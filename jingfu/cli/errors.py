class CliError(Exception):
    """An expected failure of a CLI command: printed as one line, exit code 2."""
