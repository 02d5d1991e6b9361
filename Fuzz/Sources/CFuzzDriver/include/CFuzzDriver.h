#ifndef WAYFINDER_FUZZ_DRIVER_H
#define WAYFINDER_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the fuzzer runtime that -sanitize=fuzzer links): parses the libFuzzer
/// options in argv and calls `test` with each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

/// Runs libFuzzer's driver over `test` with the process's arguments.
int wayfinder_fuzz_run(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
