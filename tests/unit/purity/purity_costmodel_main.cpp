// Built from src/costmodel/*.cpp alone with no libraries (see CMakeLists.txt): evaluates one plan
// and exits 0 when the result is sane, so the test also fails if the model stops working.
#include <cmath>
#include <cstdio>

#include "../../support/model_md_hardware.hpp"
#include "costmodel/evaluate.hpp"
#include "costmodel/hardware.hpp"
#include "costmodel/matmul.hpp"

int main() {
  using namespace llmsweep::costmodel;
  // H100 SXM, MODEL.md section 1.
  const Hardware hw = llmsweep::test::model_md_h100_sxm();
  if (!validate_hardware(hw).empty()) return 1;
  const Machine mc = make_machine(hw);
  // 8 x 8 x 8 on H100 SXM: 4.5 us + 512 B / 6441e9 B/s (worked in tests/unit/costmodel_test.cpp).
  if (std::fabs(matmul_time(mc, 8, 8, 8, false) - (4.5e-6 + 512 / 6441e9)) > 1e-18) return 2;
  Model m;
  m.d_model = 1024;
  m.d_ff = 4096;
  m.layers = 4;
  m.batch_seqs = 8;
  m.seq_len = 2048;
  Plan p;
  p.levels = 2;
  p.at(Kind::dp, 1) = 2;
  p.at(Kind::tp_model, 0) = 2;
  if (!check_plan(hw, m, p).empty()) return 3;
  const Evaluation ev = evaluate(mc, m, p);
  if (!(ev.status == Status::ok && ev.utilization > 0 && ev.utilization <= hw.utilization_cap)) return 4;
  std::printf("costmodel alone: utilization %.4f\n", ev.utilization);
  return 0;
}
