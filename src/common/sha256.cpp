#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <array>

#include "common/error.hpp"

namespace llmsweep {

// OpenSSL's one-shot EVP digest (FIPS 180-4 SHA-256), checked against the NIST known answers in
// tests/unit/sha256_test.cpp.
std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 || size != 32)
    throw InternalError("OpenSSL could not compute a SHA-256 digest");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace llmsweep
