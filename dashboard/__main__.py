"""``python -m dashboard [--host H] [--port P] [--debug] [--holdings F] [--company F]``."""

from __future__ import annotations

import argparse

from dashboard.app import run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--holdings", help="holdings CSV (default: the bundled sample)")
    parser.add_argument("--company", help="company TOML (default: the bundled sample)")
    args = parser.parse_args(argv)
    run(args.host, args.port, args.debug, args.holdings, args.company)


if __name__ == "__main__":
    main()
