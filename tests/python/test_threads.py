"""The searches release the GIL: Python keeps running while a frontier runs in another thread,
and threads run frontiers side by side (bench/bench_python_threads.py prints the speed-up)."""

import threading
import time

import llmsweep

# About 1 s on one core (README, Speed: the H100 SXM Superpod dense frontier in 0.5-0.8 s).
SLOW = "h100-sxm-superpod"


def test_python_runs_while_a_frontier_searches():
    started, finished = threading.Event(), threading.Event()
    result = {}

    def search():
        started.set()
        t0 = time.perf_counter()
        result["frontier"] = llmsweep.frontier(SLOW)
        result["seconds"] = time.perf_counter() - t0
        finished.set()

    worker = threading.Thread(target=search)
    worker.start()
    started.wait()
    # Sleep a little, then need the GIL to wake up: with the GIL held by the search, this
    # thread could not return from sleep until the whole frontier had finished.
    ticks = 0
    woke_while_searching = 0
    while not finished.is_set():
        t0 = time.perf_counter()
        time.sleep(0.01)
        if time.perf_counter() - t0 < 0.2 and not finished.is_set():
            woke_while_searching += 1
        ticks += 1
    worker.join()
    assert result["frontier"].rows
    # Woke up from 10 ms sleeps again and again inside one search of about a second; a search
    # holding the GIL allows at most the one wake-up before it starts.
    assert result["seconds"] > 0.1, "the frontier was too fast to tell"
    assert woke_while_searching >= 5, (woke_while_searching, ticks, result["seconds"])


def test_threads_give_the_same_results_as_serial_calls():
    scenarios = [("h100-sxm", "dense"), ("a100-sxm", "sparse"), ("h100-sxm", "sparse"), ("v100-sxm", "dense")]
    serial = [llmsweep.frontier(h, experts=e) for h, e in scenarios]
    threaded = [None] * len(scenarios)

    def run(i):
        threaded[i] = llmsweep.frontier(scenarios[i][0], experts=scenarios[i][1])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(scenarios))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert threaded == serial


def test_errors_in_threads_are_raised_in_their_thread():
    errors = []

    def run():
        try:
            llmsweep.frontier("h100-sxm", months=0)
        except llmsweep.UsageError as e:
            errors.append(str(e))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert errors == ["--months must be > 0 and at most 1e6, got 0.000000"]
