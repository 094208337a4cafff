#include "common/stop.hpp"

#include <atomic>
#include <csignal>

namespace llmsweep {
namespace {

volatile std::sig_atomic_t g_signal = 0;
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGUSR1}) sigaction(sig, &sa, nullptr);
}

bool stop_requested() {
  return g_signal != 0;
}
int stop_signal() {
  return g_signal;
}
void request_stop(int signal_number) {
  g_signal = signal_number;
}
void clear_stop() {
  g_signal = 0;
}

}  // namespace llmsweep
