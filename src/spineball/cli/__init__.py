"""The ``spineball`` command line.

Commands live in one module each and are imported only when used, so
``spineball --help`` and quick commands start fast. Data goes to stdout,
messages to stderr; read commands take ``--json``.
"""

from __future__ import annotations

import importlib
from typing import Final

import click

from spineball import __version__

#: command name → "module:attribute" of its click command, in help order.
COMMANDS: Final[dict[str, str]] = {
    "decode": "spineball.cli.decode:decode",
    "monitor": "spineball.cli.monitor:monitor",
    "analyze": "spineball.cli.analyze:analyze",
    "simulate": "spineball.cli.simulate:simulate",
    "sessions": "spineball.cli.sessions:sessions",
    "dash": "spineball.cli.dash:dash",
    "import": "spineball.cli.importing:import_logs",
    "export": "spineball.cli.export:export",
    "history": "spineball.cli.history:history",
    "report": "spineball.cli.report:report",
    "cues": "spineball.cli.cues:cues",
    "virtual": "spineball.cli.virtual:virtual",
    "scan": "spineball.cli.scan:scan",
    "pair": "spineball.cli.pair:pair",
    "forget": "spineball.cli.pair:forget",
    "record": "spineball.cli.record:record",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="spineball")
@click.pass_context
def main(ctx: click.Context) -> None:
    """spineball — companion for the pressure-sensing exercise ball.

    Exercise guidance, not diagnosis: stop and see a doctor on burning,
    tingling or electric pain, and never roll over the lumbar spine.
    """
    if ctx.invoked_subcommand is None:
        dash = main.get_command(ctx, "dash")
        if dash is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(dash)
