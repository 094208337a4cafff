// Numbers as text, the same way in tables, messages and every front end.
#pragma once

#include <string>

namespace llmsweep {

// "2.048e28"-style scientific notation with `digits` significant digits.
std::string sci(double x, int digits = 4);
// Fixed notation with `decimals` decimals.
std::string fixed(double x, int decimals);
// Integers and integral doubles with no exponent ("8388608"); past 2^53, sci with 6 digits.
std::string count(double x);

}  // namespace llmsweep
