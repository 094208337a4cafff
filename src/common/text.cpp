#include "common/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace llmsweep {

std::string sci(double x, int digits) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  if (x == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", std::max(0, digits - 1), x);
  std::string s = buf;
  const auto e = s.find('e');
  std::string mant = s.substr(0, e);
  int exp = std::stoi(s.substr(e + 1));
  return mant + "e" + std::to_string(exp);
}

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string count(double x) {
  if (std::fabs(x) < 9.007199254740992e15) return std::to_string(static_cast<long long>(x));
  return sci(x, 6);
}

}  // namespace llmsweep
