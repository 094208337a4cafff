// The layering of src/ (STYLE.md: costmodel <- search <- grid <- config/io <- dist <- cli, with
// api above config/io and below cli and the Python module): every #include of every source under
// src/ is resolved to the folder it names, and each "never" of the layering is checked. The
// checker runs on a folder given to it, so the self-tests plant violations in a temporary tree and
// show that each rule catches them; the real test runs it on the repository's src/.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// One "never": sources in `from` never include anything of folder `to`, except the files of `to`
// listed in `except` (paths inside `to`).
struct Rule {
  std::string from;
  std::string to;
  std::vector<std::string> except;
  std::string why;
};

// Every folder of src/ and what it may never include. A folder not named here fails the test:
// a new layer must say where it sits.
const std::vector<std::string> kLayers{"common", "costmodel", "search", "grid", "config",
                                       "io",     "dist",      "api",    "cli",  "python"};

std::vector<Rule> layering_rules() {
  std::vector<Rule> rules;
  const auto never = [&rules](const std::string& from, const std::vector<std::string>& tos,
                              const std::string& why) {
    for (const std::string& to : tos) rules.push_back({from, to, {}, why});
  };
  const std::vector<std::string> above_core{"io", "config", "dist", "cli", "api", "python"};
  never("common", {"costmodel", "search", "grid", "config", "io", "dist", "api", "cli", "python"},
        "common/ sits below every layer (error types, version, text helpers)");
  never("costmodel", {"search", "grid"}, "costmodel <- search <- grid");
  never("costmodel", above_core, "the pure core never includes I/O, configuration, MPI or front ends");
  never("search", {"grid"}, "search <- grid");
  never("search", above_core, "the pure core never includes I/O, configuration, MPI or front ends");
  never("grid", above_core, "the pure core never includes I/O, configuration, MPI or front ends");
  never("config", {"dist", "cli", "api", "python"}, "config/io <- dist <- cli; api sits above config");
  never("io", {"dist", "cli", "api", "python"}, "config/io <- dist <- cli; api sits above io");
  never("dist", {"config", "cli", "api", "python"}, "dist gets its spec from its caller; cli composes");
  rules.push_back({"dist",
                   "io",
                   {"sink.hpp", "codec.hpp", "memory_sink.hpp"},
                   "dist sees only the sink interface of io/; HDF5 stays inside io"});
  never("api", {"cli", "dist", "python"},
        "api is called by the CLI and the Python module, never the reverse");
  return rules;
}

struct Include {
  fs::path file;  // relative to the scanned root, e.g. dist/sweep.cpp
  int line;
  std::string text;  // as written, e.g. io/sink.hpp
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_source(const fs::path& path) {
  static const std::set<std::string> exts{".hpp", ".cpp", ".h", ".hh", ".cc", ".ipp", ".inc"};
  return exts.count(path.extension().string()) > 0;
}

std::vector<Include> includes_under(const fs::path& root) {
  static const std::regex directive(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::vector<Include> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !is_source(entry.path())) continue;
    std::istringstream in(read_text(entry.path()));
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      std::smatch m;
      if (std::regex_search(line, m, directive))
        out.push_back({fs::relative(entry.path(), root), n, m[1].str()});
    }
  }
  return out;
}

// The file an include names, relative to root ("io/sink.hpp"), or empty when it lies outside the
// root (a system or library header). Like the compiler: a quoted name is looked up next to the
// including file first, then from src/ (the include folder).
fs::path resolve(const fs::path& root, const Include& inc) {
  fs::path target = (inc.file.parent_path() / inc.text).lexically_normal();
  if (!fs::exists(root / target)) target = fs::path(inc.text).lexically_normal();
  if (target.empty() || *target.begin() == ".." || target.is_absolute()) return {};
  return target;
}

std::string first_component(const fs::path& p) {
  return p.empty() ? std::string() : p.begin()->string();
}

