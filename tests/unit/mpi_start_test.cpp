// Unit tests of the messaging layer asked of Open MPI at start-up (dist::one_node_pml): shared
// memory (ob1) for runs confined to one node, and Open MPI's own choice everywhere else.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "dist/sweep.hpp"

namespace llmsweep::dist {
namespace {

const char* pml_with(const std::map<std::string, std::string>& vars) {
  return one_node_pml([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

std::string shown(const char* pml) {
  return pml ? pml : "(Open MPI chooses)";
}

TEST(OneNodePml, SharedMemoryForMpirunOnOneHost) {
  EXPECT_EQ(shown(pml_with(
                {{"OMPI_COMM_WORLD_SIZE", "3"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "3"}, {"PMIX_RANK", "1"}})),
            "ob1");
}

TEST(OneNodePml, SharedMemoryForAProcessStartedAlone) {
  EXPECT_EQ(shown(pml_with({})), "ob1");
  EXPECT_EQ(shown(pml_with({{"SLURM_JOB_ID", "7"}, {"SLURM_PROCID", "0"}})),
            "ob1");  // a batch script's own process
}

TEST(OneNodePml, OpenMpiChoosesAcrossNodesUnderSrunAndWhenTheUserChose) {
  EXPECT_EQ(shown(pml_with({{"OMPI_COMM_WORLD_SIZE", "64"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "32"}})),
            "(Open MPI chooses)");
  EXPECT_EQ(shown(pml_with({{"PMIX_RANK", "0"}, {"SLURM_PROCID", "0"}})),
            "(Open MPI chooses)");                                                           // srun, PMIx
  EXPECT_EQ(shown(pml_with({{"PMI_RANK", "0"}, {"PMI_SIZE", "4"}})), "(Open MPI chooses)");  // srun, PMI-2
  EXPECT_EQ(
      shown(pml_with(
          {{"OMPI_MCA_pml", "ucx"}, {"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}})),
      "(Open MPI chooses)");
  EXPECT_EQ(shown(pml_with({{"OMPI_MCA_pml", "cm"}})), "(Open MPI chooses)");
}

}  // namespace
}  // namespace llmsweep::dist
