#include "common/error.hpp"

#include <iostream>
#include <new>
#include <utility>

namespace llmsweep {
namespace {

std::string locate(const std::string& file, const std::string& key, int line, int column,
                   const std::string& message) {
  // Appends piece by piece: GCC 12 warns falsely (-Wrestrict) on chained temporaries here.
  std::string out = file;
  if (line > 0) {
    out.append(":").append(std::to_string(line));
    if (column > 0) out.append(":").append(std::to_string(column));
  }
  if (!key.empty()) {
    if (!out.empty()) out.append(": ");
    out.append("key '").append(key).append("'");
  }
  if (!out.empty()) out.append(": ");
  out.append(message);
  return out;
}

}  // namespace

ConfigError::ConfigError(std::string file, std::string key, int line, int column, const std::string& message)
    : Error(locate(file, key, line, column, message)),
      file_(std::move(file)),
      key_(std::move(key)),
      line_(line),
      column_(column),
      detail_(message) {}

ResultFileError::ResultFileError(std::string file, std::string object, const std::string& message)
    : Error(file + (object.empty() ? "" : ":" + object) + ": " + message),
      file_(std::move(file)),
      object_(std::move(object)) {}

int exit_code_of(const std::exception& e) noexcept {
  if (dynamic_cast<const UsageError*>(&e) || dynamic_cast<const ConfigError*>(&e)) return kExitBadInput;
  if (dynamic_cast<const ResultFileError*>(&e)) return kExitResultFile;
  if (dynamic_cast<const MpiError*>(&e)) return kExitMpi;
  if (dynamic_cast<const InternalError*>(&e)) return kExitInternal;
  if (dynamic_cast<const Error*>(&e)) return kExitFailed;
  return kExitInternal;  // std::bad_alloc and every other exception: not the user's fault
}

std::string message_of(const std::exception& e) {
  if (dynamic_cast<const Error*>(&e)) return e.what();
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "out of memory";
  return std::string("internal error: ") + e.what();
}

void print_error(const std::string& message) {
  std::cerr << "llmsweep: error: " << message << "\n" << std::flush;
}

}  // namespace llmsweep
