"""The `trustscan` click group: exit codes for every outcome, one-line usage errors.

Exit codes: 0 passed policy, 1 policy failed, 2 usage or input error, 3 internal error,
130 interrupted. Commands live in the sibling modules and are registered in ``cli/__init__``.
"""

from __future__ import annotations

import enum
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click

from trustscan import __version__
from trustscan.errors import MAX_MESSAGE, InputError, plain
from trustscan.interrupts import EXIT_INTERRUPTED, catch_interrupts, interrupted


class ExitCode(enum.IntEnum):
    PASSED = 0
    POLICY_FAILED = 1
    INPUT_ERROR = 2
    INTERNAL_ERROR = 3
    INTERRUPTED = 130


@contextmanager
def exit_codes(debug: bool) -> Iterator[None]:
    """Map exceptions to one-line messages and exit codes (tracebacks only under --debug)."""
    try:
        yield
    except InputError as exc:
        if debug:
            raise
        click.echo(f"error: {exc.one_line()}", err=True)
        sys.exit(ExitCode.INPUT_ERROR)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
        raise
    except Exception as exc:
        if debug:
            raise
        message = plain(" ".join(f"{type(exc).__name__}: {exc}".split()))
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        click.echo(f"internal error: {message} (re-run with --debug for the traceback)", err=True)
        sys.exit(ExitCode.INTERNAL_ERROR)


@dataclass(frozen=True)
class LazyCommand:
    """A command imported from ``target`` ("module:attribute") only when it is invoked;
    ``summary`` is its help's first sentence, shown by `trustscan --help` without importing
    it (a test keeps the two equal)."""

    name: str
    target: str
    summary: str

    def load(self) -> click.Command:
        module, attribute = self.target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


class TrustscanGroup(click.Group):
    """Exit codes whatever happens: a usage error is one line and exit 2; SIGINT/SIGTERM in
    any phase is exit 130 (click would print "Aborted!" and exit 1, which CI reads as a policy
    failure). Commands load lazily: each module imports its own stack when it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, LazyCommand] = {}

    def add_lazy_commands(self, *commands: LazyCommand) -> None:
        self.lazy.update((c.name, c) for c in commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        # An unloaded command is listed through a stand-in carrying its summary.
        listed = [
            (n, self.commands.get(n) or click.Command(n, help=self.lazy[n].summary)) for n in names
        ]
        rows = [(n, c.get_short_help_str(limit)) for n, c in listed if not c.hidden]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        code: Any = 0
        with catch_interrupts():
            try:
                returned = super().main(args, prog_name, complete_var, False, **extra)
                code = returned if isinstance(returned, int) else 0
            except SystemExit as exc:
                code = exc.code
            except (KeyboardInterrupt, click.exceptions.Abort):
                click.echo("interrupted", err=True)
                code = EXIT_INTERRUPTED
            except click.ClickException as exc:
                click.echo(f"error: {_usage_line(exc)}", err=True)
                code = exc.exit_code
            if interrupted():
                code = EXIT_INTERRUPTED
        sys.exit(code)


def _usage_line(exc: click.ClickException) -> str:
    """A click usage error on one line, naming the help to read."""
    message = " ".join(exc.format_message().split())
    if len(message) > 300:
        message = message[:299] + "…"
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        return f"{message} (see `{ctx.command_path} --help`)"
    return message


@click.group(
    cls=TrustscanGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="trustscan")
def main() -> None:
    """trustscan: audit a trained model and its data for fairness, sensitive-inference
    leakage, explainability, traceability, competence and consistency, scored on six trust
    dimensions.

    Start with `trustscan demo`, then `trustscan scan --help`.
    """
