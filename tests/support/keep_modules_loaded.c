/* Linked into the sanitized llmsweep only (cmake: LLMSWEEP_FUZZ or LLMSWEEP_SANITIZE). Open MPI unloads its
 * components (mca_*.so) in MPI_Finalize; memory they keep until exit is then reported by
 * LeakSanitizer with frames of an unknown module, which no suppression can name. This dlclose
 * keeps every module loaded, so that scripts/lsan-openmpi.supp matches those frames by their
 * library's name while a leak in llmsweep's own code is still reported. */
int dlclose(void* handle);

int dlclose(void* handle) {
  (void)handle;
  return 0;
}
