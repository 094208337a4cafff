#include "cli/run.hpp"

int main(int argc, char** argv) {
  return llmsweep::cli::run(argc, argv);
}
