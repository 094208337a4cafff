// Built from src/costmodel/*.cpp and src/search/*.cpp alone with no libraries (see
// CMakeLists.txt): runs one plan search and exits 0 when it finds golden optimal[0]'s plan.
#include <cmath>
#include <cstdio>

#include "../../support/model_md_hardware.hpp"
#include "search/best_plan.hpp"

int main() {
  using namespace llmsweep;
  // H100 SXM, MODEL.md section 1.
  const costmodel::Hardware hw = test::model_md_h100_sxm();
  const costmodel::Machine mc = costmodel::make_machine(hw);
  // Golden file optimal[0]: d 12288, f 49152, L 192, B 3584 on 2048 GPUs -> utilization 0.69899.
  costmodel::Model m;
  m.d_model = 12288;
  m.d_ff = 49152;
  m.layers = 192;
  m.batch_seqs = 3584;
  m.seq_len = 2048;
  const search::SearchResult r = search::best_plan(mc, m, 2048);
  if (!r.found()) return 1;
  if (std::fabs(r.evaluation.utilization / 0.6989935821907877 - 1) > 1e-9) return 2;
  std::printf("search alone: utilization %.6f\n", r.evaluation.utilization);
  return 0;
}
