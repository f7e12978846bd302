"""`vaultkit build`, `status` and `check`: the commands that only read notes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from vaultkit.cli.app import VAULT, ExitStatus, main, plural, print_build, short
from vaultkit.commands.build import build_once
from vaultkit.commands.survey import Survey, open_vault, survey
from vaultkit.files.display import shown
from vaultkit.report.overview import Check, status_document, topic_checks, totals
from vaultkit.report.progress import TopicProgress


@main.command(short_help="Write the dashboards once (cron, CI).")
@VAULT
def build(vault: Path) -> None:
    """Write the dashboards of VAULT once: for cron, CI, or without a watcher.

    Reads every note, then rewrites Dashboards/Progress, Unanswered questions, Reading
    queue and Problems, each only if its text changed. A dashboard you edited by hand
    is moved aside to "<name> (edited).md" first, never overwritten. Your notes are
    only read.
    """
    root, settings = open_vault(vault)
    print_build(build_once(root, settings))


@main.command(short_help="Where you stand, topic by topic.")
@VAULT
@click.option("--json", "as_json", is_flag=True,
              help="Print the figures as one JSON document for scripts; its `schema` key is "
                   "its version.")
def status(vault: Path, as_json: bool) -> None:
    """Show where you stand in VAULT: totals and each topic's coverage. Changes no note.

    \b
    A topic is covered when its core and practitioner reading is done, its hub's
    Summary has enough lines, and enough of its questions are refined (targets in
    vaultkit.toml).
    """
    root, settings = open_vault(vault)
    surveyed = survey(root, settings)
    if as_json:
        document = status_document(surveyed.root, surveyed.progress, surveyed.problems)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    _print_status(surveyed)


def _print_status(surveyed: Survey) -> None:
    progress = surveyed.progress
    click.secho(shown(str(surveyed.root)), bold=True)
    for tally in totals(progress).plan:
        click.echo(f"  {tally.label:<18} {tally.bar:<16} {tally.done}/{tally.total}")
    if progress.topics:
        click.echo("")
        width = min(48, max(len(t.hub.name) for t in progress.topics))
        for topic in progress.topics:
            name = short(shown(topic.hub.name), width)
            click.echo(f"  {name:<{width}}  {_topic_marks(topic)}")
    click.echo("")
    if surveyed.problems:
        click.secho(f"{plural(len(surveyed.problems), 'problem')}: run `vaultkit check` to "
                    "list them.", fg="yellow")
    else:
        click.echo("No problems.")


def _topic_marks(topic: TopicProgress) -> str:
    marks = "  ".join(_styled(check) for check in topic_checks(topic))
    covered = click.style("  covered", fg="green", bold=True) if topic.covered else ""
    optional = click.style("  (optional)", dim=True) if topic.optional else ""
    return marks + covered + optional


def _styled(check: Check) -> str:
    """`✓ core` in green, `✗ core` in red, `· practitioner` dim when there is nothing to check."""
    if check.ok is None:
        return click.style(f"· {check.text}", dim=True)
    if check.ok:
        return click.style(f"✓ {check.text}", fg="green")
    return click.style(f"✗ {check.text}", fg="red")


@main.command(short_help="List problems; exit 1 if there are any.")
@VAULT
def check(vault: Path) -> None:
    """List the problems in VAULT; exit 1 if there are any, 0 if none. Changes no note.

    For CI on a vault kept in git. Problems: notes that cannot be read (broken YAML,
    not UTF-8, empty), unknown status values, a status that disagrees with the note's
    text, broken links (a renamed or moved note named once: `vaultkit relink`
    repairs them), duplicate ids, notes whose entries left the lists, hubs that show
    no panel, notes in the other link style than vaultkit.toml's.
    """
    root, settings = open_vault(vault)
    problems = survey(root, settings).problems
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        click.echo(shown(f"{where}: {problem.message}"))
    if problems:
        click.secho(f"{plural(len(problems), 'problem')}.", fg="red", err=True)
        sys.exit(ExitStatus.PROBLEMS)
    click.echo("No problems.")
