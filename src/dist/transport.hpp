// Point-to-point messages of bytes, and the backoff of ranks that wait: Open MPI busy-polls
// inside blocking receives, so waiting ranks sleep between probes instead.
#pragma once

#include <mpi.h>

#include <deque>
#include <string>

namespace llmsweep::dist {

struct Message {
  int source = -1;
  int tag = -1;
  std::string bytes;
};

void send_bytes(MPI_Comm comm, int dest, int tag, const std::string& bytes);
// A message waiting for us, received; false if none is there.
bool try_receive(MPI_Comm comm, int source, Message& m);
Message wait_receive(MPI_Comm comm, int source);

// Sends that complete in the background: a worker goes on computing while a large report
// travels, instead of waiting inside MPI_Send for rank 0 to take it.
class Outbox {
 public:
  explicit Outbox(MPI_Comm comm) : comm_(comm) {}
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  void send(int dest, int tag, std::string bytes);
  // Completes what has arrived; cheap, called between points.
  void progress();
  // Waits until every send has completed.
  void flush();
  bool empty() const { return pending_.empty(); }

 private:
  struct Pending {
    std::string bytes;
    MPI_Request request;
  };
  MPI_Comm comm_;
  std::deque<Pending> pending_;
};

// Receives that complete in the background: rank 0 takes in a large report while it goes on
// serving others, instead of waiting inside MPI_Recv for a worker that is not scheduled yet.
class Inbox {
 public:
  explicit Inbox(MPI_Comm comm) : comm_(comm) {}
  ~Inbox();
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;
  // Starts receiving every message that has arrived, and gives one that is complete (in the
  // order they were started); false if none is complete yet.
  bool poll(Message& m);
  bool empty() const { return pending_.empty(); }

 private:
  struct Pending {
    Message message;
    MPI_Request request;
  };
  MPI_Comm comm_;
  std::deque<Pending> pending_;
};

class Backoff {
 public:
  void reset() { us_ = 20; }
  // Sleeps, twice as long as last time, up to `max_us`.
  void wait(int max_us = 2000);

 private:
  int us_ = 20;
};

}  // namespace llmsweep::dist
