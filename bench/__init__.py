"""Benchmarks that print figures (README "Benchmarks"); what they share."""

from __future__ import annotations

import argparse


def add_held_out_option(parser: argparse.ArgumentParser) -> None:
    """--held-out [ROUND]: a round of held-out sets (handlers/everyday.py), the latest by default; a spent round is
    refused with why, since the model has trained on it."""
    from handlers.everyday import HELD_OUT_ROUNDS, held_out_files

    def round_to_run(text: str) -> int:
        try:
            number = int(text)
            held_out_files(number)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return number

    parser.add_argument("--held-out", type=round_to_run, nargs="?", const=max(HELD_OUT_ROUNDS), metavar="ROUND",
                        help="a round of held-out sets, once per version (default: the latest)")