// One line per include that breaks a rule, and one per folder of root that no layer names.
std::vector<std::string> layering_violations(const fs::path& root) {
  std::vector<std::string> out;
  const std::set<std::string> layers(kLayers.begin(), kLayers.end());
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory() && !layers.count(entry.path().filename().string()))
      out.push_back(entry.path().filename().string() +
                    "/: a folder of src/ that the layering does not place (add it to kLayers and its rules)");
  const std::vector<Rule> rules = layering_rules();
  for (const Include& inc : includes_under(root)) {
    const fs::path target = resolve(root, inc);
    const std::string from = first_component(inc.file);
    const std::string to = first_component(target);
    if (to.empty() || !layers.count(to)) continue;
    const std::string inside = target.lexically_relative(to).generic_string();
    for (const Rule& rule : rules) {
      if (rule.from != from || rule.to != to) continue;
      if (std::find(rule.except.begin(), rule.except.end(), inside) != rule.except.end()) continue;
      std::string except;
      for (const std::string& name : rule.except)
        except += (except.empty() ? " except " : ", ") + to + "/" + name;
      out.push_back(inc.file.generic_string() + ":" + std::to_string(inc.line) + ": #include \"" + inc.text +
                    "\": " + from + "/ never includes " + to + "/" + except + " (" + rule.why + ")");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Layering, SourcesKeepEveryNeverOfTheLayering) {
  const fs::path src = fs::path(LLMSWEEP_SOURCE_DIR) / "src";
  // The scan must find the includes it checks, or the test below would pass on nothing.
  const std::vector<Include> all = includes_under(src);
  EXPECT_GT(all.size(), 200u);
  for (const std::string& layer : kLayers) EXPECT_TRUE(fs::is_directory(src / layer)) << layer;
  for (const std::string& v : layering_violations(src)) ADD_FAILURE() << "src/" << v;
}

// A small tree like src/, written into a fresh temporary folder, removed afterwards.
class PlantedTree : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "llmsweep-layering-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
    for (const std::string& layer : kLayers) fs::create_directories(root_ / layer);
    // One clean include along each allowed direction.
    write("search/best_plan.hpp", "#include \"costmodel/plan.hpp\"\n#include <vector>\n");
    write("grid/grid.hpp", "#include \"search/best_plan.hpp\"\n");
    write("config/spec.cpp", "#include \"grid/grid.hpp\"\n#include <toml++/toml.h>\n");
    write("io/results_file.cpp", "#include \"grid/grid.hpp\"\n#include \"common/error.hpp\"\n");
    write("dist/sweep.cpp",
          "#include \"io/sink.hpp\"\n#include \"io/codec.hpp\"\n#include \"io/memory_sink.hpp\"\n");
    write("api/commands.cpp", "#include \"config/spec.hpp\"\n#include \"io/summary.hpp\"\n");
    write("cli/run.cpp",
          "#include \"dist/sweep.hpp\"\n#include \"api/commands.hpp\"\n#include \"io/journal.hpp\"\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name) << text;
  }
  fs::path root_;
};

TEST_F(PlantedTree, CleanTreePasses) {
  EXPECT_EQ(layering_violations(root_), std::vector<std::string>{});
}

TEST_F(PlantedTree, EachRuleCatchesItsViolation) {
  // Every rule, planted once: the include must be reported, naming file, line and both folders.
  const std::vector<Rule> rules = layering_rules();
  ASSERT_GT(rules.size(), 30u);
  for (const Rule& rule : rules) {
    const std::string header = rule.to + "/planted_header.hpp";
    write(rule.from + "/planted.cpp", "#include <vector>\n#include \"" + header + "\"\n");
    const std::vector<std::string> found = layering_violations(root_);
    ASSERT_EQ(found.size(), 1u) << rule.from << " -> " << rule.to;
    EXPECT_EQ(found[0].rfind(rule.from + "/planted.cpp:2: #include \"" + header + "\": " + rule.from +
                                 "/ never includes " + rule.to + "/",
                             0),
              0u)
        << found[0];
    fs::remove(root_ / rule.from / "planted.cpp");
  }
}

TEST_F(PlantedTree, DistReachesOnlyTheSinkInterfaceOfIo) {
  write("dist/runner.cpp", "#include \"io/sink.hpp\"\n#include \"io/results_file.hpp\"\n");
  write("dist/deep/helper.hpp", "  #  include <io/hdf5_util.hpp>\n");
  const std::vector<std::string> found = layering_violations(root_);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NE(found[0].find("dist/deep/helper.hpp:1: #include \"io/hdf5_util.hpp\""), std::string::npos)
      << found[0];
  EXPECT_NE(found[1].find("dist/runner.cpp:2: #include \"io/results_file.hpp\""), std::string::npos)
      << found[1];
}

TEST_F(PlantedTree, RelativeIncludesAreResolvedLikeTheCompilerDoes) {
  // "../io/x.hpp" from src/dist names src/io/x.hpp; "sink.hpp" next to the file is that file.
  write("io/hdf5_util.hpp", "");
  write("dist/relative.cpp", "#include \"../io/hdf5_util.hpp\"\n");
  write("grid/row.hpp", "");
  write("config/spec.hpp", "");
  write("grid/schema.cpp", "#include \"row.hpp\"\n#include \"./../config/../config/spec.hpp\"\n");
  const std::vector<std::string> found = layering_violations(root_);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NE(found[0].find("dist/relative.cpp:1"), std::string::npos) << found[0];
  EXPECT_NE(
      found[1].find(
          "grid/schema.cpp:2: #include \"./../config/../config/spec.hpp\": grid/ never includes config/"),
      std::string::npos)
      << found[1];
}

TEST_F(PlantedTree, CommentedIncludesAndSystemHeadersAreNotIncludes) {
  write("costmodel/evaluate.cpp",
        "// #include \"io/sink.hpp\"\n#include <sys/stat.h>\n#include <mpi.h>\n  /* #include \"dist/x.hpp\" "
        "*/\n");
  EXPECT_EQ(layering_violations(root_), std::vector<std::string>{});
}

TEST_F(PlantedTree, AnUnplacedFolderFails) {
  write("proto/wire.hpp", "");
  const std::vector<std::string> found = layering_violations(root_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("proto/: a folder of src/ that the layering does not place", 0), 0u) << found[0];
}

}  // namespace
