// Stop requests from signals. SIGTERM, SIGINT and SIGUSR1 (what Slurm and mpirun send before a
// time limit or preemption) only set a flag, so receiving them twice is harmless; long loops
// poll stop_requested() and wind down cleanly.
#pragma once

namespace llmsweep {

void install_stop_handlers();
bool stop_requested();
int stop_signal();  // the first signal received, 0 if none
// For tests: as if a signal had arrived.
void request_stop(int signal_number);
void clear_stop();

}  // namespace llmsweep
