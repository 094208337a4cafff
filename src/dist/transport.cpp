#include "dist/transport.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include "common/error.hpp"

namespace llmsweep::dist {

void send_bytes(MPI_Comm comm, int dest, int tag, const std::string& bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw InternalError("a message of " + std::to_string(bytes.size()) + " bytes is too large for MPI_Send");
  if (MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, comm) != MPI_SUCCESS)
    throw MpiError("MPI_Send to rank " + std::to_string(dest) + " failed");
}

bool try_receive(MPI_Comm comm, int source, Message& m) {
  int flag = 0;
  MPI_Status status;
  if (MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, &status) != MPI_SUCCESS)
    throw MpiError("MPI_Iprobe failed");
  if (!flag) return false;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  m.source = status.MPI_SOURCE;
  m.tag = status.MPI_TAG;
  m.bytes.resize(static_cast<std::size_t>(count));
  if (MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm, MPI_STATUS_IGNORE) !=
      MPI_SUCCESS)
    throw MpiError("MPI_Recv from rank " + std::to_string(status.MPI_SOURCE) + " failed");
  return true;
}

Message wait_receive(MPI_Comm comm, int source) {
  Message m;
  Backoff b;
  while (!try_receive(comm, source, m)) b.wait();
  return m;
}

Outbox::~Outbox() {
  // Requests still open at destruction (an error unwinds) are left to MPI_Finalize or abort.
  for (Pending& p : pending_) MPI_Request_free(&p.request);
}

void Outbox::send(int dest, int tag, std::string bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw InternalError("a message of " + std::to_string(bytes.size()) + " bytes is too large for MPI_Isend");
  constexpr std::size_t kMaxPending = 8;
  while (pending_.size() >= kMaxPending) {
    if (MPI_Wait(&pending_.front().request, MPI_STATUS_IGNORE) != MPI_SUCCESS)
      throw MpiError("MPI_Wait failed");
    pending_.pop_front();
  }
  pending_.push_back({std::move(bytes), MPI_REQUEST_NULL});
  Pending& p = pending_.back();
  if (MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_BYTE, dest, tag, comm_, &p.request) !=
      MPI_SUCCESS)
    throw MpiError("MPI_Isend to rank " + std::to_string(dest) + " failed");
}

void Outbox::progress() {
  while (!pending_.empty()) {
    int done = 0;
    if (MPI_Test(&pending_.front().request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
      throw MpiError("MPI_Test failed");
    if (!done) return;
    pending_.pop_front();
  }
}

void Outbox::flush() {
  Backoff b;
  while (!pending_.empty()) {
    progress();
    if (!pending_.empty()) b.wait();
  }
}

Inbox::~Inbox() {
  for (Pending& p : pending_) {
    MPI_Cancel(&p.request);
    MPI_Request_free(&p.request);
  }
}

bool Inbox::poll(Message& m) {
  while (true) {
    int flag = 0;
    MPI_Message handle;
    MPI_Status status;
    if (MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &handle, &status) != MPI_SUCCESS)
      throw MpiError("MPI_Improbe failed");
    if (!flag) break;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    pending_.push_back(
        {Message{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')},
         MPI_REQUEST_NULL});
    Pending& p = pending_.back();
    if (MPI_Imrecv(p.message.bytes.data(), count, MPI_BYTE, &handle, &p.request) != MPI_SUCCESS)
      throw MpiError("MPI_Imrecv from rank " + std::to_string(status.MPI_SOURCE) + " failed");
  }
  // The oldest complete receive first: reports of one worker stay in the order it sent them.
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    int done = 0;
    if (MPI_Test(&it->request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) throw MpiError("MPI_Test failed");
    if (!done) continue;
    // A later message of the same rank must not overtake an earlier one still arriving.
    bool earlier_open = false;
    for (auto e = pending_.begin(); e != it; ++e)
      earlier_open = earlier_open || e->message.source == it->message.source;
    if (earlier_open) continue;
    m = std::move(it->message);
    pending_.erase(it);
    return true;
  }
  return false;
}

void Backoff::wait(int max_us) {
  us_ = std::min(us_, max_us);
  std::this_thread::sleep_for(std::chrono::microseconds(us_));
  us_ = std::min(us_ * 2, max_us);
}

}  // namespace llmsweep::dist
