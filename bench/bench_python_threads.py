#!/usr/bin/python3
"""bench_python_threads: frontiers from Python threads against the same frontiers one after the
other. The module releases the GIL during a search, so on k free cores k threads should finish
close to k times sooner.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_python_threads.py [threads] [repeats]

Each round runs the H100 SXM Superpod dense frontier (about 0.7 s on one core) once per thread;
it prints the median wall time of serial and threaded rounds, their ratio, and the CPU time the
process used per second of a threaded round (near k where k cores were free: the threads
searched at once; near 1 had the GIL serialised them).
"""

import os
import statistics
import sys
import threading
import time

import llmsweep


def serial(n):
    t0 = time.perf_counter()
    for _ in range(n):
        llmsweep.frontier("h100-sxm-superpod")
    return time.perf_counter() - t0


def threaded(n):
    """Wall time, and the process's CPU time over it: above 1, the threads ran at once."""
    threads = [threading.Thread(target=llmsweep.frontier, args=("h100-sxm-superpod",)) for _ in range(n)]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return wall, (time.process_time() - c0) / wall


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else (os.cpu_count() or 2)
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    s = statistics.median(serial(n) for _ in range(repeats))
    rounds = [threaded(n) for _ in range(repeats)]
    t = statistics.median(wall for wall, _ in rounds)
    busy = statistics.median(cores for _, cores in rounds)
    print(f"{n} Superpod dense frontiers: serial {s:.2f} s, {n} threads {t:.2f} s, "
          f"speed-up {s / t:.2f}x, {busy:.2f} cores busy while threaded "
          f"(median of {repeats}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
