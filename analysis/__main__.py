"""python3 -m analysis report RESULTS.h5 [MORE.h5 ...] -o DIR"""

from __future__ import annotations

import argparse
import sys

from . import AnalysisError

PROG = "python3 -m analysis"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description="Figures and tables from llmsweep results files.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    rep = sub.add_parser("report", help="figures, thresholds.csv and report.md from one or more results files",
                         description="Write utilization/parallelism/breakdown figures (and heat maps for two "
                                     "varied inputs), thresholds.csv and report.md into DIR.")
    rep.add_argument("files", nargs="+", metavar="RESULTS.h5", help="results files written by llmsweep sweep")
    rep.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created if missing)")
    rep.add_argument("-q", "--quiet", action="store_true", help="do not list the files written")
    args = parser.parse_args(argv)
    try:
        from . import report  # imports matplotlib: only once the arguments are fine
        written = report.build(args.files, args.output)
    except AnalysisError as e:
        print(f"{PROG} {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    if not args.quiet:
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
