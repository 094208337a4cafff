#include "config/file_text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/error.hpp"

namespace llmsweep::config::detail {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what, const std::string& why) {
  throw ConfigError(path, "", 0, 0, "cannot open " + std::string(what) + ": " + why);
}

}  // namespace

std::string read_config_file(const std::string& path, std::string_view what) {
  if (path.empty()) throw ConfigError(path, "", 0, 0, std::string(what) + " path is empty");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (ec == std::errc::no_such_file_or_directory || (!ec && !fs::exists(st)))
      fail(path, what, "no such file");
    fail(path, what, ec.message());
  }
  if (fs::is_directory(st)) fail(path, what, "it is a folder, not a file");
  if (!fs::is_regular_file(st)) fail(path, what, "not a regular file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) fail(path, what, ec.message());
  if (size > kMaxConfigFileBytes)
    fail(path, what, "too large (" + std::to_string(size) + " bytes; at most 64 MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, what, std::strerror(errno));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad() || in.gcount() != static_cast<std::streamsize>(size)) fail(path, what, "read error");
  // A file that grew since the size was taken is read only up to that size: it was being written.
  if (in.peek() != std::char_traits<char>::eof()) fail(path, what, "the file changed while it was read");
  return text;
}

}  // namespace llmsweep::config::detail
