/* fuzz_common: small helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).
 * Each target defines LLVMFuzzerTestOneInput and sets itself up once, on its first call,
 * from LW_SOURCE_DIR (the compile-time source directory, overridable by the environment
 * variable of the same name). A violated invariant calls fuzz_fail, which prints what broke
 * and aborts, so libFuzzer (or the replayer, replay.c) reports it as a crash. */
#ifndef LW_FUZZ_COMMON_H
#define LW_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz invariant broken: %s\n", what);
    abort();
}

#define FUZZ_CHECK(cond)                                                                        \
    do {                                                                                        \
        if (!(cond))                                                                            \
            fuzz_fail(#cond);                                                                   \
    } while (0)

/* The source tree: LW_SOURCE_DIR from the environment, else the one compiled in. Borrowed. */
static inline const char *fuzz_source_dir(void)
{
    const char *s = getenv("LW_SOURCE_DIR");
    return s && *s ? s : LW_SOURCE_DIR;
}

/* 1 when p[0..n) is well-formed UTF-8 (no surrogates, nothing over U+10FFFF, shortest form). */
static inline int fuzz_utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i < k + 1)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* A file of this process holding the last input, for the loaders that read paths:
 * in /dev/shm when there is one (no disk writes per run), else in TMPDIR or /tmp. The name
 * ends with suffix. Returns a borrowed path, or NULL when it cannot be written. */
static char fuzz_temp_path[512];

static inline void fuzz_temp_cleanup(void)
{
    if (fuzz_temp_path[0])
        unlink(fuzz_temp_path);
}

static inline const char *fuzz_write_temp(const uint8_t *data, size_t size, const char *suffix)
{
    char *path = fuzz_temp_path;
    if (!path[0]) {
        atexit(fuzz_temp_cleanup);
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        if (!dir || !*dir)
            dir = "/tmp";
        snprintf(path, sizeof fuzz_temp_path, "%s/lw_fuzz_%ld%s", dir, (long)getpid(), suffix);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    int ok = fwrite(data, 1, size, f) == size;
    ok &= fclose(f) == 0;
    return ok ? path : NULL;
}

#endif
