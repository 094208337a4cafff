// llmsweep sweep: a grid of points over MPI (or in one process), into an HDF5 results file.
// llmsweep summarize: the frontier thresholds of each scenario, read back from such a file.
#include <mpi.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/run.hpp"
#include "common/error.hpp"
#include "common/stop.hpp"
#include "config/spec.hpp"
#include "dist/runner.hpp"
#include "grid/evaluate_point.hpp"
#include "grid/grid.hpp"
#include "io/output_session.hpp"
#include "io/results_file.hpp"
#include "io/summary.hpp"

namespace llmsweep::cli {
namespace {

struct SweepArgs {
  std::string spec;
  std::string output;
  bool resume = false;
  bool overwrite = false;
  bool force = false;
  std::uint64_t max_points = grid::Grid::kDefaultMaxPoints;
  double checkpoint_s = 60;
  double progress_s = 10;
  bool quiet = false;
};

// MPI for the lifetime of the sweep command only: the model commands never need it.
class MpiSession {
 public:
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) throw MpiError("MPI_Init failed");
      owner_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  // While an error unwinds, MPI stays up: cli::run then aborts every rank (a rank that
  // finalized here would wait forever for the others).
  ~MpiSession() {
    if (owner_ && std::uncaught_exceptions() == 0) MPI_Finalize();
  }
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  bool owner_ = false;
  int rank_ = 0;
  int size_ = 1;
};

io::FileMeta meta_of(const config::SweepSpec& spec, const grid::Grid& g) {
  io::FileMeta m;
  m.sweep_name = spec.name;
  m.description = spec.description;
  m.spec_path = std::filesystem::absolute(spec.path).string();
  m.spec_text = spec.text;
  m.spec_hash = spec.hash;
  m.spec_canonical = spec.canonical;
  m.points = g.size();
  m.levels = spec.max_levels;
  for (const config::Profile& p : spec.profiles) {
    m.hardware_stems.push_back(p.stem);
    m.hardware_names.push_back(p.hardware.name);
    m.utilization_caps.push_back(p.hardware.utilization_cap);
    m.profile_texts.push_back(p.text);
  }
  for (int a = 0; a < grid::kAxisCount; ++a) {
    const auto axis = static_cast<grid::Axis>(a);
    m.axis_names.emplace_back(grid::axis_name(axis));
    m.axis_sizes.push_back(g.axis_size(axis));
    m.axis_labels.push_back(g.axis_labels(axis));
  }
  for (grid::Axis a : g.varied_axes()) m.varied_axes.emplace_back(grid::axis_name(a));
  return m;
}

void broadcast_string(std::string& s, int root) {
  int n = static_cast<int>(s.size());
  MPI_Bcast(&n, 1, MPI_INT, root, MPI_COMM_WORLD);
  s.resize(static_cast<std::size_t>(n));
  MPI_Bcast(s.data(), n, MPI_CHAR, root, MPI_COMM_WORLD);
}

int exit_code_of(const std::exception& e) {
  if (dynamic_cast<const UsageError*>(&e) || dynamic_cast<const ConfigError*>(&e)) return kExitBadInput;
  if (dynamic_cast<const ResultFileError*>(&e)) return kExitResultFile;
  if (dynamic_cast<const MpiError*>(&e)) return kExitMpi;
  return kExitInternal;
}

int run_sweep(const SweepArgs& a) {
  if (a.resume && a.overwrite) throw UsageError("--resume and --overwrite exclude each other");
  install_stop_handlers();
  MpiSession mpi;
  // Rank 0 checks the spec and opens the file; the others learn the verdict, so a bad spec
  // stops every rank with the same exit code before anything is written.
  std::optional<config::SweepSpec> spec;
  std::optional<grid::Grid> g;
  std::unique_ptr<io::OutputSession> session;
  int verdict = kExitOk;
  std::string error;
  if (mpi.rank() == 0) {
    try {
      spec = config::load_spec(a.spec);
      g.emplace(spec->axes);
      if (g->size() == 0) throw ConfigError(a.spec, "", 0, 0, "the grid is empty");
      if (g->size() > a.max_points && !a.force)
        throw UsageError(a.spec + ": the grid has " + std::to_string(g->size()) +
                         " points, more than the limit of " + std::to_string(a.max_points) +
                         "; pass --force to run it anyway");
      if (a.output.empty()) throw UsageError("-o/--output is required");
      const io::OpenMode mode = a.resume      ? io::OpenMode::resume
                                : a.overwrite ? io::OpenMode::overwrite
                                              : io::OpenMode::create;
      session = std::make_unique<io::OutputSession>(a.output, meta_of(*spec, *g), mode);
    } catch (const std::exception& e) {
      verdict = exit_code_of(e);
      error = e.what();
    }
  }
  MPI_Bcast(&verdict, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (verdict != kExitOk) {
    if (mpi.rank() == 0) std::cerr << "llmsweep: error: " << error << "\n";
    return verdict;
  }
  std::string hash = mpi.rank() == 0 ? spec->hash : std::string();
  broadcast_string(hash, 0);
  if (mpi.rank() != 0) {
    spec = config::load_spec(a.spec);
    if (spec->hash != hash)
      throw MpiError("rank " + std::to_string(mpi.rank()) +
                     " reads a different spec or profiles than rank 0");
    g.emplace(spec->axes);
  }
  grid::PointEvaluator evaluator(*g);
  const dist::Evaluate evaluate = [&evaluator](std::uint64_t i) { return evaluator.evaluate(i); };
  dist::RunOptions options;
  options.checkpoint_interval_s = a.checkpoint_s;
  options.progress_interval_s = a.progress_s;
  options.progress = !a.quiet;
  std::vector<grid::IndexRange> pending;
  std::uint64_t done_before = 0;
  if (mpi.rank() == 0) {
    pending = session->done().complement(g->size());
    done_before = session->done().count();
    if (!a.quiet) {
      std::cerr << "llmsweep sweep: " << spec->name << ", " << g->size() << " points on " << mpi.size()
                << (mpi.size() == 1 ? " rank" : " ranks") << " -> " << a.output;
      if (a.resume) std::cerr << " (resumed: " << session->resume_note() << ")";
      std::cerr << "\n";
    }
  }
  dist::RunStats stats;
  const dist::Outcome outcome =
      dist::run(MPI_COMM_WORLD, pending, g->size(), done_before, evaluate, session.get(), options, &stats);
  int code = kExitOk;
  if (mpi.rank() == 0) {
    session->finish();
    const bool complete = session->complete();
    if (outcome == dist::Outcome::workers_lost) {
      std::cerr << "llmsweep: error: workers stopped answering; " << a.output
                << " is resumable with --resume\n";
      MPI_Abort(MPI_COMM_WORLD, kExitMpi);
    }
    if (complete) {
      if (!a.quiet) {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::cerr << "llmsweep sweep: complete: " << stats.computed << " points computed in "
                  << fixed(stats.seconds, 1) << " s (rank 0: " << stats.computed_by_coordinator
                  << " points, peak memory " << fixed(static_cast<double>(usage.ru_maxrss) / 1024.0, 0)
                  << " MB); results in " << a.output << "\n";
      }
    } else {
      const int sig = stop_signal();
      std::cerr << "llmsweep sweep: stopped" << (sig ? " by signal " + std::to_string(sig) : std::string())
                << " after " << stats.computed << " points this run, " << session->done().count() << " of "
                << g->size() << " done; continue with: llmsweep sweep " << a.spec << " -o " << a.output
                << " --resume\n";
      code = kExitInterrupted;
    }
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return code;
}

// ---- summarize -------------------------------------------------------------------------
int run_summarize(const std::string& path, bool as_json) {
  io::ResultsReader reader(path);
  const io::StoredInfo& info = reader.info();
  const std::vector<io::Scenario> all =
      io::scenarios(reader.rows(), info.hardware_stems, info.utilization_caps);
  const auto opt = [](const auto& o) { return o ? nlohmann::json(*o) : nlohmann::json(nullptr); };
  if (as_json) {
    nlohmann::json j = {{"file", path},
                        {"points", info.points},
                        {"complete", info.complete},
                        {"scenarios", nlohmann::json::array()}};
    for (const io::Scenario& s : all) {
      nlohmann::json rows = nlohmann::json::array();
      for (const grid::Row& r : s.rows)
        rows.push_back({{"d_model", r.d_model},
                        {"compute_flop", r.compute_flop},
                        {"gpus", r.gpus},
                        {"utilization", r.utilization},
                        {"years", r.years}});
      j["scenarios"].push_back({{"scenario", s.label},
                                {"points", s.points},
                                {"pending", s.pending},
                                {"rows", rows},
                                {"linear_scaling_ends_flop", opt(s.thresholds.linear_scaling_ends_flop)},
                                {"largest_feasible_flop", opt(s.thresholds.largest_feasible_flop)},
                                {"first_infeasible_d_model", opt(s.thresholds.first_infeasible_d_model)}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << path << ": " << info.points << " points, " << (info.complete ? "complete" : "INCOMPLETE")
            << ", written by llmsweep " << info.llmsweep_version << " (" << info.git_hash << ") on "
            << info.created << "\n\n";
  Table t({"scenario", "points", "frontier rows", "linear scaling ends", "largest feasible",
           "first infeasible d"},
          {false, true, true, true, true, true});
  for (const io::Scenario& s : all) {
    const auto& th = s.thresholds;
    t.add({s.label,
           std::to_string(s.points) + (s.pending ? " (" + std::to_string(s.pending) + " pending)" : ""),
           std::to_string(s.rows.size()),
           th.linear_scaling_ends_flop ? sci(*th.linear_scaling_ends_flop) : "-",
           th.largest_feasible_flop ? sci(*th.largest_feasible_flop) : "-",
           th.first_infeasible_d_model ? std::to_string(*th.first_infeasible_d_model) : "-"});
  }
  t.print(std::cout);
  return kExitOk;
}

}  // namespace

void add_sweep_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* sub = app.add_subcommand(
      "sweep", "Run a sweep spec over a grid of points (in one process or under mpirun/srun)");
  sub->add_option("SPEC", a->spec, "Sweep spec (TOML, see sweep/)")->required();
  sub->add_option("-o,--output", a->output, "Results file (HDF5)")->required();
  sub->add_flag("--resume", a->resume, "Continue an interrupted results file (the spec must be unchanged)");
  sub->add_flag("--overwrite", a->overwrite, "Replace an existing results file");
  sub->add_flag("--force", a->force, "Run grids larger than --max-points");
  // The check reads the text: CLI11 would otherwise wrap -1 to 2^64 - 1.
  sub->add_option("--max-points", a->max_points, "Largest grid run without --force")
      ->check(CLI::Validator(
          [](std::string& s) {
            const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
            return digits && s.find_first_not_of('0') != std::string::npos
                       ? std::string()
                       : "must be a positive whole number, got '" + s + "'";
          },
          "POSITIVE"))
      ->capture_default_str();
  sub->add_option("--checkpoint", a->checkpoint_s, "Seconds between merges of finished rows into the file")
      ->capture_default_str();
  sub->add_option("--progress-interval", a->progress_s,
                  "Seconds between progress lines when stderr is not a terminal")
      ->capture_default_str();
  sub->add_flag("-q,--quiet", a->quiet, "No progress output");
  sub->callback([a, &action] {
    action = [a] {
      if (!(a->checkpoint_s > 0)) throw UsageError("--checkpoint must be > 0");
      if (!(a->progress_s > 0)) throw UsageError("--progress-interval must be > 0");
      return run_sweep(*a);
    };
  });
}

void add_summarize_command(CLI::App& app, Action& action) {
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("summarize", "Frontier thresholds of each scenario in a results file");
  sub->add_option("FILE", *path, "Results file written by llmsweep sweep")->required();
  sub->add_flag("--json", *as_json, "Print JSON");
  sub->callback(
      [path, as_json, &action] { action = [path, as_json] { return run_summarize(*path, *as_json); }; });
}

}  // namespace llmsweep::cli
