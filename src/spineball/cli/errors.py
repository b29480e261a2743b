"""One way to fail on the command line: a clear one-line message, no traceback."""

from __future__ import annotations

from typing import NoReturn

import click


class CliError(click.ClickException):
    """Printed as ``spineball: error: MESSAGE`` with exit code 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"spineball: error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)
