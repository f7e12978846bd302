"""`vaultkit watch`: keep the dashboards current."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from vaultkit.cli.app import VAULT, main
from vaultkit.commands.survey import open_vault


@main.command(short_help="Keep the dashboards current as you study.")
@VAULT
@click.option(
    "--debounce", "debounce_ms", type=click.IntRange(10, 10_000), default=100, show_default=True,
    metavar="MS",
    help="Quiet time after the last save before rebuilding, in milliseconds.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also log debug details (periodic rescans).")
def watch(vault: Path, debounce_ms: int, verbose: bool) -> None:
    """Keep the dashboards of VAULT current while you study; stop with Ctrl-C.

    Rebuilds within about a second of any save, in Obsidian or any editor: only the
    notes that changed are re-read. A list in Lists/ that you edited gets notes for its
    new entries (like `vaultkit sync`) once you leave it alone for five seconds, so a
    half-typed entry gets none. One line is logged per rebuild.

    Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop it with status 0 within a
    moment, even during the first scan; under nohup, SIGHUP stays ignored. One
    watcher per vault: a second one exits with status 2, naming the first one's pid.

    \b
    Keep it running in the background with, for example:
      nohup vaultkit watch ~/study > ~/.vaultkit-watch.log 2>&1 &
    or a systemd user unit / launchd agent (see the README).
    """
    # Imported here: watchdog costs ~30 ms at every start, and only this command needs it.
    from vaultkit.watch.live import watch_vault  # noqa: PLC0415

    root, settings = open_vault(vault)
    logging.getLogger("vaultkit").setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in logging.getLogger().handlers:  # a long-running log wants the time
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    click.echo(f"Watching {root} (Ctrl-C to stop).", err=True)
    quiet = debounce_ms / 1000
    watch_vault(root, settings, quiet=quiet, max_wait=max(1.0, 10 * quiet))
    click.echo("Stopped.", err=True)
