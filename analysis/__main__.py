"""python3 -m analysis report RESULTS.h5 [MORE.h5 ...] -o DIR
python3 -m analysis explore RESULTS.h5 [MORE.h5 ...] -o DIR"""

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
    exp = sub.add_parser("explore", help="an interactive page (DIR/index.html) from one or more sweep files",
                         description="Write DIR/index.html, a page that works from the file system with no server "
                                     "and no network: utilization against compute with pickers, parallelism, heat "
                                     "maps, the thresholds table with an adjustable threshold, a CSV download.")
    exp.add_argument("files", nargs="+", metavar="RESULTS.h5", help="results files written by llmsweep sweep")
    exp.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder (created if missing)")
    exp.add_argument("--plotly-js", metavar="PATH", default=None,
                     help="plotly.js to copy beside the page (default: Debian's python3-plotly, "
                          "/usr/share/python3-plotly/plotly.js)")
    exp.add_argument("-q", "--quiet", action="store_true", help="do not list the files written")
    args = parser.parse_args(argv)
    try:
        # Both import matplotlib: only once the arguments are fine.
        if args.command == "explore":
            from . import explore
            written = explore.build(args.files, args.output, args.plotly_js or explore.PLOTLY_JS)
        else:
            from . import report
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
