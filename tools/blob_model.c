/* blob_model.c - writes a model header's model as a model blob (attention.h,
   MODEL BLOBS) with attention.h's own writer (attn_model_save_* /
   attn_seq2seq_save_*). Built against the header by an input file,
   bm_input.h (found on the include path), that includes the model header(s)
   and defines:
       BM_KIND   1 classifier float, 2 classifier int8, 3 encoder-decoder
                 float, 4 encoder-decoder int8 (the blob's kind word)
       BM_CFG    the model's cfg (name_cfg)
       BM_W      its weights (name_weights) or int8 parameters (name_s8)
   and defines the header's NAME_IMPLEMENTATION macros first where the
   header has them. tools/export.py's export_blob writes bm_input.h, then
   builds and runs this file; by hand:
       cc -std=c99 -O2 -I. -I<dir of bm_input.h> tools/blob_model.c -lm -o blob_model
   usage: blob_model OUT.bin            the blob, byte for byte
          blob_model -c NAME OUT.h      a C header: the blob as
                 static const unsigned char NAME[] (16-byte aligned with GCC
                 and clang) and #define NAME_SIZE (NAME in capitals)
   The blob is loaded back (attn_*_load_*) before it is written: a model
   the loader refuses is an error. Exit status 0 on success, 1 on error
   (message on stderr). */
#define ATTN_IMPLEMENTATION
#include "attention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_input.h"

#if BM_KIND == 1
#define BM_SAVE attn_model_save_f32
#define BM_LOAD attn_model_load_f32
typedef attn_model_cfg bm_cfg;
typedef attn_model_weights_f32 bm_w;
#elif BM_KIND == 2
#define BM_SAVE attn_model_save_s8
#define BM_LOAD attn_model_load_s8
typedef attn_model_cfg bm_cfg;
typedef attn_model_s8_params bm_w;
#elif BM_KIND == 3
#define BM_SAVE attn_seq2seq_save_f32
#define BM_LOAD attn_seq2seq_load_f32
typedef attn_seq2seq_cfg bm_cfg;
typedef attn_seq2seq_weights_f32 bm_w;
#elif BM_KIND == 4
#define BM_SAVE attn_seq2seq_save_s8
#define BM_LOAD attn_seq2seq_load_s8
typedef attn_seq2seq_cfg bm_cfg;
typedef attn_seq2seq_s8_params bm_w;
#else
#error "BM_KIND must be 1, 2, 3 or 4"
#endif

static int bm_fail(const char *what, attn_status st)
{
    fprintf(stderr, "error: %s: %s (%d)\n", what, attn_status_str(st), (int)st);
    return 1;
}

static int bm_write(const char *path, const unsigned char *b, size_t n, const char *name)
{
    FILE *f = fopen(path, "wb");
    char up[64];
    size_t i;
    int ok;
    for (i = 0; name && name[i] && i + 1 < sizeof up; i++)
        up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
    up[i] = 0;
    if (!f) {
        fprintf(stderr, "error: cannot open %s\n", path);
        return 1;
    }
    if (!name) {
        ok = fwrite(b, 1, n, f) == n;
    } else {
        ok = fprintf(f, "/* %s - a model blob (attention.h MODEL BLOBS), %lu bytes, written by\n"
                        "   tools/blob_model.c; do not edit. */\n"
                        "#if defined(__GNUC__) || defined(__clang__)\n"
                        "#define %s_ALIGNED __attribute__((aligned(16)))\n#else\n"
                        "#define %s_ALIGNED\n#endif\n"
                        "#define %s_SIZE %luu\n"
                        "static const unsigned char %s[%lu] %s_ALIGNED = {",
                     name, (unsigned long)n, up, up, up, (unsigned long)n, name,
                     (unsigned long)n, up) > 0;
        for (i = 0; ok && i < n; i++)
            ok = fprintf(f, "%s%u,", i % 24 == 0 ? "\n    " : "", (unsigned)b[i]) > 0;
        ok = ok && fprintf(f, "\n};\n") > 0;
    }
    if (fclose(f) != 0) ok = 0;
    if (!ok) fprintf(stderr, "error: cannot write %s\n", path);
    return !ok;
}

int main(int argc, char **argv)
{
    size_t n = 0, arena_bytes = 1u << 16;
    unsigned char *b;
    void *mem;
    attn_arena arena;
    attn_status st;
    bm_cfg cfg;
    bm_w w;
    const char *name = NULL, *out;
    int rc;
    if (argc == 4 && strcmp(argv[1], "-c") == 0) {
        name = argv[2];
        out = argv[3];
        if (strlen(name) >= 64) {
            fprintf(stderr, "error: the name %s is longer than 63 characters\n", name);
            return 1;
        }
    } else if (argc == 2) {
        out = argv[1];
    } else {
        fprintf(stderr, "usage: %s OUT.bin | %s -c NAME OUT.h\n", argv[0], argv[0]);
        return 1;
    }
    if ((st = BM_SAVE(NULL, 0, &n, &BM_CFG, &BM_W)) != ATTN_OK) return bm_fail("size query", st);
    /* malloc's memory is aligned for any object: the loader's 4 bytes */
    b = (unsigned char *)malloc(n);
    mem = malloc(arena_bytes);
    if (!b || !mem) {
        fprintf(stderr, "error: out of memory (%lu bytes)\n", (unsigned long)n);
        return 1;
    }
    if ((st = BM_SAVE(b, n, &n, &BM_CFG, &BM_W)) != ATTN_OK) return bm_fail("save", st);
    attn_arena_init(&arena, mem, arena_bytes);
    if ((st = BM_LOAD(&cfg, &w, b, n, &arena)) != ATTN_OK) return bm_fail("load back", st);
    rc = bm_write(out, b, n, name);
    free(b);
    free(mem);
    return rc;
}
