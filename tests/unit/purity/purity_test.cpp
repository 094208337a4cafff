// Dependency direction of the pure layers (STYLE.md: costmodel <- search <- ...; "costmodel never
// includes MPI, HDF5, TOML, CLI11 or Boost headers"): greps src/costmodel and src/search for
// their #include lines, and checks what their CMake targets link. Also where src/api sits:
// above config/io, below cli and the Python module, with CLI11 in src/cli alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Include {
  std::string file;
  int line;
  std::string header;
  bool angle;  // <...> rather than "..."
};

std::vector<Include> includes_of(const std::string& text, const std::string& file) {
  static const std::regex directive(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Include> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (std::regex_search(line, m, directive)) out.push_back({file, n, m[2].str(), m[1].str() == "<"});
  }
  return out;
}

// Why an include is not allowed in a pure layer, or empty. `own` lists the project folders the
// layer may include from ("costmodel/" for the cost model; "costmodel/" and "search/" for search).
std::string forbidden(const Include& inc, const std::vector<std::string>& own) {
  // The library is the first name of the path: "mpi.h" -> mpi, "toml++/toml.h" -> toml++.
  std::string lib = inc.header.substr(0, inc.header.find_first_of("/."));
  std::transform(lib.begin(), lib.end(), lib.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::vector<std::string> libs{"mpi", "mpicxx", "hdf5",  "toml",    "toml++",
                                             "cli", "cli11",  "boost", "nlohmann"};
  if (std::find(libs.begin(), libs.end(), lib) != libs.end() || lib.rfind("h5", 0) == 0)
    return "names a forbidden library (" + lib + ")";
  if (inc.angle) {
    // Standard C++ headers have plain lower-case names: no folder, no extension.
    static const std::regex standard("^[a-z_]+$");
    if (!std::regex_match(inc.header, standard)) return "is not a standard library header";
    return {};
  }
  for (const std::string& prefix : own)
    if (inc.header.rfind(prefix, 0) == 0) return {};
  return "points outside the layer's allowed folders";
}

std::vector<std::string> violations(const std::string& layer, const std::vector<std::string>& own) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(LLMSWEEP_SOURCE_DIR) / "src" / layer;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".h") continue;
    ++files;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    for (const Include& inc : includes_of(text.str(), entry.path().string()))
      if (std::string why = forbidden(inc, own); !why.empty())
        out.push_back(inc.file + ":" + std::to_string(inc.line) + ": #include " + inc.header + " " + why);
  }
  if (files == 0) out.push_back("no sources found in " + dir.string());
  return out;
}

// Every include of the sources of src/<layer>, with its file and line.
std::vector<Include> layer_includes(const std::string& layer) {
  std::vector<Include> out;
  const fs::path dir = fs::path(LLMSWEEP_SOURCE_DIR) / "src" / layer;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    for (Include& inc : includes_of(text.str(), entry.path().string())) out.push_back(std::move(inc));
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

TEST(Purity, ScannerCatchesForbiddenIncludes) {
  // The scanner itself, on text with one include of each kind; without this the real checks
  // below could pass by finding nothing.
  const std::string text =
      "#include <vector>\n"
      "#include \"costmodel/plan.hpp\"\n"
      "#include <mpi.h>\n"
      "  #  include <hdf5.h>\n"
      "#include <toml++/toml.h>\n"
      "#include <CLI/CLI.hpp>\n"
      "#include <boost/serialization/vector.hpp>\n"
      "#include <nlohmann/json.hpp>\n"
      "#include \"config/hardware_config.hpp\"\n"
      "#include <stdio.h>\n"
      "#include <H5Cpp.h>\n"
      "// #include <mpi.h> in a comment is not an include\n";
  const std::vector<Include> incs = includes_of(text, "x.cpp");
  ASSERT_EQ(incs.size(), 11u);
  const std::vector<std::string> own{"costmodel/"};
  EXPECT_EQ(forbidden(incs[0], own), "");
  EXPECT_EQ(forbidden(incs[1], own), "");
  for (std::size_t i = 2; i < incs.size(); ++i) EXPECT_NE(forbidden(incs[i], own), "") << incs[i].header;
  EXPECT_EQ(incs[3].line, 4);
  EXPECT_NE(forbidden(incs[2], own).find("forbidden library (mpi)"), std::string::npos);
  EXPECT_NE(forbidden(incs[10], own).find("forbidden library (h5cpp)"), std::string::npos);
  // A project header whose name merely contains a library's letters is fine.
  EXPECT_EQ(forbidden(Include{"x.cpp", 1, "costmodel/compile_time.hpp", false}, own), "");
  // search/ may include costmodel/ but not the other way round.
  const Include up{"x.cpp", 1, "search/best_plan.hpp", false};
  EXPECT_NE(forbidden(up, {"costmodel/"}), "");
  EXPECT_EQ(forbidden(up, {"costmodel/", "search/"}), "");
}

TEST(Purity, CostModelIncludesOnlyTheStandardLibraryAndItself) {
  for (const std::string& v : violations("costmodel", {"costmodel/"})) ADD_FAILURE() << v;
}

TEST(Purity, SearchIncludesOnlyTheStandardLibraryTheCostModelAndItself) {
  for (const std::string& v : violations("search", {"costmodel/", "search/"})) ADD_FAILURE() << v;
}

TEST(Layering, ApiIncludesNothingAboveIt) {
  const std::vector<Include> incs = layer_includes("api");
  EXPECT_FALSE(incs.empty());
  for (const Include& inc : incs)
    for (const char* above : {"cli/", "dist/", "python/", "CLI/", "mpi", "pybind11/"})
      EXPECT_FALSE(starts_with(inc.header, above))
          << inc.file << ":" << inc.line << ": #include " << inc.header;
}

TEST(Layering, NothingBelowTheApiIncludesIt) {
  for (const char* layer : {"common", "costmodel", "search", "grid", "config", "io", "dist"})
    for (const Include& inc : layer_includes(layer))
      EXPECT_FALSE(starts_with(inc.header, "api/") || starts_with(inc.header, "cli/") ||
                   starts_with(inc.header, "python/"))
          << inc.file << ":" << inc.line << ": #include " << inc.header;
}

TEST(Layering, Cli11StaysInTheCli) {
  for (const char* layer : {"common", "costmodel", "search", "grid", "config", "io", "dist", "api", "python"})
    for (const Include& inc : layer_includes(layer))
      EXPECT_FALSE(starts_with(inc.header, "CLI/"))
          << inc.file << ":" << inc.line << ": #include " << inc.header;
}

TEST(Purity, LibrariesLinkOnlyDownward) {
  // Written by tests/unit/purity/CMakeLists.txt from the targets' LINK_LIBRARIES.
  std::ifstream in(LLMSWEEP_PURITY_LINKS);
  ASSERT_TRUE(in) << LLMSWEEP_PURITY_LINKS;
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    ASSERT_NE(eq, std::string::npos) << line;
    const std::string target = line.substr(0, eq);
    std::vector<std::string> libs;
    std::istringstream list(line.substr(eq + 1));
    for (std::string lib; std::getline(list, lib, ';');)
      if (!lib.empty()) libs.push_back(lib);
    const std::vector<std::string> allowed =
        target == "llmsweep_costmodel" ? std::vector<std::string>{"llmsweep_options"}
                                       : std::vector<std::string>{"llmsweep_options", "llmsweep_costmodel"};
    for (const std::string& lib : libs)
      EXPECT_NE(std::find(allowed.begin(), allowed.end(), lib), allowed.end()) << target << " links " << lib;
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

}  // namespace
