// SHA-256 of a byte string, as lowercase hex (FIPS 180-4, by OpenSSL). Used to fingerprint sweep specs.
#pragma once

#include <string>
#include <string_view>

namespace llmsweep {

std::string sha256_hex(std::string_view data);

}  // namespace llmsweep
