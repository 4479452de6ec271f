"""`rightsmark deliver`: fan out and deliver notifications, apart from `serve`.

`serve` already runs the same worker in each server process; operators who would rather
run delivery on its own machine or under its own supervisor set
RIGHTSMARK_DELIVERY_WORKER=false on the servers and run `rightsmark deliver --loop` (any
number of them: deliveries are claimed with leases).
"""

from __future__ import annotations

import asyncio
import signal

import click

from api.cli.support import console, run


@click.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until SIGINT or SIGTERM.")
@click.option(
    "--interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0.05, max=60),
    help="With --loop: seconds between passes when there is nothing to do.",
)
def deliver_command(loop: bool, interval: float) -> None:
    """Fan out the outbox's events to subscriptions and deliver what is due (webhooks and
    e-mail), once (the default: until nothing is due) or with --loop."""
    from registry.notifications import worker

    if not loop:
        done = run(worker.run_once())
        console.print(
            f"fanned out {done.fanned_out} events; delivered {done.delivered}, "
            f"retrying {done.retrying}, failed {done.failed}",
            highlight=False,
        )
        return

    async def forever() -> None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        console.print("delivering notifications (Ctrl-C stops)", highlight=False)
        await worker.run_forever(stop, interval=interval)

    run(forever())
