// main() for MPI GoogleTest programs: every rank runs every test; failures of the other ranks
// are gathered and printed by rank 0, and every rank exits with the worst result.
#include <gtest/gtest.h>
#include <mpi.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

class CollectFailures : public testing::EmptyTestEventListener {
 public:
  void OnTestPartResult(const testing::TestPartResult& r) override {
    if (!r.failed()) return;
    std::ostringstream s;
    s << (r.file_name() ? r.file_name() : "?") << ":" << r.line_number() << ": " << r.summary();
    failures_ += s.str() + "\n";
  }
  const std::string& failures() const { return failures_; }

 private:
  std::string failures_;
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  testing::InitGoogleTest(&argc, argv);
  auto* collect = new CollectFailures;
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  if (rank != 0) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(collect);
  const int local = RUN_ALL_TESTS();
  // Gather the other ranks' failure text to rank 0.
  const std::string mine = rank == 0 ? std::string() : collect->failures();
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(size));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(static_cast<std::size_t>(size), 0);
  int total = 0;
  for (int r = 0; r < size; ++r) {
    offsets[static_cast<std::size_t>(r)] = total;
    total += lengths[static_cast<std::size_t>(r)];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  int worst = local;
  MPI_Allreduce(&local, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) {
    for (int r = 1; r < size; ++r) {
      const int len = lengths[static_cast<std::size_t>(r)];
      if (len > 0)
        std::printf("[ rank %d FAILED ]\n%s", r,
                    all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                               static_cast<std::size_t>(len))
                        .c_str());
    }
    std::printf("%d rank(s): %s\n", size, worst == 0 ? "all passed" : "FAILURES");
  }
  MPI_Finalize();
  return worst;
}
