// llmsweep sweep: a grid of points over MPI (or in one process), into an HDF5 results file.
// The options and what each rank reads, computes and opens; the protocol is dist::run_sweep.
#include <malloc.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/run.hpp"
#include "common/error.hpp"
#include "common/stop.hpp"
#include "config/spec.hpp"
#include "dist/progress.hpp"
#include "dist/sweep.hpp"
#include "grid/evaluate_point.hpp"
#include "grid/grid.hpp"
#include "io/output_session.hpp"
#include "io/results_file.hpp"

namespace llmsweep::cli {
namespace {

struct SweepArgs {
  std::string spec;
  std::string output;
  bool resume = false;
  bool overwrite = false;
  bool force = false;
  std::optional<std::uint64_t> max_points;
  double checkpoint_s = 60;
  double progress_s = 10;
  bool quiet = false;
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
  m.keep = spec.keep;
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

std::string gigabytes(double bytes) {
  return bytes >= 1e9 ? fixed(bytes / 1e9, 1) + " GB" : fixed(bytes / 1e6, 1) + " MB";
}

// What one rank computes: the spec from the bundle, its grid and evaluator.
struct Computation {
  config::SweepSpec spec;
  grid::Grid grid;
  grid::PointEvaluator evaluator;
  explicit Computation(config::SweepSpec s) : spec(std::move(s)), grid(spec.axes), evaluator(grid) {}
};

// Rank 0's state between the protocol's steps.
struct Root {
  std::optional<config::SweepSpec> spec;
  std::unique_ptr<grid::Grid> grid;
  std::unique_ptr<io::OutputSession> session;
  int ranks = 1;
};

// Refuses a grid whose keep = all file would not fit on the disk (journal, working copy and
// the file readers open, until the end).
void check_disk(const SweepArgs& a, const config::SweepSpec& spec, std::uint64_t points) {
  if (spec.keep.keep != grid::Keep::all || a.force || a.resume) return;
  const double need = 3 * io::kBytesPerPointEstimate * static_cast<double>(points);
  const std::uint64_t free = io::free_bytes_near(a.output);
  if (free > 0 && need > static_cast<double>(free))
    throw ResultFileError(a.output, "",
                          "the sweep needs about " + gigabytes(need) +
                              " (journal, working copy and results file) but the disk has " +
                              gigabytes(static_cast<double>(free)) + " free; pass --force to start anyway");
}

std::string read_inputs(const SweepArgs& a, Root& root) {
  if (a.output.empty()) throw UsageError("-o/--output is required");
  root.spec = config::load_spec(a.spec);
  root.grid = std::make_unique<grid::Grid>(root.spec->axes);
  const std::uint64_t points = root.grid->size();
  if (points == 0) throw ConfigError(a.spec, "", 0, 0, "the grid is empty");
  if (a.max_points && points > *a.max_points && !a.force)
    throw UsageError(a.spec + ": the grid has " + std::to_string(points) +
                     " points, more than --max-points " + std::to_string(*a.max_points) +
                     "; pass --force to run it anyway");
  check_disk(a, *root.spec, points);
  return config::pack_spec(*root.spec);
}

dist::Opened open_results(const SweepArgs& a, Root& root) {
  const io::OpenMode mode = a.resume      ? io::OpenMode::resume
                            : a.overwrite ? io::OpenMode::overwrite
                                          : io::OpenMode::create;
  root.session = std::make_unique<io::OutputSession>(a.output, meta_of(*root.spec, *root.grid), mode);
  dist::Opened o;
  o.sink = root.session.get();
  o.pending = root.session->done().complement(root.grid->size());
  o.done_before = root.session->done().count();
  if (!a.quiet) {
    const std::uint64_t points = root.grid->size();
    std::cerr << "llmsweep sweep: " << root.spec->name << ", " << points << " points on " << root.ranks
              << (root.ranks == 1 ? " rank" : " ranks") << " -> " << a.output;
    if (root.spec->keep.keep == grid::Keep::all)
      std::cerr << " (about " << gigabytes(io::kBytesPerPointEstimate * static_cast<double>(points)) << ")";
    else
      std::cerr << " (keeping " << grid::describe(root.spec->keep) << ")";
    if (a.resume) std::cerr << " (resumed: " << root.session->resume_note() << ")";
    std::cerr << "\n";
  }
  return o;
}

int report(const SweepArgs& a, Root& root, const dist::RunStats& stats, dist::Outcome outcome) {
  const std::uint64_t points = root.grid->size();
  if (outcome == dist::Outcome::workers_lost) {
    print_error("workers stopped answering; " + a.output + " is resumable with --resume");
    return kExitMpi;
  }
  if (root.session->complete()) {
    if (!a.quiet) {
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::cerr << "llmsweep sweep: complete: " << stats.computed << " points computed in "
                << fixed(stats.seconds, 1) << " s (the final file " << fixed(stats.close_s, 2)
                << " s; rank 0: " << stats.computed_by_coordinator << " points, peak memory "
                << fixed(static_cast<double>(usage.ru_maxrss) / 1024.0, 0) << " MB); results in " << a.output
                << "\n";
    }
    return kExitOk;
  }
  const int sig = stop_signal();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cerr << "llmsweep sweep: stopped" << (sig ? " by signal " + std::to_string(sig) : std::string())
            << " after " << stats.computed << " points this run (rank 0 peak memory "
            << fixed(static_cast<double>(usage.ru_maxrss) / 1024.0, 0) << " MB), "
            << root.session->done().count() << " of " << points << " done; continue with: llmsweep sweep "
            << a.spec << " -o " << a.output << " --resume\n";
  return kExitInterrupted;
}

// The first results tell the cost of a point: the time and size the run will take.
void print_estimate(const SweepArgs& a, const Root& root, double points_per_s) {
  const auto left = static_cast<double>(root.grid->size() - root.session->done().count());
  std::cerr << "llmsweep sweep: about " << dist::format_duration(left / points_per_s) << " left on "
            << root.ranks << (root.ranks == 1 ? " rank" : " ranks") << " at " << sci(points_per_s, 3)
            << " points/s";
  const double per_point = root.session->bytes_per_point();
  if (root.spec->keep.keep == grid::Keep::all && per_point > 0)
    std::cerr << "; " << a.output << " about "
              << gigabytes(per_point * static_cast<double>(root.grid->size()));
  std::cerr << "\n";
}

int run_sweep(const SweepArgs& a) {
  if (a.resume && a.overwrite) throw UsageError("--resume and --overwrite exclude each other");
  install_stop_handlers();
  // Chunks and pieces are large buffers made and freed all the time: keep them in the heap
  // instead of mapping fresh (zeroed, faulting) pages for each.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  auto root = std::make_shared<Root>();
  root->ranks = dist::world_size();
  dist::SweepJob job;
  job.read_inputs = [&a, root] { return read_inputs(a, *root); };
  job.prepare = [](const std::string& bundle) {
    auto c = std::make_shared<Computation>(config::unpack_spec(bundle));
    return dist::Evaluate([c](std::uint64_t i) { return c->evaluator.evaluate(i); });
  };
  job.open = [&a, root] { return open_results(a, *root); };
  job.report = [&a, root](const dist::RunStats& s, dist::Outcome o) { return report(a, *root, s, o); };
  job.abandon = [root] { root->session.reset(); };
  job.options.checkpoint_interval_s = a.checkpoint_s;
  job.options.progress_interval_s = a.progress_s;
  job.options.progress = !a.quiet;
  if (!a.quiet) job.options.on_first_estimate = [&a, root](double rate) { print_estimate(a, *root, rate); };
  return dist::run_sweep(job);
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
  sub->add_flag("--force", a->force,
                "Run grids larger than --max-points, or whose file may not fit on the disk");
  // The check reads the text: CLI11 would otherwise wrap -1 to 2^64 - 1.
  sub->add_option("--max-points", a->max_points, "Largest grid run without --force (default: no limit)")
      ->check(CLI::Validator(
          [](std::string& s) {
            const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
            return digits && s.find_first_not_of('0') != std::string::npos
                       ? std::string()
                       : "must be a positive whole number, got '" + s + "'";
          },
          "POSITIVE"));
  sub->add_option(
         "--checkpoint", a->checkpoint_s,
         "Seconds between snapshots of the results file for readers (at least 20 times a snapshot's cost)")
      ->capture_default_str();
  sub->add_option("--progress-interval", a->progress_s,
                  "Seconds between progress lines when stderr is not a terminal")
      ->capture_default_str();
  sub->add_flag("-q,--quiet", a->quiet, "No progress output");
  sub->callback([a, &action] {
    action = [a] {
      if (!(a->checkpoint_s > 0) || !std::isfinite(a->checkpoint_s))
        throw UsageError("--checkpoint must be > 0");
      if (!(a->progress_s > 0) || !std::isfinite(a->progress_s))
        throw UsageError("--progress-interval must be > 0");
      return run_sweep(*a);
    };
  });
}

}  // namespace llmsweep::cli
