/* check.h - the test runner's tiny harness: named checks, counted; cases that
   do not fit the board, counted apart; one RAM pool that every group carves
   its buffers from. */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>

#include "attention.h"

/* No format string of the runner has a float conversion (%e %f %g): newlib
   formats floats with dtoa, which calls malloc, and newlib's malloc grows the
   heap to a 4 KB boundary on first use, which a 16 KB board does not have to
   spare. Floats are printed as strings made by check_e(). */

/* Records one check; prints it when it fails (or always when verbose).
   Returns ok so callers can stop early. */
int check(int ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Records a case this build cannot run (too little RAM or flash on this
   board) and prints "  left out: <fmt>". Never counted as a pass or a fail:
   main prints the total on its own line, "N left out (do not fit this board)",
   before the final "N passed, N failed". fmt names the case, then why, with
   the bytes needed and available. */
void check_left_out(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Records a row that shows a known defect of attention.h, one being fixed:
   not run (unless the runner was started with -k), never counted as a pass
   or a fail; printed as "  left out: known defect: <fmt>" and counted on
   its own line, "N left out as known defects (-k runs them)". */
void check_known_defect(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* 1 if known-defect rows are to run (the runner's -k). */
int check_known_defects_run(void);

/* ---- the RAM pool --------------------------------------------------------
   One static buffer of CHECK_POOL_BYTES (main.c; default 256 KB, a board build
   passes less, e.g. -DCHECK_POOL_BYTES=9216 on the micro:bit). Each group, and
   each case within it, resets the pool and takes what it needs, so the groups'
   memory overlaps instead of adding up. No malloc. Blocks are aligned to and
   rounded up to CHECK_ALIGN, so a sum of check_block() sizes is exactly what
   the same sequence of check_take() calls uses. */
#define CHECK_ALIGN ATTN_ALIGN

void check_pool_reset(void);
/* The next `bytes` (rounded up to CHECK_ALIGN) of the pool, aligned to
   CHECK_ALIGN; NULL if they do not fit (then nothing is taken). */
void *check_take(size_t bytes);
float *check_take_floats(size_t n);
/* Bytes left in the pool. */
size_t check_pool_free(void);
/* What check_take(bytes) uses of the pool (SIZE_MAX if that overflows). */
size_t check_block(size_t bytes);
#define CHECK_FLOATS(n) check_block((size_t)(n) * sizeof(float))
/* 1 if `bytes` (a sum of check_block() sizes) fit in the free pool; else lists
   the case named by fmt as left out, with the bytes it needs and the bytes
   the pool has, and returns 0. */
int check_fits(size_t bytes, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* An arena over all that is left of the pool (and takes it). */
void check_take_rest_arena(attn_arena *arena);

/* ---- planning a case's buffers ---------------------------------------------
   A case whose buffers depend on its shape takes them in a loop that runs
   twice: the first pass only counts (check_plan_take returns NULL, which
   the body must not use), the second takes the same sizes from a freshly
   reset pool - unless they do not fit, and then the case is listed as left
   out (check_fits) and the loop ends after one pass:
       while (check_plan("int8 linear case %d", t)) {
           x = (int8_t *)check_plan_take(n);
           y = (int8_t *)check_plan_take(m);
       }
       if (!check_planned()) continue;    (left out: printed and counted)
   The body takes the same sizes in the same order on both passes and does
   not break out of the loop; fmt names the case in the left-out line. */
int check_plan(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void *check_plan_take(size_t bytes);
/* 1 if the last planned case got its buffers, 0 if it was left out. */
int check_planned(void);

/* v as printf("%.<digits>e") shows it (digits 0..9), in buf, which must hold
   CHECK_E_CHARS; returns buf. Rounds half up where printf rounds to even, so
   an exact tie may differ in its last digit. */
#define CHECK_E_CHARS 24
const char *check_e(char *buf, double v, int digits);

/* max |got - want| / max(1, |want|) over n values; NaN in got counts as inf. */
double check_max_rel_err(const float *got, const float *want, size_t n);
/* 1 if every value is finite. */
int check_all_finite(const float *x, size_t n);

/* Deterministic pseudo-random floats in [lo, hi). */
void check_seed(unsigned seed);
float check_uniform(float lo, float hi);
void check_fill(float *x, size_t n, float lo, float hi);

/* ---- the parts of the suite ---------------------------------------------
   The host runs every group in one program. A board build makes five
   programs of the same files (the Makefile's test, test-dec, test-bad,
   test-forms and test-blob),
   so that each one's code and golden data fit the board's flash; each
   program runs the parts its build defines:
     CHECK_PART_ENCODER    the encoder side: test_golden (the encoder golden
                           cases), test_properties, test_s8, test_quant,
                           test_fast, test_hardening, test_fuzz_found
     CHECK_PART_DECODER    the decoder side (issue 10): test_decoder, with the
                           decoder-side golden cases
     CHECK_PART_BAD_INPUT  test_bad_input: every table of the bad-input
                           engine, both sides (bad_input.c)
     CHECK_PART_FORMS      the attention forms of issue 11: test_additive,
                           with its golden cases (a program of its own on a
                           board: the others' flash is full on the micro:bit)
     CHECK_PART_BLOB       model blobs (issue 12): test_blob, the real models'
                           blobs made at build time (build/blob/) and tiny
                           ones (a program of its own on a board: the
                           models' headers and their blobs take flash)
   None defined: all five. Test for them with #ifdef. */
#if !defined(CHECK_PART_ENCODER) && !defined(CHECK_PART_DECODER) && \
    !defined(CHECK_PART_BAD_INPUT) && !defined(CHECK_PART_FORMS) && !defined(CHECK_PART_BLOB)
#define CHECK_PART_ENCODER 1
#define CHECK_PART_DECODER 1
#define CHECK_PART_BAD_INPUT 1
#define CHECK_PART_FORMS 1
#define CHECK_PART_BLOB 1
#endif

/* The test groups, each in its own file. */
void test_golden(void);
void test_properties(void);
void test_bad_input(void);
void test_s8(void);
void test_quant(void);
void test_fast(void);
void test_hardening(void);
void test_fuzz_found(void);
void test_decoder(void);
void test_additive(void);
void test_blob(void);
void test_s8_forms(void); /* test_s8.c: issue 11's int8 forms (CHECK_PART_FORMS) */

/* The bad-input engine's list of the public functions it covers (main's
   --bad-input-functions; bad_input.c). */
void bad_input_functions(void);

#endif
